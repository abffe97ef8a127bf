import type { Ctx } from '../context.js';
import type { NoArgs } from '../options.js';
import type { TokenOptions } from './spec.js';
import { connect, openSession } from '../session.js';
import { formatToken } from './format.js';
import { expiresInSeconds, mintToken } from './mint.js';

type Options = TokenOptions;

export async function run(_args: NoArgs, opts: Options, ctx: Ctx): Promise<void> {
  if (opts.expiresIn !== undefined) return mint(opts, ctx);
  const session = openSession(ctx, opts);
  const t = await session.validToken();
  ctx.io.out(formatToken({ token: t.token, expiresAt: t.expiresAt, profile: session.profile.name, server: session.profile.settings.server ?? null }, opts.json, ctx.io));
}

async function mint(opts: Options, ctx: Ctx): Promise<void> {
  const seconds = expiresInSeconds(opts.expiresIn!);
  const { session, client, api } = await connect(ctx, opts);
  try {
    const { token, expiresAt } = await mintToken(session, api, seconds, ctx, ctx.net(opts).log);
    ctx.io.out(formatToken({ token, expiresAt, profile: session.profile.name, server: session.profile.settings.server ?? null }, opts.json, ctx.io));
  } finally {
    await client.close();
  }
}
