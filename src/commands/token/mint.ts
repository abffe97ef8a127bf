/**
 * Minting a short-lived token through /api/v1/api_token: the one path shared by
 * `token --expires-in`, `exec` and `env`.
 */
import type { ZenmlApi } from '../../api/zenml.js';
import type { ServerSession } from '../../auth/session.js';
import { computeExpiry } from '../../auth/tokens.js';
import { UsageError } from '../../errors.js';
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

/** Asks the session's server for a new token of that lifetime, with its version's parameters. */
export async function mintToken(session: ServerSession, api: ZenmlApi, seconds: number, ctx: Pick<Ctx, 'now' | 'warn'>): Promise<MintedToken> {
  const version = session.profile.settings.serverVersion ?? (await api.info()).version;
  const now = ctx.now();
  const token = await api.apiToken(seconds, version);
  const expiresAt = computeExpiry(token, null, now);
  if (expiresAt === null) ctx.warn('warning: the server returned a token that never expires (it ignored the requested lifetime)');
  return { token, expiresAt };
}
