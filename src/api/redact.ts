/**
 * Removes anything that looks like a ZenML secret from a line before it is logged or shown:
 * every secret this process knows, by value, and the ZENKEY_, ZENPROKEY_ and JWT shapes.
 * cli.ts passes every line the tool writes to stderr through here, --verbose or not.
 */
const PATTERNS: RegExp[] = [
  /ZENPROKEY_[A-Za-z0-9+/=_-]+/g,
  /ZENKEY_[A-Za-z0-9+/=_-]+/g,
  // JWTs: three base64url parts, the first starting with eyJ ({").
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g,
];

/** The secrets this process has read or been given (keys, passwords, tokens). */
const known: string[] = [];

/** Registers a secret so that no line written to stderr or a log shows it. */
export function rememberSecret(value: string | null | undefined): void {
  if (value && value.length >= 4 && !known.includes(value)) known.push(value);
}

/** The live list of known secrets (the HTTP client's log redaction reads it). */
export function knownSecrets(): string[] {
  return known;
}

export function redact(text: string, extra: readonly string[] = known): string {
  let out = text;
  for (const p of PATTERNS) out = out.replace(p, (m) => `${m.slice(0, m.startsWith('eyJ') ? 3 : m.indexOf('_') + 1)}…[redacted]`);
  // Longest first, so that a secret containing another is not left half-shown.
  for (const s of [...extra, ...(extra === known ? [] : known)].sort((a, b) => b.length - a.length)) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
