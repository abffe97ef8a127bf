/**
 * The real Secret Service (gnome-keyring under a private D-Bus session, see
 * scripts/with-keyring.sh). In CI ZENML_API_TEST_KEYCHAIN=required makes a missing keychain a
 * failure; elsewhere these tests are skipped, and say so.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { leaked, Sandbox } from '../support/cli.js';

const required = process.env.ZENML_API_TEST_KEYCHAIN === 'required';
// Only inside scripts/with-keyring.sh (which sets ZENML_API_TEST_KEYCHAIN): never against the
// developer's own keyring, even when their desktop session has one.
const available = required && Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);

if (!available && !required) {
  console.warn('keychain tests SKIPPED: they run only inside a throwaway keyring (`scripts/with-keyring.sh npm test`), never against yours');
}

describe('keychain presence', () => {
  it.runIf(required)('a Secret Service is there when ZENML_API_TEST_KEYCHAIN=required', () => {
    expect(available).toBe(true);
  });
});

async function secretToolSearch(): Promise<string> {
  const r = await execa('secret-tool', ['search', '--all', 'service', 'zenml-api'], { reject: false });
  return `${r.stdout}\n${r.stderr}`;
}

describe.runIf(available || required)('OS keychain (Secret Service)', () => {
  let server: Standin;
  let key: string;
  let box: Sandbox;
  beforeAll(async () => {
    server = await startStandin({ version: '0.9x' });
    server.createServiceAccount('kc');
    key = server.createApiKey('kc', 'k').key;
  });
  afterAll(() => server.close());
  afterEach(() => box?.cleanup());

  it('stores secrets in the keychain, readable by another process, never in a file', async () => {
    box = new Sandbox({ keychain: true });
    const profile = `kc-${process.pid}`;
    const login = await box.run(['login', server.url, '--api-key', '-', '--profile', profile], { input: key });
    expect(login.stderr).toContain('secrets are in the OS keychain');
    expect(login.exitCode).toBe(0);
    expect(box.config().profiles[profile]!.storage).toBe('keychain');
    const found = await secretToolSearch();
    expect(found).toContain(`${profile}/api-key`);
    expect(found).toContain(`${profile}/access-token`);

    const t = await box.run(['token', '--profile', profile]);
    expect(t.exitCode).toBe(0);
    const cu = await box.run(['current-user', '--json', '--profile', profile]);
    expect(JSON.parse(cu.stdout).name).toBe('kc');
    // Nothing secret under the config folder, and no credentials.json at all.
    const files = box.files();
    expect(files.some((f) => f.path.endsWith('credentials.json'))).toBe(false);
    expect(leaked(files.map((f) => f.content), [key, t.stdout.trim()])).toBe(-1);
    expect(leaked([login.stdout, login.stderr, cu.stdout, cu.stderr], [key, t.stdout.trim()])).toBe(-1);

    expect((await box.run(['profile', 'remove', profile])).exitCode).toBe(0);
    expect(await secretToolSearch()).not.toContain(`${profile}/`);
  });

  it('logout removes the keychain entries', async () => {
    box = new Sandbox({ keychain: true });
    const profile = `kc-out-${process.pid}`;
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', profile], { input: key })).exitCode).toBe(0);
    expect(await secretToolSearch()).toContain(`${profile}/api-key`);
    expect((await box.run(['logout', '--profile', profile])).exitCode).toBe(0);
    expect(await secretToolSearch()).not.toContain(`${profile}/`);
  });

  it('20 concurrent token calls on an expired keychain token make one login', async () => {
    box = new Sandbox({ keychain: true });
    const profile = `kc-sf-${process.pid}`;
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', profile], { input: key })).exitCode).toBe(0);
    // Replace the stored token with an expired one, through the keychain itself.
    const expired = JSON.stringify({ token: server.mintToken('kc', { expiresInSeconds: -10 }), expiresAt: Date.now() - 10_000, obtainedAt: Date.now() - 3_600_000 });
    await execa('secret-tool', ['store', '--label=test', 'service', 'zenml-api', 'username', `${profile}/access-token`], { input: expired });
    server.clearLog();
    const runs = await Promise.all(Array.from({ length: 20 }, () => box.run(['token', '--profile', profile])));
    expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0));
    expect(server.count('POST', '/api/v1/login')).toBe(1);
    await box.run(['profile', 'remove', profile]);
  });
});

/** Runs `token` with a preload that records, at exit, which keyring native modules were loaded. */
async function tokenWithProbe(box: Sandbox, profile: string, env: Record<string, string | undefined> = {}) {
  const probe = join(box.dir, 'probe.cjs');
  const out = join(box.dir, 'probe.json');
  writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('keyring')))));\n`,
  );
  const r = await box.run(['token', '--profile', profile], { env: { ...env, NODE_OPTIONS: `--require ${probe}` } });
  return { ...r, nativeModules: JSON.parse(readFileSync(out, 'utf8')) as string[] };
}

describe.runIf(available || required)('reading the keychain over D-Bus', () => {
  let server: Standin;
  let key: string;
  beforeAll(async () => {
    server = await startStandin({ version: '0.9x' });
    server.createServiceAccount('dbus');
    key = server.createApiKey('dbus', 'k').key;
  });
  afterAll(() => server.close());

  it('token gets from the Secret Service what the native binding gets, without loading it', async () => {
    const box = new Sandbox({ keychain: true });
    const profile = `kc-dbus-${process.pid}`;
    try {
      expect((await box.run(['login', server.url, '--api-key', '-', '--profile', profile], { input: key })).exitCode).toBe(0);
      // A token that is not ASCII, written by another client (secret-tool, through libsecret).
      const token = `tøken-ü-${process.pid}`;
      const stored = JSON.stringify({ token, expiresAt: null, obtainedAt: Date.now() });
      await execa('secret-tool', ['store', '--label=test', 'service', 'zenml-api', 'username', `${profile}/access-token`], { input: stored });

      const direct = await tokenWithProbe(box, profile);
      expect(direct.stderr).toBe('');
      expect(direct.stdout).toBe(`${token}\n`);
      expect(direct.nativeModules).toEqual([]);

      const native = await tokenWithProbe(box, profile, { ZENML_API_KEYCHAIN_DBUS: '0' });
      expect(native.stdout).toBe(direct.stdout);
      expect(native.nativeModules.some((m) => m.endsWith('.node'))).toBe(true);

      // A profile with nothing stored: both say the same thing.
      await execa('secret-tool', ['clear', 'service', 'zenml-api', 'username', `${profile}/access-token`]);
      await execa('secret-tool', ['clear', 'service', 'zenml-api', 'username', `${profile}/api-key`]);
      const none = await box.run(['token', '--profile', profile]);
      const noneNative = await box.run(['token', '--profile', profile], { env: { ZENML_API_KEYCHAIN_DBUS: '0' } });
      expect(none.exitCode).toBe(4);
      expect([noneNative.exitCode, noneNative.stderr]).toEqual([none.exitCode, none.stderr]);
    } finally {
      await box.run(['profile', 'remove', profile]);
      box.cleanup();
    }
  });
});

describe.runIf(process.platform === 'linux')('a session bus that never answers', () => {
  it('token, current-user and logout give up at the deadline, once, and end normally', async () => {
    const box = new Sandbox();
    // A socket that accepts D-Bus clients and never says a word.
    const sockets: Socket[] = [];
    const bus = createServer((s) => sockets.push(s));
    const path = join(box.dir, 'bus');
    await new Promise<void>((resolve) => bus.listen(path, resolve));
    try {
      mkdirSync(box.configDir, { recursive: true, mode: 0o700 });
      writeFileSync(join(box.configDir, 'config.json'), JSON.stringify({ version: 1, current: 'default', profiles: { default: { server: 'http://127.0.0.1:9', auth: 'api-key', storage: 'keychain' } } }));
      const env = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}`, ZENML_API_KEYCHAIN_TIMEOUT: '300' };
      for (const args of [['token'], ['current-user']]) {
        const r = await box.run(args, { env });
        expect(r.stderr).toBe('zenml-api: the OS keychain did not answer within 300 ms (read); is it locked?\n');
        expect(r.exitCode).toBe(1); // not 137: a socket can be closed, no thread is left stuck
        expect(r.stdout).toBe('');
      }
      // One connection per command: `token` reported the deadline from its fast path instead of
      // handing over to the full CLI, which would have asked (and waited) again.
      expect(sockets.length).toBe(2);
      // A write: the binding would block the process in its constructor on this bus (no deadline
      // can fire there); the tool pings the service first and gives up at the deadline.
      const out = await box.run(['logout'], { env: { ...env, ZENML_API_STORE: 'keychain' } });
      expect(out.stderr).toContain('the OS keychain did not answer within 300 ms');
      expect(out.exitCode).toBe(1);
      expect(sockets.length).toBe(3);
    } finally {
      for (const s of sockets) s.destroy();
      bus.close();
      box.cleanup();
    }
  });
});

