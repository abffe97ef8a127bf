// Small helpers shared by the ZenML and Pro stand-ins: clocks, Python-style
// formatting (timestamps, repr), form parsing, UUIDs.
import { randomBytes, randomUUID } from 'node:crypto';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuid4(): string {
  return randomUUID();
}

/** Parses a UUID the way Python's `UUID(str)` does (hyphens optional, braces and `urn:uuid:` allowed). */
export function parseUuid(value: string): string | null {
  let s = value.trim();
  if (s.toLowerCase().startsWith('urn:uuid:')) s = s.slice(9);
  s = s.replace(/^\{/, '').replace(/\}$/, '').replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(s)) return null;
  s = s.toLowerCase();
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function tokenHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A settable clock: everything time-dependent in a stand-in reads it. */
export class Clock {
  offsetMs = 0;
  /** When set, time stands still here (ms): a test can make logins fall in the same second. */
  frozenMs: number | null = null;
  private lastMicros = 0;
  nowMs(): number {
    return (this.frozenMs ?? Date.now()) + this.offsetMs;
  }
  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }
  /** Strictly increasing microseconds since the epoch (distinct timestamps like a real DB). */
  nowMicros(): number {
    const base = Math.floor((performance.timeOrigin + performance.now()) * 1000) + this.offsetMs * 1000;
    const next = Math.max(base, this.lastMicros + 1);
    this.lastMicros = next;
    return next;
  }
}

/** Naive ISO-8601 UTC with microseconds, omitted when zero (Python `datetime.isoformat()`). */
export function formatTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const us = micros - Math.floor(micros / 1_000_000) * 1_000_000;
  const base = new Date(ms).toISOString().slice(0, 19);
  return us === 0 ? base : `${base}.${String(us).padStart(6, '0')}`;
}

export const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

/** Parses the naive timestamps used on the wire (and `%Y-%m-%d %H:%M:%S`) as UTC; returns micros. */
export function parseTimestamp(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(value.trim());
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(ms)) return null;
  const frac = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  return ms * 1000 + frac;
}

/** Python `repr()` of a str. */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + q;
}

/** Python `repr()` of a JSON-like value (tuples given as {tuple: [...]}). */
export function pyReprValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyRepr(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(pyReprValue).join(', ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.__tuple__)) {
      const items = (o.__tuple__ as unknown[]).map(pyReprValue);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    return `{${Object.entries(o)
      .map(([k, x]) => `${pyRepr(k)}: ${pyReprValue(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

export function tuple(...items: unknown[]): { __tuple__: unknown[] } {
  return { __tuple__: items };
}

/**
 * Reads form fields like FastAPI's `Form(None)`: urlencoded or multipart
 * bodies only (anything else, e.g. JSON, yields no fields), last value wins,
 * empty strings count as absent.
 */
export function parseForm(contentType: string | undefined, body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
      out[k] = v;
    }
  } else if (ct === 'multipart/form-data') {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const boundary = m?.[1] ?? m?.[2]?.trim();
    if (boundary) {
      const text = body.toString('utf8');
      for (const part of text.split(`--${boundary}`)) {
        const idx = part.indexOf('\r\n\r\n');
        if (idx < 0) continue;
        const head = part.slice(0, idx);
        const name = /name="([^"]*)"/i.exec(head)?.[1];
        if (name === undefined || /filename=/i.test(head)) continue;
        let value = part.slice(idx + 4);
        if (value.endsWith('\r\n')) value = value.slice(0, -2);
        out[name] = value;
      }
    }
  }
  for (const k of Object.keys(out)) if (out[k] === '') delete out[k];
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Python `base64.b64decode(s)` (non-strict): invalid characters are skipped; bad padding throws. */
export function pyB64Decode(s: string): Buffer {
  const cleaned = s.replace(/[^A-Za-z0-9+/=]/g, '');
  const eq = cleaned.indexOf('=');
  const data = eq >= 0 ? cleaned.slice(0, eq) : cleaned;
  if (data.length % 4 === 1) throw new Error('Invalid base64-encoded string');
  const needed = (4 - (data.length % 4)) % 4;
  const pad = eq >= 0 ? cleaned.slice(eq) : '';
  if (needed > 0 && pad.length < needed) throw new Error('Incorrect padding');
  return Buffer.from(data, 'base64');
}

/** Python `json.dumps(obj)` with default separators, for flat objects of strings. */
export function pyJsonDumps(obj: Record<string, string>): string {
  return `{${Object.entries(obj)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/** The first error Python's utf-8 decoder would report, or null. */
export function pyUtf8Error(buf: Buffer): string | null {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return `'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: invalid start byte`;
    for (let j = 1; j <= need; j++) {
      if (i + j >= buf.length) {
        return `'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: unexpected end of data`;
      }
      const c = buf[i + j]!;
      if ((c & 0xc0) !== 0x80) {
        return `'utf-8' codec can't decode byte 0x${b.toString(16).padStart(2, '0')} in position ${i}: invalid continuation byte`;
      }
    }
    i += need + 1;
  }
  return null;
}

/** Python `json.loads` on bytes: returns the value or a Python-like error message. */
export function pyJsonLoads(buf: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  const utf = pyUtf8Error(buf);
  if (utf) return { ok: false, error: utf };
  const text = buf.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const pos = text.search(/\S/);
    const p = pos < 0 ? text.length : pos;
    const before = text.slice(0, p);
    const line = before.split('\n').length;
    const col = p - before.lastIndexOf('\n');
    return { ok: false, error: `Expecting value: line ${line} column ${col} (char ${p})` };
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const HTTP_REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
