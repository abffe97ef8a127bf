/**
 * The credential store through the binary: file fallback cases, modes, profiles, corruption,
 * concurrent writers.
 */
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { Sandbox } from '../support/cli.js';
import { hasDbusDaemon, hasTool, startEmptyBus } from '../support/dbus.js';

let server: Standin;
let key: string;
let box: Sandbox;

beforeAll(async () => {
  server = await startStandin({ version: '0.58' });
  server.createServiceAccount('store-sa');
  key = server.createApiKey('store-sa', 'k').key;
});
afterAll(() => server.close());
afterEach(() => box?.cleanup());

/**
 * Runs the command with the keychain tried (and failing) and again with the file chosen up front;
 * the difference is what detecting the missing keychain cost. The least of three pairs, so that
 * a busy machine does not pass for a slow detection.
 */
async function extraTime(b: Sandbox, args: string[], opts: Parameters<Sandbox['run']>[1]) {
  let first: Awaited<ReturnType<Sandbox['run']>> | undefined;
  let extra = Infinity;
  for (let i = 0; i < 3; i++) {
    const r = await b.run(args, { ...opts, timeout: 10_000 });
    first ??= r;
    const base = await b.run(args, { ...opts, env: { ...opts?.env, ZENML_API_STORE: 'file' }, timeout: 10_000 });
    extra = Math.min(extra, (r.durationMs ?? 0) - (base.durationMs ?? 0));
  }
  return { r: first!, extra };
}

