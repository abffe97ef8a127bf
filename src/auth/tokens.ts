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

/**
 * The latest time kept for an expiry: the end of year 9999. A server may say `expires_in: 1e20`
 * or `exp: 1e308`; JavaScript dates end in year 275760 (and printing one past that throws), so
 * every time read from a server or from the store is clamped into [epoch, this].
 */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Clamps a time into what can be stored and printed; NaN counts as the epoch (long expired). */
export function clampTime(epochMs: number): number {
  if (Number.isNaN(epochMs)) return 0;
  return Math.min(Math.max(epochMs, 0), MAX_TIME_MS);
}

/** `exp` of the JWT, else `obtainedAt + expires_in`, else null (never expires); clamped. */
export function computeExpiry(token: string, expiresIn: number | null | undefined, obtainedAt: number): number | null {
  const exp = decodeJwtPayload(token)?.exp;
  if (typeof exp === 'number' && Number.isFinite(exp)) return clampTime(exp * 1000);
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn)) return clampTime(obtainedAt + expiresIn * 1000);
  return null;
}

/** An ISO-8601 UTC time for an epoch-ms value, clamped (see MAX_TIME_MS): never throws. */
export function isoTime(epochMs: number): string {
  return new Date(clampTime(epochMs)).toISOString();
}

/** An expiry for JSON output: ISO-8601 UTC, or null for "never". */
export function expiryIso(epochMs: number | null): string | null {
  return epochMs === null ? null : isoTime(epochMs);
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
      // Stored by an older version, or edited: a time that cannot be printed would crash later.
      expiresAt: typeof v.expiresAt === 'number' ? clampTime(v.expiresAt) : null,
      obtainedAt: typeof v.obtainedAt === 'number' ? clampTime(v.obtainedAt) : 0,
    };
  } catch {
    return null;
  }
}

export function formatWhen(epochMs: number, now: number): string {
  epochMs = clampTime(epochMs);
  const iso = isoTime(epochMs).replace(/\.\d{3}Z$/, 'Z');
  return `${iso} (${relativeTime(epochMs, now)})`;
}

/** "in 60 min", "5 s ago". */
export function relativeTime(epochMs: number, now: number): string {
  epochMs = clampTime(epochMs);
  const d = Math.round((epochMs - now) / 1000);
  const abs = Math.abs(d);
  const span = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} days`;
  return d >= 0 ? `in ${span}` : `${span} ago`;
}
