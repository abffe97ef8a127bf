/** Typed calls of the ZenML Pro management API (docs/zenml-api.md §8). */
import { NetworkError } from '../errors.js';
import { SMALL_BODY_BYTES } from './limits.js';
import type { HttpClient } from './http.js';
import { form, type LoginResponse } from './zenml.js';

export interface ProUser {
  id: string;
  name?: string | null;
  username?: string | null;
  email?: string | null;
  is_service_account?: boolean;
  organization_id?: string | null;
  [k: string]: unknown;
}

export interface ProWorkspace {
  id: string;
  name: string;
  status?: string;
  organization?: { id: string; name: string } | null;
  zenml_service?: { status?: { server_url?: string | null; version?: string | null } | null } | null;
  [k: string]: unknown;
}

export interface ProOrganization {
  id: string;
  name: string;
  [k: string]: unknown;
}

/** The workspace's ZenML server URL: `zenml_service.status.server_url`, null unless it runs. */
export function workspaceServerUrl(w: ProWorkspace): string | null {
  const url = w.zenml_service?.status?.server_url;
  return typeof url === 'string' && url !== '' ? url : null;
}

function bad(what: string): never {
  throw new NetworkError(`the ZenML Pro API answered ${what} with JSON of an unexpected shape`);
}

/** An organization or workspace as the commands use it: an object with a string id and name. */
function named(v: unknown): v is { id: string; name: string } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as ProOrganization).id === 'string' && typeof (v as ProOrganization).name === 'string';
}

export class ProApi {
  constructor(readonly http: HttpClient) {}

  async login(apiKey: string): Promise<LoginResponse> {
    const res = await this.http.request({
      method: 'POST',
      path: '/auth/login',
      body: form({ password: apiKey }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${apiKey}` },
      auth: false,
      renewOn401: false,
      maxBytes: SMALL_BODY_BYTES,
    });
    const v = res.json<LoginResponse>();
    if (!v || typeof v.access_token !== 'string' || v.access_token === '') bad('/auth/login');
    return v;
  }

  async me(): Promise<ProUser> {
    const v = (await this.http.request({ path: '/users/me', maxBytes: SMALL_BODY_BYTES })).json<ProUser>();
    if (!v || typeof v !== 'object' || typeof v.id !== 'string') bad('/users/me');
    return v;
  }

  async organizations(): Promise<ProOrganization[]> {
    const v = (await this.http.request({ path: '/organizations', query: { limit: 100 } })).json<unknown>();
    if (!Array.isArray(v) || !v.every(named)) bad('/organizations');
    return v as ProOrganization[];
  }

  async workspaces(query: Record<string, string | undefined> = {}): Promise<ProWorkspace[]> {
    const v = (await this.http.request({ path: '/workspaces', query: { limit: 100, ...query } })).json<unknown>();
    if (!Array.isArray(v) || !v.every(named)) bad('/workspaces');
    return v as ProWorkspace[];
  }

  async workspace(id: string): Promise<ProWorkspace> {
    const v = (await this.http.request({ path: `/workspaces/${encodeURIComponent(id)}` })).json<ProWorkspace>();
    if (!named(v)) bad('/workspaces/{id}');
    return v;
  }
}
