// Replays the 78 exchanges recorded from a real ZenML 0.58.0 server
// (test/vectors/zenml-0.58.0-exchanges.json) against a fresh 0.58 stand-in,
// in order. Recorded ids, timestamps, tokens and keys belong to the recording
// server: they are mapped to the stand-in's own values as they first appear
// (a bijection, so a value that repeats in the recording must repeat here and
// two different recorded values must stay different), and every body is then
// compared exactly (key order included) after that substitution.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt, startStandin, type Standin } from '../support/standin/index.js';
import { call, jwtPart, type Reply } from './helpers.js';
import { Replay, tamper } from './replay.js';

interface Exchange {
  label: string;
  method?: string;
  path?: string;
  params?: Record<string, string | number> | null;
  auth?: string | null;
  form?: Record<string, string> | null;
  json?: unknown;
  status?: number;
  content_type?: string;
  www_authenticate?: string | null;
  set_cookie?: string | null;
  cookie_name?: string[];
  body?: unknown;
  claims?: Record<string, unknown>;
  issued_at_unix?: number;
  value?: unknown;
}

const vectors = JSON.parse(
  readFileSync(new URL('../vectors/zenml-0.58.0-exchanges.json', import.meta.url), 'utf8'),
) as { exchanges: Exchange[] };
const exchanges = vectors.exchanges;

const RECORDED_SERVER = 'ec268830-faea-4760-898f-d2365cb59275';
const DECODE_ERR = 'Authentication error: error decoding access token. You may need to rerun zenml connect.';

