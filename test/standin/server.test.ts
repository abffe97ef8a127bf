// 0.9x specifics and general server behaviour: info, login shapes, expiry,
// cookies, api_token, idempotency, lists, OpenAPI, external (Pro) login.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProStandin, startStandin, type ProStandin, type ServerVersion, type Standin } from '../support/standin/index.js';
import { call, jwtPart, jwtPayloadText, nowSec } from './helpers.js';

async function login(s: Standin, form: Record<string, string>): Promise<string> {
  const r = await call(s.url, 'POST', '/api/v1/login', { form });
  expect(r.status).toBe(200);
  return (r.json as { access_token: string }).access_token;
}

describe('info, version, health', () => {
  it('0.9x info: documented fields in order, pro_* null off Pro', async () => {
    const s = await startStandin({ version: '0.9x', serverId: '11111111-2222-3333-4444-555555555555' });
    try {
      const r = await call(s.url, 'GET', '/api/v1/info');
      expect(r.status).toBe(200);
      // The server's own start counts as activity (0.85 recorded a timestamp on a fresh server).
      const started = (r.json as { last_user_activity: string }).last_user_activity;
      expect(started).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/);
      expect(r.text.replace(started, '<start>')).toBe(
        '{"id":"11111111-2222-3333-4444-555555555555","name":"default","version":"0.93.0","active":true,"debug":false,"deployment_type":"local","database_type":"sqlite","secrets_store_type":"sql","auth_scheme":"OAUTH2_PASSWORD_BEARER","server_url":"","dashboard_url":"","analytics_enabled":false,"metadata":{},"last_user_activity":"<start>","pro_dashboard_url":null,"pro_api_url":null,"pro_organization_id":null,"pro_organization_name":null,"pro_workspace_id":null,"pro_workspace_name":null}',
      );
      const tok = await login(s, { grant_type: 'password', username: 'default' });
      await call(s.url, 'GET', '/api/v1/current-user', { bearer: tok });
      const after = (await call(s.url, 'GET', '/api/v1/info')).json as { last_user_activity: string };
      expect(after.last_user_activity).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/);
      expect((await call(s.url, 'GET', '/api/v1/version')).text).toBe('"0.93.0"');
      expect((await call(s.url, 'GET', '/health')).text).toBe('ok');
      expect((await call(s.url, 'GET', '/ready')).text).toBe('ok');
    } finally {
      await s.close();
    }
  });
  it('0.58 info: the recorded body with this server id; version "0.58.0"', async () => {
    const s = await startStandin();
    try {
      const r = await call(s.url, 'GET', '/api/v1/info');
      expect(r.text).toBe(
        `{"id":"${s.serverId}","version":"0.58.0","active":true,"debug":false,"deployment_type":"local","database_type":"sqlite","secrets_store_type":"sql","auth_scheme":"OAUTH2_PASSWORD_BEARER","server_url":"","dashboard_url":"","analytics_enabled":false,"metadata":{},"use_legacy_dashboard":false}`,
      );
      expect((await call(s.url, 'GET', '/api/v1/version')).text).toBe('"0.58.0"');
    } finally {
      await s.close();
    }
  });
});

