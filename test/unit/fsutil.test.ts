import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { corrupted, ensurePrivateDir, readJsonObject, removeStaleTemps, STALE_TEMP_MS, tempPathFor, writeFileAtomic } from '../../src/auth/fsutil.js';
import { StoreError, UsageError } from '../../src/errors.js';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zenml-api-fs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the content with mode 0600 and leaves no temp file', () => {
    const p = join(dir, 'config.json');
    writeFileAtomic(p, '{"version":1}\n');
    expect(readFileSync(p, 'utf8')).toBe('{"version":1}\n');
    if (posix) expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('replaces an existing, wider file with a 0600 one', () => {
    const p = join(dir, 'credentials.json');
    writeFileSync(p, 'old');
    chmodSync(p, 0o644);
    writeFileAtomic(p, 'new');
    expect(readFileSync(p, 'utf8')).toBe('new');
    if (posix) expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['credentials.json']);
  });

  it('many writes in a row leave only the target', () => {
    const p = join(dir, 'x.json');
    for (let i = 0; i < 20; i++) writeFileAtomic(p, String(i));
    expect(readFileSync(p, 'utf8')).toBe('19');
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  it('honours another mode', () => {
    const p = join(dir, 'pub.txt');
    writeFileAtomic(p, 'x', 0o640);
    if (posix) expect(statSync(p).mode & 0o777).toBe(0o640 & ~process.umask());
  });

  it('a failure is a StoreError naming the file, and no temp file is left', () => {
    const p = join(dir, 'missing', 'config.json');
    expect(() => writeFileAtomic(p, 'x')).toThrow(StoreError);
    expect(() => writeFileAtomic(p, 'x')).toThrow(`cannot write ${p}: ENOENT`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('renaming over a folder fails cleanly, leaving no temp file', () => {
    const p = join(dir, 'taken');
    mkdirSync(p);
    expect(() => writeFileAtomic(p, 'x')).toThrow(StoreError);
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('readJsonObject', () => {
  it('undefined for a missing file', () => {
    expect(readJsonObject(join(dir, 'nope.json'))).toBeUndefined();
  });

  it('reads a JSON object', () => {
    const p = join(dir, 'ok.json');
    writeFileSync(p, '{"version":1,"profiles":{"a":{"server":"https://h"}}}');
    expect(readJsonObject(p)).toEqual({ version: 1, profiles: { a: { server: 'https://h' } } });
  });

  it.each([
    ['{"version":', 'it is not valid JSON'],
    ['', 'it is not valid JSON'],
    ['[1,2]', 'it is not a JSON object'],
    ['[]', 'it is not a JSON object'],
    ['null', 'it is not a JSON object'],
    ['"text"', 'it is not a JSON object'],
    ['42', 'it is not a JSON object'],
  ])('%j is a StoreError naming the file, which is left unchanged', (content, why) => {
    const p = join(dir, 'config.json');
    writeFileSync(p, content);
    chmodSync(p, 0o600);
    const before = statSync(p);
    let err: unknown;
    try {
      readJsonObject(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toBe(`${p} is corrupted (${why}); it was left untouched`);
    expect((err as StoreError).hint).toBe('Fix or move the file away, then run the command again.');
    expect(readFileSync(p, 'utf8')).toBe(content);
    expect(statSync(p).mtimeMs).toBe(before.mtimeMs);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('an unreadable path (a folder) is a StoreError', () => {
    expect(() => readJsonObject(dir)).toThrow(StoreError);
    expect(() => readJsonObject(dir)).toThrow(`cannot read ${dir}: EISDIR`);
  });
});

describe('corrupted', () => {
  it('builds the StoreError', () => {
    const e = corrupted('/x/config.json', '"profiles" is not an object');
    expect(e).toBeInstanceOf(StoreError);
    expect(e.message).toBe('/x/config.json is corrupted ("profiles" is not an object); it was left untouched');
  });
});

describe('ensurePrivateDir', () => {
  it('creates nested folders with mode 0700', () => {
    const d = join(dir, 'a', 'b');
    ensurePrivateDir(d);
    if (posix) expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('tightens an existing wider folder', () => {
    const d = join(dir, 'wide');
    mkdirSync(d, { mode: 0o755 });
    chmodSync(d, 0o755);
    ensurePrivateDir(d);
    if (posix) expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('a file in the way is a usage error that names it (the config folder setting is wrong)', () => {
    const f = join(dir, 'file');
    writeFileSync(f, '');
    expect(() => ensurePrivateDir(join(f, 'sub'))).toThrow(UsageError);
    expect(() => ensurePrivateDir(join(f, 'sub'))).toThrow(`${f} is a file, not a folder`);
    expect(() => readJsonObject(join(f, 'config.json'))).toThrow(`${f} is a file, not a folder`);
  });
});

describe('stale temp files', () => {
  const age = (p: string, ms: number) => {
    const t = new Date(Date.now() - ms);
    utimesSync(p, t, t);
  };

  it('the next write of the folder removes temp files older than a few minutes, and only those', () => {
    const leftover = `${join(dir, 'credentials.json')}.4242.mk3x9a1b2c.tmp`; // a kill -9 during login
    const fresh = `${join(dir, 'config.json')}.4243.mk3x9a1b2d.tmp`; // another process, mid-write
    const lockTemp = `${join(dir, 'store.lock')}.77.abc123.tmp`;
    const foreign = join(dir, 'notes.tmp');
    for (const p of [leftover, fresh, lockTemp, foreign]) writeFileSync(p, '{"secrets":{}}');
    age(leftover, STALE_TEMP_MS + 60_000);
    age(lockTemp, STALE_TEMP_MS + 1);
    age(foreign, STALE_TEMP_MS + 60_000);
    writeFileAtomic(join(dir, 'config.json'), '{}');
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'config.json.4243.mk3x9a1b2d.tmp', 'notes.tmp']);
  });

  it('tempPathFor names what removeStaleTemps recognises; a missing folder is no error', () => {
    const p = tempPathFor(join(dir, 'credentials.json'));
    writeFileSync(p, 'x');
    age(p, STALE_TEMP_MS + 1000);
    removeStaleTemps(dir);
    expect(readdirSync(dir)).toEqual([]);
    expect(() => removeStaleTemps(join(dir, 'missing'))).not.toThrow();
  });
});
