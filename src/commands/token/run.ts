import { expiryIso } from '../../auth/tokens.js';
import { printJson } from '../../output/json.js';
import type { CommonOptions, Ctx } from '../context.js';
import { connect, openSession } from '../session.js';
import { expiresInSeconds, mintToken } from './mint.js';

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
  const seconds = expiresInSeconds(opts.expiresIn!);
  const { session, client, api } = await connect(ctx, opts);
  try {
    const { token, expiresAt } = await mintToken(session, api, seconds, ctx, ctx.net(opts).log);
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
