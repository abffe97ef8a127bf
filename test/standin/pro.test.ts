// The ZenML Pro stand-in: key exchange, /users/me, organizations, workspaces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProStandin, type ProStandin } from '../support/standin/index.js';
import { call, jwtPart, nowSec } from './helpers.js';

describe('Pro stand-in', () => {
  let pro: ProStandin;
  let key: string;
  beforeAll(async () => {
    pro = await startProStandin();
    key = pro.createApiKey();
  });
  afterAll(async () => {
    await pro.close();
  });

  it('POST /auth/login with form password=ZENPROKEY_… → the documented token body', async () => {
    expect(key).toMatch(/^ZENPROKEY_[\w-]+$/);
    const r = await call(pro.url, 'POST', '/auth/login', { form: { password: key } });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    const b = r.json as Record<string, unknown>;
    expect(Object.keys(b)).toEqual(['access_token', 'expires_in', 'token_type', 'device_id', 'device_metadata']);
    expect(b).toMatchObject({ expires_in: 3600, token_type: 'bearer', device_id: null, device_metadata: null });
    const exp = jwtPart(b.access_token as string, 1).exp as number;
    expect(Math.abs(exp - (nowSec() + 3600))).toBeLessThanOrEqual(2);
  });
  it('POST /auth/login reads Authorization: Bearer ZENPROKEY_… too', async () => {
    const r = await call(pro.url, 'POST', '/auth/login', { bearer: key, form: {} });
    expect(r.status).toBe(200);
  });
  it('POST /auth/login errors are {"detail":…} 401', async () => {
    expect(await call(pro.url, 'POST', '/auth/login', { form: {} })).toMatchObject({ status: 401, json: { detail: 'Not authenticated' } });
    expect(await call(pro.url, 'POST', '/auth/login', { form: { password: 'ZENPROKEY_nope' } })).toMatchObject({
      status: 401,
      json: { detail: 'Invalid API key' },
    });
    const k2 = pro.createApiKey();
    pro.setApiKeyActive(k2, false);
    expect(await call(pro.url, 'POST', '/auth/login', { form: { password: k2 } })).toMatchObject({
      status: 401,
      json: { detail: 'API key is not active' },
    });
  });
  it('GET /users/me: the §8 body (service account via an exchanged key)', async () => {
    const tok = ((await call(pro.url, 'POST', '/auth/login', { form: { password: key } })).json as { access_token: string }).access_token;
    const r = await call(pro.url, 'GET', '/users/me', { bearer: tok });
    expect(r.text).toBe(
      JSON.stringify({
        password: null,
        password_expired: null,
        name: 'Automation Bot',
        avatar_url: null,
        company: null,
        job_title: null,
        metadata: {},
        id: pro.users.serviceAccount.id,
        username: 'autobot',
        email: 'autobot',
        oauth_provider: null,
        oauth_id: null,
        is_active: true,
        is_superuser: false,
        is_service_account: true,
        organization_id: pro.organization.id,
      }),
    );
  });
  it('GET /users/me with a dashboard token (human user), raw key, and errors', async () => {
    const me = (await call(pro.url, 'GET', '/users/me', { bearer: pro.issueToken() })).json as Record<string, unknown>;
    expect(me).toMatchObject({ name: 'Jane Doe', is_service_account: false, organization_id: null });
    expect((await call(pro.url, 'GET', '/users/me', { bearer: key })).status).toBe(200);
    expect(await call(pro.url, 'GET', '/users/me')).toMatchObject({ status: 401, json: { detail: 'Not authenticated' }, wwwAuthenticate: 'Bearer' });
    expect(await call(pro.url, 'GET', '/users/me', { bearer: 'garbage' })).toMatchObject({
      status: 401,
      json: { detail: 'Invalid authentication credentials' },
    });
  });
  it('token expiry is enforced (expired → 401 {"detail":"Token has expired"})', async () => {
    const expired = pro.issueToken({ expiresInSeconds: -1 });
    expect(await call(pro.url, 'GET', '/users/me', { bearer: expired })).toMatchObject({ status: 401, json: { detail: 'Token has expired' } });
    const local = await startProStandin({ tokenLifetimeSeconds: 60 });
    try {
      const k = local.createApiKey();
      const r = (await call(local.url, 'POST', '/auth/login', { form: { password: k } })).json as { access_token: string; expires_in: number };
      expect(r.expires_in).toBe(60);
      expect((await call(local.url, 'GET', '/users/me', { bearer: r.access_token })).status).toBe(200);
      local.advanceTime(61);
      expect((await call(local.url, 'GET', '/users/me', { bearer: r.access_token })).status).toBe(401);
      expect(await local.verifyToken(r.access_token)).toBeNull();
    } finally {
      await local.close();
    }
  });
  it('GET /organizations (bare array) and /organizations/{id_or_name}', async () => {
    const org2 = pro.addOrganization({ name: 'Second Org' });
    const tok = pro.issueToken();
    const list = await call(pro.url, 'GET', '/organizations', { bearer: tok });
    expect(list.json).toEqual([pro.organization, org2]);
    expect(Object.keys(pro.organization)).toEqual(['id', 'name', 'description', 'created', 'updated']);
    expect((await call(pro.url, 'GET', '/organizations', { bearer: tok, query: { offset: 1, limit: 1 } })).json).toEqual([org2]);
    expect((await call(pro.url, 'GET', `/organizations/${org2.id}`, { bearer: tok })).json).toEqual(org2);
    expect((await call(pro.url, 'GET', `/organizations/${encodeURIComponent('Second Org')}`, { bearer: tok })).json).toEqual(org2);
    expect(await call(pro.url, 'GET', '/organizations/nope', { bearer: tok })).toMatchObject({ status: 404, json: { detail: 'Organization not found' } });
  });
  it('GET /workspaces: bare array, filters workspace_name, organization_id, offset, limit; GET /workspaces/{id}', async () => {
    const other = pro.addOrganization({ name: 'Other' });
    const a = pro.addWorkspace({ name: 'alpha', serverUrl: 'https://alpha.example', status: 'available' });
    const b = pro.addWorkspace({ name: 'beta', serverUrl: null, status: 'pending' });
    const c = pro.addWorkspace({ name: 'gamma', serverUrl: 'https://gamma.example', status: 'available', organizationId: other.id });
    const tok = pro.issueToken();
    const ws = async (query: Record<string, string | number> = {}): Promise<string[]> =>
      ((await call(pro.url, 'GET', '/workspaces', { bearer: tok, query })).json as Array<{ name: string }>).map((w) => w.name);
    expect(await ws()).toEqual(['alpha', 'beta', 'gamma']);
    expect(await ws({ workspace_name: 'beta' })).toEqual(['beta']);
    expect(await ws({ organization_id: other.id })).toEqual(['gamma']);
    expect(await ws({ offset: 1, limit: 1 })).toEqual(['beta']);
    expect(await ws({ status: 'available', member_only: 'true' })).toEqual(['alpha', 'gamma']);
    const one = await call(pro.url, 'GET', `/workspaces/${a.id}`, { bearer: tok });
    expect(Object.keys(one.json as object)).toEqual(['id', 'name', 'description', 'organization', 'desired_state', 'state_reason', 'status', 'zenml_service']);
    expect(one.json).toMatchObject({
      name: 'alpha',
      organization: { id: pro.organization.id, name: 'My Org' },
      status: 'available',
      zenml_service: { configuration: { version: '0.93.0' }, status: { server_url: 'https://alpha.example', version: '0.93.0' } },
    });
    expect(((await call(pro.url, 'GET', `/workspaces/${b.id}`, { bearer: tok })).json as typeof b).zenml_service.status.server_url).toBeNull();
    expect((await call(pro.url, 'GET', `/workspaces/${c.id}`, { bearer: tok })).status).toBe(200);
    expect((await call(pro.url, 'GET', `/workspaces/${crypto.randomUUID()}`, { bearer: tok })).json).toEqual({ detail: 'Workspace not found' });
    expect((await call(pro.url, 'GET', '/workspaces', { bearer: tok, query: { limit: 'x' } })).status).toBe(422);
    expect((await call(pro.url, 'GET', '/workspaces')).status).toBe(401);
    expect((await call(pro.url, 'POST', '/workspaces', { bearer: tok, json: {} })).status).toBe(405);
    expect((await call(pro.url, 'GET', '/tenants', { bearer: tok })).status).toBe(404);
  });
  it('verifyToken: dashboard token, exchanged token, raw key → user; bad/deactivated → null', async () => {
    expect((await pro.verifyToken(pro.issueToken()))?.id).toBe(pro.users.human.id);
    expect((await pro.verifyToken(key))?.id).toBe(pro.users.serviceAccount.id);
    expect(await pro.verifyToken('nope')).toBeNull();
    const k = pro.createApiKey({ user: 'jane@example.com' });
    expect((await pro.verifyToken(k))?.id).toBe(pro.users.human.id);
    pro.setApiKeyActive(k, false);
    expect(await pro.verifyToken(k)).toBeNull();
  });
  it('shares the log and faults of the ZenML stand-in', async () => {
    pro.clearLog();
    pro.addFault({ path: '/workspaces', kind: 'status', status: 503, retryAfter: '2' });
    const r = await call(pro.url, 'GET', '/workspaces', { bearer: pro.issueToken(), query: { limit: 5 } });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('2');
    expect((await call(pro.url, 'GET', '/workspaces', { bearer: pro.issueToken() })).status).toBe(200);
    expect(pro.count('GET', '/workspaces')).toBe(2);
    expect(pro.log[0]).toMatchObject({ method: 'GET', path: '/workspaces', query: { limit: '5' }, status: 503 });
  });
});