describe('ZenML 0.58.0 recorded exchanges, replayed against the 0.58 stand-in', () => {
  let s: Standin;
  const replay = new Replay({ keyJson: 'spaced' });
  const map = replay.map;
  const match = replay.match.bind(replay);
  const tokens: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const bodies = new Map<number, unknown>();

  beforeAll(async () => {
    s = await startStandin({ version: '0.58' });
  });
  afterAll(async () => {
    await s.close();
  });

  const defaultUserId = (): string => map.get('0e7f8a09-e49e-4c54-b585-065761b27f04')!;

  /** The bearer each recorded 'Bearer eyJ…' request used, following the sequence. */
  const bearerFor: Record<string, () => string> = {
    'current-user (user token)': () => tokens.user!,
    'current-user tampered signature': () => tamper(tokens.user!),
    // exp one hour ago, signed with the server's key.
    'current-user expired token (exp 1h ago, signed with server key)': () => s.mintToken(defaultUserId(), { expiresInSeconds: -3600 }),
    'current-user token signed with wrong key': () =>
      signJwt({ sub: defaultUserId(), iss: s.serverId, aud: s.serverId }, 'not-the-server-secret'),
    // The recorded unknown id is kept: it is random on both sides.
    'current-user valid signature, unknown user id': () => s.mintToken('c843206d-a197-4c9c-8f98-9133234b8317'),
    'api_token (user token)': () => tokens.user!,
    'create service account': () => tokens.user!,
    'create service account duplicate': () => tokens.user!,
    'get service account by name': () => tokens.user!,
    'list service accounts': () => tokens.user!,
    'create api key': () => tokens.user!,
    'create api key duplicate name': () => tokens.user!,
    'list api keys': () => tokens.user!,
    'get api key by name': () => tokens.user!,
    'current-user (SA token)': () => tokens.sa!,
    'api_token (SA token)': () => tokens.sa!,
    'api_token (SA token) pipeline_id + expires_minutes=1': () => tokens.sa!,
    'current-user with fresh workload token': () => tokens.workload!,
    'deactivate api key': () => tokens.user!,
    'current-user with SA token after key deactivated': () => tokens.sa!,
    'reactivate api key': () => tokens.user!,
    'current-user with SA token after key reactivated': () => tokens.sa!,
    'create service account 2': () => tokens.user!,
    'create api key on SA2': () => tokens.user!,
    'rotate SA2 key (retain 0)': () => tokens.user!,
    'current-user with token from old key after rotation': () => tokens.sa2!,
    'deactivate SA2': () => tokens.user!,
    'current-user with token of deactivated SA2': () => tokens.sa2!,
    'SA token calling admin endpoint (create service account)': () => tokens.sa!,
    'list users (user token)': () => tokens.user!,
    logout: () => tokens.user!,
    'current-user after logout with same bearer token': () => tokens.user!,
    'get unknown service account': () => tokens.user!,
    'create service account missing name (validation)': () => tokens.user!,
    'get api key unknown': () => tokens.user!,
    'api_token with expires_minutes=0': () => tokens.sa!,
    'api_token (SA) expires_minutes=1': () => tokens.sa!,
    'current-user with 1-minute token (fresh)': () => tokens.oneMinute!,
    'current-user with 1-minute token after 75 s (expired)': () => tokens.oneMinute!,
    'api_token with expired token': () => tokens.oneMinute!,
  };

  function formFor(e: Exchange): Record<string, string> | undefined {
    if (!e.form) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.form)) {
      let val = v;
      if (v === '<API_KEY>') val = keys.API_KEY!;
      else if (v === '<API_KEY2>' || v === '<old API_KEY2>') val = keys.API_KEY2!;
      else if (v === '<new API_KEY2>') val = keys.NEW_API_KEY2!;
      else if (v === '<API_KEY with last 6 chars altered>') val = `${keys.API_KEY!.slice(0, -6)}AAAAAA`;
      else if (v.startsWith('ZENKEY_<base64 of {id: random uuid')) {
        // The recorded random id is reused: the expected error names it.
        val = replay.encodeKey('198f20b4-8995-45fb-9681-69d909edc316', 'xxx');
      } else if (v.startsWith('ZENKEY_<base64 {id: key1 id, key: 000...}')) {
        const id = map.get('4852ef1d-560b-44ea-9791-022a1b6e9773')!;
        val = replay.encodeKey(id, '0'.repeat(64));
      }
      expect(val, `placeholder ${v} resolved`).toBeDefined();
      out[k] = val;
    }
    return out;
  }

  function headersFor(e: Exchange): Record<string, string> {
    const h: Record<string, string> = {};
    if (e.label === 'current-user with auth cookie only (no Authorization header)') {
      expect(e.cookie_name).toEqual([`zenml-server-${RECORDED_SERVER}`]);
      h.cookie = `zenml-server-${s.serverId}=${tokens.user!}`;
      return h;
    }
    if (e.label === "current-user with 'Bearer' and empty token") {
      h.authorization = 'Bearer ';
      return h;
    }
    if (e.label === 'current-user with Basic auth header') {
      h.authorization = `Basic ${Buffer.from('default:').toString('base64')}`;
      return h;
    }
    if (!e.auth) return h;
    if (e.auth === 'Bearer garbage.token.value...') h.authorization = 'Bearer garbage.token.value';
    else if (e.auth === 'Bearer notajwt...') h.authorization = 'Bearer notajwt';
    else {
      const f = bearerFor[e.label];
      expect(f, `a bearer is defined for '${e.label}'`).toBeDefined();
      h.authorization = `Bearer ${f!()}`;
    }
    return h;
  }

  function checkClaims(e: Exchange, token: string | undefined): void {
    expect(token, `token for '${e.label}'`).toBeDefined();
    const claims = jwtPart(token!, 1);
    match(e.claims, claims, 'claims');
  }

  function afterReply(i: number, e: Exchange, r: Reply): void {
    bodies.set(i, r.json);
    const body = r.json as Record<string, unknown>;
    switch (e.label) {
      case 'login default empty pw':
        tokens.user = body.access_token as string;
        break;
      case 'create api key':
        keys.API_KEY = (body.body as Record<string, unknown>).key as string;
        break;
      case 'login with API key':
        tokens.sa = body.access_token as string;
        break;
      case 'api_token (SA token) pipeline_id + expires_minutes=1':
        tokens.workload = r.json as string;
        break;
      case 'create api key on SA2':
        keys.API_KEY2 = (body.body as Record<string, unknown>).key as string;
        break;
      case 'login SA2 key':
        tokens.sa2 = body.access_token as string;
        break;
      case 'rotate SA2 key (retain 0)':
        keys.NEW_API_KEY2 = (body.body as Record<string, unknown>).key as string;
        break;
      case 'api_token (SA) expires_minutes=1':
        tokens.oneMinute = r.json as string;
        break;
    }
  }

  it('has 78 exchanges', () => {
    expect(exchanges).toHaveLength(78);
  });

  it.each(exchanges.map((e, i) => [`${String(i).padStart(2, '0')} ${e.label}`, i] as const))('%s', async (_name, i) => {
    const e = exchanges[i]!;
    if (e.method === undefined) {
      // Notes-only entries.
      switch (e.label) {
        case 'user token claims':
          replay.expDelta = 0;
          return checkClaims(e, tokens.user);
        case 'api_token equals login token':
          expect(e.value).toBe(true);
          expect(bodies.get(i - 1)).toBe(tokens.user);
          return;
        case 'SA token claims':
          return checkClaims(e, tokens.sa);
        case 'SA api_token claims':
          return checkClaims(e, bodies.get(i - 1) as string);
        case 'short api_token claims':
          replay.expDelta = 60;
          return checkClaims(e, tokens.workload);
        case 'API key format (decoded ZENKEY_ payload, secret redacted)': {
          const v = e.value as { prefix: string; payload_keys: string[]; id_equals_key_id: boolean; key_len: number };
          const key = keys.API_KEY!;
          expect(key.startsWith(v.prefix)).toBe(true);
          const text = Buffer.from(key.slice(v.prefix.length), 'base64').toString('utf8');
          const payload = JSON.parse(text) as Record<string, string>;
          expect(Object.keys(payload)).toEqual(v.payload_keys);
          expect(payload.id === map.get('4852ef1d-560b-44ea-9791-022a1b6e9773')).toBe(v.id_equals_key_id);
          expect(payload.key).toHaveLength(v.key_len);
          expect(text).toBe(`{"id": "${payload.id}", "key": "${payload.key}"}`);
          return;
        }
        case 'short token claims':
          replay.expDelta = e.claims!.exp as number - e.issued_at_unix!;
          expect(replay.expDelta).toBe(60);
          return checkClaims(e, tokens.oneMinute);
        default:
          throw new Error(`unhandled note ${e.label}`);
      }
    }

    if (e.label === 'current-user with 1-minute token after 75 s (expired)') {
      // Not replayed literally: instead of waiting 75 s, the stand-in's clock
      // moves 75 s forward; the same 1-minute token must then be refused
      // (60 s lifetime + 10 s leeway < 75 s).
      s.advanceTime(75);
      replay.clockOffset += 75;
    }
    replay.expDelta = e.params?.expires_minutes ? Number(e.params.expires_minutes) * 60 : 0;
    const path = map.subst(e.path!);
    const r = await call(s.url, e.method, path, {
      form: formFor(e),
      json: e.json ?? undefined,
      query: e.params ?? undefined,
      headers: headersFor(e),
    });

    expect(r.status, 'status').toBe(e.status);
    const partial = e.content_type === undefined; // entries recorded with a partial body
    if (!partial) {
      expect(r.contentType, 'content-type').toBe(e.content_type);
      expect(r.wwwAuthenticate, 'www-authenticate').toBe(e.www_authenticate ?? null);
    } else if (e.status === 401) {
      expect(r.wwwAuthenticate, 'www-authenticate').toBe('Bearer');
    }
    // Compact JSON, exactly like json.dumps(separators=(',', ':')).
    expect(r.text).toBe(JSON.stringify(JSON.parse(r.text)));
    match(e.body, r.json, 'body', partial);

    if (!partial) {
      const cookieName = `zenml-server-${s.serverId}`;
      if (e.set_cookie === null || e.set_cookie === undefined) {
        expect(r.setCookie, 'no set-cookie').toEqual([]);
      } else {
        expect(e.set_cookie.startsWith(`zenml-server-${RECORDED_SERVER}=`)).toBe(true);
        expect(r.setCookie).toHaveLength(1);
        if (e.set_cookie.includes('=""')) {
          expect(r.setCookie[0]).toMatch(
            new RegExp(`^${cookieName}=""; expires=[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT; HttpOnly; Max-Age=0; Path=/; SameSite=lax$`),
          );
        } else {
          const token = (r.json as { access_token: string }).access_token;
          expect(r.setCookie[0]).toBe(`${cookieName}=${token}; HttpOnly; Path=/; SameSite=lax`);
        }
      }
    }
    if (e.status === 401 && e.www_authenticate === 'Bearer' && typeof e.body === 'object' && e.body !== null) {
      // Sanity: decoding failures use the fixed 0.58 message.
      const d = (e.body as { detail: unknown }).detail;
      if (typeof d === 'string' && d.includes('decoding')) expect(d).toBe(DECODE_ERR);
    }
    afterReply(i, e, r);
  });

  it('served the info body with this server id', () => {
    expect((bodies.get(0) as { id: string }).id).toBe(s.serverId);
    expect(map.get(RECORDED_SERVER)).toBe(s.serverId);
  });
});
