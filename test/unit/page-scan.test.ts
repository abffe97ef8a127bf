/**
 * The page scanner must print exactly what parsing would: for every page, the items it copies
 * or re-prints equal JSON.stringify of JSON.parse's items, and it refuses exactly the bodies
 * JSON.parse refuses. Checked on hand-picked cases and on seeded random pages and mutations.
 */
import { describe, expect, it } from 'vitest';
import { openPage, PageScanError, scanPage } from '../../src/api/page-scan.js';

/** What `call --paginate --jsonl` printed before the scanner: every item parsed and stringified. */
function viaParse(body: Buffer): string[] {
  return (JSON.parse(body.toString('utf8')) as { items: unknown[] }).items.map((i) => JSON.stringify(i));
}

function viaScan(body: Buffer): string[] {
  const page = openPage(body, () => JSON.parse(body.toString('utf8'))) as { items: unknown[] };
  return page.items.map((i) => (Buffer.isBuffer(i) ? i.toString('utf8') : JSON.stringify(i)));
}

const page = (items: string, extra = '') => Buffer.from(`{"index":2,"max_size":50,"total_pages":7,"total":321,"items":[${items}]${extra}}`);

describe('scanPage', () => {
  it('finds the items, index and total_pages of a compact page', () => {
    const b = page('{"id":"a","n":1},{"id":"b","tags":["x",true,null],"body":{"k":-3}}');
    const s = scanPage(b)!;
    expect(s.index).toBe(2);
    expect(s.total_pages).toBe(7);
    expect(s.items.map((i) => [b.toString('utf8', i.start, i.end), i.canonical])).toEqual([
      ['{"id":"a","n":1}', true],
      ['{"id":"b","tags":["x",true,null],"body":{"k":-3}}', true],
    ]);
  });

  it('marks what would print differently after a parse', () => {
    const cases: Array<[string, boolean]> = [
      ['{"a":1}', true],
      ['{"a": 1}', false], // whitespace
      ['{"a":"\\u0041"}', false], // escape
      ['{"a":"\\n"}', false],
      ['{"a":"é"}', false], // non-ASCII
      ['{"a":1.5}', false],
      ['{"a":1.0}', false],
      ['{"a":1e3}', false],
      ['{"a":-0}', false],
      ['{"a":1234567890123456}', false], // 16 digits
      ['{"a":123456789012345}', true], // 15 digits
      ['{"a":1,"a":2}', false], // repeated key
      ['{"b":1,"1":2}', false], // integer-like key moves first
      ['{"b":1,"01":2}', true], // not integer-like
      ['[1,[2,{"x":[]}]]', true],
      ['"plain"', true],
      ['null', true],
    ];
    for (const [item, canonical] of cases) {
      const s = scanPage(page(item))!;
      expect([item, s.items[0]!.canonical]).toEqual([item, canonical]);
      expect(viaScan(page(item))).toEqual(viaParse(page(item)));
    }
  });

  it('returns null for JSON that is not a page it can describe', () => {
    expect(scanPage(Buffer.from('[1,2]'))).toBeNull();
    expect(scanPage(Buffer.from('{"items":[1]}'))).toBeNull();
    expect(scanPage(Buffer.from('{"index":1.5,"total_pages":1,"items":[]}'))).toBeNull();
    expect(scanPage(Buffer.from('{"index":1,"total_pages":1,"items":{}}'))).toBeNull();
    expect(scanPage(Buffer.from('{"index":1,"total_pages":1,"it\\u0065ms":[]}'))).toBeNull();
    // the last of repeated keys wins, as in JSON.parse
    expect(scanPage(Buffer.from('{"index":1,"total_pages":1,"items":[1],"items":[2,3]}'))!.items).toHaveLength(2);
  });

  it('refuses what JSON.parse refuses', () => {
    for (const bad of ['', ' ', '{', '{"a":1,}', '{"index":1,"total_pages":1,"items":[1,]}', '{"a":01}', '{"a":.5}', '{"a":"\t"}', '{"a":"\\x"}', '{"a":tru}', '{} {}', '{"a":1} x', '<html>', '{"a":"\\u12"}', '{"a":-}', '{"a":1e}']) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(() => scanPage(Buffer.from(bad))).toThrow(PageScanError);
    }
  });
});

