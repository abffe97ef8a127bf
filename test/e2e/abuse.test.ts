/**
 * Abuse suite: careless input to every command. Each bad input gets exactly one clear stderr
 * line and exit 2, never a stack trace; a seeded fuzz loop over random argument lists finds no
 * crash and no secret on any stream.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { leaked, Sandbox, type CliResult } from '../support/cli.js';

let server: Standin;
let box: Sandbox;
let key: string;

beforeAll(async () => {
  server = await startStandin({ version: '0.58' });
  server.createServiceAccount('abused');
  key = server.createApiKey('abused', 'k').key;
  box = new Sandbox();
  expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
  mkdirSync(join(box.dir, 'a-dir'));
  writeFileSync(join(box.dir, 'bad-utf8.bin'), Buffer.from([0xff, 0xfe, 0x00, 0xc3]));
});
afterAll(async () => {
  box.cleanup();
  await server.close();
});

function crashed(r: CliResult): string | null {
  if (![0, 1, 2, 4].includes(r.exitCode ?? -1)) return `exit ${r.exitCode} ${r.signal ?? ''}`;
  if (/internal error|\n\s+at .+:\d+:\d+\)?/.test(r.stderr)) return 'stack trace or internal error';
  return null;
}

const HUGE = 'x'.repeat(100_000);

describe('usage errors: one line, exit 2', () => {
  const cases: string[][] = [
    ['--no-such-flag'],
    ['no-such-command'],
    ['logn'],
    ['login', '--api-key', '-'],
    ['login', ''],
    ['login', 'not a url', '--api-key', '-'],
    ['login', `https://${HUGE}.example.com`, '--api-key', '-'],
    ['login', 'https://zenml.example.com', '--api-key', 'ZENKEY_inline'],
    ['login', 'https://zenml.example.com', '--api-key', '-', '--token', '-'],
    ['login', 'https://zenml.example.com', '--password-stdin'],
    ['login', 'https://zenml.example.com', '--api-key', '-', '--profile', 'a/b'],
    ['login', 'https://zenml.example.com', '--api-key', '-', '--profile', '..'],
    ['login', 'https://zenml.example.com', '--api-key', '-', '--profile', ''],
    ['login', 'https://zenml.example.com', '--api-key', '-', '--ca-cert', '/nonexistent.pem'],
    ['login', 'https://zenml.example.com'],
    ['token', '--profile', 'missing'],
    ['token', '--profile', `p${HUGE}`],
    ['token', '--expires-in', 'soon'],
    ['token', '--expires-in', '-5'],
    ['token', '--timeout', 'abc', '--expires-in', '60'],
    ['exec'],
    ['exec', '--expires-in', '0', '--', 'true'],
    ['env', '--format', 'bat'],
    ['env', '--no-mint', '--expires-in', '60'],
    ['current-user', '--profile', '../../etc/passwd'],
    ['current-user', '--timeout', '-1'],
    ['current-user', 'extra-arg'],
    ['call'],
    ['call', ''],
    ['call', 'GET', 'info', 'extra'],
    ['call', 'info', '-H', 'NoColon'],
    ['call', 'info', '-H', 'Bad Name: x'],
    ['call', 'info', '-q', '=x'],
    ['call', 'info', '-f', 'nokey'],
    ['call', 'x', '-F', 'a={"unterminated'],
    ['call', 'x', '-F', 'a=[1,2'],
    ['call', 'x', '-F', 'a=@/does/not/exist'],
    ['call', 'x', '-F', `a=@${join('/tmp', 'definitely-missing-dir', 'f')}`],
    ['call', 'x', '-f', 'a[b=1'],
    ['call', 'x', '-f', 'a=1', '-f', 'a[b]=2'],
    ['call', 'x', '--input', '/does/not/exist'],
    ['call', 'x', '--jsonl'],
    ['call', 'POST', 'x', '--paginate'],
    ['call', 'info', '--concurrency', '1000', '--paginate'],
    ['call', 'https://other.example.com/api/v1/info'],
    ['call', 'ftp://127.0.0.1/x'],
    ['profile', 'use'],
    ['profile', 'use', 'nope'],
    ['profile', 'show', 'nope'],
    ['profile', 'remove', '..'],
    ['profile', 'bogus'],
    ['logout', '--profile', 'nope'],
    ['logout', '--all', '--profile', 'default'],
    ['status', '--bogus'],
    ['pro', 'login'],
    ['pro', 'login', '--token', 'inline-secret'],
    ['pro', 'login', '--token', '-', '--api-key', '-'],
    ['pro', 'login', '--token', '-', '--pro-api-url', 'not a url'],
    ['pro', 'users'],
    ['help', 'no-such-command'],
  ];
  it.each(cases.map((c) => [c.join(' ').slice(0, 80), c] as const))('%s', async (_name, args) => {
    const r = await box.run(args, { input: '' });
    expect(crashed(r)).toBeNull();
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^zenml-api: \S/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.length).toBeLessThan(1000);
    expect(r.stdout).toBe('');
  });
});

describe('bad stdin and files', () => {
  it('invalid UTF-8 on stdin is refused (exit 2)', async () => {
    const bad = Buffer.from([0x5a, 0x45, 0xff, 0xfe]);
    for (const args of [
      ['login', server.url, '--api-key', '-'],
      ['call', 'x', '-F', 'a=@-'],
    ]) {
      const r = await box.run(args, { input: bad });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/not valid UTF-8/);
    }
  });

  it('a directory or unreadable @file is exit 2; a binary --input passes through', async () => {
    const dir = await box.run(['call', 'x', '-F', `a=@${join(box.dir, 'a-dir')}`]);
    expect(dir.exitCode).toBe(2);
    expect(dir.stderr).toContain('is a directory');
    const inputDir = await box.run(['call', 'POST', 'x', '--input', join(box.dir, 'a-dir')]);
    expect(inputDir.exitCode).toBe(2);
    server.clearLog();
    const bin = await box.run(['call', 'POST', 'service_accounts', '--input', join(box.dir, 'bad-utf8.bin')]);
    expect(bin.exitCode).toBe(1); // the server rejects it; the bytes went out untouched
    expect(Buffer.from(server.log.at(-1)!.body, 'utf8').length).toBeGreaterThan(0);
  });

  it('a huge header value or field is sent or refused, never a crash', async () => {
    const r = await box.run(['call', 'info', '-H', `X-Big: ${'y'.repeat(100_000)}`]);
    expect(crashed(r)).toBeNull();
    expect([0, 1]).toContain(r.exitCode);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(1);
  });
});

describe('fuzz', () => {
  // A small deterministic PRNG so that a failure can be replayed from its seed.
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const words = [
    'login', 'logout', 'token', 'current-user', 'call', 'status', 'profile', 'list', 'use', 'show', 'remove', 'pro', 'users', 'me',
    'help', '--json', '--profile', 'default', 'nope', '--verbose', '--timeout', '0', '1', '-1', '1e309', 'NaN', '--api-key', '--token',
    '-', '--username', '--password-stdin', '--check', '-X', 'DELETE', 'GET', 'PATCH', '-q', 'a=b', '-f', 'x[y]=z', '-F', 'n=null', 'n={}',
    '-H', 'A: b', ':', '--input', '/dev/null', '--paginate', '--jsonl', '--concurrency', '2', '-i', '--silent', '--all', '--expires-in',
    '60', 'info', '/api/v1/info', 'current-user', '%', '%%00', '\u00e9\u00e8', '--', '-v', '--help', '""', "'", '\\', '../..', 'a/b',
    '--no-verify-ssl', '--ca-cert', '/etc/hostname', '--insecure-storage', '--pro', '--no-switch', '--pro-api-url', 'http://', 'x'.repeat(5000),
  ];
  it('random argument lists: no crash, no secret on any stream', async () => {
    const seed = Number(process.env.ZENML_API_FUZZ_SEED ?? 20261128);
    const next = rng(seed);
    const runs = Number(process.env.ZENML_API_FUZZ_RUNS ?? 60);
    const failures: string[] = [];
    const outputs: string[] = [];
    const batch = 2;
    for (let i = 0; i < runs; i += batch) {
      const argsList = Array.from({ length: batch }, () => {
        const n = 1 + Math.floor(next() * 6);
        const args = Array.from({ length: n }, () => words[Math.floor(next() * words.length)]!);
        // Never start an interactive device login or a write of the sandbox's only profile.
        return args.filter((a) => a !== '--web');
      });
      const results = await Promise.all(argsList.map((a) => box.run(a, { input: '', timeout: 30_000 })));
      results.forEach((r, j) => {
        const why = crashed(r);
        if (why) failures.push(`seed ${seed} run ${i + j}: ${JSON.stringify(argsList[j]).slice(0, 300)} → ${why}: ${r.stderr.slice(0, 300)}`);
        outputs.push(r.stdout, r.stderr);
      });
    }
    expect(failures).toEqual([]);
    expect(leaked(outputs, [key])).toBe(-1);
  }, 240_000);
});
