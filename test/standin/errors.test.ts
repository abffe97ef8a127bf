// One test per error body documented in docs/zenml-api.md §2.1–§2.4, §3.6
// and §5, for both server generations where they differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionRow } from '../../src/api/versions.js';
import { signJwt, startStandin, type ServerVersion, type Standin } from '../support/standin/index.js';
import { call, type Reply } from './helpers.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function expectJson(r: Reply, status: number, body: unknown, wwwAuthenticate: string | null = null): void {
  expect(r.status).toBe(status);
  expect(r.contentType).toBe('application/json');
  expect(r.text).toBe(JSON.stringify(body));
  expect(r.wwwAuthenticate).toBe(wwwAuthenticate);
}

async function loginKey(s: Standin, key: string): Promise<string> {
  const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key', password: key } });
  expect(r.status).toBe(200);
  return (r.json as { access_token: string }).access_token;
}

async function loginDefault(s: Standin): Promise<string> {
  const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'password', username: 'default' } });
  expect(r.status).toBe(200);
  return (r.json as { access_token: string }).access_token;
}

const keyOf = (id: string, secret: string): string => `ZENKEY_${Buffer.from(`{"id": "${id}", "key": "${secret}"}`).toString('base64')}`;

describe.each(['0.58', '0.85', '0.9x'] as ServerVersion[])('ZenML %s error bodies', (version) => {
  const v58 = version === '0.58';
  const row = versionRow(version);
  const cls = v58 ? 'AuthorizationException' : 'CredentialsNotValid';
  /** A 401 body on a protected route. */
  const prot = (r: Reply, msg: string): void =>
    v58 ? expectJson(r, 401, { detail: msg }, 'Bearer') : expectJson(r, 401, { detail: ['CredentialsNotValid', msg] });
  const decodeMsg = (reason: string): string =>
    v58
      ? 'Authentication error: error decoding access token. You may need to rerun zenml connect.'
      : `Authentication error: error decoding access token: Invalid JWT token: ${reason}.`;

  let s: Standin;
  let user: string;
  beforeAll(async () => {
    s = await startStandin({ version });
    user = await loginDefault(s);
  });
  afterAll(async () => {
    await s.close();
  });

  describe('§2 routes', () => {
    it('POST /api/v1/login/ → 405 Method Not Allowed', async () => {
      expectJson(await call(s.url, 'POST', '/api/v1/login/', { form: { username: 'default' } }), 405, { detail: 'Method Not Allowed' });
    });
    it('GET /api/v1/login → 404 Not Found', async () => {
      expectJson(await call(s.url, 'GET', '/api/v1/login'), 404, { detail: 'Not Found' });
    });
    it('unknown GET route → 404, unknown POST route → 405', async () => {
      expectJson(await call(s.url, 'GET', '/api/v1/nope'), 404, { detail: 'Not Found' });
      const r = await call(s.url, 'POST', '/api/v1/nope', { json: {} });
      expectJson(r, 405, { detail: 'Method Not Allowed' });
      expect(r.headers.get('allow')).toBe('GET');
      expectJson(await call(s.url, 'DELETE', '/api/v1/info'), 405, { detail: 'Method Not Allowed' });
    });
    it(`GET /ready ${v58 ? 'does not exist on 0.58' : 'answers "OK"'}`, async () => {
      const r = await call(s.url, 'GET', '/ready');
      if (v58) expectJson(r, 404, { detail: 'Not Found' });
      else {
        expect(r.status).toBe(200);
        expect(r.contentType).toBe('text/plain; charset=utf-8');
        expect(r.text).toBe('ok');
      }
    });
  });

  describe('§2.1 login form errors (400, string detail, no WWW-Authenticate)', () => {
    it('unknown grant_type: "Unsupported grant type: bogus" (no period)', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'bogus', username: 'default' } });
      expectJson(r, 400, { detail: 'Unsupported grant type: bogus' });
    });
    it('grant not enabled for the scheme: "Unsupported grant type: zenml-external." (with period)', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-external' } });
      expectJson(r, 400, { detail: 'Unsupported grant type: zenml-external.' });
    });
    it(`empty form: ${v58 ? 'old servers fall back to zenml-external' : 'new servers fall back to password'}`, async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: {} });
      expectJson(r, 400, { detail: v58 ? 'Unsupported grant type: zenml-external.' : 'Invalid request: username is required.' });
    });
    it('empty values count as absent', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { username: '', password: '', grant_type: '' } });
      expectJson(r, 400, { detail: v58 ? 'Unsupported grant type: zenml-external.' : 'Invalid request: username is required.' });
    });
    it('a JSON body is not read (fields count as absent)', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { json: { grant_type: 'password', username: 'default', password: '' } });
      expectJson(r, 400, { detail: v58 ? 'Unsupported grant type: zenml-external.' : 'Invalid request: username is required.' });
    });
    it('password grant without username: "Invalid request: username is required."', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'password', password: 'x' } });
      expectJson(r, 400, { detail: 'Invalid request: username is required.' });
    });
    it('zenml-api-key grant without password: "API key is required."', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key' } });
      expectJson(r, 400, { detail: 'API key is required.' });
    });
    it('device grant without device_code: "Invalid request: device code and client ID are required."', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: DEVICE_GRANT, client_id: crypto.randomUUID() } });
      expectJson(r, 400, { detail: 'Invalid request: device code and client ID are required.' });
    });
    it('device grant with a non-UUID client_id: "Invalid request: invalid client ID."', async () => {
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: DEVICE_GRANT, client_id: 'nope', device_code: 'x' } });
      expectJson(r, 400, { detail: 'Invalid request: invalid client ID.' });
    });
    it('username + API key is a password login: invalid username or password', async () => {
      const sa = s.createServiceAccount(`up-${version}`);
      const { key } = s.createApiKey(sa.id, 'k');
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { username: sa.name, password: key } });
      expectJson(r, 401, { detail: [cls, 'Authentication error: invalid username or password'] });
    });
    it('password=<key> with or without grant_type=zenml-api-key: byte-identical token', async () => {
      const sa = s.createServiceAccount(`same-${version}`);
      const { key } = s.createApiKey(sa.id, 'k');
      const a = await call(s.url, 'POST', '/api/v1/login', { form: { password: key } });
      const b = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key', password: key } });
      expect(a.status).toBe(200);
      expect(a.text).toBe(b.text);
    });
  });

  describe('§2.1 schemes', () => {
    let ext: Standin;
    let basic: Standin;
    beforeAll(async () => {
      ext = await startStandin({ version, authScheme: 'EXTERNAL' });
      basic = await startStandin({ version, authScheme: 'HTTP_BASIC', defaultUserPassword: 'pw' });
    });
    afterAll(async () => {
      await Promise.all([ext.close(), basic.close()]);
    });
    it('EXTERNAL: password grant → "Unsupported grant type: password."', async () => {
      const r = await call(ext.url, 'POST', '/api/v1/login', { form: { username: 'default', password: '' } });
      expectJson(r, 400, { detail: 'Unsupported grant type: password.' });
    });
    it('EXTERNAL: device grant and device authorization → 403 "Device authorization is not supported."', async () => {
      const r = await call(ext.url, 'POST', '/api/v1/login', { form: { grant_type: DEVICE_GRANT, client_id: crypto.randomUUID(), device_code: 'x' } });
      expectJson(r, 403, { detail: 'Device authorization is not supported.' });
      const d = await call(ext.url, 'POST', '/api/v1/device_authorization', { form: { client_id: crypto.randomUUID() } });
      expectJson(d, 403, { detail: 'Device authorization is not supported.' });
    });
    it('EXTERNAL: omitted grant type means zenml-external (no Authorization header → authorization_url)', async () => {
      const r = await call(ext.url, 'POST', '/api/v1/login', { form: {} });
      expectJson(r, 200, { authorization_url: 'https://cloudapi.zenml.io/auth/login' });
    });
    it('HTTP_BASIC: protected routes want Basic credentials', async () => {
      expectJson(await call(basic.url, 'GET', '/api/v1/current-user'), 401, { detail: 'Not authenticated' }, 'Basic');
      const bad = await call(basic.url, 'GET', '/api/v1/current-user', { headers: { authorization: `Basic ${Buffer.from('default:nope').toString('base64')}` } });
      expectJson(bad, 401, { detail: [cls, 'Authentication error: invalid username or password'] });
      const ok = await call(basic.url, 'GET', '/api/v1/current-user', { headers: { authorization: `Basic ${Buffer.from('default:pw').toString('base64')}` } });
      expect(ok.status).toBe(200);
      expect((ok.json as { name: string }).name).toBe('default');
    });
  });

  describe('§2.2 /api_token', () => {
    if (v58) {
      it('expires_in (a new-server parameter) is ignored: a non-expiring token', async () => {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { expires_in: 3600 } });
        expectJson(r, 200, user);
      });
      it('a non-UUID pipeline_id → 422 bare-array validation body', async () => {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { pipeline_id: 'nope' } });
        expectJson(r, 422, ['ValueError', '1 validation error for Request\nquery -> pipeline_id\n  value is not a valid uuid (type=type_error.uuid)']);
      });
    } else {
      it('generic: expires_in over 604800 → 400 ValueError', async () => {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { expires_in: 604801 } });
        expectJson(r, 400, {
          detail: ['ValueError', 'The maximum expiration time for generic API tokens allowed by this server is 604800 seconds.'],
        });
      });
      it('generic: scope IDs → 400 ValueError', async () => {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { pipeline_run_id: crypto.randomUUID() } });
        expectJson(r, 400, { detail: ['ValueError', 'Generic API tokens cannot be scoped to a schedule or pipeline run.'] });
      });
      it('workload: no scope → 400 ValueError', async () => {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { token_type: 'workload' } });
        expectJson(r, 400, { detail: ['ValueError', row.apiToken.unscopedWorkloadMessage] });
      });
      it('workload: a finished run → 400 ValueError', async () => {
        const [run] = s.seedItems('pipeline_runs', 1, { status: 'completed' });
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { token_type: 'workload', pipeline_run_id: run!.id } });
        expectJson(r, 400, {
          detail: [
            'ValueError',
            `The execution of pipeline run ${run!.id} has already concluded and API tokens can no longer be generated for it for security reasons.`,
          ],
        });
      });
      it('workload: an inactive schedule → 400 ValueError', async () => {
        const [sch] = s.seedItems('schedules', 1, { active: false });
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { token_type: 'workload', schedule_id: sch!.id } });
        expectJson(r, 400, {
          detail: ['ValueError', `Schedule ${sch!.id} is not active and API tokens cannot be generated for inactive schedules for security reasons.`],
        });
      });
      it('a raw ZENKEY_ bearer gets 401 here', async () => {
        const sa = s.createServiceAccount('raw-key-api-token');
        const { key } = s.createApiKey(sa.id, 'k');
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: key });
        if (row.bearer.rawApiKey) expectJson(r, 401, { detail: ['AuthorizationException', 'Not authenticated.'] });
        else prot(r, decodeMsg('Not enough segments'));
      });
      it('a bad token_type → 422 bare-array validation body', async () => {
        const r = await call(s.url, 'GET', '/api/v1/api_token', { bearer: user, query: { token_type: 'forever' } });
        expectJson(r, 422, [
          'ValueError',
          "[{'type': 'enum', 'loc': ('query', 'token_type'), 'msg': \"Input should be 'generic' or 'workload'\", 'input': 'forever', 'ctx': {'expected': \"'generic' or 'workload'\"}}]",
        ]);
      });
    }
  });

  describe('§2.3 device authorization', () => {
    async function start(): Promise<{ clientId: string; deviceCode: string; userCode: string; deviceId: string }> {
      const clientId = crypto.randomUUID();
      const r = await call(s.url, 'POST', '/api/v1/device_authorization', { form: { client_id: clientId } });
      expect(r.status).toBe(200);
      const b = r.json as Record<string, unknown>;
      expect(Object.keys(b)).toEqual(['device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval']);
      expect(b.user_code).toMatch(/^[0-9a-f]{32}$/);
      expect(b.verification_uri).toBe('/devices/verify');
      const deviceId = new URLSearchParams(String(b.verification_uri_complete).split('?')[1]).get('device_id')!;
      expect(b.verification_uri_complete).toBe(`/devices/verify?device_id=${deviceId}&user_code=${String(b.user_code)}`);
      expect([b.expires_in, b.interval]).toEqual([300, 5]);
      return { clientId, deviceCode: b.device_code as string, userCode: b.user_code as string, deviceId };
    }
    const poll = (clientId: string, deviceCode: string): Promise<Reply> =>
      call(s.url, 'POST', '/api/v1/login', { form: { grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode } });

    it('pending → 400 authorization_pending', async () => {
      const d = await start();
      expectJson(await poll(d.clientId, d.deviceCode), 400, {
        error: 'authorization_pending',
        error_description: `Authentication error: device with client ID ${d.clientId} is pending.`,
        error_uri: null,
      });
    });
    it('denied (locked) → 400 access_denied', async () => {
      const d = await start();
      s.devices.deny(d.userCode);
      expectJson(await poll(d.clientId, d.deviceCode), 400, {
        error: 'access_denied',
        error_description: `Authentication error: device with client ID ${d.clientId} is locked.`,
        error_uri: null,
      });
    });
    it('expired → 400 expired_token', async () => {
      const d = await start();
      s.devices.expire(d.userCode);
      expectJson(await poll(d.clientId, d.deviceCode), 400, {
        error: 'expired_token',
        error_description: `Authentication error: device for client ID ${d.clientId} has expired`,
        error_uri: null,
      });
    });
    it('unknown client → 400 invalid_client', async () => {
      const clientId = crypto.randomUUID();
      expectJson(await poll(clientId, 'x'), 400, {
        error: 'invalid_client',
        error_description: `Authentication error: error retrieving device with client ID ${clientId}`,
        error_uri: null,
      });
    });
    it('approved → token with device_id; a second poll → expired_token ("is active.")', async () => {
      const d = await start();
      s.devices.approve(d.userCode);
      const r = await poll(d.clientId, d.deviceCode);
      expect(r.status).toBe(200);
      const b = r.json as Record<string, unknown>;
      expect(b.device_id).toBe(row.login.deviceIdInResponse ? d.deviceId : v58 ? undefined : null);
      const token = b.access_token as string;
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(claims.device_id).toBe(d.deviceId);
      expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: token })).status).toBe(200);
      expectJson(await poll(d.clientId, d.deviceCode), 400, {
        error: 'expired_token',
        error_description: `Authentication error: device with client ID ${d.clientId} is active.`,
        error_uri: null,
      });
      // Locking the device revokes its tokens.
      const lock = await call(s.url, 'PUT', `/api/v1/devices/${d.deviceId}`, { bearer: user, json: { locked: true } });
      expect(lock.status).toBe(200);
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: token }), `Authentication error: device ${d.deviceId} is not active`);
    });
    it('wrong device code → access_denied, locked on the third', async () => {
      const d = await start();
      s.devices.approve(d.userCode);
      for (let i = 1; i <= 2; i++) {
        expectJson(await poll(d.clientId, 'wrong'), 400, {
          error: 'access_denied',
          error_description: `Authentication error: device for client ID ${d.clientId} has an invalid device code.`,
          error_uri: null,
        });
      }
      expectJson(await poll(d.clientId, 'wrong'), 400, {
        error: 'access_denied',
        error_description: `Authentication error: device for client ID ${d.clientId} has been locked due to too many failed authentication attempts.`,
        error_uri: null,
      });
    });
    it('PUT /devices/{id}/verify: 3 wrong user codes lock the device → access_denied', async () => {
      const d = await start();
      const verify = (code: string): Promise<Reply> =>
        call(s.url, 'PUT', `/api/v1/devices/${d.deviceId}/verify`, { bearer: user, json: { user_code: code, trusted_device: false } });
      for (let i = 1; i <= 2; i++) expectJson(await verify('nope'), 400, { detail: ['ValueError', 'Invalid request: invalid user code.'] });
      expectJson(await verify('nope'), 400, {
        detail: ['ValueError', 'Invalid request: device locked due to too many failed authentication attempts.'],
      });
      expectJson(await verify(d.userCode), 400, { detail: ['ValueError', 'Invalid request: device not pending verification.'] });
      expect((await poll(d.clientId, d.deviceCode)).json).toEqual({
        error: 'access_denied',
        error_description: `Authentication error: device with client ID ${d.clientId} is locked.`,
        error_uri: null,
      });
    });
    it('PUT /devices/{id}/verify with the right code, then polling succeeds', async () => {
      const d = await start();
      const r = await call(s.url, 'PUT', `/api/v1/devices/${d.deviceId}/verify`, { bearer: user, json: { user_code: d.userCode } });
      expect(r.status).toBe(200);
      expect((r.json as { body: { status: string } }).body.status).toBe('verified');
      expect((await poll(d.clientId, d.deviceCode)).status).toBe(200);
    });
    it('device_authorization without client_id → 422 bare-array validation body', async () => {
      const r = await call(s.url, 'POST', '/api/v1/device_authorization', { form: {} });
      expectJson(
        r,
        422,
        v58
          ? ['ValueError', '1 validation error for Request\nbody -> client_id\n  field required (type=value_error.missing)']
          : ['ValueError', "[{'type': 'missing', 'loc': ('body', 'client_id'), 'msg': 'Field required', 'input': None}]"],
      );
    });
  });

  describe('§2.4 service accounts and API keys', () => {
    it('duplicate service account → 409 EntityExistsError', async () => {
      await call(s.url, 'POST', '/api/v1/service_accounts', { bearer: user, json: { name: 'dup-sa', active: true } });
      const r = await call(s.url, 'POST', '/api/v1/service_accounts', { bearer: user, json: { name: 'dup-sa', active: true } });
      expectJson(r, 409, {
        detail: ['EntityExistsError', "Unable to create service account with name 'dup-sa': Found existing service account with this name."],
      });
    });
    it('duplicate API key name → 409 EntityExistsError', async () => {
      const sa = s.createServiceAccount('dup-key-sa');
      s.createApiKey(sa.id, 'key1');
      const r = await call(s.url, 'POST', `/api/v1/service_accounts/${sa.id}/api_keys`, { bearer: user, json: { name: 'key1' } });
      expectJson(r, 409, {
        detail: [
          'EntityExistsError',
          "Unable to register API key with name 'key1': Found an existing API key with the same name configured for the same 'dup-key-sa' service account.",
        ],
      });
    });
    it('create without name and active → 422 bare-array validation body', async () => {
      const r = await call(s.url, 'POST', '/api/v1/service_accounts', { bearer: user, json: { description: 'x' } });
      expectJson(
        r,
        422,
        v58
          ? [
              'ValueError',
              '2 validation errors for Request\nbody -> name\n  field required (type=value_error.missing)\nbody -> active\n  field required (type=value_error.missing)',
            ]
          : [
              'ValueError',
              "[{'type': 'missing', 'loc': ('body', 'name'), 'msg': 'Field required', 'input': {'description': 'x'}}, {'type': 'missing', 'loc': ('body', 'active'), 'msg': 'Field required', 'input': {'description': 'x'}}]",
            ],
      );
    });
    it('a name over 255 characters → 422', async () => {
      const r = await call(s.url, 'POST', '/api/v1/service_accounts', { bearer: user, json: { name: 'x'.repeat(256), active: true } });
      expect(r.status).toBe(422);
      expect((r.json as string[])[0]).toBe('ValueError');
      expect((r.json as string[])[1]).toContain(v58 ? 'ensure this value has at most 255 characters' : 'String should have at most 255 characters');
    });
    it("unknown service account → 404 KeyError (repr in double quotes: the message holds ')", async () => {
      expectJson(await call(s.url, 'GET', '/api/v1/service_accounts/does-not-exist', { bearer: user }), 404, {
        detail: ['KeyError', "\"No service account with the 'does-not-exist' name or ID was found\""],
      });
    });
    it('KeyError repr with both quote kinds → single quotes, \\\' escaped', async () => {
      const name = `a'b"c`;
      expectJson(await call(s.url, 'GET', `/api/v1/service_accounts/${encodeURIComponent(name)}`, { bearer: user }), 404, {
        detail: ['KeyError', `'No service account with the \\'a\\'b"c\\' name or ID was found'`],
      });
    });
    it('unknown API key → 404 KeyError', async () => {
      const sa = s.createServiceAccount('key-404-sa');
      expectJson(await call(s.url, 'GET', `/api/v1/service_accounts/${sa.id}/api_keys/nope`, { bearer: user }), 404, {
        detail: ['KeyError', `"An API key with ID or name 'nope' is not configured for service account with ID '${sa.id}'."`],
      });
    });
    it('a service account name instead of its UUID under /api_keys → 422', async () => {
      const r = await call(s.url, 'GET', '/api/v1/service_accounts/key-404-sa/api_keys', { bearer: user });
      expectJson(
        r,
        422,
        v58
          ? ['ValueError', '1 validation error for Request\npath -> service_account_id\n  value is not a valid uuid (type=type_error.uuid)']
          : [
              'ValueError',
              "[{'type': 'uuid_parsing', 'loc': ('path', 'service_account_id'), 'msg': 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `k` at 1', 'input': 'key-404-sa', 'ctx': {'error': 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `k` at 1'}}]",
            ],
      );
    });
    it('rotate with retain 0: the old key fails at once', async () => {
      const sa = s.createServiceAccount('rot0');
      const { key: old } = s.createApiKey(sa.id, 'rot');
      const r = await call(s.url, 'PUT', `/api/v1/service_accounts/${sa.id}/api_keys/rot/rotate`, { bearer: user, json: { retain_period_minutes: 0 } });
      expect(r.status).toBe(200);
      const b = r.json as { body: { key: string }; metadata: unknown };
      expect(b.metadata).toBeNull();
      const bad = await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key', password: old } });
      expectJson(bad, 401, { detail: [cls, 'Authentication error: could not verify key value for API key rot'] });
      expect((await call(s.url, 'POST', '/api/v1/login', { form: { grant_type: 'zenml-api-key', password: b.body.key } })).status).toBe(200);
    });
    it('rotate with retain 2 minutes: the old key works for that period only', async () => {
      const local = await startStandin({ version });
      try {
        const sa = local.createServiceAccount('rot2');
        const { key: old } = local.createApiKey(sa.id, 'rot');
        const tok = await loginDefault(local);
        const r = await call(local.url, 'PUT', `/api/v1/service_accounts/${sa.id}/api_keys/rot/rotate`, { bearer: tok, json: { retain_period_minutes: 2 } });
        expect(r.status).toBe(200);
        expect((await call(local.url, 'POST', '/api/v1/login', { form: { password: old } })).status).toBe(200);
        local.advanceTime(119);
        expect((await call(local.url, 'POST', '/api/v1/login', { form: { password: old } })).status).toBe(200);
        local.advanceTime(2);
        expectJson(await call(local.url, 'POST', '/api/v1/login', { form: { password: old } }), 401, {
          detail: [cls, 'Authentication error: could not verify key value for API key rot'],
        });
        const meta = await call(local.url, 'GET', `/api/v1/service_accounts/${sa.id}/api_keys/rot`, { bearer: tok });
        expect((meta.json as { metadata: { retain_period_minutes: number } }).metadata.retain_period_minutes).toBe(2);
      } finally {
        await local.close();
      }
    });
    it('deleting a service account: DELETE → null, its tokens → 401', async () => {
      const sa = s.createServiceAccount('to-delete');
      const { key } = s.createApiKey(sa.id, 'k');
      const token = await loginKey(s, key);
      expectJson(await call(s.url, 'DELETE', `/api/v1/service_accounts/${sa.id}`, { bearer: user }), 200, null);
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: token }), `Authentication error: error retrieving token account ${sa.id}`);
    });
    it('deleting an API key: DELETE → null, its tokens → 401', async () => {
      const sa = s.createServiceAccount('key-to-delete');
      const k = s.createApiKey(sa.id, 'k');
      const token = await loginKey(s, k.key);
      expectJson(await call(s.url, 'DELETE', `/api/v1/service_accounts/${sa.id}/api_keys/k`, { bearer: user }), 200, null);
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: token }), `Authentication error: error retrieving API key ${k.id}`);
    });
  });

  describe('§3.6 pages', () => {
    it('page past the end → 400 ValueError', async () => {
      const local = await startStandin({ version });
      try {
        local.seedItems('pipelines', 1);
        const tok = await loginDefault(local);
        expectJson(await call(local.url, 'GET', '/api/v1/pipelines', { bearer: tok, query: { page: 3 } }), 400, {
          detail: [
            'ValueError',
            'Invalid page 3. The requested page size is 20 and there are a total of 1 items for this query. The maximum page value therefore is 1.',
          ],
        });
      } finally {
        await local.close();
      }
    });
    it('empty result: total 0, total_pages 1', async () => {
      const r = await call(s.url, 'GET', '/api/v1/pipelines', { bearer: user, query: { name: 'none-such' } });
      expectJson(r, 200, { index: 1, max_size: 20, total_pages: 1, total: 0, items: [] });
    });
    it('size out of range → 422, a bare request-validation array', async () => {
      for (const size of [0, 10001]) {
        const r = await call(s.url, 'GET', '/api/v1/pipelines', { bearer: user, query: { size } });
        const text = v58
          ? size === 0
            ? '1 validation error for Request\nquery -> size\n  ensure this value is greater than or equal to 1 (type=value_error.number.not_ge; limit_value=1)'
            : '1 validation error for Request\nquery -> size\n  ensure this value is less than or equal to 10000 (type=value_error.number.not_le; limit_value=10000)'
          : size === 0
            ? "[{'type': 'greater_than_equal', 'loc': ('query', 'size'), 'msg': 'Input should be greater than or equal to 1', 'input': '0', 'ctx': {'ge': 1}}]"
            : "[{'type': 'less_than_equal', 'loc': ('query', 'size'), 'msg': 'Input should be less than or equal to 10000', 'input': '10001', 'ctx': {'le': 10000}}]";
        expectJson(r, 422, ['ValueError', text]);
      }
    });
    it('page 0 → 422; size 10000 is fine', async () => {
      expect((await call(s.url, 'GET', '/api/v1/pipelines', { bearer: user, query: { page: 0 } })).status).toBe(422);
      expect((await call(s.url, 'GET', '/api/v1/pipelines', { bearer: user, query: { size: 10000 } })).status).toBe(200);
    });
    it('bad sort_by field → 422 ValueError', async () => {
      expectJson(
        await call(s.url, 'GET', '/api/v1/service_accounts', { bearer: user, query: { sort_by: 'desc:colour' } }),
        422,
        v58
          ? { detail: [{ loc: ['query', 'sort_by'], msg: 'You can only sort by valid fields of this resource', type: 'value_error' }] }
          : {
              detail: [
                'ValueError',
                "1 validation error for ServiceAccountFilter\nsort_by\n  Value error, You can only sort by valid fields of this resource [type=value_error, input_value='desc:colour', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.11/v/value_error",
              ],
            },
      );
    });
  });

  describe('§5 401 on protected routes', () => {
    it('no credentials → "Not authenticated" + WWW-Authenticate: Bearer', async () => {
      expectJson(await call(s.url, 'GET', '/api/v1/current-user'), 401, { detail: 'Not authenticated' }, 'Bearer');
    });
    it(`empty bearer → ${v58 ? '"Not authenticated"' : 'a decode error'}`, async () => {
      const r = await call(s.url, 'GET', '/api/v1/current-user', { headers: { authorization: 'Bearer ' } });
      if (v58) expectJson(r, 401, { detail: 'Not authenticated' }, 'Bearer');
      else prot(r, decodeMsg('Not enough segments'));
    });
    it('Basic credentials → "Not authenticated"', async () => {
      const r = await call(s.url, 'GET', '/api/v1/current-user', { headers: { authorization: `Basic ${Buffer.from('default:').toString('base64')}` } });
      expectJson(r, 401, { detail: 'Not authenticated' }, 'Bearer');
    });
    it('garbage token → error decoding access token', async () => {
      prot(
        await call(s.url, 'GET', '/api/v1/current-user', { bearer: 'garbage.token.value' }),
        decodeMsg("Invalid header string: 'utf-8' codec can't decode byte 0x81 in position 0: invalid start byte"),
      );
    });
    it('not a JWT → error decoding access token', async () => {
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: 'notajwt' }), decodeMsg('Not enough segments'));
    });
    it('token signed with another key → error decoding access token', async () => {
      const t = signJwt({ sub: crypto.randomUUID(), iss: s.serverId, aud: s.serverId }, 'other');
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: t }), decodeMsg('Signature verification failed'));
    });
    it('wrong audience → error decoding access token', async () => {
      const t = s.mintToken('default', { claims: { aud: 'someone-else' } });
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: t }), decodeMsg("Audience doesn't match"));
    });
    it('expired beyond the 10 s leeway → error decoding access token; within it → accepted', async () => {
      const dead = s.mintToken('default', { expiresInSeconds: -12 });
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: dead }), decodeMsg('Signature has expired'));
      const grace = s.mintToken('default', { expiresInSeconds: -5 });
      expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: grace })).status).toBe(200);
    });
    it('unknown account → error retrieving token account', async () => {
      const id = crypto.randomUUID();
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: s.mintToken(id) }), `Authentication error: error retrieving token account ${id}`);
    });
    it('deactivated key → 401 at once, valid again after reactivation', async () => {
      const sa = s.createServiceAccount('deact-key');
      const { key } = s.createApiKey(sa.id, 'k1');
      const token = await loginKey(s, key);
      s.setActive('api_key', sa.id, 'k1', false);
      prot(
        await call(s.url, 'GET', '/api/v1/current-user', { bearer: token }),
        'Authentication error: API key k1 associated with service account deact-key is not active',
      );
      s.setActive('api_key', sa.id, 'k1', true);
      expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: token })).status).toBe(200);
    });
    it('deactivated service account → account is not active', async () => {
      const sa = s.createServiceAccount('deact-sa');
      const token = await loginKey(s, s.createApiKey(sa.id, 'k').key);
      s.setActive('service_account', sa.id, undefined, false);
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: token }), 'Authentication error: account deact-sa is not active');
      s.setActive('service_account', sa.id, true);
      expect((await call(s.url, 'GET', '/api/v1/current-user', { bearer: token })).status).toBe(200);
    });
    it('deactivated user → account is not active', async () => {
      s.createUser('alice', { password: 'pw' });
      const r = await call(s.url, 'POST', '/api/v1/login', { form: { username: 'alice', password: 'pw' } });
      const token = (r.json as { access_token: string }).access_token;
      s.setActive('user', 'alice', false);
      prot(await call(s.url, 'GET', '/api/v1/current-user', { bearer: token }), 'Authentication error: account alice is not active');
      expectJson(await call(s.url, 'POST', '/api/v1/login', { form: { username: 'alice', password: 'pw' } }), 401, {
        detail: [cls, 'Authentication error: user alice is not active'],
      });
    });
    it(`a raw ZENKEY_ bearer is ${row.bearer.rawApiKey ? 'accepted' : 'rejected like an undecodable token'}`, async () => {
      const sa = s.createServiceAccount('raw-bearer');
      const { key } = s.createApiKey(sa.id, 'k');
      const r = await call(s.url, 'GET', '/api/v1/current-user', { bearer: key });
      if (!row.bearer.rawApiKey) prot(r, decodeMsg('Not enough segments'));
      else {
        expect(r.status).toBe(200);
        expect((r.json as { name: string }).name).toBe('raw-bearer');
      }
    });
  });

  describe('§5 401 from /login ({"detail":[Class,msg]}, no WWW-Authenticate)', () => {
    const login = (form: Record<string, string>): Promise<Reply> => call(s.url, 'POST', '/api/v1/login', { form });
    it('wrong password / unknown user → invalid username or password', async () => {
      expectJson(await login({ username: 'default', password: 'nope' }), 401, { detail: [cls, 'Authentication error: invalid username or password'] });
      expectJson(await login({ username: 'nobody', password: 'x' }), 401, { detail: [cls, 'Authentication error: invalid username or password'] });
    });
    it('malformed key → error decoding API key', async () => {
      for (const password of ['not-a-key', 'ZENKEY_garbage', `ZENKEY_${Buffer.from('{"id": "x", "key": "y"}').toString('base64')}`]) {
        expectJson(await login({ password }), 401, { detail: [cls, 'Authentication error: error decoding API key'] });
      }
    });
    it('unknown key id → error retrieving API key <uuid>', async () => {
      const id = crypto.randomUUID();
      expectJson(await login({ password: keyOf(id, 'x') }), 401, { detail: [cls, `Authentication error: error retrieving API key ${id}`] });
    });
    it('wrong secret → could not verify key value for API key <name>', async () => {
      const sa = s.createServiceAccount('wrong-secret');
      const k = s.createApiKey(sa.id, 'kx');
      expectJson(await login({ password: keyOf(k.id, '0'.repeat(64)) }), 401, {
        detail: [cls, 'Authentication error: could not verify key value for API key kx'],
      });
    });
    it('inactive key → API key <key> associated with service account <sa> is not active', async () => {
      const sa = s.createServiceAccount('inactive-key-sa');
      const k = s.createApiKey(sa.id, 'ky');
      s.setActive('api_key', sa.name, 'ky', false);
      expectJson(await login({ password: k.key }), 401, {
        detail: [cls, 'Authentication error: API key ky associated with service account inactive-key-sa is not active'],
      });
    });
    it('inactive service account → service account <sa> associated with API key <key> is not active', async () => {
      const sa = s.createServiceAccount('inactive-sa', { active: false });
      const k = s.createApiKey(sa.id, 'kz');
      expectJson(await login({ password: k.key }), 401, {
        detail: [cls, 'Authentication error: service account inactive-sa associated with API key kz is not active'],
      });
    });
  });

  describe('§5 429', () => {
    it('login limiter: "Minute request limit exceeded." then "Daily request limit exceeded."; success resets', async () => {
      const local = await startStandin({ version, loginRateLimit: { minute: 2, day: 3 } });
      try {
        const bad = (): Promise<Reply> => call(local.url, 'POST', '/api/v1/login', { form: { username: 'default', password: 'x' } });
        expect((await bad()).status).toBe(401);
        expect((await bad()).status).toBe(401);
        expectJson(await bad(), 429, { detail: 'Minute request limit exceeded.' });
        local.advanceTime(61);
        expect((await bad()).status).toBe(401);
        expectJson(await bad(), 429, { detail: 'Daily request limit exceeded.' });
        local.advanceTime(86_400);
        expect((await loginDefault(local)).length).toBeGreaterThan(20);
        expect((await bad()).status).toBe(401);
      } finally {
        await local.close();
      }
    });
    if (row.writes.busy429) {
      it('slow endpoint: {"error":"Server too busy. Please try again later."}', async () => {
        const local = await startStandin({ version, serverTimeoutMs: 50 });
        try {
          local.addFault({ path: '/api/v1/info', kind: 'latency', ms: 200 });
          expectJson(await call(local.url, 'GET', '/api/v1/info'), 429, { error: 'Server too busy. Please try again later.' });
          expect((await call(local.url, 'GET', '/health')).status).toBe(200);
        } finally {
          await local.close();
        }
      });
    }
  });
});
