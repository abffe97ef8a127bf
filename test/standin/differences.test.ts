// The kinds of difference a differential run against real 0.58.0 and 0.85.0
// servers found between them and the stand-in (issue 19), one test each, on
// both versions; the version row (src/api/versions.ts) says which answer is whose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionRow } from '../../src/api/versions.js';
import { startStandin, type ServerVersion, type Standin } from '../support/standin/index.js';
import { call, jwtPart, nowSec, type Reply } from './helpers.js';

async function login(s: Standin, form: Record<string, string>): Promise<Reply> {
  return call(s.url, 'POST', '/api/v1/login', { form });
}

async function userToken(s: Standin): Promise<string> {
  const r = await login(s, { username: 'default', password: '' });
  expect(r.status).toBe(200);
  return (r.json as { access_token: string }).access_token;
}

describe.each(['0.58', '0.85'] as ServerVersion[])('ZenML %s stand-in', (version) => {
  const v58 = version === '0.58';
  const row = versionRow(version);
  let s: Standin;
  let user: string;
  let saToken: string;
  let key: string;
  beforeAll(async () => {
    s = await startStandin({ version });
    user = await userToken(s);
    const sa = s.createServiceAccount('diff-sa');
    key = s.createApiKey(sa.id, 'k').key;
    saToken = ((await login(s, { password: key })).json as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await s.close();
  });

  describe('authentication before validation', () => {
    it('a list request with a bad size and no credentials → 401', async () => {
      const r = await call(s.url, 'GET', '/api/v1/service_accounts', { query: { size: 0 } });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ detail: 'Not authenticated' });
    });
    it('a bad sort_by is rejected before authentication → 422', async () => {
      const r = await call(s.url, 'GET', '/api/v1/service_accounts', { query: { sort_by: 'colour' } });
      expect(r.status).toBe(422);
    });
  });

  describe('bearer edge cases', () => {
    const decodeFailure = (r: Reply, reason: string): void => {
      expect(r.status).toBe(401);
      if (v58) {
        expect(r.json).toEqual({ detail: 'Authentication error: error decoding access token. You may need to rerun zenml connect.' });
        expect(r.wwwAuthenticate).toBe('Bearer');
      } else {
        expect(r.json).toEqual({ detail: ['CredentialsNotValid', `Authentication error: error decoding access token: Invalid JWT token: ${reason}.`] });
        expect(r.wwwAuthenticate).toBeNull();
      }
    };
    it(`"Bearer " with nothing after it → ${v58 ? 'Not authenticated' : 'a decode error'}`, async () => {
      const r = await call(s.url, 'GET', '/api/v1/current-user', { headers: { authorization: 'Bearer ' } });
      if (v58) {
        expect(r.status).toBe(401);
        expect(r.json).toEqual({ detail: 'Not authenticated' });
        expect(r.wwwAuthenticate).toBe('Bearer');
      } else decodeFailure(r, 'Not enough segments');
    });
    it('a raw ZENKEY_ as a bearer token is a token that does not decode', async () => {
      decodeFailure(await call(s.url, 'GET', '/api/v1/current-user', { bearer: key }), 'Not enough segments');
    });
  });

  describe('login edge cases', () => {
    it('an API key without its ZENKEY_ prefix logs in', async () => {
      const r = await login(s, { password: key.slice('ZENKEY_'.length) });
      expect(r.status).toBe(200);
      expect(jwtPart((r.json as { access_token: string }).access_token, 1).sub).toBe(jwtPart(saToken, 1).sub);
    });
    it('a password of 200,000 characters → 422 ValueError', async () => {
      const r = await login(s, { username: 'default', password: 'x'.repeat(200_000) });
      expect(r.status).toBe(422);
      expect(r.text).toBe('["ValueError","password exceeds maximum allowed size"]');
    });
    it(`a multipart/form-data login → ${row.login.multipartRefused ? '403' : '200'}`, async () => {
      const fd = new FormData();
      fd.set('username', 'default');
      fd.set('password', '');
      const res = await fetch(`${s.url}/api/v1/login`, { method: 'POST', body: fd });
      if (row.login.multipartRefused) {
        expect(res.status).toBe(403);
        expect(await res.text()).toBe('{"detail":"File uploads are not allowed on this endpoint."}');
      } else expect(res.status).toBe(200);
    });
  });

  describe('HTTP details', () => {
    it('HEAD on a GET route → 405 with Allow: GET', async () => {
      const r = await call(s.url, 'HEAD', '/api/v1/info');
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET');
    });
    it('every 405 carries Allow', async () => {
      const routed = await call(s.url, 'DELETE', '/api/v1/current-user', { bearer: user });
      expect(routed.status).toBe(405);
      expect(routed.headers.get('allow')).toBe('GET, PUT');
      const caught = await call(s.url, 'POST', '/api/v1/login/', { form: { username: 'default' } });
      expect(caught.status).toBe(405);
      expect(caught.headers.get('allow')).toBe('GET');
    });
    it('a CORS preflight on /login → 200 with the CORS headers', async () => {
      const r = await call(s.url, 'OPTIONS', '/api/v1/login', {
        headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(r.status).toBe(200);
      expect(r.text).toBe('OK');
      expect(r.headers.get('access-control-allow-origin')).toBe('https://dash.example');
      expect(r.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');
      expect(r.headers.get('access-control-allow-headers')).toBe('content-type');
      expect(r.headers.get('access-control-max-age')).toBe('600');
    });
    it('/info with an Origin adds access-control-allow-origin; without, nothing', async () => {
      const r = await call(s.url, 'GET', '/api/v1/info', { headers: { origin: 'https://dash.example' } });
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');
      expect((await call(s.url, 'GET', '/api/v1/info')).headers.get('access-control-allow-origin')).toBeNull();
    });
    it('the logout cookie is HttpOnly', async () => {
      const r = await call(s.url, 'GET', '/api/v1/logout');
      expect(r.setCookie[0]).toMatch(/; HttpOnly; Max-Age=0; Path=\/; SameSite=lax$/);
    });
  });

  describe('validation error shapes', () => {
    it('list-parameter errors are a bare array, after authentication', async () => {
      const r = await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: user, query: { page: 'x' } });
      expect(r.status).toBe(422);
      expect(r.text).toBe(
        JSON.stringify([
          'ValueError',
          v58
            ? '1 validation error for Request\nquery -> page\n  value is not a valid integer (type=type_error.integer)'
            : "[{'type': 'int_parsing', 'loc': ('query', 'page'), 'msg': 'Input should be a valid integer, unable to parse string as an integer', 'input': 'x'}]",
        ]),
      );
    });
    it('a date filter in the wrong format: the filter model error', async () => {
      const r = await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: user, query: { created: 'gte:yesterday' } });
      expect(r.status).toBe(422);
      const msg = 'The datetime filter only works with values in the following format: %Y-%m-%d %H:%M:%S';
      expect(r.json).toEqual(
        v58
          ? { detail: [{ loc: ['query', 'created'], msg, type: 'value_error' }] }
          : {
              detail: [
                'ValueError',
                `1 validation error for ServiceAccountFilter\ncreated\n  Value error, ${msg} [type=value_error, input_value='gte:yesterday', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.11/v/value_error`,
              ],
            },
      );
    });
    it(`request-body errors: ${v58 ? 'pydantic v1 text' : "the repr of pydantic v2's list, no preamble"}`, async () => {
      const r = await call(s.url, 'POST', '/api/v1/service_accounts', { bearer: user, body: '{not json', headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(422);
      const [cls, text] = r.json as [string, string];
      expect(cls).toBe('ValueError');
      if (v58) expect(text).toMatch(/^1 validation error for Request\nbody\n {2}Expecting property name enclosed in double quotes/);
      else expect(text).toBe("[{'type': 'json_invalid', 'loc': ('body', 1), 'msg': 'JSON decode error', 'input': {}, 'ctx': {'error': 'Expecting property name enclosed in double quotes'}}]");
    });
  });

  describe('filters and visibility', () => {
    it('active=notabool is ignored: every item', async () => {
      const all = (await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: user })).json as { total: number };
      const r = await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: user, query: { active: 'notabool' } });
      expect(r.status).toBe(200);
      expect((r.json as { total: number }).total).toBe(all.total);
      expect(all.total).toBeGreaterThan(0);
    });
    it('GET /users as a service account is an empty list', async () => {
      const r = await call(s.url, 'GET', '/api/v1/users', { bearer: saToken });
      expect(r.text).toBe('{"index":1,"max_size":20,"total_pages":1,"total":0,"items":[]}');
      expect(((await call(s.url, 'GET', '/api/v1/users', { bearer: user })).json as { total: number }).total).toBe(1);
    });
  });

  describe('shapes', () => {
    it(`/health is ${v58 ? 'the JSON string "OK"' : 'text/plain ok'}`, async () => {
      const r = await call(s.url, 'GET', '/health');
      expect(r.contentType).toBe(row.health.contentType);
      expect(r.text).toBe(v58 ? '"OK"' : 'ok');
    });
    it('a service account body, keys in order', async () => {
      const r = await call(s.url, 'GET', '/api/v1/service_accounts/diff-sa', { bearer: user });
      const body = (r.json as { body: Record<string, unknown> }).body;
      expect(Object.keys(body)).toEqual(v58 ? ['created', 'updated', 'active'] : ['created', 'updated', 'full_name', 'active', 'avatar_url']);
    });
    it(`users ${v58 ? 'have no default_project_id' : 'have default_project_id null on a fresh local server'}`, async () => {
      const body = ((await call(s.url, 'GET', '/api/v1/current-user', { bearer: user })).json as { body: Record<string, unknown> }).body;
      if (v58) expect('default_project_id' in body).toBe(false);
      else expect(body.default_project_id).toBeNull();
    });
    it(`/info ${v58 ? 'has use_legacy_dashboard' : 'has a last_user_activity timestamp'}`, async () => {
      const info = (await call(s.url, 'GET', '/api/v1/info')).json as Record<string, unknown>;
      if (v58) expect(info.use_legacy_dashboard).toBe(false);
      else expect(info.last_user_activity).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/);
    });
  });

  describe('the lists a user is most likely to call --paginate', () => {
    const routes = [...row.listRoutes];
    it.each(routes)('GET /api/v1/%s: a Page, filters, sorting, auth and validation', async (route) => {
      const r = await call(s.url, 'GET', `/api/v1/${route}`, { bearer: user, query: { sort_by: 'desc:created', size: 1 } });
      expect(r.status).toBe(200);
      const page = r.json as { index: number; max_size: number; total_pages: number; total: number; items: unknown[] };
      expect(Object.keys(page)).toEqual(['index', 'max_size', 'total_pages', 'total', 'items']);
      expect(page.max_size).toBe(1);
      const filtered = (await call(s.url, 'GET', `/api/v1/${route}`, { bearer: user, query: { name: 'contains:no-such-thing' } })).json as { total: number };
      expect(filtered.total).toBe(0);
      expect((await call(s.url, 'GET', `/api/v1/${route}`)).status).toBe(401);
      expect((await call(s.url, 'GET', `/api/v1/${route}`, { bearer: user, query: { size: 0 } })).status).toBe(422);
      expect((await call(s.url, 'GET', `/api/v1/${route}`, { query: { sort_by: 'nope' } })).status).toBe(422);
    });
    it(`/api/v1/${v58 ? 'projects does not exist' : 'projects lists the default project'}`, async () => {
      const r = await call(s.url, 'GET', '/api/v1/projects', { bearer: user });
      if (v58) expect(r.status).toBe(404);
      else expect((r.json as { items: Array<{ name: string }> }).items.map((i) => i.name)).toEqual(['default']);
    });
    it('single items: by name where the row says so, else the UUID (a name is 422)', async () => {
      const projects = row.projects;
      expect(row.byName).toContain(projects);
      const byName = await call(s.url, 'GET', `/api/v1/${projects}/default`, { bearer: user });
      expect(byName.status).toBe(200);
      expect((byName.json as { name: string }).name).toBe('default');
      const stack = await call(s.url, 'GET', '/api/v1/stacks/default', { bearer: user });
      expect(stack.status).toBe(422);
      expect((stack.json as string[])[1]).toContain(v58 ? 'path -> stack_id' : "('path', 'stack_id')");
    });
    it('stacks and components hold the defaults of a fresh server', async () => {
      const stacks = (await call(s.url, 'GET', '/api/v1/stacks', { bearer: user })).json as { total: number };
      const comps = (await call(s.url, 'GET', '/api/v1/components', { bearer: user, query: { type: 'orchestrator' } })).json as { total: number };
      expect([stacks.total, comps.total]).toEqual([1, 1]);
    });
    it('GET /api/v1/settings: the server settings entity', async () => {
      const r = await call(s.url, 'GET', '/api/v1/settings', { bearer: user });
      expect(r.status).toBe(200);
      const b = (r.json as { body: Record<string, unknown> }).body;
      expect(b.server_id).toBe(s.serverId);
      expect('last_user_activity' in b).toBe(!v58);
    });
    it('PUT /api/v1/current-user changes the caller', async () => {
      const u = await userToken(s);
      const r = await call(s.url, 'PUT', '/api/v1/current-user', { bearer: u, json: { full_name: 'Default User' } });
      expect(r.status).toBe(200);
      expect((r.json as { body: { full_name: string } }).body.full_name).toBe('Default User');
      const bad = await call(s.url, 'PUT', '/api/v1/current-user', { bearer: u, json: { full_name: 7 } });
      expect(bad.status).toBe(422);
      expect((await call(s.url, 'PUT', '/api/v1/current-user', { json: {} })).status).toBe(401);
    });
  });
});

