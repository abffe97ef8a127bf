import { UsageError } from '../../errors.js';
import { expiryIso } from '../../auth/tokens.js';
import { printJson } from '../../output/json.js';
import type { CommonOptions, Ctx } from '../context.js';
import { connect, openSession } from '../session.js';

interface Options extends CommonOptions {
  expiresIn?: string;
}

export async function run(_args: string[], opts: Options, ctx: Ctx): Promise<void> {
  if (opts.expiresIn !== undefined) return mint(opts, ctx);
  const session = openSession(ctx, opts);
  const t = await session.validToken();
  if (opts.json) {
    printJson(ctx.io, {
      token: t.token,
      expires_at: expiryIso(t.expiresAt),
      profile: session.profile.name,
      server: session.profile.settings.server ?? null,
    });
    return;
  }
  ctx.io.out(`${t.token}\n`);
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
    if (opts.json) {
      printJson(ctx.io, {
        token,
        expires_at: expiryIso(expiresAt),
        profile: session.profile.name,
        server: session.profile.settings.server ?? null,
      });
    } else ctx.io.out(`${token}\n`);
  } finally {
    await client.close();
  }
}
