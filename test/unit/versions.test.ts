import { describe, expect, it } from 'vitest';
import { rowForVersion, VERSION_ROWS, versionRow } from '../../src/api/versions.js';

describe('rowForVersion', () => {
  it.each([
    ['0.58.0', '0.58'],
    ['0.58.2', '0.58'],
    ['0.40.3', '0.58'],
    ['0.69.9', '0.58'],
    ['0.70.0', '0.85'],
    ['0.85.0', '0.85'],
    ['0.89.1', '0.85'],
    ['0.90.0', '0.9x'],
    ['0.93.0', '0.9x'],
  ])('%s -> row %s, no note', (version, id) => {
    const c = rowForVersion(version);
    expect(c.row.id).toBe(id);
    expect(c.note).toBeNull();
  });

  it.each(['1.0.0', '0.100.0', 'dev', ''])('%j: the newest row, with a note for --verbose', (version) => {
    const c = rowForVersion(version);
    expect(c.row.id).toBe('0.9x');
    expect(c.note).toMatch(/assuming the newest wire/);
  });

  it('rows are sorted by the versions they cover', () => {
    const since = VERSION_ROWS.map((r) => r.since[0] * 1000 + r.since[1]);
    expect([...since].sort((a, b) => a - b)).toEqual(since);
  });

  it('the 0.9x row is the 0.85 row plus documented changes only', () => {
    const a = versionRow('0.85');
    const b = versionRow('0.9x');
    expect(b.health).toEqual(a.health);
    expect(b.errors).toEqual(a.errors);
    expect(b.shapes).toEqual(a.shapes);
    expect(b.bearer.empty).toBe(a.bearer.empty);
    expect(b.bearer.rawApiKey).not.toBe(a.bearer.rawApiKey);
  });
});