// ---- seeded random pages --------------------------------------------------------------------

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return Math.floor((r() - 0.5) * 10 ** Math.floor(r() * 18));
    case 3:
      return [0.5, -0, 1e21, 3.25, 1e-7, -12.75][Math.floor(r() * 6)];
    case 4:
    case 5: {
      const alphabet = ['a', 'b', 'Z', ' ', '"', '\\', '/', '\n', 'é', '€', '😀', '\u0001', '\u2028'];
      let t = '';
      const n = Math.floor(r() * 8);
      for (let i = 0; i < n; i++) t += alphabet[Math.floor(r() * alphabet.length)];
      return t;
    }
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['id', 'name', 'body', 'metadata', '0', '12', 'a b', 'é', 'x'];
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) o[keys[Math.floor(r() * keys.length)]!] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** JSON text of `v` with random insignificant whitespace and some escaped characters. */
function randomText(v: unknown, r: () => number): string {
  const ws = () => (r() < 0.15 ? [' ', '\n', '\t', '\r\n  '][Math.floor(r() * 4)]! : '');
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => `${ws()}${randomText(x, r)}${ws()}`).join(',')}${ws()}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${randomText(x, r)}`);
    // sometimes a repeated key, which JSON.parse resolves to the last
    if (entries.length && r() < 0.1) entries.unshift(`"id":${randomText(randomValue(r, 5), r)}`);
    return `{${entries.join(',')}${ws()}}`;
  }
  if (typeof v === 'string' && r() < 0.2) return `"${[...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
  if (typeof v === 'number' && r() < 0.1 && Number.isInteger(v) && !/e/.test(String(v))) return `${v}.0`;
  return JSON.stringify(v);
}

describe('scanPage on seeded random pages', () => {
  it('prints what parsing prints, item for item, on 400 pages', () => {
    const r = rng(20261128);
    let copied = 0;
    let reparsed = 0;
    for (let n = 0; n < 400; n++) {
      const items = Array.from({ length: Math.floor(r() * 12) }, () => randomValue(r, 0));
      const text = r() < 0.5 ? JSON.stringify(items) : randomText(items, r);
      const body = Buffer.from(`{"index":${n + 1},"total_pages":400,"total":1,"items":${text}}`);
      expect(viaScan(body)).toEqual(viaParse(body));
      for (const it of scanPage(body)!.items) it.canonical ? copied++ : reparsed++;
    }
    // Both paths were exercised.
    expect(copied).toBeGreaterThan(200);
    expect(reparsed).toBeGreaterThan(200);
  });

  it('refuses exactly the mutated bodies that JSON.parse refuses', () => {
    const r = rng(7);
    let refused = 0;
    for (let n = 0; n < 1500; n++) {
      const items = Array.from({ length: 1 + Math.floor(r() * 4) }, () => randomValue(r, 0));
      const body = Buffer.from(`{"index":1,"total_pages":1,"items":${randomText(items, r)}}`);
      const at = Math.floor(r() * body.length);
      const mutated =
        r() < 0.5
          ? Buffer.concat([body.subarray(0, at), body.subarray(at + 1)])
          : Buffer.concat([body.subarray(0, at), Buffer.from([[0x2c, 0x22, 0x5d, 0x7d, 0x30, 0x2e, 0x5c, 0x20, 0x01][Math.floor(r() * 9)]!]), body.subarray(at)]);
      let parseOk = true;
      try {
        JSON.parse(mutated.toString('utf8'));
      } catch {
        parseOk = false;
      }
      let scanOk = true;
      try {
        scanPage(mutated);
      } catch (e) {
        expect(e).toBeInstanceOf(PageScanError);
        scanOk = false;
      }
      expect([mutated.toString('utf8'), scanOk]).toEqual([mutated.toString('utf8'), parseOk]);
      if (!parseOk) refused++;
      if (parseOk && scanPage(mutated)) expect(viaScan(mutated)).toEqual(viaParse(mutated));
    }
    expect(refused).toBeGreaterThan(300);
  });
});
