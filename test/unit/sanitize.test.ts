import { describe, expect, it } from 'vitest';
import { jsonSafe, terminalSafe } from '../../src/output/sanitize.js';

describe('terminalSafe', () => {
  it('makes C0 (but tab), DEL and C1 visible; newlines only where kept', () => {
    expect(terminalSafe('a\x1b[2Jb\x07c\x7fd\x9be\x00\tf')).toBe('a\\x1b[2Jb\\x07c\\x7fd\\x9be\\x00\tf');
    expect(terminalSafe('one\r\ntwo')).toBe('one\\r\\ntwo');
    expect(terminalSafe('one\r\ntwo', { keepNewlines: true })).toBe('one\\r\ntwo');
  });
  it('leaves printable text alone, non-ASCII included, and is idempotent', () => {
    for (const s of ['plain', 'Zoë — 東京 🚀', '\u00a0non-breaking', 'a\\x1b']) expect(terminalSafe(s)).toBe(s);
    const once = terminalSafe('\x1b]52;c;eA==\x07\x85');
    expect(terminalSafe(once)).toBe(once);
  });
});

describe('jsonSafe', () => {
  it('escapes what JSON.stringify leaves raw, as JSON escapes, and keeps the value', () => {
    const v = { k: 'a\x7fb\x9bc\x1bd', 'x\x85': 1 };
    const text = jsonSafe(JSON.stringify(v, null, 2));
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(text).toContain('"a\\u007fb\\u009bc\\u001bd"');
    expect(JSON.parse(text)).toEqual(v);
  });
});
