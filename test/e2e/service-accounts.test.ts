/**
 * `service-account` and `api-key` against the stand-in server, on both server versions: the full
 * lifecycle of an account and its key (create, log in, rotate, renew, deactivate, delete), where
 * a new key goes (stdout, a 0600 file, a profile), and that it goes nowhere else.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { BIN, Sandbox, type CliResult, type RunOptions } from '../support/cli.js';
import { apiKeyId } from '../../src/auth/rotate.js';

const KEY_LINE = /^ZENKEY_[A-Za-z0-9+/]+=*\n$/;

function credentials(box: Sandbox): Record<string, string> {
  return JSON.parse(readFileSync(join(box.configDir, 'credentials.json'), 'utf8')).secrets;
}


const SCRIPT = '/usr/bin/script';

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), types `keys` and keeps the terminal
 * open until the command ends. Returns the terminal's output (stdout and stderr together).
 */
async function onTerminal(box: Sandbox, args: string[], keys: string): Promise<{ exitCode: number | undefined; stdout: string }> {
  const quoted = ['node', BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const p = execa(SCRIPT, ['-qec', quoted, '/dev/null'], { env: box.env, extendEnv: false, reject: false, encoding: 'utf8', stdin: 'pipe', timeout: 30_000 });
  p.stdin!.write(keys);
  const r = await p;
  return { exitCode: r.exitCode, stdout: r.stdout };
}

/** The one line a failed command prints. */
const oneLine = (r: CliResult) => r.stderr.trim().split('\n');

describe.each(['0.58', '0.9x'] as const)('service accounts and API keys on a %s server', (version) => {
  let server: Standin;
  let box: Sandbox;
  /** Every run of this suite; `keyOut` marks the runs whose stdout is where a key is meant to go. */
  const runs: Array<{ args: string[]; r: CliResult; keyOut: boolean }> = [];
  /** Every key value seen. */
  const secrets: string[] = [];
  const tag = version.replace('.', '');
  /** What does not depend on the server version is shown once, on the newer server. */
  const everyFeature = version === '0.9x';

  async function zen(args: string[], opts: RunOptions & { keyOut?: boolean; sandbox?: Sandbox } = {}): Promise<CliResult> {
    const r = await (opts.sandbox ?? box).run(args, opts);
    runs.push({ args, r, keyOut: opts.keyOut === true });
    return r;
  }

  beforeAll(async () => {
    server = await startStandin({ version });
    box = new Sandbox();
    const r = await zen(['login', server.url, '--username', 'default', '--password-stdin', '--profile', 'admin'], { input: '' });
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await server.close();
    box.cleanup();
  });

  it('create, log in, rotate, renew with the new key, deactivate, reactivate, delete', async () => {
    const sa = `bot-${tag}`;
    // Create: the key alone on stdout.
    const created = await zen(['service-account', 'create', sa, '--description', 'for CLI tests'], { keyOut: true });
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toMatch(KEY_LINE);
    const key = created.stdout.trim();
    secrets.push(key);
    expect(created.stderr).toContain(`Created service account "${sa}"`);
    const post = server.log.find((l) => l.method === 'POST' && l.path === '/api/v1/service_accounts')!;
    expect(JSON.parse(post.body)).toEqual({ name: sa, description: 'for CLI tests', active: true });

    // Log in with it.
    let r = await zen(['login', '--api-key', '-', '--profile', 'bot', '--no-switch', server.url], { input: `${key}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`as ${sa} (service account)`);

    // Rotate (as the admin): the new key on stdout, and the profile that used the key gets it.
    server.clearLog();
    const rotated = await zen(['api-key', 'rotate', sa, 'default'], { keyOut: true });
    expect(rotated.exitCode, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(KEY_LINE);
    const newKey = rotated.stdout.trim();
    secrets.push(newKey);
    expect(newKey).not.toBe(key);
    expect(rotated.stderr).toContain('Profile "bot" now uses the new key.');
    expect(server.log.find((l) => l.method === 'PUT' && l.path.endsWith('/rotate'))!.body).toBe('{"retain_period_minutes":0}');
    expect(credentials(box)['bot/api-key']).toBe(newKey);
    expect(box.config().current).toBe('admin');

    // The old key is rejected, the new one accepted.
    const [old, fresh] = [new Sandbox(), new Sandbox()];
    try {
      const [withOld, withNew] = await Promise.all([
        zen(['login', server.url, '--api-key', '-'], { input: key, sandbox: old }),
        zen(['login', server.url, '--api-key', '-'], { input: newKey, sandbox: fresh }),
      ]);
      expect(withOld.exitCode).toBe(4);
      expect(withOld.stderr).toContain('could not verify key value');
      expect(withNew.exitCode, withNew.stderr).toBe(0);
    } finally {
      old.cleanup();
      fresh.cleanup();
    }

    // The profile's token was kept; once it expires, the profile renews with the new key.
    box.editStoredToken('bot', (t) => {
      t.expiresAt = Date.now() - 1000;
    });
    server.clearLog();
    r = await zen(['token', '--profile', 'bot']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^eyJ/);
    const logins = server.log.filter((l) => l.path === '/api/v1/login');
    expect(logins).toHaveLength(1);
    expect(logins[0]!.status).toBe(200);
    expect(new URLSearchParams(logins[0]!.body).get('password')).toBe(newKey);

    // Deactivate: the account's tokens are rejected at once; reactivate: accepted again.
    r = await zen(['service-account', 'deactivate', sa]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    r = await zen(['current-user', '--profile', 'bot']);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('is not active');
    r = await zen(['service-account', 'activate', sa, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: sa, body: { active: true } });
    r = await zen(['current-user', '--profile', 'bot']);
    expect(r.exitCode, r.stderr).toBe(0);

    // Describe; delete is refused without --yes and without a terminal (exit 2), then done with --yes.
    const [described, refused] = await Promise.all([zen(['service-account', 'describe', sa]), zen(['service-account', 'delete', sa])]);
    expect(described.stdout).toContain(`name\t${sa}\n`);
    expect(described.stdout).toContain('active\tyes\n');
    expect(described.stdout).toContain('description\tfor CLI tests\n');
    expect(refused.exitCode).toBe(2);
    expect(oneLine(refused)).toEqual([`zenml-api: refusing to delete service account "${sa}" without confirmation: stdin is not a terminal, so pass --yes`]);
    r = await zen(['service-account', 'delete', sa, '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('note: profile "bot" logs in as this service account');
    r = await zen(['service-account', 'describe', sa]);
    expect(r.exitCode).toBe(1);
    expect(oneLine(r)).toEqual([`zenml-api: HTTP 404: KeyError: No service account with the '${sa}' name or ID was found`]);
  });

  if (everyFeature) it('--login stores the key in a profile, checked by the server, and prints nothing secret', async () => {
    const sa = `login-bot-${tag}`;
    const r = await zen(['service-account', 'create', sa, '--login']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Stored the key in profile "${sa}"`);
    const cfg = box.config();
    expect(cfg.current).toBe('admin');
    expect(cfg.profiles[sa]).toMatchObject({ server: server.url, auth: 'api-key', storage: 'file', user: { name: sa, serviceAccount: true } });
    const key = credentials(box)[`${sa}/api-key`]!;
    expect(key).toMatch(/^ZENKEY_/);
    secrets.push(key);
    const cu = await zen(['current-user', '--profile', sa, '--json']);
    expect(JSON.parse(cu.stdout).name).toBe(sa);

    // --profile names the profile; an existing one with credentials is kept unless --force.
    let again = await zen(['service-account', 'create', `${sa}-2`, '--login', '--profile', 'admin']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('profile "admin" already has credentials');
    again = await zen(['service-account', 'create', `${sa}-2`, '--login', '--profile', `p-${tag}`, '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout);
    expect(out).toMatchObject({ profile: `p-${tag}`, service_account: { name: `${sa}-2` }, api_key: { name: 'default', body: { key: null } } });
    secrets.push(credentials(box)[`p-${tag}/api-key`]!);
  });

  if (everyFeature) it('--output-file writes the key with mode 0600, never over an existing file unless --force', async () => {
    const file = join(box.dir, `key-${tag}.txt`);
    let r = await zen(['service-account', 'create', `file-bot-${tag}`, '--output-file', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    expect(key).toMatch(KEY_LINE);
    secrets.push(key.trim());

    // An existing file: refused before anything is created on the server.
    server.clearLog();
    r = await zen(['service-account', 'create', `file-bot2-${tag}`, '--output-file', file]);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r)[0]).toContain('already exists');
    expect(server.log).toHaveLength(0);
    expect(readFileSync(file, 'utf8')).toBe(key);

    // --force replaces it (still 0600); api-key create writes files too.
    r = await zen(['api-key', 'create', `file-bot-${tag}`, 'second', '--output-file', file, '--force', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ api_key: { name: 'second', body: { key: null } }, output_file: file });
    const second = readFileSync(file, 'utf8');
    expect(second).toMatch(KEY_LINE);
    expect(second).not.toBe(key);
    secrets.push(second.trim());
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A request that fails gives the claimed file back.
    const unused = join(box.dir, `unused-${tag}.txt`);
    r = await zen(['service-account', 'create', `file-bot-${tag}`, '--output-file', unused]);
    expect(r.exitCode).toBe(1);
    expect(existsSync(unused)).toBe(false);
  });

  if (everyFeature) it('a rotation whose profile update fails still prints the new key, says so, and exits 1', async () => {
    const sa = server.createServiceAccount(`kc-bot-${tag}`);
    const key = server.createApiKey(sa.id, 'k').key;
    secrets.push(key);
    let r = await zen(['login', server.url, '--api-key', '-', '--profile', 'kc', '--no-switch'], { input: key });
    expect(r.exitCode, r.stderr).toBe(0);
    // The profile says its secrets are in the keychain, and no keychain answers: the write fails.
    const cfgPath = join(box.configDir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
    cfg.profiles.kc.storage = 'keychain';
    writeFileSync(cfgPath, JSON.stringify(cfg));
    r = await zen(['api-key', 'rotate', sa.name, 'k'], { keyOut: true, env: { ZENML_API_STORE: 'keychain', DBUS_SESSION_BUS_ADDRESS: undefined } });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(KEY_LINE);
    const newKey = r.stdout.trim();
    secrets.push(newKey);
    expect(newKey).not.toBe(key);
    expect(r.stderr).toMatch(/^zenml-api: profile "kc" could not be updated with the new key \(.*keychain.*\); the new key was printed on stdout/m);
    // It is the live key.
    const other = new Sandbox();
    try {
      r = await zen(['login', server.url, '--api-key', '-'], { input: newKey, sandbox: other });
      expect(r.exitCode, r.stderr).toBe(0);
    } finally {
      other.cleanup();
    }
  });

  if (everyFeature) it('api-key: create, list every page, deactivate, activate, rotate with --retain, delete', async () => {
    const sa = server.createServiceAccount(`keys-${tag}`);
    for (let i = 0; i < 104; i++) server.createApiKey(sa.id, `seed-${String(i).padStart(3, '0')}`);
    let r = await zen(['api-key', 'create', sa.name, 'deploy', '--description', 'GitHub Actions'], { keyOut: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(KEY_LINE);
    const key = r.stdout.trim();
    secrets.push(key);

    server.clearLog();
    const [json, table, one] = await Promise.all([
      zen(['api-key', 'list', sa.id, '--json']),
      zen(['api-key', 'list', sa.name]),
      zen(['api-key', 'describe', sa.name, 'deploy']),
    ]);
    expect(json.exitCode, json.stderr).toBe(0);
    const all = JSON.parse(json.stdout) as Array<{ name: string; body: { key: unknown } }>;
    expect(all).toHaveLength(105);
    expect(all.at(-1)!.name).toBe('deploy');
    expect(all.every((k) => k.body.key === null)).toBe(true);
    // A UUID is used as it is (a name is looked up once); pages of 100.
    expect(server.count('GET', `/api/v1/service_accounts/${sa.id}`)).toBe(0);
    expect(server.count('GET', `/api/v1/service_accounts/${sa.name}`)).toBe(2);
    expect(server.count('GET', `/api/v1/service_accounts/${sa.id}/api_keys`)).toBe(4);
    expect(table.stdout.split('\n').filter(Boolean)).toHaveLength(105);
    expect(table.stdout).toMatch(/^deploy\t[0-9a-f-]{36}\tyes\t/m);
    expect(one.stdout).toContain('description\tGitHub Actions\n');
    expect(one.stdout).toContain(`service account\t${sa.name} (${sa.id})\n`);

    r = await zen(['api-key', 'deactivate', sa.name, 'deploy', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'deploy', body: { active: false, key: null } });
    r = await zen(['api-key', 'activate', sa.name, 'deploy']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Activated API key "deploy"');

    // --retain keeps the old value working for a while.
    server.clearLog();
    r = await zen(['api-key', 'rotate', sa.name, 'deploy', '--retain', '30', '--json'], { keyOut: true });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.api_key.body.key).toMatch(/^ZENKEY_/);
    secrets.push(out.api_key.body.key);
    expect(out.profiles).toEqual([]);
    expect(server.log.find((l) => l.path.endsWith('/rotate'))!.body).toBe('{"retain_period_minutes":30}');
    const other = new Sandbox();
    try {
      r = await zen(['login', server.url, '--api-key', '-'], { input: key, sandbox: other });
      expect(r.exitCode, r.stderr).toBe(0);
    } finally {
      other.cleanup();
    }

    r = await zen(['api-key', 'delete', sa.name, 'deploy', '-y']);
    expect(r.exitCode, r.stderr).toBe(0);
    r = await zen(['api-key', 'describe', sa.name, 'deploy']);
    expect(r.exitCode).toBe(1);
    expect(oneLine(r)).toEqual([
      `zenml-api: HTTP 404: KeyError: An API key with ID or name 'deploy' is not configured for service account with ID '${sa.id}'.`,
    ]);
  });

  if (everyFeature) it('service-account list reads every page', async () => {
    server.seedItems('service_accounts', 120);
    server.clearLog();
    const [r, table] = await Promise.all([zen(['service-account', 'list', '--json']), zen(['service-account', 'list'])]);
    expect(r.exitCode, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as Array<{ name: string }>).map((s) => s.name);
    expect(names).toContain('service_account-0001');
    expect(names).toContain('service_account-0120');
    expect(new Set(names).size).toBe(names.length);
    expect(server.count('GET', '/api/v1/service_accounts')).toBe(2 * Math.ceil(names.length / 100));
    expect(table.stdout.split('\n').filter(Boolean)).toHaveLength(names.length);
  });

  it('409 and 404 from the server are one clear line, exit 1, nothing on stdout', async () => {
    const sa = server.createServiceAccount(`dup-${tag}`);
    server.createApiKey(sa.id, 'default');
    const [sa409, key409, sa404, noKey] = await Promise.all([
      zen(['service-account', 'create', sa.name]),
      zen(['api-key', 'create', sa.name, 'default']),
      zen(['api-key', 'rotate', 'does-not-exist', 'default']),
      zen(['service-account', 'create', `no-key-${tag}`, '--no-api-key', '--json']),
    ]);
    expect(noKey.exitCode, noKey.stderr).toBe(0);
    expect(JSON.parse(noKey.stdout)).toMatchObject({ service_account: { name: `no-key-${tag}`, body: { active: true } }, api_key: null });
    for (const r of [sa409, key409, sa404]) {
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toBe('');
    }
    expect(oneLine(sa409)).toEqual([
      `zenml-api: HTTP 409: EntityExistsError: Unable to create service account with name '${sa.name}': Found existing service account with this name.`,
    ]);
    expect(oneLine(key409)).toEqual([
      `zenml-api: HTTP 409: EntityExistsError: Unable to register API key with name 'default': Found an existing API key with the same name configured for the same '${sa.name}' service account.`,
    ]);
    expect(oneLine(sa404)).toEqual([`zenml-api: HTTP 404: KeyError: No service account with the 'does-not-exist' name or ID was found`]);
  });

  if (everyFeature) {
    it.skipIf(!existsSync(SCRIPT))('delete asks on a terminal: "n" keeps the account, "y" deletes it', async () => {
      const sa = server.createServiceAccount(`ask-${tag}`);
      const no = await onTerminal(box, ['service-account', 'delete', sa.name], 'n\r');
      expect(no.exitCode).toBe(1);
      expect(no.stdout).toContain(`Delete service account "${sa.name}" (${sa.id}) and all its API keys? [y/N]`);
      expect(no.stdout).toContain('zenml-api: cancelled: nothing was changed');
      const yes = await onTerminal(box, ['api-key', 'delete', sa.name, 'nope'], 'y\r');
      expect(yes.exitCode).toBe(1);
      expect(yes.stdout).toContain(`KeyError: An API key with ID or name 'nope' is not configured`);
      const del = await onTerminal(box, ['service-account', 'delete', sa.name], 'y\r');
      expect(del.exitCode, del.stdout).toBe(0);
      expect(del.stdout).toContain(`Deleted service account "${sa.name}"`);
    });
  }

  it('no key appears anywhere but its one place', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(everyFeature ? 10 : 2);
    for (const { args, r, keyOut } of runs) {
      for (const s of secrets) {
        expect(r.stderr.includes(s), `stderr of ${args.join(' ')}`).toBe(false);
        if (!keyOut) expect(r.stdout.includes(s), `stdout of ${args.join(' ')}`).toBe(false);
      }
      if (keyOut) expect(secrets.filter((s) => r.stdout.includes(s)), `stdout of ${args.join(' ')}`).toHaveLength(1);
    }
    for (const f of box.files()) {
      if (f.path.endsWith('credentials.json')) continue;
      for (const s of secrets) expect(f.content.includes(s), f.path).toBe(false);
    }
  });
});

describe('service-account and api-key help', () => {
  it('every command has --help with examples, and --json where it prints data', async () => {
    const box = new Sandbox();
    try {
      const cmds = [
        ['service-account'],
        ...['create', 'list', 'describe', 'activate', 'deactivate', 'delete'].map((c) => ['service-account', c]),
        ['api-key'],
        ...['create', 'list', 'describe', 'activate', 'deactivate', 'delete', 'rotate'].map((c) => ['api-key', c]),
      ];
      const results = await Promise.all(cmds.map((c) => box.run([...c, '--help'])));
      results.forEach((r, i) => {
        const what = cmds[i]!.join(' ');
        expect(r.exitCode, what).toBe(0);
        expect(r.stdout, what).toContain('Examples:\n  $ zenml-api ');
        if (cmds[i]!.length === 2) {
          expect(r.stdout, what).toContain('--json');
          expect(r.stdout, what).toContain('--profile <name>');
          expect(r.stdout, what).toContain('--timeout <seconds>');
        }
      });
    } finally {
      box.cleanup();
    }
  });
});

describe('apiKeyId (the key id inside a ZENKEY_)', () => {
  const enc = (v: unknown, enc: BufferEncoding = 'base64') => `ZENKEY_${Buffer.from(JSON.stringify(v)).toString(enc)}`;
  it('reads the id of a key in the documented format, and nothing else', () => {
    // Python's json.dumps separators, padded standard base64 (docs/zenml-api.md §2.4).
    const py = `ZENKEY_${Buffer.from('{"id": "4852EF1D-560b-44ea-9791-022a1b6e9773", "key": "ab"}').toString('base64')}`;
    expect(apiKeyId(py)).toBe('4852ef1d-560b-44ea-9791-022a1b6e9773');
    expect(apiKeyId(enc({ id: 'x', key: 'y' }, 'base64url'))).toBe('x');
    for (const bad of ['', 'ZENKEY_', 'ZENPROKEY_abc', 'ZENKEY_!!!', enc('a string'), enc([1]), enc({ key: 'y' }), enc({ id: 7 }), `ZENKEY_${Buffer.from('{"id":').toString('base64')}`]) {
      expect(apiKeyId(bad), bad).toBeNull();
    }
  });
});
