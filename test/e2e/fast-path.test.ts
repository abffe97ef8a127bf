/**
 * `--version`, `--help` and `token` with a stored valid token answer from dist/fast.cjs. Start-up
 * is their whole cost, so they must never load the HTTP stack, the commander bundle, the rest of
 * the CLI or the native keyring module. Checked by what the process loaded (the preload
 * test/support/probe.cjs reports require's cache and Node's internal module list), not by timing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { ROOT, Sandbox } from '../support/cli.js';

interface Loaded {
  files: string[];
  builtins: string[];
}

let server: Standin;
let key: string;
let probeDir: string;
let probes = 0;

beforeAll(async () => {
  server = await startStandin({ version: '0.9x' });
  server.createServiceAccount('fast');
  key = server.createApiKey('fast', 'k').key;
  probeDir = mkdtempSync(join(tmpdir(), 'zenml-api-probe-'));
});
afterAll(async () => {
  rmSync(probeDir, { recursive: true, force: true });
  await server.close();
});

async function runProbed(box: Sandbox, args: string[]): Promise<{ stdout: string; exitCode: number | undefined; loaded: Loaded }> {
  const out = join(probeDir, `probe-${++probes}.json`);
  const r = await box.run(args, { env: { NODE_OPTIONS: `--require ${join(ROOT, 'test/support/probe.cjs')}`, ZENML_API_PROBE_OUT: out } });
  expect(r.stderr).toBe('');
  return { stdout: r.stdout, exitCode: r.exitCode, loaded: JSON.parse(readFileSync(out, 'utf8')) as Loaded };
}

/** What Node itself loads for an empty script, under the same preload. */
async function emptyScriptBuiltins(): Promise<Set<string>> {
  const script = join(probeDir, 'empty.cjs');
  const out = join(probeDir, 'empty.json');
  writeFileSync(script, '');
  await execa('node', [script], { env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${join(ROOT, 'test/support/probe.cjs')}`, ZENML_API_PROBE_OUT: out }, extendEnv: false });
  return new Set((JSON.parse(readFileSync(out, 'utf8')) as Loaded).builtins);
}

/** What the fast path must not load, each a reason for the test to fail. */
function heavy(loaded: Loaded): string[] {
  const files = loaded.files.filter(
    (f) => /[\\/]dist[\\/](cli\.cjs|vendor[\\/])/.test(f) || /[\\/]node_modules[\\/](commander|@napi-rs|[\w-]*proxy[\w-]*)[\\/]/.test(f) || f.endsWith('.node'),
  );
  const builtins = loaded.builtins.filter((m) => /^NativeModule (http|https|_http_\w+|tls|_tls_\w+)$/.test(m));
  return [...files, ...builtins];
}

describe.each([
  ['the file store', { keychain: false }],
  ['the keychain', { keychain: true }],
] as const)('the fast path with %s', (_name, opts) => {
  const keychain = process.env.ZENML_API_TEST_KEYCHAIN === 'required' && Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
  let box: Sandbox;
  beforeAll(async () => {
    box = new Sandbox(opts);
    if (opts.keychain && !keychain) return;
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
  });
  afterAll(() => box.cleanup());

  it.runIf(!opts.keychain || keychain || process.env.ZENML_API_TEST_KEYCHAIN === 'required')('`token` loads no HTTP stack, commander, CLI bundle or native module', async () => {
    const r = await runProbed(box, ['token']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\S{20,}$/);
    expect(heavy(r.loaded)).toEqual([]);
  });

  it.runIf(!opts.keychain)('`--version` and `--help` load none of them either', async () => {
    for (const args of [['--version'], ['--help']]) {
      const r = await runProbed(box, args);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      expect(heavy(r.loaded), args[0]).toEqual([]);
    }
  });

  it.runIf(!opts.keychain)('the probe sees them when a command does load them (current-user)', async () => {
    const r = await runProbed(box, ['current-user', '--json']);
    expect(r.exitCode).toBe(0);
    const seen = heavy(r.loaded).join('\n');
    expect(seen).toMatch(/dist[\\/]cli\.cjs/);
    expect(seen).toMatch(/^NativeModule http$/m);
  });
});

/** What the other commands load, with the file store (the keychain changes none of it). */
describe('the launcher and the full CLI', () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
  });
  afterAll(() => box.cleanup());

  it('`--version`, `--help` and `help exit-codes` are answered by the launcher alone', async () => {
    for (const args of [['--version'], ['--help'], ['help', 'exit-codes']]) {
      const r = await runProbed(box, args);
      expect(r.exitCode).toBe(0);
      expect(r.loaded.files.filter((f) => /[\\/]dist[\\/](?!main\.cjs)/.test(f)), args.join(' ')).toEqual([]);
    }
  });

  it('a command other than token never loads the token path', async () => {
    const r = await runProbed(box, ['status']);
    expect(r.exitCode).toBe(0);
    expect(r.loaded.files.filter((f) => /[\\/]dist[\\/]fast\.cjs$/.test(f))).toEqual([]);
  });

  it('a request over plain http loads neither TLS nor node:crypto, nor fs/promises, node:os, node:module or the ES module loader (current-user, call)', async () => {
    for (const args of [['current-user', '--json'], ['call', 'current-user']]) {
      const r = await runProbed(box, args);
      expect(r.exitCode).toBe(0);
      // Some Node lines load some of these for any script (Node 26: the ES module loader): only
      // what this command adds to an empty script counts.
      const unwanted = /^NativeModule (https|tls|_tls_\w+|crypto|fs\/promises|readline|os|module|internal\/modules\/esm\/loader)$/;
      const base = await emptyScriptBuiltins();
      expect(r.loaded.builtins.filter((m) => unwanted.test(m) && !base.has(m)), args.join(' ')).toEqual([]);
    }
  });

  it('`status` on a pipe creates no stream for its output (no node:net)', async () => {
    const r = await runProbed(box, ['status']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(server.url);
    expect(r.loaded.builtins.filter((m) => /^NativeModule (net|stream|tty)$/.test(m))).toEqual([]);
  });
});