describe('0.9x login and tokens', () => {
  let s: Standin;
  let sa: { id: string; name: string };
  let key: { id: string; key: string };
  beforeAll(async () => {
    s = await startStandin({ version: '0.9x', tokenLifetimeSeconds: 3600 });
    sa = s.createServiceAccount('bot', { description: 'robot' });
    key = s.createApiKey('bot', 'k1');
  });
  afterAll(async () => {
    await s.close();
  });

  it('password login: 8-key body, exp = now + lifetime, cookie with Max-Age', async () => {
    const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'password', username: 'default', password: '' } });
    expect(r.status).toBe(200);
    const b = r.json as Record<string, unknown>;
    expect(Object.keys(b)).toEqual(['access_token', 'token_type', 'expires_in', 'refresh_token', 'csrf_token', 'scope', 'device_id', 'device_metadata']);
    expect(b).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: null, csrf_token: null, scope: null, device_id: null, device_metadata: null });
    const token = b.access_token as string;
    const claims = jwtPart(token, 1);
    expect(Object.keys(claims)).toEqual(['sub', 'iss', 'aud', 'exp']);
    expect(Math.abs((claims.exp as number) - (nowSec() + 3600))).toBeLessThanOrEqual(2);
    expect(r.setCookie).toEqual([`zenml-server-${s.serverId}=${token}; HttpOnly; Max-Age=3600; Path=/; SameSite=lax`]);
  });
  it('API-key login: claims sub, iss, aud, exp, api_key_id; no cookie on 0.9x', async () => {
    const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key', password: key.key } });
    expect(r.status).toBe(200);
    const token = (r.json as { access_token: string }).access_token;
    const c = jwtPart(token, 1);
    expect(jwtPayloadText(token)).toBe(`{"sub":"${sa.id}","iss":"${s.serverId}","aud":"${s.serverId}","exp":${String(c.exp)},"api_key_id":"${key.id}"}`);
    expect(r.setCookie).toEqual([]);
  });
  it('an expired token (past leeway) is refused after the clock moves', async () => {
    const local = await startStandin({ version: '0.9x', tokenLifetimeSeconds: 60 });
    try {
      const tok = await login(local, { username: 'default' });
      local.advanceTime(65);
      expect((await call(local.url, 'GET', '/api/v1/current-user', { bearer: tok })).status).toBe(200);
      local.advanceTime(10);
      const r = await call(local.url, 'GET', '/api/v1/current-user', { bearer: tok });
      expect(r.json).toEqual({
        detail: ['CredentialsNotValid', 'Authentication error: error decoding access token: Invalid JWT token: Signature has expired.'],
      });
    } finally {
      await local.close();
    }
  });
  it('current-user (user): 0.9x body adds default_project_id, avatar_url; no hub_token', async () => {
    const tok = await login(s, { username: 'default' });
    const r = await call(s.url, 'GET', '/api/v1/current-user', { bearer: tok });
    const b = r.json as { body: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(Object.keys(r.json as object)).toEqual(['body', 'metadata', 'resources', 'id', 'permission_denied', 'name']);
    expect(Object.keys(b.body)).toEqual([
      'created', 'updated', 'active', 'activation_token', 'full_name', 'email_opted_in', 'is_service_account', 'is_admin', 'default_project_id', 'avatar_url',
    ]);
    expect(b.body).toMatchObject({ is_service_account: false, is_admin: true, email_opted_in: null, avatar_url: null });
    expect(b.metadata).toEqual({ email: null, external_user_id: null, user_metadata: {} });
  });
  it('current-user (service account, raw ZENKEY_ bearer)', async () => {
    const r = await call(s.url, 'GET', '/api/v1/current-user', { bearer: key.key });
    const b = r.json as { body: Record<string, unknown>; name: string; id: string };
    expect([b.id, b.name]).toEqual([sa.id, 'bot']);
    expect(b.body).toMatchObject({ is_service_account: true, is_admin: false, email_opted_in: false });
  });
  it('service account: 0.9x body adds full_name, avatar_url; metadata adds external_user_id', async () => {
    const r = await call(s.url, 'GET', '/api/v1/service_accounts/bot', { bearer: key.key });
    const b = r.json as { body: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(Object.keys(b.body)).toEqual(['created', 'updated', 'full_name', 'active', 'avatar_url']);
    expect(b.metadata).toEqual({ description: 'robot', external_user_id: null });
  });
  it('api_token generic: default 3600 s, no api_key_id; custom expires_in', async () => {
    const tok = await login(s, { grant_type: 'zenml-api-key', password: key.key });
    const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: tok });
    const c = jwtPart(r.json as string, 1);
    expect(Object.keys(c)).toEqual(['sub', 'iss', 'aud', 'exp']);
    expect(Math.abs((c.exp as number) - (nowSec() + 3600))).toBeLessThanOrEqual(2);
    const r2 = await call(s.url, 'GET', '/api/v1/api_token', { bearer: tok, query: { token_type: 'generic', expires_in: 120, unknown: 'x' } });
    expect(Math.abs((jwtPart(r2.json as string, 1).exp as number) - (nowSec() + 120))).toBeLessThanOrEqual(2);
  });
  it('api_token workload: never expires, keeps api_key_id; dies when the run finishes', async () => {
    const [run] = s.seedItems('pipeline_runs', 1, { status: 'running' });
    const tok = await login(s, { grant_type: 'zenml-api-key', password: key.key });
    const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: tok, query: { token_type: 'workload', pipeline_run_id: run!.id } });
    expect(r.status).toBe(200);
    const wl = r.json as string;
    expect(jwtPayloadText(wl)).toBe(`{"sub":"${sa.id}","iss":"${s.serverId}","aud":"${s.serverId}","api_key_id":"${key.id}","pipeline_run_id":"${run!.id}"}`);
    expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: wl })).status).toBe(200);
    const other = crypto.randomUUID();
    const mismatch = await call(s.url, 'GET', '/api/v1/api_token', { bearer: wl, query: { token_type: 'workload', pipeline_run_id: other } });
    expect(mismatch.json).toEqual({
      detail: [
        'AuthorizationException',
        `Unable to scope API token to pipeline run ${other}. The token used to authorize this request is already scoped to pipeline run ${run!.id}.`,
      ],
    });
    s.seeded('pipeline_runs').find((x) => x.id === run!.id)!.body.status = 'completed';
    const dead = await call(s.url, 'GET', '/api/v1/current-user', { bearer: wl });
    expect(dead.status).toBe(401);
    expect((dead.json as { detail: string[] }).detail[1]).toContain(`The pipeline run ${run!.id} has finished`);
  });
  it('logout: null, deleting cookie (HttpOnly on 0.9x); tokens stay valid', async () => {
    const tok = await login(s, { username: 'default' });
    const r = await call(s.url, 'GET', '/api/v1/logout', { bearer: tok });
    expect(r.text).toBe('null');
    expect(r.setCookie[0]).toMatch(new RegExp(`^zenml-server-${s.serverId}=""; expires=[^;]+ GMT; HttpOnly; Max-Age=0; Path=/; SameSite=lax$`));
    expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: tok })).status).toBe(200);
    expect((await call(s.url, 'POST', '/api/v1/logout')).status).toBe(405);
  });
  it('the auth cookie alone authenticates and wins over Authorization', async () => {
    const tok = await login(s, { username: 'default' });
    const cookie = `zenml-server-${s.serverId}=${tok}`;
    expect((await call(s.url, 'GET', '/api/v1/current-user', { headers: { cookie } })).status).toBe(200);
    expect((await call(s.url, 'GET', '/api/v1/current-user', { headers: { cookie }, bearer: 'garbage' })).status).toBe(200);
    const bad = await call(s.url, 'GET', '/api/v1/current-user', { headers: { cookie: `zenml-server-${s.serverId}=garbage` }, bearer: tok });
    expect(bad.status).toBe(401);
    // Another server's cookie is ignored.
    expect((await call(s.url, 'GET', '/api/v1/current-user', { headers: { cookie: `zenml-server-other=garbage` }, bearer: tok })).status).toBe(200);
  });
  it('rotation and logout do not invalidate issued tokens; last_login is kept', async () => {
    const k = s.createApiKey('bot', 'rot');
    const tok = await login(s, { password: k.key });
    const admin = await login(s, { username: 'default' });
    const rot = await call(s.url, 'PUT', `/api/v1/service_accounts/${sa.id}/api_keys/rot/rotate`, { bearer: admin, json: {} });
    expect(rot.status).toBe(200);
    expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: tok })).status).toBe(200);
    const meta = (await call(s.url, 'GET', `/api/v1/service_accounts/${sa.id}/api_keys/rot`, { bearer: admin })).json as {
      body: { key: null };
      metadata: { last_login: string; last_rotated: string };
    };
    expect(meta.body.key).toBeNull();
    expect(meta.metadata.last_login).toMatch(/^\d{4}-/);
    expect(meta.metadata.last_rotated).toMatch(/^\d{4}-/);
  });
  it('devices: approval through the API, listed for the user, deleted → token refused', async () => {
    const clientId = crypto.randomUUID();
    const d = (await call(s.url, 'POST', '/api/v1/device_authorization', { form: { client_id: clientId } })).json as Record<string, string>;
    expect(s.devices.pending().map((p) => p.userCode)).toContain(d.user_code);
    s.devices.approve(d.user_code!);
    const r = await call(s.url, 'POST', '/api/v1/login', {
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: clientId, device_code: d.device_code! },
    });
    const b = r.json as { access_token: string; expires_in: number; device_id: string };
    expect(b.expires_in).toBe(86400);
    expect(r.setCookie).toEqual([]);
    const list = (await call(s.url, 'GET', '/api/v1/devices', { bearer: b.access_token })).json as { total: number; items: Array<{ id: string }> };
    expect(list.items.map((i) => i.id)).toContain(b.device_id);
    expect((await call(s.url, 'DELETE', `/api/v1/devices/${b.device_id}`, { bearer: b.access_token })).text).toBe('null');
    const gone = await call(s.url, 'GET', '/api/v1/current-user', { bearer: b.access_token });
    expect((gone.json as { detail: string[] }).detail).toEqual(['CredentialsNotValid', `Authentication error: error retrieving token device ${b.device_id}`]);
  });
});

