/**
 * Typed calls of the ZenML server API (docs/zenml-api.md §2-§3), over the HTTP pipeline.
 */
import { NetworkError } from '../errors.js';
import { SMALL_BODY_BYTES } from './limits.js';
import type { HttpClient, HttpResponse } from './http.js';
import type { VersionRow } from './versions.js';

export interface ServerInfo {
  id: string;
  version: string;
  auth_scheme?: string;
  deployment_type?: string;
  server_url?: string;
  dashboard_url?: string;
  pro_api_url?: string | null;
  [k: string]: unknown;
}

export interface LoginResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number | null;
  device_id?: string | null;
  [k: string]: unknown;
}

export interface Entity {
  id: string;
  name: string;
  body?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  [k: string]: unknown;
}

export interface Page<T = Entity> {
  index: number;
  max_size: number;
  total_pages: number;
  total: number;
  items: T[];
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string | null;
  expires_in: number;
  interval?: number | null;
}

export const API = '/api/v1';
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function expectObject<T>(res: HttpResponse, what: string, check: (v: Record<string, unknown>) => boolean): T {
  const v = res.json<unknown>();
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !check(v as Record<string, unknown>)) {
    throw new NetworkError(`${new URL(res.url).host} answered ${what} with JSON that is not what a ZenML server sends`, {
      hint: 'Is this the URL of a ZenML server?',
    });
  }
  return v as T;
}

/** The answer of a successful login (any grant, the device poll included). */
export function loginAnswer(res: HttpResponse): LoginResponse {
  return expectObject<LoginResponse>(res, 'the login', (v) => typeof v.access_token === 'string' && v.access_token !== '');
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Bounds of a device authorization's numbers: RFC 8628 suggests 5 s between polls and ZenML
 * gives a code 5 minutes; a server asking for more than a minute between polls or a day of
 * validity is clamped (a day already outlasts any terminal session waiting for a browser).
 */
const MAX_POLL_INTERVAL_S = 60;
const MAX_DEVICE_CODE_LIFETIME_S = 86_400;

export const form = (fields: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export class ZenmlApi {
  constructor(readonly http: HttpClient) {}

  async info(): Promise<ServerInfo> {
    const res = await this.http.request({ path: `${API}/info`, auth: false, maxBytes: SMALL_BODY_BYTES });
    return expectObject<ServerInfo>(res, '/api/v1/info', (v) => typeof v.id === 'string' && typeof v.version === 'string');
  }

  /** POST /api/v1/login with a form; never sends the stored bearer token. */
  async login(fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<LoginResponse> {
    const res = await this.http.request({
      method: 'POST',
      path: `${API}/login`,
      body: form(fields),
      headers: { ...FORM, ...headers },
      auth: false,
      renewOn401: false,
      maxBytes: SMALL_BODY_BYTES,
    });
    return loginAnswer(res);
  }

  loginWithApiKey(apiKey: string): Promise<LoginResponse> {
    return this.login({ grant_type: 'zenml-api-key', password: apiKey });
  }

  loginWithPassword(username: string, password: string): Promise<LoginResponse> {
    return this.login({ grant_type: 'password', username, password });
  }

  loginExternal(proToken: string): Promise<LoginResponse> {
    return this.login({ grant_type: 'zenml-external' }, { authorization: `Bearer ${proToken}` });
  }

  async currentUser(): Promise<Entity> {
    const res = await this.http.request({ path: `${API}/current-user`, maxBytes: SMALL_BODY_BYTES });
    return expectObject<Entity>(res, '/api/v1/current-user', (v) => typeof v.id === 'string' && typeof v.name === 'string');
  }

  /** Mints a token through /api/v1/api_token with the parameters of the server's version row. */
  async apiToken(expiresInSeconds: number, row: VersionRow): Promise<string> {
    const t = row.apiToken;
    const lifetime = t.lifetimeUnit === 'minutes' ? Math.max(1, Math.ceil(expiresInSeconds / 60)) : expiresInSeconds;
    const query: Record<string, string> = { ...t.fixedQuery, [t.lifetimeParam]: String(lifetime) };
    const res = await this.http.request({ path: `${API}/api_token`, query, maxBytes: SMALL_BODY_BYTES });
    const v = res.json<unknown>();
    if (typeof v !== 'string' || v === '') throw new NetworkError('the server answered /api/v1/api_token with something that is not a token');
    return v;
  }

  async deviceAuthorization(clientId: string): Promise<DeviceAuthorization> {
    const res = await this.http.request({
      method: 'POST',
      path: `${API}/device_authorization`,
      body: form({ client_id: clientId }),
      headers: FORM,
      auth: false,
      maxBytes: SMALL_BODY_BYTES,
    });
    const auth = expectObject<DeviceAuthorization>(
      res,
      'the device authorization',
      (v) =>
        typeof v.device_code === 'string' &&
        typeof v.user_code === 'string' &&
        typeof v.verification_uri === 'string' &&
        (v.verification_uri_complete == null || typeof v.verification_uri_complete === 'string') &&
        isFiniteNumber(v.expires_in) &&
        (v.interval == null || isFiniteNumber(v.interval)),
    );
    return {
      ...auth,
      expires_in: Math.min(Math.max(auth.expires_in, 1), MAX_DEVICE_CODE_LIFETIME_S),
      interval: auth.interval == null ? auth.interval : Math.min(Math.max(auth.interval, 1), MAX_POLL_INTERVAL_S),
    };
  }

  /** One poll of the device grant; returns the raw response (400s carry RFC 8628 errors). */
  pollDevice(clientId: string, deviceCode: string): Promise<HttpResponse> {
    return this.http.request({
      method: 'POST',
      path: `${API}/login`,
      body: form({ grant_type: DEVICE_GRANT, client_id: clientId, device_code: deviceCode }),
      headers: FORM,
      maxBytes: SMALL_BODY_BYTES,
      auth: false,
      renewOn401: false,
      allowErrorStatus: true,
    });
  }
}
