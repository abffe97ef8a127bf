/**
 * The credential model (docs/DESIGN.md, "Credential kinds"): secrets bound to where they came
 * from, one plain-http rule, redaction of every stderr line, Pro-only profiles, the Pro resolver
 * of `login --pro-workspace`, one renewal rule, and the guards of `login`. One test (or more) per
 * finding of the issue "One credential model".
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProStandin, startProWorkspace, startStandin, type ProStandin, type Standin } from '../support/standin/index.js';
import { leaked, Sandbox } from '../support/cli.js';

let proA: ProStandin;
let proB: ProStandin;
let server: Standin;
let workspace: Standin;
let key: string;
let box: Sandbox;

/** A listener that counts every connection: HTTP(S)_PROXY points at it, so any attempt to reach a non-loopback host shows up here. */
let canary: Server;
let canaryUrl: string;
let canaryHits = 0;

beforeAll(async () => {
  [proA, proB, server] = await Promise.all([startProStandin(), startProStandin(), startStandin({ version: '0.9x', tokenLifetimeSeconds: 3600 })]);
  workspace = await startProWorkspace(proA, 'ws');
  server.createServiceAccount('bot');
  key = server.createApiKey('bot', 'k').key;
  canary = createServer((req, res) => {
    canaryHits += 1;
    res.writeHead(502).end();
  });
  canary.on('connect', (_req, socket) => {
    canaryHits += 1;
    socket.destroy();
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as { port: number }).port}`;
});
afterAll(async () => {
  await Promise.all([proA.close(), proB.close(), server.close(), workspace.close(), new Promise((r) => canary.close(r))]);
});
afterEach(() => box?.cleanup());

const proxied = () => ({ HTTP_PROXY: canaryUrl, HTTPS_PROXY: canaryUrl, http_proxy: canaryUrl, https_proxy: canaryUrl, NO_PROXY: '127.0.0.1,localhost' });

async function proLogin(b: Sandbox, url: string, profile: string, input: string, flag = '--token') {
  const r = await b.run(['pro', 'login', flag, '-', '--pro-api-url', url, '--profile', profile], { input });
  expect(r.stderr).toContain('Logged in to ZenML Pro');
  expect(r.exitCode).toBe(0);
}

describe('secrets are bound to where they came from', () => {
  it('a stored Pro token never follows ZENML_PRO_API_URL to another Pro API (exit 2, both URLs named)', async () => {
    box = new Sandbox();
    await proLogin(box, proA.url, 'pro', proA.issueToken());
    proB.clearLog();
    const r = await box.run(['call', '--pro', '/users/me', '--profile', 'pro'], { env: { ZENML_PRO_API_URL: proB.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(proA.url);
    expect(r.stderr).toContain(proB.url);
    expect(proB.log).toHaveLength(0);
    // Same for `pro users me`, with the profile chosen as the current one.
    const me = await box.run(['pro', 'users', 'me'], { env: { ZENML_PRO_API_URL: proB.url } });
    expect(me.exitCode).toBe(2);
    expect(proB.log).toHaveLength(0);
    // The URL it was stored for is fine.
    expect((await box.run(['pro', 'users', 'me', '--json'], { env: { ZENML_PRO_API_URL: proA.url } })).exitCode).toBe(0);
  });

  it('a stored ZENPROKEY_ key is never sent to the environment URL on renewal', async () => {
    box = new Sandbox();
    const proKey = proA.createApiKey();
    await proLogin(box, proA.url, 'pro', proKey, '--api-key');
    box.editStoredToken('pro', (t) => void (t.expiresAt = Date.now() - 1000), 'pro-token');
    proB.clearLog();
    const r = await box.run(['pro', 'token', '--profile', 'pro'], { env: { ZENML_PRO_API_URL: proB.url } });
    expect(r.exitCode).toBe(2);
    expect(proB.log).toHaveLength(0);
    expect(leaked([r.stdout, r.stderr], [proKey])).toBe(-1);
  });

  it('environment Pro credentials go to the environment URL', async () => {
    box = new Sandbox();
    const r = await box.run(['pro', 'users', 'me', '--json'], { env: { ZENML_PRO_API_URL: proB.url, ZENML_PRO_API_TOKEN: proB.issueToken() } });
    expect(r.exitCode).toBe(0);
    expect(proB.count('GET', '/users/me')).toBeGreaterThan(0);
  });
});

describe('one plain-http rule for every path that sends a credential', () => {
  const farHttp = 'http://zenml.invalid-host.example:8080';
  const cases: Array<{ name: string; args: string[]; env: Record<string, string>; input?: string }> = [
    { name: 'pro login --pro-api-url', args: ['pro', 'login', '--token', '-', '--pro-api-url', farHttp], env: {}, input: 'a-pro-token-value' },
    { name: 'ZENML_PRO_API_URL with ZENML_PRO_API_KEY', args: ['pro', 'users', 'me'], env: { ZENML_PRO_API_URL: farHttp, ZENML_PRO_API_KEY: 'ZENPROKEY_canary' } },
    { name: 'ZENML_STORE_URL with ZENML_STORE_API_KEY', args: ['current-user'], env: { ZENML_STORE_URL: farHttp, ZENML_STORE_API_KEY: 'ZENKEY_canary' } },
    { name: 'ZENML_STORE_URL with a user name and password', args: ['token'], env: { ZENML_STORE_URL: farHttp, ZENML_STORE_USERNAME: 'u', ZENML_STORE_PASSWORD: 'canary-password' } },
    { name: 'login', args: ['login', farHttp, '--api-key', '-'], env: {}, input: 'ZENKEY_canary' },
  ];
  for (const c of cases) {
    it(`${c.name}: refused before anything is sent (exit 2)`, async () => {
      box = new Sandbox();
      canaryHits = 0;
      const r = await box.run(c.args, { env: { ...proxied(), ...c.env }, ...(c.input !== undefined ? { input: c.input } : {}) });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/refusing to send credentials over plain http to zenml\.invalid-host\.example:8080/);
      expect(canaryHits).toBe(0);
    });
  }

  it('ZENML_API_ALLOW_INSECURE_HTTP=1 is the opt-in for environment credentials (the request then goes out)', async () => {
    box = new Sandbox();
    canaryHits = 0;
    const r = await box.run(['current-user'], { env: { ...proxied(), ZENML_STORE_URL: farHttp, ZENML_STORE_API_KEY: 'ZENKEY_canary', ZENML_API_ALLOW_INSECURE_HTTP: '1' } });
    expect(r.exitCode).toBe(1);
    expect(canaryHits).toBeGreaterThan(0);
  });
});

describe('secrets echoed by a server never reach stderr', () => {
  const echoBody = (s: string) => JSON.stringify({ detail: ['AuthorizationException', `bad credentials: ${s} (Bearer ${s})`] });

  for (const verbose of [false, true]) {
    const v = verbose ? ['--verbose'] : [];
    it(`login, renewal, token, current-user, call${verbose ? ', with --verbose' : ''}`, async () => {
      box = new Sandbox();
      const r0 = await box.run(['login', server.url, '--api-key', '-', ...v], { input: key });
      expect(r0.exitCode).toBe(0);
      const stderrs: string[] = [];
      // login rejected, with the key in the error text
      server.addFault({ method: 'POST', path: '/api/v1/login', kind: 'status', status: 401, body: echoBody(key), times: 1 });
      const bad = await box.run(['login', server.url, '--api-key', '-', ...v], { input: key });
      expect(bad.exitCode).toBe(4);
      stderrs.push(bad.stderr);
      // renewal through `token`, rejected with the key echoed
      box.editStoredToken('default', (t) => void (t.expiresAt = Date.now() - 1000));
      server.addFault({ method: 'POST', path: '/api/v1/login', kind: 'status', status: 401, body: echoBody(key), times: 1 });
      const tok = await box.run(['token', ...v]);
      expect(tok.exitCode).toBe(4);
      stderrs.push(tok.stderr);
      // a valid token again, then a 400 that echoes it
      const fresh = await box.run(['token']);
      expect(fresh.exitCode).toBe(0);
      const token = fresh.stdout.trim();
      server.addFault({ method: 'GET', path: '/api/v1/current-user', kind: 'status', status: 400, body: echoBody(token), times: 1 });
      const cu = await box.run(['current-user', ...v]);
      expect(cu.exitCode).toBe(1);
      stderrs.push(cu.stderr);
      server.addFault({ method: 'GET', path: '/api/v1/info', kind: 'status', status: 400, body: echoBody(token), times: 1 });
      const call = await box.run(['call', 'info', ...v]);
      expect(call.exitCode).toBe(1);
      expect(call.stdout).toContain(token); // the body is the user's data: as it came
      stderrs.push(call.stderr);
      expect(stderrs.join('\n')).toMatch(/redacted/);
      expect(leaked(stderrs, [key, token])).toBe(-1);
      expect(leaked(stderrs, ['ZENKEY_', 'eyJ'].map((p) => `${p}${'x'}`))).toBe(-1);
    });
  }

  it('a password echoed in the error text is not shown', async () => {
    box = new Sandbox();
    const password = 'hunter2-correct-horse';
    server.createUser('echo-user', { password });
    server.addFault({ method: 'POST', path: '/api/v1/login', kind: 'status', status: 401, body: JSON.stringify({ detail: ['AuthorizationException', `wrong password '${password}'`] }), times: 1 });
    const r = await box.run(['login', server.url, '--username', 'echo-user', '--password-stdin', '--verbose'], { input: password });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('wrong password');
    expect(r.stderr).not.toContain(password);
  });

  it('pro login and pro users me', async () => {
    box = new Sandbox();
    const t = proA.issueToken();
    proA.addFault({ method: 'GET', path: '/users/me', kind: 'status', status: 401, body: echoBody(t), times: 1 });
    const l = await box.run(['pro', 'login', '--token', '-', '--pro-api-url', proA.url], { input: t });
    expect(l.exitCode).toBe(4);
    await proLogin(box, proA.url, 'default', t);
    proA.addFault({ method: 'GET', path: '/users/me', kind: 'status', status: 400, body: echoBody(t), times: 1 });
    const me = await box.run(['pro', 'users', 'me', '--verbose']);
    expect(me.exitCode).toBe(1);
    expect(leaked([l.stderr, me.stderr], [t])).toBe(-1);
  });
});

describe('Pro credentials in status, profiles and workspace logins', () => {
  it('a profile holding only Pro credentials is not "logged out": status exits 0 and shows them', async () => {
    box = new Sandbox();
    await proLogin(box, proA.url, 'pro', proA.createApiKey(), '--api-key');
    const st = await box.run(['status', '--json']);
    expect(st.exitCode).toBe(0);
    const row = JSON.parse(st.stdout).find((r: { name: string }) => r.name === 'pro');
    expect(row).toMatchObject({ can_authenticate: true, problem: null, pro: { auth: 'pro-api-key', api_url: proA.url, token: 'valid', renewable: true } });
    const table = await box.run(['status']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toContain('ZenML Pro API key');
    expect(table.stdout).not.toContain('logged out');
    const list = await box.run(['profile', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'pro', pro_auth: 'pro-api-key', pro_api_url: proA.url, pro_renewable: true })]);
    const show = JSON.parse((await box.run(['profile', 'show', 'pro', '--json'])).stdout);
    expect(show).toMatchObject({ pro_auth: 'pro-api-key', pro_api_url: proA.url, pro_renewable: true, secrets: { 'pro-token': true, 'pro-api-key': true } });
    expect(Date.parse(show.pro_token_expires_at)).toBeGreaterThan(Date.now());
    const listTable = await box.run(['profile', 'list']);
    expect(listTable.stdout).toContain('ZenML Pro API key');
    expect(listTable.stdout).not.toContain('logged out');
  });

  it('login --pro-workspace takes the Pro credentials from --profile when that profile holds them', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'admin'], { input: key })).exitCode).toBe(0);
    await proLogin(box, proA.url, 'pro', proA.issueToken());
    await proLogin(box, proA.url, 'pro2', proA.issueToken());
    expect((await box.run(['profile', 'use', 'admin'])).exitCode).toBe(0);
    const r = await box.run(['login', '--pro-workspace', 'ws', '--profile', 'pro', '--no-switch']);
    expect(r.stderr).toContain('Logged in to');
    expect(r.exitCode).toBe(0);
    // Neither selected nor current holds them and two profiles do: a usage error naming both.
    const amb = await box.run(['login', '--pro-workspace', 'ws', '--profile', 'wsp']);
    expect(amb.exitCode).toBe(4);
    expect(amb.stderr).toMatch(/profiles with Pro credentials: pro, pro2/);
    const named = await box.run(['login', '--pro-workspace', 'ws', '--profile', 'wsp', '--pro-profile', 'pro2']);
    expect(named.exitCode).toBe(0);
  });

  it('a workspace login with a Pro token from the environment says it cannot be renewed, and how to log in again', async () => {
    box = new Sandbox();
    const r = await box.run(['login', '--pro-workspace', 'ws', '--profile', 'w'], { env: { ZENML_PRO_API_URL: proA.url, ZENML_PRO_API_TOKEN: proA.issueToken() } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).not.toContain('renewed automatically');
    expect(r.stderr).toMatch(/cannot be renewed: Run `zenml-api login --pro-workspace WORKSPACE --profile w`/);
    box.editStoredToken('w', (t) => void (t.expiresAt = Date.now() - 1000));
    const t = await box.run(['token', '--profile', 'w']);
    expect(t.exitCode).toBe(4);
    expect(t.stderr).toContain('--pro-workspace');
    expect(t.stderr).not.toContain('--token -');
  });
});

describe('profiles and the guards of login', () => {
  it('ZENML_STORE_URL without a credential variable: exit 2 naming them, nothing sent', async () => {
    box = new Sandbox();
    server.clearLog();
    const r = await box.run(['current-user'], { env: { ZENML_STORE_URL: server.url } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/ZENML_STORE_API_KEY.*ZENML_STORE_API_TOKEN.*ZENML_STORE_USERNAME/);
    expect(server.log).toHaveLength(0);
  });

  it('after the current profile is removed, messages list the others and point at `profile use`', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'a'], { input: key })).exitCode).toBe(0);
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'b'], { input: key })).exitCode).toBe(0);
    expect((await box.run(['profile', 'remove', 'b'])).exitCode).toBe(0);
    for (const args of [['token'], ['status']]) {
      const r = await box.run(args);
      expect(r.exitCode).toBe(4);
      expect(r.stderr).toContain('profiles: a');
      expect(r.stderr).toContain('profile use a');
    }
  });

  it('login does not silently change who a profile is: without a terminal it needs --force', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
    const r = await box.run(['login', '--api-key', '-'], { input: key });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/profile "default" is user "default" on .*this login would make it service account "bot".*--force/);
    const cfg = JSON.parse(box.files().find((f) => f.path.endsWith('config.json'))!.content);
    expect(cfg.profiles.default.user.name).toBe('default');
    const forced = await box.run(['login', '--api-key', '-', '--force'], { input: key });
    expect(forced.exitCode).toBe(0);
    expect(forced.stderr).toContain(`Logging in to ${server.url} for profile "default"`);
    // A fresh login as the same identity does not ask.
    expect((await box.run(['login', '--api-key', '-'], { input: key })).exitCode).toBe(0);
  });

  it('login SERVER keeps using the current profile on that server', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' })).exitCode).toBe(0);
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'bot'], { input: key })).exitCode).toBe(0);
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: key });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('profile "bot"');
  });

  it('api-key rotate waits for the renewal lock of a profile it updates before rotating', async () => {
    box = new Sandbox();
    const sa = server.createServiceAccount('rotor');
    const k = server.createApiKey(sa.id, 'rk').key;
    expect((await box.run(['login', server.url, '--api-key', '-', '--profile', 'rot'], { input: k })).exitCode).toBe(0);
    const lock = join(box.configDir, 'renew-rot.lock');
    writeFileSync(lock, `${process.pid}\n${(await import('node:os')).hostname()}\n${Date.now()}\n`);
    server.clearLog();
    const child = box.spawn(['api-key', 'rotate', 'rotor', 'rk', '--profile', 'rot']);
    // It looks the account up first, then waits on the lock without rotating.
    for (let i = 0; i < 600 && server.count('GET', /\/service_accounts\/rotor$/) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    expect(server.count('PUT', /\/rotate$/) + server.count('POST', /\/rotate$/)).toBe(0);
    (await import('node:fs')).unlinkSync(lock);
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('Profile "rot" now uses the new key');
  });
});

describe.runIf((await import('node:fs')).existsSync('/usr/bin/script'))('secrets typed on a terminal', () => {
  it('`--api-key -` on a terminal reads without echo: the key is not on the screen', async () => {
    box = new Sandbox();
    const { execa } = await import('execa');
    const { BIN } = await import('../support/cli.js');
    const cmd = ['node', BIN, 'login', server.url, '--api-key', '-'].map((a) => `'${a}'`).join(' ');
    // `script` gives the command a pseudo-terminal and types our stdin into it.
    const child = execa('script', ['-qec', cmd, '/dev/null'], { env: { ...box.env, TERM: 'xterm' }, extendEnv: false, reject: false, stdin: 'pipe' });
    // Typed once the prompt is up, as a person would (earlier, the terminal itself would echo it).
    let screen = '';
    child.stdout!.on('data', (d: Buffer) => {
      const before = screen;
      screen += d.toString();
      if (!/API key: /.test(before) && /API key: /.test(screen)) child.stdin!.write(`${key}\r`);
    });
    const r = await child;
    expect(r.stdout).toContain('Logged in to');
    expect(r.stdout).not.toContain(key);
  });
});