describe.runIf(available || required)('a locked keyring', () => {
  let server: Standin;
  let key: string;
  beforeAll(async () => {
    server = await startStandin({ version: '0.58' });
    server.createServiceAccount('locked');
    key = server.createApiKey('locked', 'k').key;
  });
  afterAll(() => server.close());

  it('reads fail fast with a clear error, and a new login falls back to the file', async () => {
    // A keyring of its own (a nested private session), so that locking it disturbs no other test.
    const box = new Sandbox({ keychain: true });
    try {
      const script = `
        set -u
        zen() { node "$BIN" "$@"; }
        printf '%s' "$KEY" | zen login "$URL" --api-key - >/dev/null 2>&1 || { echo "login failed"; exit 9; }
        dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \\
          org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
        start=$(date +%s%N)
        zen token >/dev/null 2>"$OUT/token.err"; echo "token=$?" >> "$OUT/codes"
        echo "token_ms=$(( ($(date +%s%N) - start) / 1000000 ))" >> "$OUT/codes"
        printf '%s' "$KEY" | ZENML_API_STORE=auto zen login "$URL" --api-key - --profile other 2>"$OUT/login.err" >/dev/null; echo "login=$?" >> "$OUT/codes"
      `;
      const { BIN } = await import('../support/cli.js');
      const r = await execa('scripts/with-keyring.sh', ['bash', '-c', script], {
        reject: false,
        timeout: 60_000,
        env: { ...box.env, ZENML_API_STORE: 'auto', BIN, KEY: key, URL: server.url, OUT: box.dir },
        extendEnv: false,
      });
      expect(r.stdout).not.toContain('login failed');
      const { readFileSync } = await import('node:fs');
      const codes = Object.fromEntries(
        readFileSync(`${box.dir}/codes`, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split('=') as [string, string]),
      );
      expect(codes.token).toBe('1');
      expect(readFileSync(`${box.dir}/token.err`, 'utf8')).toMatch(/^zenml-api: the OS keychain is unavailable: the keyring is locked/);
      expect(codes.login).toBe('0');
      expect(readFileSync(`${box.dir}/login.err`, 'utf8')).toContain('storing credentials in');
      expect(box.config().profiles.other!.storage).toBe('file');
      expect(Number(codes.token_ms)).toBeLessThan(5000); // no hang; typical: a few hundred ms
    } finally {
      box.cleanup();
    }
  });
});

