/**
 * Access tokens: how long they live and when to renew them (docs/zenml-api.md §4). Pure functions.
 */

export interface StoredToken {
  token: string;
  /** Epoch ms, or null for a token that never expires. */
  expiresAt: number | null;
  /** Epoch ms. */
  obtainedAt: number;
}

/** Decodes a JWT's payload without verifying it; null when it is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const json = Buffer.from(parts[1], 'base64url').toString('utf8');
    const v = JSON.parse(json) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `exp` of the JWT, else `obtainedAt + expires_in`, else null (never expires). */
export function computeExpiry(token: string, expiresIn: number | null | undefined, obtainedAt: number): number | null {
  const exp = decodeJwtPayload(token)?.exp;
  if (typeof exp === 'number' && Number.isFinite(exp)) return exp * 1000;
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn)) return obtainedAt + expiresIn * 1000;
  return null;
}

/** Renewal leeway: 30 s for tokens of under an hour, else 5 % of their lifetime. */
export function leewayMs(t: StoredToken): number {
  if (t.expiresAt === null) return 0;
  // When it is not known when the token was issued (a token from the environment), its
  // lifetime is unknown too: use the short leeway.
  if (t.obtainedAt <= 0 || t.obtainedAt > t.expiresAt) return 30_000;
  const lifetime = t.expiresAt - t.obtainedAt;
  return lifetime < 3_600_000 ? 30_000 : Math.floor(lifetime / 20);
}

/** True when the token should no longer be used (it has expired, or is about to). */
export function isExpiring(t: StoredToken, now: number): boolean {
  return t.expiresAt !== null && now >= t.expiresAt - leewayMs(t);
}

export function serializeToken(t: StoredToken): string {
  return JSON.stringify(t);
}

export function parseStoredToken(raw: string | null): StoredToken | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<StoredToken>;
    if (typeof v.token !== 'string' || v.token === '') return null;
    return {
      token: v.token,
      expiresAt: typeof v.expiresAt === 'number' ? v.expiresAt : null,
      obtainedAt: typeof v.obtainedAt === 'number' ? v.obtainedAt : 0,
    };
  } catch {
    return null;
  }
}

export function formatWhen(epochMs: number, now: number): string {
  const iso = new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${iso} (${relativeTime(epochMs, now)})`;
}

/** "in 60 min", "5 s ago". */
export function relativeTime(epochMs: number, now: number): string {
  const d = Math.round((epochMs - now) / 1000);
  const abs = Math.abs(d);
  const span = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} days`;
  return d >= 0 ? `in ${span}` : `${span} ago`;
}
