/**
 * `login`: verify new credentials against the server, then store them. Nothing is stored (and the
 * previous credentials stay) unless the server accepted them and `current-user` answered.
 */
import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../api/http.js';
import { DEVICE_GRANT, loginAnswer, ZenmlApi, type Entity, type ServerInfo } from '../api/zenml.js';
import { parseErrorBody } from '../api/error-body.js';
import { ApiError, AuthError, InterruptedError, NetworkError } from '../errors.js';
import { makeClient } from './connect.js';
import { renews } from './kinds.js';
import { profileAllowsInsecureHttp, requireSafeTransport, withInsecureHttp } from './origin.js';
import { describeCredential, loginRejected, tokenFromLogin, type ServerCredential } from './flows.js';
import type { NetOptions } from './net.js';
import type { CredentialKind, StorageKind, StoredProfile } from './profiles.js';
import type { CredentialStore, SecretChanges } from './store.js';
import { serializeToken, type StoredToken } from './tokens.js';

export type LoginMethod =
  | ServerCredential
  | { kind: 'token'; token: string }
  | { kind: 'device'; onCode: (c: { url: string; userCode: string; expiresIn: number }) => void };

export interface LoginRequest {
  profile: string;
  server: string;
  settings: Pick<StoredProfile, 'caCert' | 'verifySsl'>;
  method: LoginMethod;
  forceFile: boolean;
  makeCurrent: boolean;
  /** Extra non-secret settings to keep on the profile (Pro workspace, …). */
  extra?: Partial<StoredProfile>;
  /** Extra secrets stored with the login (a workspace profile keeps its Pro credentials). */
  extraSecrets?: SecretChanges;
  /** The user opted in to plain http to this (non-loopback) server: remembered on the profile. */
  insecureHttp?: boolean;
  /** Called once the credentials are verified, before anything is stored; throws to store nothing. */
  beforeStore?: (after: Pick<StoredProfile, 'server' | 'serverId' | 'user'>) => Promise<void>;
}

export interface LoginResult {
  profile: string;
  server: string;
  info: ServerInfo;
  user: Entity;
  token: StoredToken;
  storage: StorageKind;
  kind: CredentialKind;
  /** Whether the profile's token is renewed without the user (the kinds table decides). */
  renewable: boolean;
}

interface Deps {
  store: CredentialStore;
  net: NetOptions;
  now: () => number;
  warn: (line: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const sleepDefault = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new InterruptedError());
    }, { once: true });
  });

/** Checks that the URL is a ZenML server: /api/v1/info must answer like one. */
export async function checkServer(api: ZenmlApi, server: string): Promise<ServerInfo> {
  try {
    return await api.info();
  } catch (e) {
    if (e instanceof ApiError) {
      throw new NetworkError(`${server} does not look like a ZenML server: GET /api/v1/info answered ${e.message}`, { hint: 'Check the URL.' });
    }
    throw e;
  }
}

