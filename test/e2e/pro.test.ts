/** ZenML Pro: pro login (token, key), renewal, expiry, users me, organizations, workspaces, workspace login. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProStandin, startProWorkspace, startStandin, type ProStandin, type Standin } from '../support/standin/index.js';
import { leaked, Sandbox } from '../support/cli.js';

let pro: ProStandin;
let workspace: Standin;
let oss: Standin;
let box: Sandbox;
let ossKey: string;

beforeAll(async () => {
  pro = await startProStandin();
  workspace = await startProWorkspace(pro, 'my-workspace');
  pro.addWorkspace({ name: 'sleeping', serverUrl: null, status: 'deactivated' });
  oss = await startStandin({ version: '0.58' });
  oss.createServiceAccount('oss-sa');
  ossKey = oss.createApiKey('oss-sa', 'k').key;
});
afterAll(async () => {
  await Promise.all([pro.close(), workspace.close(), oss.close()]);
});
afterEach(() => box?.cleanup());

const proEnv = () => ({ ZENML_PRO_API_URL: pro.url });

describe('pro login', () => {
  it('with a Pro API token: checks /users/me, stores it, users me as table and JSON', async () => {
    box = new Sandbox();
    const token = pro.issueToken();
    const r = await box.run(['pro', 'login', '--token', '-'], { input: token, env: proEnv() });
    expect(r.stderr).toContain('Logged in to ZenML Pro');
    expect(r.exitCode).toBe(0);
    expect(box.config().profiles.default).toMatchObject({ proAuth: 'pro-token' });
    const me = await box.run(['pro', 'users', 'me', '--json'], { env: proEnv() });
    expect(me.exitCode).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ id: pro.users.human.id, is_service_account: false });
    const table = await box.run(['pro', 'users', 'me'], { env: proEnv() });
    expect(table.stdout).toContain(`email\t${pro.users.human.email}\n`);
    expect(table.stdout).toContain('service account\tno\n');
    expect((await box.run(['pro', 'token'], { env: proEnv() })).stdout.trim()).toBe(token);
  });

  it('rejects a bad token and stores nothing', async () => {
    box = new Sandbox();
    const r = await box.run(['pro', 'login', '--token', '-'], { input: 'not-a-pro-token', env: proEnv() });
    expect(r.exitCode).toBe(4);
    expect(box.files()).toEqual([]);
  });

  it('with a ZENPROKEY_ key: exchanges it, and renews from the key after expiry', async () => {
    box = new Sandbox();
    const key = pro.createApiKey({ user: pro.users.serviceAccount.id });
    const r = await box.run(['pro', 'login', '--api-key', '-'], { input: key, env: proEnv() });
    expect(r.exitCode).toBe(0);
    expect(pro.count('POST', '/auth/login')).toBeGreaterThan(0);
    const me = JSON.parse((await box.run(['pro', 'users', 'me', '--json'], { env: proEnv() })).stdout);
    expect(me.is_service_account).toBe(true);
    // Expire the stored Pro token: the next call exchanges the key again.
    box.editStoredToken('default', (t) => {
      t.expiresAt = Date.now() - 1000;
    }, 'pro-token');
    pro.clearLog();
    const again = await box.run(['pro', 'token', '--json'], { env: proEnv() });
    expect(again.exitCode).toBe(0);
    expect(pro.count('POST', '/auth/login')).toBe(1);
    expect(Date.parse(JSON.parse(again.stdout).expires_at)).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('an expired Pro token says when and how to get a new one (exit 4)', async () => {
    box = new Sandbox();
    const soon = pro.issueToken({ expiresInSeconds: 10 }); // inside the renewal leeway
    expect((await box.run(['pro', 'login', '--token', '-'], { input: soon, env: proEnv() })).exitCode).toBe(0);
    const r = await box.run(['pro', 'users', 'me'], { env: proEnv() });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/Pro API token of profile "default" expired .*one hour.*API Tokens/);
    const dead = pro.issueToken({ expiresInSeconds: -10 });
    const l = await box.run(['pro', 'login', '--token', '-'], { input: dead, env: proEnv() });
    expect(l.exitCode).toBe(4);
  });

  it('lists organizations and workspaces', async () => {
    box = new Sandbox();
    await box.run(['pro', 'login', '--token', '-'], { input: pro.issueToken(), env: proEnv() });
    const orgs = await box.run(['pro', 'organizations', 'list', '--json'], { env: proEnv() });
    expect(JSON.parse(orgs.stdout).map((o: { id: string }) => o.id)).toContain(pro.organization.id);
    const ws = await box.run(['pro', 'workspaces', 'list'], { env: proEnv() });
    expect(ws.exitCode).toBe(0);
    expect(ws.stdout).toMatch(new RegExp(`my-workspace\\t[0-9a-f-]{36}\\t.*\\tavailable\\t${workspace.url}`));
    expect(ws.stdout).toContain('sleeping');
  });

  it('works from ZENML_PRO_API_TOKEN without writing anything; call --pro too', async () => {
    box = new Sandbox();
    const env = { ...proEnv(), ZENML_PRO_API_TOKEN: pro.issueToken() };
    const me = await box.run(['pro', 'users', 'me', '--json'], { env });
    expect(me.exitCode).toBe(0);
    const call = await box.run(['call', '--pro', '/users/me'], { env });
    expect(call.exitCode).toBe(0);
    expect(JSON.parse(call.stdout).id).toBe(pro.users.human.id);
    expect(box.files()).toEqual([]);
  });

  it('call --pro refuses another host, and without Pro credentials says to run pro login', async () => {
    box = new Sandbox();
    const none = await box.run(['call', '--pro', '/users/me'], { env: proEnv() });
    expect(none.exitCode).toBe(4);
    expect(none.stderr).toContain('pro login');
    const env = { ...proEnv(), ZENML_PRO_API_TOKEN: pro.issueToken() };
    const other = await box.run(['call', '--pro', `${oss.url}/api/v1/info`], { env });
    expect(other.exitCode).toBe(2);
  });
});

describe('workspaces and other servers', () => {
  it('login --pro-workspace logs in to the workspace server; current-user works there', async () => {
    box = new Sandbox();
    const key = pro.createApiKey({ user: pro.users.serviceAccount.id });
    expect((await box.run(['pro', 'login', '--api-key', '-'], { input: key, env: proEnv() })).exitCode).toBe(0);
    const r = await box.run(['login', '--pro-workspace', 'my-workspace'], { env: proEnv() });
    expect(r.stderr).toContain(`Logged in to ${workspace.url}`);
    expect(r.exitCode).toBe(0);
    expect(box.config().profiles['my-workspace']).toMatchObject({ server: workspace.url, auth: 'pro-external', proWorkspace: { name: 'my-workspace' } });
    expect(box.config().current).toBe('my-workspace');
    const cu = await box.run(['current-user', '--json'], { env: proEnv() });
    expect(cu.exitCode).toBe(0);
    const login = workspace.log.find((l) => l.path === '/api/v1/login')!;
    expect(new URLSearchParams(login.body).get('grant_type')).toBe('zenml-external');
    // The Pro token went to the workspace only as the zenml-external bearer, never to other hosts.
    const proTokens = pro.log.filter((l) => l.path === '/auth/login').length;
    expect(proTokens).toBeGreaterThan(0);
    const callAgain = await box.run(['call', 'current-user'], { env: proEnv() });
    expect(callAgain.exitCode).toBe(0);
  });

  it('refuses a workspace that is not running', async () => {
    box = new Sandbox();
    await box.run(['pro', 'login', '--token', '-'], { input: pro.issueToken(), env: proEnv() });
    const r = await box.run(['login', '--pro-workspace', 'sleeping'], { env: proEnv() });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('not running');
  });

  it('pro login and logout leave OSS profiles untouched; the Pro token never reaches an OSS server', async () => {
    box = new Sandbox();
    expect((await box.run(['login', oss.url, '--api-key', '-', '--profile', 'oss'], { input: ossKey })).exitCode).toBe(0);
    const before = readFileSync(join(box.configDir, 'credentials.json'), 'utf8');
    const ossSecrets = Object.entries(JSON.parse(before).secrets).filter(([k]) => k.startsWith('oss/'));
    const token = pro.issueToken();
    expect((await box.run(['pro', 'login', '--token', '-', '--profile', 'pro-only'], { input: token, env: proEnv() })).exitCode).toBe(0);
    expect((await box.run(['pro', 'logout', '--profile', 'pro-only'])).exitCode).toBe(0);
    const after = JSON.parse(readFileSync(join(box.configDir, 'credentials.json'), 'utf8')).secrets;
    for (const [k, v] of ossSecrets) expect(after[k]).toBe(v);
    expect((await box.run(['current-user', '--profile', 'oss'])).exitCode).toBe(0);
    const sentToOss = oss.log.map((l) => JSON.stringify(l.headers) + l.body);
    expect(leaked(sentToOss, [token])).toBe(-1);
  });
});