const hasXvfb = (process.env.PATH ?? '').split(':').some((p) => p && existsSync(`${p}/Xvfb`));

describe.runIf((available || required) && hasXvfb)('a locked keyring with a display attached', () => {
  it('an unlock prompt nobody answers: the deadline ends the wait, and the process still ends', async () => {
    // gnome-keyring shows its unlock prompt on a virtual display and waits forever; the
    // binding's call never returns. The tool must give up at its deadline, say why, and end.
    const box = new Sandbox({ keychain: true });
    try {
      const script = `
        set -u
        # Xvfb picks a free display itself and says which: two suites at once never collide.
        Xvfb -displayfd 3 -nolisten tcp 3>"$OUT/display" >/dev/null 2>&1 & xpid=$!
        trap 'kill $xpid 2>/dev/null' EXIT
        for _ in $(seq 1 200); do [ -s "$OUT/display" ] && break; sleep 0.1; done
        DISPLAY_NUM=$(cat "$OUT/display")
        printf '%s' '{"version":1,"current":"default","profiles":{"default":{"server":"http://127.0.0.1:9","auth":"token","storage":"keychain"}}}' > "$ZENML_API_CONFIG_DIR/config.json"
        printf '%s' '{"token":"t","expiresAt":null,"obtainedAt":1}' | secret-tool store --label=t service zenml-api username default/access-token
        dbus-send --session --dest=org.freedesktop.secrets --print-reply /org/freedesktop/secrets \\
          org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
        export DISPLAY=:$DISPLAY_NUM
        dbus-update-activation-environment DISPLAY=:$DISPLAY_NUM
        start=$(date +%s%N)
        timeout 60 node "$BIN" token 2>"$OUT/err"; echo "rc=$?" > "$OUT/codes"
        echo "ms=$(( ($(date +%s%N) - start) / 1000000 ))" >> "$OUT/codes"
      `;
      const { BIN } = await import('../support/cli.js');
      const { mkdirSync, readFileSync } = await import('node:fs');
      mkdirSync(box.configDir, { recursive: true, mode: 0o700 });
      const env = { ...box.env, ZENML_API_STORE: 'auto', ZENML_API_KEYCHAIN_TIMEOUT: undefined, BIN, OUT: box.dir };
      const ran = await execa('scripts/with-keyring.sh', ['bash', '-c', script], { reject: false, timeout: 90_000, env, extendEnv: false });
      const { existsSync: exists } = await import('node:fs');
      expect(exists(`${box.dir}/codes`), `the script did not get to run the tool: ${ran.stderr}`).toBe(true);
      const codes = Object.fromEntries(readFileSync(`${box.dir}/codes`, 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]));
      expect(readFileSync(`${box.dir}/err`, 'utf8')).toBe('zenml-api: the OS keychain did not answer within 3000 ms (read); is it locked?\n');
      // The stuck call's thread cannot be cancelled, so the tool ends itself by signal (137), not
      // by timeout(1) (124) or by hanging.
      expect(codes.rc).toBe('137');
      expect(Number(codes.ms)).toBeLessThan(20_000);
    } finally {
      box.cleanup();
    }
  }, 120_000);
});