describe('0.9x Idempotency-Key and busy server', () => {
  it('the same key returns the cached response and the handler runs once', async () => {
    const s = await startStandin({ version: '0.9x' });
    try {
      const tok = await login(s, { username: 'default' });
      const k = crypto.randomUUID();
      const post = (key: string): ReturnType<typeof call> =>
        call(s.url, 'POST', '/api/v1/service_accounts', { bearer: tok, json: { name: 'once', active: true }, headers: { 'idempotency-key': key } });
      const a = await post(k);
      const b = await post(k);
      expect(a.status).toBe(200);
      expect(b.text).toBe(a.text);
      const list = (await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: tok })).json as { total: number };
      expect(list.total).toBe(1);
      expect((await post(crypto.randomUUID())).status).toBe(409);
      const bad = await post('not-a-uuid');
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({ detail: ['ValueError', 'badly formed hexadecimal UUID string'] });
      // The cache lasts 60 s after completion.
      s.advanceTime(61);
      expect((await post(k)).status).toBe(409);
    } finally {
      await s.close();
    }
  });
  it('429 "Server too busy" while the first attempt runs on; the retry gets its result', async () => {
    const s = await startStandin({ version: '0.9x', serverTimeoutMs: 50 });
    try {
      const tok = await login(s, { username: 'default' });
      s.addFault({ method: 'POST', path: '/api/v1/service_accounts', kind: 'latency', ms: 150 });
      const k = crypto.randomUUID();
      const post = (): ReturnType<typeof call> =>
        call(s.url, 'POST', '/api/v1/service_accounts', { bearer: tok, json: { name: 'slow', active: true }, headers: { 'idempotency-key': k } });
      const first = await post();
      expect(first.status).toBe(429);
      expect(first.json).toEqual({ error: 'Server too busy. Please try again later.' });
      // Retry with the same key, as a client would, until the first attempt's result is there.
      let retry = await post();
      for (let i = 0; i < 40 && retry.status === 429; i++) {
        await new Promise((r) => setTimeout(r, 50));
        retry = await post();
      }
      expect(retry.status).toBe(200);
      expect((retry.json as { name: string }).name).toBe('slow');
      expect(((await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: tok })).json as { total: number }).total).toBe(1);
    } finally {
      await s.close();
    }
  });
  it('0.58 ignores Idempotency-Key', async () => {
    const s = await startStandin({ version: '0.58' });
    try {
      const tok = await login(s, { username: 'default' });
      const k = crypto.randomUUID();
      const post = (): ReturnType<typeof call> =>
        call(s.url, 'POST', '/api/v1/service_accounts', { bearer: tok, json: { name: 'twice', active: true }, headers: { 'idempotency-key': k } });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(409);
    } finally {
      await s.close();
    }
  });
});