async function deviceLogin(api: ZenmlApi, server: string, method: Extract<LoginMethod, { kind: 'device' }>, deps: Deps): Promise<StoredToken> {
  const clientId = randomUUID();
  const auth = await api.deviceAuthorization(clientId);
  const abs = (u: string) => (/^https?:\/\//.test(u) ? u : `${server}${u.startsWith('/') ? '' : '/'}${u}`);
  method.onCode({ url: abs(auth.verification_uri_complete ?? auth.verification_uri), userCode: auth.user_code, expiresIn: auth.expires_in });
  let interval = Math.max(1, auth.interval ?? 5) * 1000;
  const deadline = deps.now() + auth.expires_in * 1000;
  const sleep = deps.sleep ?? sleepDefault;
  for (;;) {
    await sleep(interval, deps.net.signal);
    const t0 = deps.now();
    const res = await api.pollDevice(clientId, auth.device_code);
    if (res.status === 200) return tokenFromLogin(loginAnswer(res), t0);
    const parsed = parseErrorBody(res.status, res.text());
    const code = parsed.errorClass;
    if (code === 'authorization_pending') {
      if (deps.now() > deadline) throw new AuthError('the device code expired before the login was approved', { hint: 'Run `zenml-api login --web` again.' });
      continue;
    }
    if (code === 'slow_down') {
      interval += 5000;
      continue;
    }
    if (code === 'access_denied') throw new AuthError('the login was denied in the browser (or the device was locked)');
    if (code === 'expired_token') throw new AuthError('the device code expired before the login was approved', { hint: 'Run `zenml-api login --web` again.' });
    throw new AuthError(`the device login failed: HTTP ${res.status}: ${code ? `${code}: ` : ''}${parsed.message}`);
  }
}

export async function performLogin(req: LoginRequest, deps: Deps): Promise<LoginResult> {
  const existing = deps.store.profiles.read().profiles[req.profile];
  requireSafeTransport(req.server, req.insecureHttp === true || profileAllowsInsecureHttp(existing ?? {}, req.server), 'flag');
  const client: HttpClient = makeClient(req.server, req.settings, deps.net, undefined, deps.warn);
  let token: StoredToken | undefined;
  const authed = makeClient(req.server, req.settings, deps.net, { token: async () => token?.token ?? null }, deps.warn);
  try {
    const api = new ZenmlApi(client);
    const info = await checkServer(api, req.server);
    const m = req.method;
    const t0 = deps.now();
    if (m.kind === 'token') {
      const { computeExpiry } = await import('./tokens.js');
      token = { token: m.token, expiresAt: computeExpiry(m.token, null, t0), obtainedAt: t0 };
      if (token.expiresAt !== null && token.expiresAt <= t0) {
        const { formatWhen } = await import('./tokens.js');
        throw new AuthError(`that token expired ${formatWhen(token.expiresAt, t0)}`, { hint: 'Get a new one from the dashboard.' });
      }
    } else if (m.kind === 'device') {
      token = await deviceLogin(api, req.server, m, deps);
    } else {
      try {
        const res =
          m.kind === 'api-key' ? await api.loginWithApiKey(m.apiKey) : m.kind === 'password' ? await api.loginWithPassword(m.username, m.password) : await api.loginExternal(m.proToken);
        token = tokenFromLogin(res, t0);
      } catch (e) {
        loginRejected(e, describeCredential(m));
      }
    }
    let user: Entity;
    try {
      user = await new ZenmlApi(authed).currentUser();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        throw new AuthError(`the server rejected the ${m.kind === 'token' ? 'token' : 'new token'}: ${e.message.replace(/^HTTP \d+: /, '')}`, { cause: e });
      }
      throw e;
    }

    const verified = token;
    const kind: CredentialKind = m.kind === 'device' ? 'device' : m.kind;
    const who = { id: user.id, name: user.name, serviceAccount: Boolean((user.body as Record<string, unknown> | null)?.is_service_account) };
    await req.beforeStore?.({ server: req.server, serverId: info.id, user: who });

    // Verified: store. Secrets first (they replace the old ones), then the profile.
    const changes: SecretChanges = {
      'access-token': serializeToken(verified),
      'api-key': m.kind === 'api-key' ? m.apiKey : null,
      password: m.kind === 'password' ? m.password : null,
      ...req.extraSecrets,
    };
    let renewable = false;
    return await deps.store.withProfileLock(req.profile, async () => {
      const before = deps.store.profiles.read().profiles[req.profile];
      // Keep Pro secrets of the profile where they are: copy them along if the storage changes.
      const storage = await deps.store.writeNew(req.profile, changes, { forceFile: req.forceFile });
      if (before?.storage && before.storage !== storage) {
        const moved: SecretChanges = {};
        for (const n of ['pro-token', 'pro-api-key'] as const) {
          if (req.extraSecrets && n in req.extraSecrets) continue;
          const v = await deps.store.get(req.profile, before.storage, n).catch(() => null);
          if (v) moved[n] = v;
        }
        if (Object.keys(moved).length) await deps.store.write(req.profile, storage, moved);
        await deps.store.removeAll(req.profile, before.storage).catch(() => undefined);
      }
      await deps.store.profiles.update((cfg) => {
        const prev = cfg.profiles[req.profile] ?? {};
        const next: StoredProfile = {
          ...prev,
          server: req.server,
          auth: kind,
          storage,
          serverVersion: info.version,
          serverId: info.id,
          user: who,
          updatedAt: new Date(deps.now()).toISOString(),
          ...req.extra,
        };
        if (m.kind === 'password') next.username = m.username;
        else delete next.username;
        const insecureHttp = withInsecureHttp(prev, req.server, req.insecureHttp === true);
        if (insecureHttp) next.insecureHttp = insecureHttp;
        else delete next.insecureHttp;
        if (req.settings.caCert) next.caCert = req.settings.caCert;
        if (req.settings.verifySsl === false) next.verifySsl = false;
        else delete next.verifySsl;
        cfg.profiles[req.profile] = next;
        if (req.makeCurrent || !cfg.current || !cfg.profiles[cfg.current]) cfg.current = req.profile;
        renewable = renews(kind, next);
      });
      return { profile: req.profile, server: req.server, info, user, token: verified, storage, kind, renewable };
    });
  } finally {
    await Promise.all([client.close(), authed.close()]);
  }
}