describe('file fallback', () => {
  it('with no D-Bus session: falls back to credentials.json (0600), says so once, quickly', async () => {
    box = new Sandbox();
    const env = { ZENML_API_STORE: undefined, DBUS_SESSION_BUS_ADDRESS: undefined };
    const { r, extra } = await extraTime(box, ['login', server.url, '--api-key', '-'], { input: key, env });
    expect(r.exitCode).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('storing credentials in'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(box.configDir, 'credentials.json'));
    expect(warnings[0]).toContain('no D-Bus session bus');
    expect(extra).toBeLessThan(1000); // detecting the missing keychain
    expect(statSync(join(box.configDir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(statSync(box.configDir).mode & 0o777).toBe(0o700);
    expect(box.config().profiles.default!.storage).toBe('file');
    // Later reads use the file without trying the keychain again, and without warnings.
    const t = await box.run(['token'], { env });
    expect(t.exitCode).toBe(0);
    expect(t.stderr).toBe('');
  });

  it.skipIf(!hasDbusDaemon())('with a bus but no Secret Service: falls back quickly', async () => {
    box = new Sandbox();
    const bus = await startEmptyBus();
    try {
      const env = { ZENML_API_STORE: undefined, DBUS_SESSION_BUS_ADDRESS: bus.address };
      const { r, extra } = await extraTime(box, ['login', server.url, '--api-key', '-'], { input: key, env });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/no Secret Service on the session bus.*storing credentials in/);
      expect(extra).toBeLessThan(1000);
      expect(box.config().profiles.default!.storage).toBe('file');
    } finally {
      bus.close();
    }
  });

  it.skipIf(!hasDbusDaemon() || !hasTool('dbus-test-tool'))('with a Secret Service that never answers: bounded, then the file', async () => {
    box = new Sandbox();
    const bus = await startEmptyBus();
    const { spawn } = await import('node:child_process');
    const hole = spawn('dbus-test-tool', ['black-hole', '--session', '--name=org.freedesktop.secrets', '--no-read'], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
      stdio: 'ignore',
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const env = { ZENML_API_STORE: undefined, DBUS_SESSION_BUS_ADDRESS: bus.address };
      const r = await box.run(['login', server.url, '--api-key', '-'], { input: key, env, timeout: 20_000 });
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toMatch(/keychain.*storing credentials in/);
      expect(box.config().profiles.default!.storage).toBe('file');
      // The binding's own D-Bus timeout (2 s) bounds a silent service; measured ~2.1 s in all.
      expect(r.durationMs).toBeLessThan(15_000);
    } finally {
      hole.kill();
      bus.close();
    }
  });

  it('ZENML_API_STORE=file and --insecure-storage choose the file without a warning', async () => {
    box = new Sandbox();
    let r = await box.run(['login', server.url, '--api-key', '-'], { input: key, env: { ZENML_API_STORE: 'file' } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('warning');
    r = await box.run(['login', server.url, '--api-key', '-', '--insecure-storage', '--profile', 'two'], { input: key, env: { ZENML_API_STORE: undefined, DBUS_SESSION_BUS_ADDRESS: undefined } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('warning');
    expect(box.config().profiles.two!.storage).toBe('file');
  });

  it('ZENML_API_STORE=keychain makes a missing keychain an error (exit 1) and stores nothing', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: key, env: { ZENML_API_STORE: 'keychain', DBUS_SESSION_BUS_ADDRESS: undefined } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/keychain is unavailable.*ZENML_API_STORE=keychain/);
    expect(box.files().filter((f) => f.path.endsWith('credentials.json'))).toEqual([]);
  });
});

describe('profiles', () => {
  it('list, use, show (secrets present/absent only), remove', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-'], { input: key });
    await box.run(['login', server.url, '--username', 'default', '--password-stdin', '--profile', 'admin'], { input: '' });
    const list = JSON.parse((await box.run(['profile', 'list', '--json'])).stdout);
    expect(list.map((p: { name: string }) => p.name)).toEqual(['admin', 'default']);
    expect(list.find((p: { current: boolean }) => p.current).name).toBe('admin');
    expect((await box.run(['profile', 'use', 'default'])).exitCode).toBe(0);
    expect(box.config().current).toBe('default');
    const show = await box.run(['profile', 'show', '--json']);
    const shown = JSON.parse(show.stdout);
    expect(shown.secrets).toEqual({ 'api-key': true, password: false, 'access-token': true, 'pro-token': false, 'pro-api-key': false });
    expect(show.stdout).not.toContain(key);
    const unknown = await box.run(['profile', 'use', 'nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe('zenml-api: unknown profile "nope"; known profiles: admin, default\n');
    const bad = await box.run(['token', '--profile', '../etc']);
    expect(bad.exitCode).toBe(2);
    expect((await box.run(['profile', 'remove', 'admin'])).exitCode).toBe(0);
    expect(Object.keys(box.config().profiles)).toEqual(['default']);
    expect(readFileSync(join(box.configDir, 'credentials.json'), 'utf8')).not.toContain('admin/');
  });

  it('ZENML_API_PROFILE and --profile select a profile', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-', '--profile', 'a'], { input: key });
    await box.run(['login', server.url, '--username', 'default', '--password-stdin', '--profile', 'b'], { input: '' });
    const viaEnv = await box.run(['current-user', '--json'], { env: { ZENML_API_PROFILE: 'a' } });
    expect(JSON.parse(viaEnv.stdout).name).toBe('store-sa');
    const viaFlag = await box.run(['current-user', '--json', '--profile', 'b']);
    expect(JSON.parse(viaFlag.stdout).name).toBe('default');
  });

  it('a corrupted credentials.json is reported, named, and left as it was', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-'], { input: key });
    const path = join(box.configDir, 'credentials.json');
    writeFileSync(path, '[1,2', { mode: 0o600 });
    const t = await box.run(['token']);
    expect(t.exitCode).toBe(1);
    expect(t.stderr).toBe(`zenml-api: ${path} is corrupted (it is not valid JSON); it was left untouched. Fix or move the file away, then run the command again.\n`);
    const l = await box.run(['login', server.url, '--api-key', '-', '--profile', 'other'], { input: key });
    expect(l.exitCode).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('[1,2');
  });

  it('a corrupted config.json is reported, named, and left as it was', async () => {
    box = new Sandbox();
    mkdirSync(box.configDir, { recursive: true, mode: 0o700 });
    const path = join(box.configDir, 'config.json');
    writeFileSync(path, '{"profiles": {"x": ', { mode: 0o600 });
    for (const args of [['token'], ['status'], ['profile', 'list']]) {
      const r = await box.run(args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`${path} is corrupted`);
    }
    const login = await box.run(['login', server.url, '--api-key', '-'], { input: key });
    expect(login.exitCode).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('{"profiles": {"x": ');
  });

  it('20 processes writing different profiles at once leave all 20 intact', async () => {
    box = new Sandbox();
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const runs = await Promise.all(names.map((n) => box.run(['login', server.url, '--api-key', '-', '--profile', n, '--no-switch'], { input: key })));
    expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
    const cfg = box.config();
    expect(Object.keys(cfg.profiles).sort()).toEqual([...names].sort());
    const creds = JSON.parse(readFileSync(join(box.configDir, 'credentials.json'), 'utf8')).secrets;
    for (const n of names) {
      expect(creds[`${n}/api-key`]).toBe(key);
      expect(creds[`${n}/access-token`]).toBeTruthy();
    }
    const leftovers = box.files().filter((f) => /\.tmp$|\.lock$/.test(f.path));
    expect(leftovers).toEqual([]);
  }, 120_000);
});

describe('status', () => {
  it('lists profiles, and exits 4 when the current one cannot authenticate', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-'], { input: key });
    const ok = await box.run(['status', '--json']);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([
      expect.objectContaining({ name: 'default', current: true, server: server.url, auth: 'api-key', token: 'never expires', storage: 'file', can_authenticate: true }),
    ]);
    const checked = await box.run(['status', '--check']);
    expect(checked.exitCode).toBe(0);
    expect(checked.stdout).toMatch(/default\t.*\tok\n/);
    await box.run(['logout']);
    const out = await box.run(['status']);
    expect(out.exitCode).toBe(4);
    expect(out.stderr).toContain('cannot authenticate');
  });

  it('shows environment credentials as their own profile', async () => {
    box = new Sandbox();
    const r = await box.run(['status', '--json'], { env: { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: key } });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toMatchObject({ name: '(environment)', storage: 'environment', current: true });
    expect(r.stdout).not.toContain(key);
  });
});
