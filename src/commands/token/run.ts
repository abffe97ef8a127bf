import { NetworkError, UsageError } from '../../errors.js';
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
      expires_at: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
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
    const [{ computeExpiry }, { rowForVersion }] = await Promise.all([import('../../auth/tokens.js'), import('../../api/versions.js')]);
    const stored = session.profile.settings.serverVersion;
    const version = stored ?? (await api.info()).version;
    const { row, note } = rowForVersion(version);
    // A stored version's row was already chosen, and said, when the client was built.
    if (note && !stored) ctx.net(opts).log?.(note);
    const now = ctx.now();
    const token = await api.apiToken(seconds, row);
    // 0.58 answers some callers (password logins) with their own token, whatever lifetime was
    // asked for: printing it would pass off a long-lived token as a short-lived one.
    if (token === (await session.validToken()).token) {
      throw new NetworkError(`the server (ZenML ${version}) handed back this profile's own token instead of a new one that expires in ${seconds} s; nothing printed`, {
        hint: row.apiToken.mayReturnCallerToken
          ? 'Servers of this version do this for tokens from a password login: log in with a service-account API key (`zenml-api login --api-key -`) to mint short-lived tokens.'
          : 'Mint the token in the dashboard instead.',
      });
    }
    const expiresAt = computeExpiry(token, null, now);
    if (expiresAt === null) ctx.warn('warning: the server returned a token that never expires (it ignored the requested lifetime)');
    if (opts.json) {
      printJson(ctx.io, {
        token,
        expires_at: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        profile: session.profile.name,
        server: session.profile.settings.server ?? null,
      });
    } else ctx.io.out(`${token}\n`);
  } finally {
    await client.close();
  }
}
