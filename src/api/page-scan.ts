/**
 * Finds the items of a ZenML `Page` in the response bytes without building them as objects.
 *
 * Why: `call --paginate` of a long list parsed every page into thousands of objects only to
 * serialize each again, and those objects, alive while a page was printed, were what V8's
 * young generation kept and promoted: peak memory grew with the list (bench/details/RESULTS.md). Here a
 * validating scan of the bytes (RFC 8259 grammar) marks where each item starts and ends; an item
 * that `JSON.stringify(JSON.parse(bytes))` would print byte for byte the same is copied out as
 * it is, and the others are parsed and printed again: insignificant whitespace, escapes,
 * non-ASCII text, fractions and exponents, integers of 16 digits or more, integer-like or repeated
 * keys, and (to keep the check cheap) objects of more than 64 keys; some of those would print the
 * same anyway. So the output is exactly what parsing every item would print.
 */

export class PageScanError extends SyntaxError {}

/** One item of a scanned page: its bytes, and whether they are already in canonical form. */
export interface RawItem {
  start: number;
  end: number;
  canonical: boolean;
}

export interface ScannedPage {
  index: number;
  total_pages: number;
  /** When the page says it (ZenML's pages do). */
  max_size?: number;
  items: RawItem[];
}

const MAX_DEPTH = 512;
const MAX_KEYS_CHECKED = 64;

// Byte classes.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

class Scanner {
  i = 0;
  /** Cleared by anything that would print differently after JSON.parse + JSON.stringify. */
  canonical = true;

  constructor(private readonly b: Buffer) {}

  fail(what: string): never {
    throw new PageScanError(`${what} at byte ${this.i}`);
  }

  ws(): void {
    const b = this.b;
    while (this.i < b.length && isWs(b[this.i]!)) this.i++;
  }

  /** Inside an item, whitespace is legal but not canonical. */
  wsInItem(): void {
    const at = this.i;
    this.ws();
    if (this.i !== at) this.canonical = false;
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nested too deep');
    const c = this.b[this.i];
    if (c === OPEN_BRACE) return this.object(depth);
    if (c === OPEN_BRACKET) return this.array(depth);
    if (c === QUOTE) return void this.string();
    if (c === MINUS || (c !== undefined && isDigit(c))) return this.number();
    if (this.literal('true') || this.literal('false') || this.literal('null')) return;
    this.fail('unexpected byte');
  }

  literal(word: string): boolean {
    const b = this.b;
    if (this.i + word.length > b.length) return false;
    for (let k = 0; k < word.length; k++) if (b[this.i + k] !== word.charCodeAt(k)) return false;
    this.i += word.length;
    return true;
  }

