/**
 * What `token` prints, in one place for both of its paths: fast.ts (a stored valid token, no
 * commander, written straight to fd 1) and run.ts (the full CLI, renewals, --expires-in).
 */
import { expiryIso } from '../../auth/tokens.js';
import { formatJson } from '../../output/json.js';
import type { Io } from '../../output/io.js';

export interface TokenOutput {
  token: string;
  expiresAt: number | null;
  profile: string;
  server: string | null;
}

export function formatToken(t: TokenOutput, json: boolean | undefined, io: Pick<Io, 'stdoutIsTTY' | 'color'>): string {
  if (!json) return `${t.token}\n`;
  return formatJson({ token: t.token, expires_at: expiryIso(t.expiresAt), profile: t.profile, server: t.server }, io);
}