describe('api_token semantics per version', () => {
  it('0.58 without token expiry: a password-login caller gets its own token back for every parameter', async () => {
    const s = await startStandin({ version: '0.58' });
    try {
      const u = await userToken(s);
      const queries: Array<Record<string, string | number>> = [{}, { expires_minutes: 5 }, { pipeline_id: crypto.randomUUID() }, { schedule_id: crypto.randomUUID() }];
      for (const query of queries) {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: u, query });
        expect(r.json, JSON.stringify(query)).toBe(u);
      }
    } finally {
      await s.close();
    }
  });
  it('0.58 without token expiry: an API-key caller gets a new token with the asked lifetime', async () => {
    const s = await startStandin({ version: '0.58' });
    try {
      const sa = s.createServiceAccount('sa');
      const { key } = s.createApiKey(sa.id, 'k');
      const t = ((await login(s, { password: key })).json as { access_token: string }).access_token;
      const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: t, query: { expires_minutes: 5 } });
      expect(r.json).not.toBe(t);
      expect(Math.abs((jwtPart(r.json as string, 1).exp as number) - (nowSec() + 300))).toBeLessThanOrEqual(3);
    } finally {
      await s.close();
    }
  });
  it('0.58 with token expiry: none → a new token; expires_minutes → the caller\'s; pipeline_id → new, keeping exp', async () => {
    const s = await startStandin({ version: '0.58', tokenLifetimeSeconds: 3600 });
    try {
      const u = await userToken(s);
      const exp = jwtPart(u, 1).exp as number;
      s.advanceTime(5);
      const none = (await call(s.url, 'GET', '/api/v1/api_token', { bearer: u })).json as string;
      expect(none).not.toBe(u);
      expect(jwtPart(none, 1).exp).toBeGreaterThan(exp);
      expect((await call(s.url, 'GET', '/api/v1/api_token', { bearer: u, query: { expires_minutes: 1 } })).json).toBe(u);
      const pipelineId = crypto.randomUUID();
      const scoped = (await call(s.url, 'GET', '/api/v1/api_token', { bearer: u, query: { pipeline_id: pipelineId } })).json as string;
      expect(scoped).not.toBe(u);
      expect(jwtPart(scoped, 1)).toMatchObject({ exp, pipeline_id: pipelineId });
    } finally {
      await s.close();
    }
  });
  it('0.85: the 0.58 parameters are ignored; workload tokens carry pipeline_run_id and no exp, even with expires_in', async () => {
    const s = await startStandin({ version: '0.85' });
    try {
      const u = await userToken(s);
      const legacy = (await call(s.url, 'GET', '/api/v1/api_token', { bearer: u, query: { expires_minutes: 1 } })).json as string;
      expect(Math.abs((jwtPart(legacy, 1).exp as number) - (nowSec() + 3600))).toBeLessThanOrEqual(3);
      const [run] = s.seedItems('pipeline_runs', 1, { status: 'running' });
      const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: u, query: { token_type: 'workload', pipeline_run_id: run!.id, expires_in: 60 } });
      expect(r.status).toBe(200);
      const claims = jwtPart(r.json as string, 1);
      expect(claims.pipeline_run_id).toBe(run!.id);
      expect('exp' in claims).toBe(false);
      // deployment_id came after 0.85: ignored here, so the token is unscoped.
      const dep = await call(s.url, 'GET', '/api/v1/api_token', { bearer: u, query: { token_type: 'workload', deployment_id: crypto.randomUUID() } });
      expect(dep.json).toEqual({ detail: ['ValueError', 'Workload API tokens must be scoped to a schedule or pipeline run.'] });
    } finally {
      await s.close();
    }
  });
  it('0.9x keeps what documentation says changed after 0.85: a raw ZENKEY_ bearer is accepted', async () => {
    const s = await startStandin({ version: '0.9x' });
    try {
      const sa = s.createServiceAccount('sa');
      const { key } = s.createApiKey(sa.id, 'k');
      expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: key })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
