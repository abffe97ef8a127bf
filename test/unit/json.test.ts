import { describe, expect, it } from 'vitest';
import { colorizeJson, formatJson, printJson } from '../../src/output/json.js';
import type { Io } from '../../src/output/io.js';

const KEY = '\x1b[34;1m';
const STR = '\x1b[32m';
const NUM = '\x1b[36m';
const LIT = '\x1b[35m';
const R = '\x1b[0m';
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

const value = {
  name: 'sa-1',
  active: true,
  metadata: null,
  count: -1.5e-7,
  total: 42,
  tags: ['a', 'b "quoted"', 'true', '12'],
  nested: { 'key with: colon': false },
};

describe('formatJson', () => {
  it('compact, no colour, one line, when stdout is not a terminal (even with color)', () => {
    for (const color of [false, true]) {
      const out = formatJson(value, { stdoutIsTTY: false, color });
      expect(out).toBe(`${JSON.stringify(value)}\n`);
      expect(out).not.toContain('\x1b');
      expect(out.split('\n')).toHaveLength(2);
    }
  });

  it('pretty with two spaces on a terminal without colour', () => {
    expect(formatJson({ a: 1, b: [true] }, { stdoutIsTTY: true, color: false })).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}\n');
  });

  it('pretty and coloured on a terminal with colour', () => {
    const out = formatJson(value, { stdoutIsTTY: true, color: true });
    expect(out).toBe(`${colorizeJson(value)}\n`);
    expect(stripAnsi(out)).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('a bare string, number or null', () => {
    expect(formatJson('0.58.0', { stdoutIsTTY: false, color: false })).toBe('"0.58.0"\n');
    expect(formatJson(7, { stdoutIsTTY: true, color: false })).toBe('7\n');
    expect(formatJson(null, { stdoutIsTTY: false, color: false })).toBe('null\n');
  });
});

describe('colorizeJson', () => {
  it('colours keys, strings, numbers and literals', () => {
    expect(colorizeJson({ a: 'x', n: 1, t: true, f: false, z: null })).toBe(
      [
        '{',
        `  ${KEY}"a"${R}: ${STR}"x"${R},`,
        `  ${KEY}"n"${R}: ${NUM}1${R},`,
        `  ${KEY}"t"${R}: ${LIT}true${R},`,
        `  ${KEY}"f"${R}: ${LIT}false${R},`,
        `  ${KEY}"z"${R}: ${LIT}null${R}`,
        '}',
      ].join('\n'),
    );
  });

  it('does not colour literals or digits inside strings, and handles escaped quotes', () => {
    const out = colorizeJson(['true', 'a "b" 12', -3.5e-7]);
    expect(out).toBe(['[', `  ${STR}"true"${R},`, `  ${STR}"a \\"b\\" 12"${R},`, `  ${NUM}-3.5e-7${R}`, ']'].join('\n'));
  });

  it('a string containing ": " is a value, not a key', () => {
    expect(colorizeJson({ k: 'a: b' })).toBe(`{\n  ${KEY}"k"${R}: ${STR}"a: b"${R}\n}`);
  });

  it('removing the colour codes gives exactly JSON.stringify(v, null, 2)', () => {
    expect(stripAnsi(colorizeJson(value))).toBe(JSON.stringify(value, null, 2));
    expect(JSON.parse(stripAnsi(colorizeJson(value)))).toEqual(value);
  });

  it('honours another indent', () => {
    expect(stripAnsi(colorizeJson({ a: [1] }, 4))).toBe('{\n    "a": [\n        1\n    ]\n}');
  });

  it('scalars and undefined', () => {
    expect(colorizeJson('s')).toBe(`${STR}"s"${R}`);
    expect(colorizeJson(null)).toBe(`${LIT}null${R}`);
    expect(colorizeJson(undefined)).toBe('null');
  });
});

describe('printJson', () => {
  it('writes formatJson to io.out', () => {
    const written: string[] = [];
    const io = { stdoutIsTTY: false, color: true, out: (t: string) => void written.push(t) } as unknown as Io;
    printJson(io, { a: 1 });
    expect(written).toEqual(['{"a":1}\n']);
  });
});
