/**
 * Typed calls for service accounts and their API keys (docs/zenml-api.md §2.4, §3.4-§3.6), over
 * the HTTP pipeline. Names and ids are path segments: they are percent-encoded, never spliced raw.
 */
import { NetworkError } from '../errors.js';
import type { HttpClient, HttpResponse } from './http.js';
import { DEFAULT_CONCURRENCY, isPage, paginate } from './paginate.js';
import { API, type Entity, type Page } from './zenml.js';

/** A service account (§3.4): `body.active`; `metadata.description` when hydrated. */
export type ServiceAccount = Entity;

/** An API key (§3.5): `body.key` is the secret on create and rotate only, null elsewhere. */
export type ApiKey = Entity;

export interface ServiceAccountCreate {
  name: string;
  description?: string;
  active: boolean;
}

export interface Patch {
  name?: string;
  description?: string;
  active?: boolean;
}

/** Items per page when listing: fewer round trips than the server's default of 20. */
export const LIST_PAGE_SIZE = 100;

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** True for a UUID (with or without hyphens): the api_keys routes take the account's UUID only. */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** The hyphenated lower-case form of a UUID (as the server returns ids); other strings unchanged. */
export function canonicalUuid(s: string): string {
  if (!isUuid(s)) return s;
  const h = s.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const seg = (s: string) => encodeURIComponent(s);
const JSON_HEADERS = { 'content-type': 'application/json' };

function entity(res: HttpResponse, what: string): Entity {
  const v = res.json<unknown>();
  if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof (v as Entity).id !== 'string') {
    throw new NetworkError(`${new URL(res.url).host} answered ${what} with JSON that is not what a ZenML server sends`, {
      hint: 'Is this the URL of a ZenML server?',
    });
  }
  return v as Entity;
}

function page(res: HttpResponse, what: string): Page {
  const v = res.json<unknown>();
  if (!isPage(v)) throw new NetworkError(`${new URL(res.url).host} answered ${what} with something that is not a ZenML Page`);
  return v as Page;
}

/** The `body.key` of a create or rotate answer; a NetworkError when the server sent none. */
export function secretOf(key: ApiKey): string {
  const k = (key.body as Record<string, unknown> | null | undefined)?.key;
  if (typeof k !== 'string' || k === '') throw new NetworkError('the server did not return the API key value');
  return k;
}

/** A copy of an API key object without its secret (for --json when the key went elsewhere). */
export function withoutSecret(key: ApiKey): ApiKey {
  return { ...key, body: key.body ? { ...key.body, key: null } : key.body };
}

export class AccountsApi {
  constructor(readonly http: HttpClient) {}

  private async json(method: string, path: string, what: string, body?: unknown): Promise<Entity> {
    const res = await this.http.request({
      method,
      path,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: JSON_HEADERS } : {}),
    });
    return entity(res, what);
  }

  /** Every item of a list, all pages, in order (a few pages in flight at once). */
  private async listAll(path: string, what: string, query: Record<string, string> = {}): Promise<Entity[]> {
    const q = { ...query, size: String(LIST_PAGE_SIZE), hydrate: 'true' };
    const get = async (n: number) => page(await this.http.request({ path, query: { ...q, page: String(n) } }), what);
    const first = await get(1);
    const out: Entity[] = [];
    await paginate({
      first,
      fetchPage: get,
      concurrency: DEFAULT_CONCURRENCY,
      onItems: (items) => {
        out.push(...(items as Entity[]));
      },
    });
    return out;
  }

  // ------------------------------------------------------------------ service accounts

  createServiceAccount(req: ServiceAccountCreate): Promise<ServiceAccount> {
    return this.json('POST', `${API}/service_accounts`, 'the new service account', req);
  }

  listServiceAccounts(): Promise<ServiceAccount[]> {
    return this.listAll(`${API}/service_accounts`, 'the service account list');
  }

  getServiceAccount(nameOrId: string): Promise<ServiceAccount> {
    return this.json('GET', `${API}/service_accounts/${seg(nameOrId)}`, 'the service account');
  }

  updateServiceAccount(nameOrId: string, patch: Patch): Promise<ServiceAccount> {
    return this.json('PUT', `${API}/service_accounts/${seg(nameOrId)}`, 'the service account update', patch);
  }

  async deleteServiceAccount(nameOrId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `${API}/service_accounts/${seg(nameOrId)}` });
  }

  /** The account's UUID: the argument itself when it is one, else looked up by name. */
  async serviceAccountId(nameOrId: string): Promise<string> {
    if (isUuid(nameOrId)) return nameOrId;
    return (await this.getServiceAccount(nameOrId)).id;
  }

  // ------------------------------------------------------------------ API keys (saId: a UUID)

  private keys(saId: string): string {
    return `${API}/service_accounts/${seg(saId)}/api_keys`;
  }

  createApiKey(saId: string, req: { name: string; description?: string }): Promise<ApiKey> {
    return this.json('POST', this.keys(saId), 'the new API key', req);
  }

  listApiKeys(saId: string): Promise<ApiKey[]> {
    return this.listAll(this.keys(saId), 'the API key list');
  }

  getApiKey(saId: string, nameOrId: string): Promise<ApiKey> {
    return this.json('GET', `${this.keys(saId)}/${seg(nameOrId)}`, 'the API key');
  }

  updateApiKey(saId: string, nameOrId: string, patch: Patch): Promise<ApiKey> {
    return this.json('PUT', `${this.keys(saId)}/${seg(nameOrId)}`, 'the API key update', patch);
  }

  async deleteApiKey(saId: string, nameOrId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `${this.keys(saId)}/${seg(nameOrId)}` });
  }

  /** Rotates the key; the answer carries the new secret in `body.key`. */
  rotateApiKey(saId: string, nameOrId: string, retainPeriodMinutes: number): Promise<ApiKey> {
    return this.json('PUT', `${this.keys(saId)}/${seg(nameOrId)}/rotate`, 'the key rotation', { retain_period_minutes: retainPeriodMinutes });
  }
}
