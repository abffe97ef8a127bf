/**
 * The launcher keeps V8's compiled code of the bundles in the user's cache folder
 * (src/load-bundle.ts). What a user can rely on: the kept code never changes what a command does,
 * a damaged or foreign file is replaced, nothing is written where the user said not to, and a
 * cache folder that cannot be written costs nothing but speed.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../support/cli.js';

let box: Sandbox;
let cache: string;

beforeEach(() => {
  box = new Sandbox();
  cache = join(box.dir, 'xdg-cache');
  box.env.XDG_CACHE_HOME = cache;
});
afterEach(() => box.cleanup());

const folder = () => join(cache, 'zenml-api', 'code');
const keptFiles = (bundle = 'cli') => (existsSync(folder()) ? readdirSync(folder()).filter((n) => n.startsWith(`${bundle}-`) && n.endsWith('.v8')) : []);
function header(file: string): string[] {
  const raw = readFileSync(join(folder(), file));
  return (JSON.parse(raw.subarray(0, raw.indexOf(10)).toString()) as { words: string[] }).words;
}

async function ok(args: string[], env: Record<string, string> = {}) {
  const r = await box.run(args, { env });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

describe('kept compiled code', () => {
  it('is written after the first run of a command, private to the user, named for this build, Node and CPU', async () => {
    await ok(['profile', 'list']);
    const files = keptFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^cli-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8$`));
    expect(header(files[0]!)).toEqual(['profile']);
    if (process.platform !== 'win32') {
      expect(statSync(join(folder(), files[0]!)).mode & 0o777).toBe(0o600);
      expect(statSync(folder()).mode & 0o777).toBe(0o700);
    }
  });

  it('is used as it is by a command it has seen, and written again for a new one', async () => {
    await ok(['profile', 'list']);
    const [file] = keptFiles();
    const first = readFileSync(join(folder(), file!));
    await ok(['profile', 'list', '--json']);
    expect(readFileSync(join(folder(), file!)).equals(first)).toBe(true);
    await ok(['completion', 'bash']);
    expect(header(file!)).toEqual(['profile', 'completion']);
  });

  it('changes nothing a command prints', async () => {
    const without = await box.run(['completion', 'zsh'], { env: { ZENML_API_NO_CODE_CACHE: '1' } });
    await ok(['completion', 'zsh']);
    const withKept = await box.run(['completion', 'zsh']);
    expect(without.stdout.length).toBeGreaterThan(100);
    expect(keptFiles()).toHaveLength(1);
    expect([withKept.exitCode, withKept.stdout, withKept.stderr]).toEqual([without.exitCode, without.stdout, without.stderr]);
  });

  it('that V8 refuses (damaged bytes) is replaced, and the command runs as usual', async () => {
    await ok(['profile', 'list']);
    const [file] = keptFiles();
    const path = join(folder(), file!);
    const good = readFileSync(path);
    const line = good.subarray(0, good.indexOf(10) + 1);
    writeFileSync(path, Buffer.concat([line, Buffer.alloc(good.length, 0x5a)]));
    await ok(['profile', 'list']);
    const now = readFileSync(path);
    expect(now.subarray(now.indexOf(10) + 1).equals(Buffer.alloc(good.length, 0x5a))).toBe(false);
    expect(header(file!)).toEqual(['profile']);
  });

  it('with a damaged first line is replaced', async () => {
    await ok(['profile', 'list']);
    const [file] = keptFiles();
    writeFileSync(join(folder(), file!), 'not json\nxxxx');
    await ok(['profile', 'list']);
    expect(header(file!)).toEqual(['profile']);
  });

  it('of another build is removed when this build writes its own', async () => {
    mkdirSync(folder(), { recursive: true });
    const foreign = `cli-0000000000000000-${process.version}-${process.arch}.v8`;
    writeFileSync(join(folder(), foreign), '{"source":"1:1","words":["profile"]}\nold');
    writeFileSync(join(folder(), 'unrelated.txt'), 'kept');
    await ok(['profile', 'list']);
    expect(keptFiles()).not.toContain(foreign);
    expect(keptFiles()).toHaveLength(1);
    expect(existsSync(join(folder(), 'unrelated.txt'))).toBe(true);
  });

  it.runIf(process.platform !== 'win32')('is neither read nor written in a folder others may write to', async () => {
    mkdirSync(folder(), { recursive: true });
    chmodSync(folder(), 0o777);
    const planted = join(folder(), `cli-x-${process.version}-${process.arch}.v8`);
    writeFileSync(planted, 'planted');
    await ok(['profile', 'list']);
    expect(keptFiles()).toEqual([`cli-x-${process.version}-${process.arch}.v8`]);
    expect(readFileSync(planted, 'utf8')).toBe('planted');
    chmodSync(folder(), 0o700);
    await ok(['profile', 'list']);
    expect(keptFiles()).toHaveLength(1);
    expect(keptFiles()[0]).not.toContain('cli-x-');
  });

  it('records command names only, never other words a user typed', async () => {
    await box.run(['no-such-command-word']);
    const [file] = keptFiles();
    expect(header(file!)).toEqual(['']);
    expect(readFileSync(join(folder(), file!)).includes('no-such-command-word')).toBe(false);
    await ok(['profile', 'list']);
    expect(header(file!)).toEqual(['', 'profile']);
  });

  it('is not written with ZENML_API_NO_CODE_CACHE=1', async () => {
    await ok(['profile', 'list'], { ZENML_API_NO_CODE_CACHE: '1' });
    expect(existsSync(join(cache, 'zenml-api'))).toBe(false);
  });

  it('costs nothing but speed where the cache folder cannot be made (a file in the way)', async () => {
    writeFileSync(cache, 'a file, not a folder');
    const r = await box.run(['profile', 'list', '--json']);
    const without = await box.run(['profile', 'list', '--json'], { env: { ZENML_API_NO_CODE_CACHE: '1' } });
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, without.stdout, without.stderr]);
  });

  it('made from a bundle of another size or time is not used', async () => {
    await ok(['profile', 'list']);
    const [file] = keptFiles();
    const path = join(folder(), file!);
    const raw = readFileSync(path);
    const head = JSON.parse(raw.subarray(0, raw.indexOf(10)).toString()) as { source: string; words: string[] };
    // The bytes stay valid for V8; only the record of their source differs.
    writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify({ ...head, source: '1:1' })}\n`), raw.subarray(raw.indexOf(10) + 1)]));
    await ok(['profile', 'list']);
    const again = readFileSync(path);
    expect((JSON.parse(again.subarray(0, again.indexOf(10)).toString()) as { source: string }).source).toBe(head.source);
  });

  it('falls back to ~/.cache without XDG_CACHE_HOME', async () => {
    delete box.env.XDG_CACHE_HOME;
    await ok(['profile', 'list']);
    expect(readdirSync(join(box.dir, '.cache', 'zenml-api', 'code')).some((n) => n.startsWith('cli-'))).toBe(true);
  });
});
