/**
 * Minting a short-lived token through /api/v1/api_token: the one path shared by
 * `token --expires-in`, `exec` and `env`.
 */
import type { ZenmlApi } from '../../api/zenml.js';
import type { ServerSession } from '../../auth/session.js';
import { computeExpiry } from '../../auth/tokens.js';
import { NetworkError, UsageError } from '../../errors.js';
import type { Ctx } from '../context.js';

/** A week: longer-lived credentials belong in an API key, not in a token handed around. */
const MAX_SECONDS = 604_800;

/** The value of `--expires-in`, checked: whole seconds from 1 to a week. */
export function expiresInSeconds(raw: string): number {
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SECONDS) {
    throw new UsageError(`--expires-in must be a whole number of seconds from 1 to ${MAX_SECONDS}, not ${JSON.stringify(String(raw).slice(0, 40))}`);
  }
  return seconds;
}

export interface MintedToken {
  token: string;
  /** Epoch ms, or null when the server ignored the requested lifetime. */
  expiresAt: number | null;
}

/** The server answered /api_token with the caller's own token: it will not mint this one. */
export class MintRefused extends NetworkError {}

/**
 * Asks the session's server for a new token of that lifetime, with its version's parameters
 * (api/versions.ts). A server that hands back the caller's own token (0.58 does for password
 * logins) is refused: printing it would pass off a long-lived token as a short-lived one.
 */
export async function mintToken(session: ServerSession, api: ZenmlApi, seconds: number, ctx: Pick<Ctx, 'now' | 'warn'>, log?: (line: string) => void): Promise<MintedToken> {
  const { rowForVersion } = await import('../../api/versions.js');
  const stored = session.profile.settings.serverVersion;
  const version = stored ?? (await api.info()).version;
  const { row, note } = rowForVersion(version);
  // A stored version's row was already chosen, and said, when the client was built.
  if (note && !stored) log?.(note);
  const now = ctx.now();
  const token = await api.apiToken(seconds, row);
  const expiresAt = computeExpiry(token, null, now);
  // The same string can also be a coincidence (tokens are deterministic within a second): it is
  // refused only when it would outlive what was asked for.
  const outlives = expiresAt === null || expiresAt > now + seconds * 1000 + 60_000;
  if (outlives && token === (await session.validToken()).token) {
    throw new MintRefused(`the server (ZenML ${version}) handed back this profile's own token instead of a new one that expires in ${seconds} s; nothing printed`, {
      hint: row.apiToken.mayReturnCallerToken
        ? 'Servers of this version do this for tokens from a password login: log in with a service-account API key (`zenml-api login --api-key -`) to mint short-lived tokens.'
        : 'Mint the token in the dashboard instead.',
    });
  }
  if (expiresAt === null) ctx.warn('warning: the server returned a token that never expires (it ignored the requested lifetime)');
  return { token, expiresAt };
}