describe.each(['0.58', '0.85', '0.9x'] as ServerVersion[])('%s lists', (version) => {
  let s: Standin;
  let tok: string;
  beforeAll(async () => {
    s = await startStandin({ version });
    s.seedItems('pipelines', 45);
    s.seedItems('pipeline_runs', 3, { status: 'running' });
    tok = await login(s, { username: 'default' });
  });
  afterAll(async () => {
    await s.close();
  });
  const list = async (path: string, query: Record<string, string | number> = {}): Promise<{ index: number; max_size: number; total_pages: number; total: number; items: Array<{ name: string; id: string; metadata: unknown; body: Record<string, unknown> }> }> => {
    const r = await call(s.url, 'GET', path, { bearer: tok, query });
    expect(r.status).toBe(200);
    return r.json as never;
  };
  it('pages of 20 by default, in creation order, metadata null', async () => {
    const p1 = await list('/api/v1/pipelines');
    expect([p1.index, p1.max_size, p1.total_pages, p1.total, p1.items.length]).toEqual([1, 20, 3, 45, 20]);
    expect(p1.items[0]!.name).toBe('pipeline-0001');
    expect(p1.items[0]!.metadata).toBeNull();
    const p3 = await list('/api/v1/pipelines', { page: 3 });
    expect(p3.items.map((i) => i.name)).toEqual(['pipeline-0041', 'pipeline-0042', 'pipeline-0043', 'pipeline-0044', 'pipeline-0045']);
    const names = new Set<string>();
    for (let page = 1; page <= 3; page++) for (const it of (await list('/api/v1/pipelines', { page })).items) names.add(it.name);
    expect(names.size).toBe(45);
  });
  it('filters: contains:, startswith:, oneof:, id startswith (no hyphens), logical_operator=or', async () => {
    expect((await list('/api/v1/pipelines', { name: 'contains:-004' })).total).toBe(6);
    expect((await list('/api/v1/pipelines', { name: 'startswith:pipeline-001' })).total).toBe(10);
    expect((await list('/api/v1/pipelines', { name: 'pipeline-0007' })).items.map((i) => i.name)).toEqual(['pipeline-0007']);
    expect((await list('/api/v1/pipelines', { name: 'oneof:["pipeline-0001","pipeline-0002"]' })).total).toBe(2);
    const first = (await list('/api/v1/pipelines')).items[0]!;
    const prefix = first.id.replace(/-/g, '').slice(0, 12);
    expect((await list('/api/v1/pipelines', { id: `startswith:${prefix}` })).items.map((i) => i.id)).toEqual([first.id]);
    const or = await list('/api/v1/pipelines', { name: 'pipeline-0001', id: first.id, logical_operator: 'or' });
    expect(or.total).toBe(1);
    expect((await list('/api/v1/pipeline_runs', { status: 'running' })).total).toBe(3);
    expect((await list('/api/v1/pipelines', { created: 'gte:2000-01-01 00:00:00' })).total).toBe(45);
  });
  it('sort_by desc:name, size, hydrate=true', async () => {
    const r = await list('/api/v1/pipelines', { sort_by: 'desc:name', size: 2, hydrate: 'true' });
    expect(r.items.map((i) => i.name)).toEqual(['pipeline-0045', 'pipeline-0044']);
    expect(r.items[0]!.metadata).toEqual({});
    expect(r.total_pages).toBe(23);
  });
  it('users list and single user (hydrated)', async () => {
    s.seedItems('users', 2);
    const u = await list('/api/v1/users', { sort_by: 'name' });
    expect(u.items.map((i) => i.name)).toEqual(['default', 'user-0001', 'user-0002']);
    const one = await call(s.url, 'GET', '/api/v1/users/user-0002', { bearer: tok });
    expect((one.json as { metadata: unknown }).metadata).not.toBeNull();
    expect((await call(s.url, 'GET', '/api/v1/users/nobody', { bearer: tok })).json).toEqual({
      detail: ['KeyError', `"No user with the 'nobody' name or ID was found"`],
    });
  });
  it('single seeded item by id; unknown → KeyError; lists need auth', async () => {
    const first = (await list('/api/v1/pipelines')).items[0]!;
    const r = await call(s.url, 'GET', `/api/v1/pipelines/${first.id}`, { bearer: tok });
    expect((r.json as { name: string }).name).toBe('pipeline-0001');
    const id = crypto.randomUUID();
    expect((await call(s.url, 'GET', `/api/v1/pipelines/${id}`, { bearer: tok })).json).toEqual({
      detail: ['KeyError', `'Unable to get pipeline with ID ${id}: No pipeline with this ID found.'`],
    });
    expect((await call(s.url, 'GET', '/api/v1/pipelines')).status).toBe(401);
    expect((await call(s.url, 'GET', '/api/v1/flavors', { bearer: tok })).status).toBe(404);
  });
  it('service-account list filters: contains:, active', async () => {
    s.createServiceAccount('alpha-bot');
    s.createServiceAccount('beta-bot', { active: false });
    s.createServiceAccount('gamma');
    expect((await list('/api/v1/service_accounts', { name: 'contains:bot' })).items.map((i) => i.name)).toEqual(['alpha-bot', 'beta-bot']);
    expect((await list('/api/v1/service_accounts', { active: 'false' })).items.map((i) => i.name)).toEqual(['beta-bot']);
    const k = s.createApiKey('alpha-bot', 'first');
    s.createApiKey('alpha-bot', 'second');
    const sa = (await list('/api/v1/service_accounts', { name: 'alpha-bot' })).items[0]!;
    const keys = await list(`/api/v1/service_accounts/${sa.id}/api_keys`, { name: 'startswith:fir' });
    expect(keys.items.map((i) => i.id)).toEqual([k.id]);
    expect(keys.items[0]!.body.key).toBeNull();
  });
});

