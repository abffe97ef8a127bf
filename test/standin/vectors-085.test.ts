// Replays the 105 exchanges recorded from a real ZenML 0.85.0 server
// (test/vectors/zenml-0.85.0-exchanges.json) against a fresh 0.85 stand-in, in
// order: status, content type, WWW-Authenticate, Allow, Set-Cookie and the body
// byte for byte once the recording server's ids, timestamps, tokens, keys and
// device codes are mapped to the stand-in's (see replay.ts).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt, startStandin, type Standin } from '../support/standin/index.js';
import { call, type CallOptions, type Reply } from './helpers.js';
import { Replay, tamper } from './replay.js';

interface Exchange {
  label: string;
  method: string;
  path: string;
  request: string;
  status: number;
  content_type: string;
  www_authenticate: string | null;
  set_cookie: string | null;
  allow: string | null;
  body: string;
  note: string | null;
}

const exchanges = (
  JSON.parse(readFileSync(new URL('../vectors/zenml-0.85.0-exchanges.json', import.meta.url), 'utf8')) as { exchanges: Exchange[] }
).exchanges;

const RECORDED_SERVER = '1b226deb-72a0-42f0-9817-66f46ed4d07a';
const RECORDED_DEFAULT_USER = 'e474a140-f7cd-4f9a-911c-530a6be5406e';
const RECORDED_CLIENT_ID = 'df56dc18-2487-4ce4-b889-e81c643e9b30';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('ZenML 0.85.0 recorded exchanges, replayed against the 0.85 stand-in', () => {
  let s: Standin;
  const replay = new Replay({ keyJson: 'compact' });
  const map = replay.map;
  const tokens: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const device: { code?: string; userCode?: string; id?: string } = {};

  beforeAll(async () => {
    s = await startStandin({ version: '0.85' });
  });
  afterAll(async () => {
    await s.close();
  });

  const user = (): CallOptions => ({ bearer: tokens.user! });
  const sa = (): CallOptions => ({ bearer: tokens.sa! });
  const deviceForm = (code: string): CallOptions => ({ form: { grant_type: DEVICE_GRANT, client_id: RECORDED_CLIENT_ID, device_code: code } });
  const defaultUserId = (): string => map.get(RECORDED_DEFAULT_USER)!;

  /** What each recorded request sent, by label (the recording describes it in words). */
  const requests: Record<string, () => CallOptions | Promise<CallOptions>> = {
    health: () => ({}),
    info: () => ({}),
    'login-ok': () => ({ form: { username: 'default', password: '' } }),
    'login-wrong-pw': () => ({ form: { username: 'default', password: 'nope' } }),
    'login-unknown-user': () => ({ form: { username: 'nosuchuser', password: 'x' } }),
    'login-empty-form': () => ({ form: {} }),
    'login-no-body': () => ({}),
    'login-json': () => ({ json: { username: 'default', password: '' } }),
    'login-bogus-grant': () => ({ form: { grant_type: 'bogus', username: 'default' } }),
    'login-password-grant-no-username': () => ({ form: { grant_type: 'password', password: 'x' } }),
    'login-empty-password-only': () => ({ form: { password: '' } }),
    'login-apikey-grant-no-password': () => ({ form: { grant_type: 'zenml-api-key' } }),
    'login-external-grant': () => ({ form: { grant_type: 'zenml-external' } }),
    'login-device-grant-missing': () => ({ form: { grant_type: DEVICE_GRANT } }),
    'login-password-grant-explicit': () => ({ form: { grant_type: 'password', username: 'default', password: '' } }),
    'cu-bearer': user,
    'cu-cookie': () => ({ headers: { cookie: `zenml-server-${s.serverId}=${tokens.user!}` } }),
    'cu-noauth': () => ({}),
    'cu-empty-bearer': () => ({ headers: { authorization: 'Bearer ' } }),
    'cu-basic': () => ({ headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
    'cu-garbage': () => ({ bearer: 'garbage.token.value' }),
    'cu-notajwt': () => ({ bearer: 'notajwt' }),
    'cu-tampered': () => ({ bearer: tamper(tokens.user!) }),
    'cu-expired': () => ({ bearer: s.mintToken(defaultUserId(), { expiresInSeconds: -3600 }) }),
    'cu-wrongkey': () => ({ bearer: signJwt({ sub: defaultUserId(), iss: s.serverId, aud: s.serverId }, 'not-the-server-secret') }),
    // The recorded unknown subject is kept: it is random on both sides.
    'cu-unknown-sub': () => ({ bearer: s.mintToken('3f23b090-cd06-4adf-a386-e18469a6aa11') }),
    'cu-bad-aud': () => ({ bearer: s.mintToken(defaultUserId(), { claims: { aud: crypto.randomUUID() } }) }),
    'api_token-user': user,
    'api_token-user-60': user,
    'api_token-user-toolong': user,
    'api_token-noauth': () => ({}),
    'api_token-workload-noscope': user,
    'api_token-generic-scoped': user,
    'api_token-workload-unknown-run': user,
    'api_token-bad-type': user,
    'api_token-bad-uuid': user,
    'api_token-legacy-params': user,
    'cu-generic-token': () => ({ bearer: tokens.generic60! }),
    'cu-naturally-expired': async () => {
      const r = await call(s.url, 'GET', '/api/v1/api_token', { ...user(), query: { expires_in: 1 } });
      tokens.oneSecond = r.json as string;
      // The recording used it 13 s later: the stand-in's clock moves instead.
      s.advanceTime(13);
      replay.clockOffset += 13;
      return { bearer: tokens.oneSecond };
    },
    'api_token-with-expired': () => ({ bearer: tokens.oneSecond! }),
    'sa-create': () => ({ ...user(), json: { name: 'cli-test-sa', description: 'for CLI tests', active: true } }),
    'sa-dup': () => ({ ...user(), json: { name: 'cli-test-sa', description: 'for CLI tests', active: true } }),
    'sa-noauth': () => ({ json: { name: 'x', active: true } }),
    'sa-missing': () => ({ ...user(), json: { description: 'x' } }),
    'sa-name-only': () => ({ ...user(), json: { name: 'sa-name-only' } }),
    'sa-badjson': () => ({ ...user(), body: '{not json', headers: { 'content-type': 'application/json' } }),
    'sa-get-name': user,
    'sa-get-id': user,
    'sa-404': user,
    'sa-list': user,
    'sa-list-page': user,
    'sa-list-bad-size': user,
    'key-create': () => ({ ...user(), json: { name: 'key1', description: 'first key' } }),
    'key-dup': () => ({ ...user(), json: { name: 'key1', description: 'first key' } }),
    'key-create-by-name': () => ({ ...user(), json: { name: 'k-by-name' } }),
    'key-list': user,
    'key-get-name': user,
    'key-404': user,
    'login-key-password-only': () => ({ form: { password: keys.key1! } }),
    'login-key-grant': () => ({ form: { grant_type: 'zenml-api-key', password: keys.key1! } }),
    'login-key-with-username': () => ({ form: { username: 'cli-test-sa', password: keys.key1! } }),
    'cu-sa': sa,
    'api_token-sa': sa,
    'login-key-altered': () => ({ form: { password: `${keys.key1!.slice(0, -6)}AAAAAA` } }),
    'login-key-ZENKEY-garbage': () => ({ form: { password: 'ZENKEY_garbage' } }),
    'login-key-notakey': () => ({ form: { password: 'not-a-key' } }),
    // The recorded random id is reused: the expected error names it.
    'login-key-unknown-id': () => ({ form: { password: replay.encodeKey('09ff9568-8b4a-479c-afa5-ae80063bf4f4', 'f'.repeat(64)) } }),
    'login-key-wrong-secret': () => ({ form: { password: replay.encodeKey(keyId(keys.key1!), '0'.repeat(64)) } }),
    'key-deactivate': () => ({ ...user(), json: { active: false } }),
    'login-key-deactivated': () => ({ form: { password: keys.key1! } }),
    'cu-token-of-deactivated-key': sa,
    'key-reactivate': () => ({ ...user(), json: { active: true } }),
    'cu-token-after-reactivate': sa,
    'key-create-rot': () => ({ ...user(), json: { name: 'rot' } }),
    'key-rotate': () => ({ ...user(), json: { retain_period_minutes: 0 } }),
    'login-rotated-old': () => ({ form: { password: keys.rot! } }),
    'login-rotated-new': () => ({ form: { password: keys.rot2! } }),
    'cu-token-from-old-key': () => ({ bearer: tokens.rotOld! }),
    'key-rotate-retain': () => ({ ...user(), json: { retain_period_minutes: 5 } }),
    'login-rotated-retained': () => ({ form: { password: keys.rot2! } }),
    'key-delete': user,
    'login-deleted-key': () => ({ form: { password: keys.rot3! } }),
    'key-delete-again': user,
    'sa2-create': () => ({ ...user(), json: { name: 'cli-test-sa2', active: true } }),
    'sa2-deactivate': () => ({ ...user(), json: { active: false } }),
    'login-key-of-deactivated-sa': () => ({ form: { password: keys.k2! } }),
    'cu-token-of-deactivated-sa': () => ({ bearer: tokens.sa2! }),
    'sa-creates-sa': () => ({ ...sa(), json: { name: 'by-sa', active: true } }),
    'sa-delete': user,
    'device-auth': () => ({ form: { client_id: RECORDED_CLIENT_ID } }),
    'login-device-pending': () => deviceForm(device.code!),
    'device-verify-wrong-code': () => ({ ...user(), json: { user_code: 'wrong', trusted_device: false } }),
    'device-verify': () => ({ ...user(), json: { user_code: device.userCode!, trusted_device: false } }),
    'login-device-wrongcode': () => deviceForm('0'.repeat(64)),
    'login-device-ok': () => deviceForm(device.code!),
    'login-device-reuse': () => deviceForm(device.code!),
    'cu-device-token': () => ({ bearer: tokens.device! }),
    'device-auth-missing': () => ({ form: {} }),
    'device-auth-bad-uuid': () => ({ form: { client_id: 'not-a-uuid' } }),
    'activate-already': () => ({ json: { name: 'admin', password: 'x' } }),
    logout: user,
    'cu-after-logout': user,
    'login-trailing-slash': () => ({ form: { username: 'default', password: '' } }),
    'login-get': () => ({}),
    'unknown-path': () => ({}),
  };

  function keyId(key: string): string {
    return (JSON.parse(Buffer.from(key.slice('ZENKEY_'.length), 'base64').toString('utf8')) as { id: string }).id;
  }

  async function keyLogin(key: string): Promise<string> {
    const r = await call(s.url, 'POST', '/api/v1/login', { form: { password: key } });
    expect(r.status).toBe(200);
    return (r.json as { access_token: string }).access_token;
  }

  /** Keeps what later requests need; some recorded requests used credentials made off the record. */
  async function afterReply(e: Exchange, r: Reply): Promise<void> {
    const body = r.json as Record<string, unknown>;
    const key = (): string => (body.body as { key: string }).key;
    switch (e.label) {
      case 'login-ok':
        tokens.user = body.access_token as string;
        break;
      case 'api_token-user-60':
        tokens.generic60 = r.json as string;
        break;
      case 'key-create':
        keys.key1 = key();
        break;
      case 'login-key-password-only':
        tokens.sa = body.access_token as string;
        break;
      case 'key-create-rot':
        keys.rot = key();
        tokens.rotOld = await keyLogin(keys.rot);
        break;
      case 'key-rotate':
        keys.rot2 = key();
        break;
      case 'key-rotate-retain':
        keys.rot3 = key();
        break;
      case 'sa2-create': {
        keys.k2 = s.createApiKey(body.id as string, 'k2').key;
        tokens.sa2 = await keyLogin(keys.k2);
        break;
      }
      case 'device-auth':
        device.code = body.device_code as string;
        device.userCode = body.user_code as string;
        break;
      case 'login-device-ok':
        tokens.device = body.access_token as string;
        break;
    }
  }

  /** Seconds of lifetime of the token an exchange mints. */
  function lifetimeOf(e: Exchange): number {
    if (!e.path.startsWith('/api/v1/api_token')) return 0;
    const q = new URL(e.path, 'http://x').searchParams;
    return q.has('expires_in') ? Number(q.get('expires_in')) : 3600;
  }

  it('has 105 exchanges, each with a request', () => {
    expect(exchanges).toHaveLength(105);
    expect(exchanges.filter((e) => !(e.label in requests)).map((e) => e.label)).toEqual([]);
  });

  it.each(exchanges.map((e, i) => [`${String(i).padStart(3, '0')} ${e.label}`, i] as const))('%s', async (_name, i) => {
    const e = exchanges[i]!;
    const o = await requests[e.label]!();
    if (e.label === 'api_token-legacy-params' || e.label === 'api_token-sa') {
      // Recorded a second after an earlier token of the same claims: without the
      // second, the stand-in would mint the very same token (there is no iat).
      s.advanceTime(1);
      replay.clockOffset += 1;
    }
    replay.expDelta = lifetimeOf(e);
    const url = new URL(map.subst(e.path), 'http://x');
    const r = await call(s.url, e.method, url.pathname, { ...o, ...(url.search ? { query: Object.fromEntries(url.searchParams) } : {}) });

    expect(r.status, 'status').toBe(e.status);
    expect(r.contentType, 'content-type').toBe(e.content_type);
    expect(r.wwwAuthenticate, 'www-authenticate').toBe(e.www_authenticate);
    expect(r.headers.get('allow'), 'allow').toBe(e.allow);
    if (e.content_type === 'application/json') replay.match(JSON.parse(e.body), r.json, 'body');
    // Byte for byte, once the recording's values are mapped to the stand-in's.
    expect(r.text, 'body bytes').toBe(map.substAll(e.body));
    if (e.set_cookie === null) expect(r.setCookie, 'no set-cookie').toEqual([]);
    else {
      expect(r.setCookie).toHaveLength(1);
      const date = (c: string): string => c.replace(/expires=[^;]+/, 'expires=<date>');
      expect(date(r.setCookie[0]!), 'set-cookie').toBe(date(map.substAll(e.set_cookie)));
    }
    await afterReply(e, r);
  });

  it('served the info body with this server id', () => {
    expect(map.get(RECORDED_SERVER)).toBe(s.serverId);
  });
});
