/**
 * login / token / current-user / logout against the stand-in server, on both server versions,
 * with the file store (the keychain has its own suite).
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../support/standin/index.js';
import { leaked, Sandbox } from '../support/cli.js';

describe.each(['0.58', '0.9x'] as const)('login on a %s server', (version) => {
  let server: Standin;
  let box: Sandbox;
  let key: string;
  let saId: string;

  beforeAll(async () => {
    server = await startStandin({ version });
    saId = server.createServiceAccount('ci-bot').id;
    key = server.createApiKey('ci-bot', 'default').key;
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => box?.cleanup());

  it('logs in with an API key from stdin, stores it, and prints who it is', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: `${key}\n` });
    expect(r.stderr).toContain('as ci-bot (service account)');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    const cfg = box.config();
    expect(cfg.current).toBe('default');
    expect(cfg.profiles.default).toMatchObject({ server: server.url, auth: 'api-key', storage: 'file', user: { id: saId, name: 'ci-bot', serviceAccount: true } });
    const files = box.files();
    const cred = files.find((f) => f.path.endsWith('credentials.json'))!;
    expect(cred.mode).toBe(0o600);
    expect(cred.content).toContain(key);
    // No secret anywhere but the credential store.
    expect(leaked(files.filter((f) => f !== cred).map((f) => f.content), [key])).toBe(-1);
    // The login used the explicit grant, as the docs advise.
    const login = server.log.filter((l) => l.path === '/api/v1/login').at(-1)!;
    expect(new URLSearchParams(login.body).get('grant_type')).toBe('zenml-api-key');
  });

  it('token prints only the token; current-user shows the account', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-'], { input: key });
    const t = await box.run(['token']);
    expect(t.exitCode).toBe(0);
    expect(t.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = JSON.parse(Buffer.from(t.stdout.split('.')[1]!, 'base64url').toString());
    expect(claims.sub).toBe(saId);
    const j = await box.run(['token', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ token: t.stdout.trim(), expires_at: null, profile: 'default', server: server.url });

    const cu = await box.run(['current-user', '--json']);
    expect(cu.exitCode).toBe(0);
    expect(JSON.parse(cu.stdout)).toMatchObject({ id: saId, name: 'ci-bot', body: { is_service_account: true } });
    const table = await box.run(['current-user']);
    expect(table.stdout).toContain('name\tci-bot\n');
    expect(table.stdout).toContain('kind\tservice account\n');
  });

  it('rejects a wrong key with exit 4 and stores nothing', async () => {
    box = new Sandbox();
    const wrong = `${key.slice(0, -8)}AAAAAAA=`;
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: wrong });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/^zenml-api: the server rejected the API key: (AuthorizationException|CredentialsNotValid): Authentication error: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(box.files()).toEqual([]);
  });

  it('rejects a malformed key with exit 4', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: 'not-a-key' });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('error decoding API key');
  });

  it('keeps the previous credentials when a new login fails', async () => {
    box = new Sandbox();
    expect((await box.run(['login', server.url, '--api-key', '-'], { input: key })).exitCode).toBe(0);
    const before = (await box.run(['token'])).stdout;
    const bad = await box.run(['login', server.url, '--api-key', '-'], { input: 'ZENKEY_bm9wZQ==' });
    expect(bad.exitCode).toBe(4);
    const after = await box.run(['token']);
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toBe(before);
  });

  it('rejects a deactivated key, then a deactivated account, with exit 4', async () => {
    box = new Sandbox();
    const sa = server.createServiceAccount(`deact-${Math.random().toString(36).slice(2, 8)}`);
    const k = server.createApiKey(sa.id, 'k').key;
    server.setActive('api_key', sa.id, 'k', false);
    let r = await box.run(['login', server.url, '--api-key', '-'], { input: k });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('is not active');
    server.setActive('api_key', sa.id, 'k', true);
    server.setActive('service_account', sa.id, undefined, false);
    r = await box.run(['login', server.url, '--api-key', '-'], { input: k });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain(`service account ${sa.name}`);
  });

  it('logs in with a user name and an empty password from stdin', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--username', 'default', '--password-stdin'], { input: '' });
    expect(r.stderr).toContain('as default (user)');
    expect(r.exitCode).toBe(0);
    expect(box.config().profiles.default).toMatchObject({ auth: 'password', username: 'default' });
  });

  it('accepts a dashboard token, and says when it expired', async () => {
    box = new Sandbox();
    const user = 'default';
    const live = server.mintToken(user, { expiresInSeconds: 3600 });
    let r = await box.run(['login', server.url, '--token', '-'], { input: live });
    expect(r.exitCode).toBe(0);
    expect((await box.run(['token'])).stdout.trim()).toBe(live);

    // A token inside the renewal leeway counts as expired, and a dashboard token cannot be renewed.
    const soon = server.mintToken(user, { expiresInSeconds: 15 });
    r = await box.run(['login', server.url, '--token', '-'], { input: soon });
    expect(r.exitCode).toBe(0);
    const t = await box.run(['token']);
    expect(t.exitCode).toBe(4);
    expect(t.stderr).toMatch(/expired .* cannot be renewed/);
    expect(t.stdout).toBe('');

    const dead = server.mintToken(user, { expiresInSeconds: -60 });
    r = await box.run(['login', server.url, '--token', '-'], { input: dead });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('that token expired');
  });

  it('mints a short-lived token with --expires-in using this version\'s parameters', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-'], { input: key });
    server.clearLog();
    const r = await box.run(['token', '--expires-in', '600', '--json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout);
    const exp = JSON.parse(Buffer.from(out.token.split('.')[1], 'base64url').toString()).exp;
    expect(Math.abs(exp * 1000 - Date.parse(out.expires_at))).toBeLessThan(1000);
    expect(exp - Date.now() / 1000).toBeGreaterThan(500);
    expect(exp - Date.now() / 1000).toBeLessThan(700);
    const q = server.log.find((l) => l.path === '/api/v1/api_token')!.query;
    if (version === '0.58') expect(q).toEqual({ expires_minutes: '10' });
    else expect(q).toEqual({ token_type: 'generic', expires_in: '600' });
  });

  it('logout forgets the secrets; token then needs a login (exit 4)', async () => {
    box = new Sandbox();
    await box.run(['login', server.url, '--api-key', '-'], { input: key });
    const r = await box.run(['logout']);
    expect(r.exitCode).toBe(0);
    const cred = box.files().find((f) => f.path.endsWith('credentials.json'));
    expect(cred?.content ?? '').not.toContain(key);
    const t = await box.run(['token']);
    expect(t.exitCode).toBe(4);
  });
});

describe('login input and server checks', () => {
  let server: Standin;
  let box: Sandbox;
  let key: string;
  beforeAll(async () => {
    server = await startStandin({ version: '0.9x' });
    server.createServiceAccount('sa');
    key = server.createApiKey('sa', 'k').key;
  });
  afterAll(() => server.close());
  afterEach(() => box?.cleanup());

  it('refuses a malformed URL with exit 2', async () => {
    box = new Sandbox();
    for (const url of ['zenml.example.com', 'ftp://zenml.example.com', 'http://', 'https://user:pw@host.example']) {
      const r = await box.run(['login', url, '--api-key', '-'], { input: key });
      expect(r.exitCode, url).toBe(2);
      expect(r.stderr.trim().split('\n'), url).toHaveLength(1);
    }
  });

  it('refuses plain http to another host unless --allow-insecure-http', async () => {
    box = new Sandbox();
    const r = await box.run(['login', 'http://zenml.example.com', '--api-key', '-'], { input: key });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--allow-insecure-http');
  });

  it('refuses a secret given as an argv value', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--api-key', 'ZENKEY_abc']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toContain('ZENKEY_abc');
  });

  it('explains a ZENPROKEY_ key given to login', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: 'ZENPROKEY_abcdef' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('pro login');
  });

  it('fails clearly when nothing listens (exit 1)', async () => {
    box = new Sandbox();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const r = await box.run(['login', `http://127.0.0.1:${port}`, '--api-key', '-'], { input: key });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('connection refused');
    expect(box.files()).toEqual([]);
  });

  it('fails clearly on a server that answers HTML (exit 1)', async () => {
    box = new Sandbox();
    const html: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><head><title>Welcome to nginx!</title></head><body>hi</body></html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    const port = (html.address() as { port: number }).port;
    try {
      const r = await box.run(['login', `http://127.0.0.1:${port}`, '--api-key', '-'], { input: key });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/HTML page/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await new Promise((r) => html.close(r));
    }
  });

  it('says that ZENML_STORE_* credentials take precedence', async () => {
    box = new Sandbox();
    const r = await box.run(['login', server.url, '--api-key', '-'], { input: key, env: { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: key } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('ZENML_STORE_URL is set');
  });

  it('uses environment credentials without writing anything', async () => {
    box = new Sandbox();
    const env = { ZENML_STORE_URL: server.url, ZENML_STORE_API_KEY: key };
    const t = await box.run(['token'], { env });
    expect(t.exitCode).toBe(0);
    const cu = await box.run(['current-user', '--json'], { env });
    expect(JSON.parse(cu.stdout).name).toBe('sa');
    expect(box.files()).toEqual([]);
  });

  it('keeps secrets out of stdout, stderr, --verbose logs and every file but the store', async () => {
    box = new Sandbox();
    const outputs: string[] = [];
    const runs = [
      await box.run(['login', server.url, '--api-key', '-', '--verbose'], { input: key }),
      await box.run(['current-user', '--verbose']),
      await box.run(['status', '--check', '--verbose']),
      await box.run(['profile', 'show', '--json']),
      await box.run(['call', 'current-user', '--verbose', '-i']),
    ];
    for (const r of runs) outputs.push(r.stdout, r.stderr);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0]);
    expect(outputs.join('\n')).toContain('> GET');
    const token = (await box.run(['token'])).stdout.trim();
    expect(leaked(outputs, [key, token])).toBe(-1);
    const nonStore = box.files().filter((f) => !f.path.endsWith('credentials.json'));
    expect(leaked(nonStore.map((f) => f.content), [key, token])).toBe(-1);
    expect(readFileSync(join(box.configDir, 'config.json'), 'utf8')).not.toMatch(/ZENKEY_|eyJ/);
  });
});
