import { UsageError } from '../../errors.js';
import type { Ctx } from '../context.js';
import type { TokenOptions } from './spec.js';
import { connect, openSession } from '../session.js';
import { formatToken } from './format.js';

type Options = TokenOptions;

export async function run(_args: string[], opts: Options, ctx: Ctx): Promise<void> {
  if (opts.expiresIn !== undefined) return mint(opts, ctx);
  const session = openSession(ctx, opts);
  const t = await session.validToken();
  ctx.io.out(formatToken({ token: t.token, expiresAt: t.expiresAt, profile: session.profile.name, server: session.profile.settings.server ?? null }, opts.json, ctx.io));
}

async function mint(opts: Options, ctx: Ctx): Promise<void> {
  const seconds = Number(opts.expiresIn);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 604_800) {
    throw new UsageError(`--expires-in must be a whole number of seconds from 1 to 604800, not ${JSON.stringify(String(opts.expiresIn).slice(0, 40))}`);
  }
  const { session, client, api } = await connect(ctx, opts);
  try {
    const { computeExpiry } = await import('../../auth/tokens.js');
    const version = session.profile.settings.serverVersion ?? (await api.info()).version;
    const now = ctx.now();
    const token = await api.apiToken(seconds, version);
    const expiresAt = computeExpiry(token, null, now);
    if (expiresAt === null) ctx.warn('warning: the server returned a token that never expires (it ignored the requested lifetime)');
    ctx.io.out(formatToken({ token, expiresAt, profile: session.profile.name, server: session.profile.settings.server ?? null }, opts.json, ctx.io));
  } finally {
    await client.close();
  }
}
