/**
 * Removes anything that looks like a ZenML secret from a line before it is logged or shown.
 * Used by --verbose logging and by error messages that quote server text.
 */
const PATTERNS: RegExp[] = [
  /ZENPROKEY_[A-Za-z0-9+/=_-]+/g,
  /ZENKEY_[A-Za-z0-9+/=_-]+/g,
  // JWTs: three base64url parts, the first starting with eyJ ({").
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g,
];

export function redact(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const p of PATTERNS) out = out.replace(p, (m) => `${m.slice(0, m.startsWith('eyJ') ? 3 : m.indexOf('_') + 1)}…[redacted]`);
  for (const s of extra) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