describe('OpenAPI and docs', () => {
  it('serves the 0.58 fixture as compact JSON', async () => {
    const s = await startStandin();
    try {
      const r = await call(s.url, 'GET', '/openapi.json');
      expect(r.status).toBe(200);
      expect(r.contentType).toBe('application/json');
      const fixture = JSON.parse(readFileSync(new URL('../fixtures/openapi/zenml-0.58.0.json', import.meta.url), 'utf8')) as unknown;
      expect(r.text).toBe(JSON.stringify(fixture));
      const docs = await call(s.url, 'GET', '/docs');
      expect(docs.contentType).toBe('text/html; charset=utf-8');
      expect(docs.text).toContain("url: '/openapi.json'");
      expect((await call(s.url, 'GET', '/redoc')).text).toContain('<redoc spec-url="/openapi.json"></redoc>');
    } finally {
      await s.close();
    }
  });
  it('serves a different or broken document, or none', async () => {
    const a = await startStandin({ openapi: '{"openapi": broken' });
    const b = await startStandin({ openapi: { openapi: '3.1.0', paths: {} } });
    const c = await startStandin({ openapi: null });
    try {
      expect((await call(a.url, 'GET', '/openapi.json')).text).toBe('{"openapi": broken');
      expect((await call(b.url, 'GET', '/openapi.json')).text).toBe('{"openapi":"3.1.0","paths":{}}');
      expect((await call(c.url, 'GET', '/openapi.json')).status).toBe(404);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('EXTERNAL auth with the Pro stand-in (a Pro workspace)', () => {
  let pro: ProStandin;
  let ws: Standin;
  beforeAll(async () => {
    pro = await startProStandin();
    ws = await startStandin({
      version: '0.9x',
      authScheme: 'EXTERNAL',
      deploymentType: 'cloud',
      proApi: { url: pro.url, verifyToken: (t) => pro.verifyToken(t) },
      proInfo: { organizationId: pro.organization.id, organizationName: pro.organization.name, workspaceId: crypto.randomUUID(), workspaceName: 'ws' },
    });
  });
  afterAll(async () => {
    await Promise.all([pro.close(), ws.close()]);
  });
  const ext = (bearer: string): ReturnType<typeof call> => call(ws.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-external' }, bearer });

  it('info shows the Pro fields', async () => {
    const info = (await call(ws.url, 'GET', '/api/v1/info')).json as Record<string, unknown>;
    expect(info).toMatchObject({ deployment_type: 'cloud', auth_scheme: 'EXTERNAL', pro_api_url: pro.url, pro_organization_id: pro.organization.id, pro_workspace_name: 'ws' });
  });
  it('a Pro API token logs in: expires_in 3600, user created from the Pro user', async () => {
    const r = await ext(pro.issueToken());
    expect(r.status).toBe(200);
    const b = r.json as { access_token: string; expires_in: number };
    expect(b.expires_in).toBe(3600);
    const me = (await call(ws.url, 'GET', '/api/v1/current-user', { bearer: b.access_token })).json as {
      name: string;
      body: { full_name: string };
      metadata: { external_user_id: string; email: string };
    };
    expect([me.name, me.body.full_name, me.metadata.external_user_id]).toEqual(['jane@example.com', 'Jane Doe', pro.users.human.id]);
    // Same Pro user again → same ZenML user.
    const again = (await ext(pro.issueToken())).json as { access_token: string };
    const me2 = (await call(ws.url, 'GET', '/api/v1/current-user', { bearer: again.access_token })).json as { id: string };
    const me1 = (await call(ws.url, 'GET', '/api/v1/current-user', { bearer: b.access_token })).json as { id: string };
    expect(me2.id).toBe(me1.id);
  });
  it('a raw ZENPROKEY_ bearer and an exchanged Pro token work too', async () => {
    const key = pro.createApiKey();
    expect((await ext(key)).status).toBe(200);
    const exch = await call(pro.url, 'POST', '/auth/login', { form: { password: key } });
    expect((await ext((exch.json as { access_token: string }).access_token)).status).toBe(200);
  });
  it('an expired or unknown Pro token → 401 AuthorizationException', async () => {
    const body = { detail: ['AuthorizationException', 'Not authorized to access this server.'] };
    expect((await ext(pro.issueToken({ expiresInSeconds: -1 }))).json).toEqual(body);
    expect((await ext('nope')).json).toEqual(body);
    expect((await ext('nope')).status).toBe(401);
  });
  it('the password grant and device flow are refused', async () => {
    expect((await call(ws.url, 'POST', '/api/v1/login', { form: { username: 'default' } })).json).toEqual({ detail: 'Unsupported grant type: password.' });
  });
});