  /** Scans a string; returns [start, end) of its contents, without the quotes. */
  string(): [number, number] {
    const b = this.b;
    const start = ++this.i;
    for (;;) {
      if (this.i >= b.length) this.fail('unterminated string');
      const c = b[this.i]!;
      if (c === QUOTE) break;
      if (c < 0x20) this.fail('control character in a string');
      if (c === BACKSLASH) {
        this.canonical = false;
        const e = b[this.i + 1];
        if (e === 0x75) {
          // \uXXXX
          for (let k = 2; k < 6; k++) {
            const h = b[this.i + k];
            if (h === undefined || !((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) this.fail('bad \\u escape');
          }
          this.i += 6;
          continue;
        }
        if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          this.i += 2;
          continue;
        }
        this.fail('bad escape');
      }
      // Non-ASCII: JSON.parse of the decoded text would replace invalid UTF-8, and JSON.stringify
      // escapes lone surrogates; leave all of it to the parser.
      if (c >= 0x80) this.canonical = false;
      this.i++;
    }
    const end = this.i++;
    return [start, end];
  }

  number(): void {
    const b = this.b;
    const start = this.i;
    if (b[this.i] === MINUS) this.i++;
    const intStart = this.i;
    if (b[this.i] === 0x30) this.i++;
    else if (b[this.i] !== undefined && isDigit(b[this.i]!)) while (this.i < b.length && isDigit(b[this.i]!)) this.i++;
    else this.fail('bad number');
    const intDigits = this.i - intStart;
    let plain = true;
    if (b[this.i] === 0x2e) {
      plain = false;
      this.i++;
      if (!(b[this.i] !== undefined && isDigit(b[this.i]!))) this.fail('bad number');
      while (this.i < b.length && isDigit(b[this.i]!)) this.i++;
    }
    if (b[this.i] === 0x65 || b[this.i] === 0x45) {
      plain = false;
      this.i++;
      if (b[this.i] === 0x2b || b[this.i] === MINUS) this.i++;
      if (!(b[this.i] !== undefined && isDigit(b[this.i]!))) this.fail('bad number');
      while (this.i < b.length && isDigit(b[this.i]!)) this.i++;
    }
    // Integers of up to 15 digits print as they are written; "-0" prints as 0.
    const negativeZero = b[start] === MINUS && intDigits === 1 && b[intStart] === 0x30;
    if (!plain || intDigits > 15 || negativeZero) this.canonical = false;
  }

  array(depth: number): void {
    this.i++;
    this.wsInItem();
    if (this.b[this.i] === CLOSE_BRACKET) {
      this.i++;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.wsInItem();
      const c = this.b[this.i];
      if (c === COMMA) {
        this.i++;
        this.wsInItem();
        continue;
      }
      if (c === CLOSE_BRACKET) {
        this.i++;
        return;
      }
      this.fail('expected , or ]');
    }
  }

  object(depth: number): void {
    const b = this.b;
    this.i++;
    this.wsInItem();
    if (b[this.i] === CLOSE_BRACE) {
      this.i++;
      return;
    }
    const keys: Array<[number, number]> = [];
    for (;;) {
      if (b[this.i] !== QUOTE) this.fail('expected a key');
      const key = this.string();
      this.checkKey(key, keys);
      this.wsInItem();
      if (b[this.i] !== COLON) this.fail('expected :');
      this.i++;
      this.wsInItem();
      this.value(depth + 1);
      this.wsInItem();
      const c = b[this.i];
      if (c === COMMA) {
        this.i++;
        this.wsInItem();
        continue;
      }
      if (c === CLOSE_BRACE) {
        this.i++;
        return;
      }
      this.fail('expected , or }');
    }
  }

  /**
   * JSON.parse keeps the last of repeated keys, and V8 puts integer-like keys ("0", "17") first:
   * either would print differently.
   */
  checkKey([s, e]: [number, number], keys: Array<[number, number]>): void {
    if (!this.canonical) return;
    const b = this.b;
    if (e > s && e - s <= 10 && isDigit(b[s]!) && (b[s] !== 0x30 || e - s === 1)) {
      let allDigits = true;
      for (let k = s; k < e; k++) if (!isDigit(b[k]!)) allDigits = false;
      if (allDigits) {
        this.canonical = false;
        return;
      }
    }
    if (keys.length >= MAX_KEYS_CHECKED) {
      this.canonical = false;
      return;
    }
    for (const [ks, ke] of keys) {
      if (ke - ks === e - s && b.compare(b, s, e, ks, ke) === 0) {
        this.canonical = false;
        return;
      }
    }
    keys.push([s, e]);
  }
}

function keyIs(b: Buffer, [s, e]: [number, number], name: string): boolean {
  return e - s === name.length && b.toString('latin1', s, e) === name;
}

/**
 * Scans a response body that should be a ZenML Page. Returns its items' positions, or null when
 * the body is valid JSON but not a page this scanner can describe (no items array, index or
 * total_pages not plain integers, a key written with escapes): the caller parses it instead.
 * Throws PageScanError when the body is not valid JSON, and also for valid JSON nested more than
 * 512 deep (the caller's full parse then decides).
 */
export function scanPage(body: Buffer): ScannedPage | null {
  const s = new Scanner(body);
  const b = body;
  s.ws();
  if (b[s.i] !== OPEN_BRACE) {
    s.value(0);
    s.ws();
    if (s.i !== b.length) s.fail('trailing bytes');
    return null;
  }
  s.i++;
  s.ws();
  let items: RawItem[] | null = null;
  let index: number | null = null;
  let totalPages: number | null = null;
  let maxSize: number | undefined;
  let describable = true;
  if (b[s.i] === CLOSE_BRACE) s.i++;
  else
    for (;;) {
      if (b[s.i] !== QUOTE) s.fail('expected a key');
      s.canonical = true;
      const key = s.string();
      if (!s.canonical) describable = false; // an escaped key: let the parser decide what it says
      s.ws();
      if (b[s.i] !== COLON) s.fail('expected :');
      s.i++;
      s.ws();
      if (keyIs(b, key, 'items') && b[s.i] === OPEN_BRACKET) {
        items = [];
        s.i++;
        s.ws();
        if (b[s.i] === CLOSE_BRACKET) s.i++;
        else
          for (;;) {
            const start = s.i;
            s.canonical = true;
            s.value(1);
            items.push({ start, end: s.i, canonical: s.canonical });
            s.ws();
            if (b[s.i] === COMMA) {
              s.i++;
              s.ws();
              continue;
            }
            if (b[s.i] === CLOSE_BRACKET) {
              s.i++;
              break;
            }
            s.fail('expected , or ]');
          }
      } else {
        const start = s.i;
        s.canonical = true;
        s.value(1);
        if (keyIs(b, key, 'index') || keyIs(b, key, 'total_pages') || keyIs(b, key, 'max_size')) {
          const n = s.canonical ? Number(b.toString('latin1', start, s.i)) : NaN;
          if (!Number.isSafeInteger(n)) describable = false;
          if (keyIs(b, key, 'index')) index = n;
          else if (keyIs(b, key, 'total_pages')) totalPages = n;
          else maxSize = n;
        } else if (keyIs(b, key, 'items')) items = null; // items that are not an array
      }
      s.ws();
      if (b[s.i] === COMMA) {
        s.i++;
        s.ws();
        continue;
      }
      if (b[s.i] === CLOSE_BRACE) {
        s.i++;
        break;
      }
      s.fail('expected , or }');
    }
  s.ws();
  if (s.i !== b.length) s.fail('trailing bytes');
  if (!describable || items === null || index === null || totalPages === null) return null;
  return { index, total_pages: totalPages, ...(maxSize !== undefined ? { max_size: maxSize } : {}), items };
}

/**
 * A page whose items are Buffers of their canonical JSON where the scan allows it, and parsed
 * values elsewhere (a parsed value is never a Buffer). `parse` is the caller's full parse, used
 * when the body is not a page the scanner can describe or not JSON at all (its error is the one
 * to report).
 */
export function openPage(body: Buffer, parse: () => unknown): unknown {
  let scanned: ScannedPage | null;
  try {
    scanned = scanPage(body);
  } catch {
    return parse();
  }
  if (!scanned) return parse();
  const items = scanned.items.map((it) => (it.canonical ? body.subarray(it.start, it.end) : (JSON.parse(body.toString('utf8', it.start, it.end)) as unknown)));
  return { index: scanned.index, total_pages: scanned.total_pages, ...(scanned.max_size !== undefined ? { max_size: scanned.max_size } : {}), items };
}
