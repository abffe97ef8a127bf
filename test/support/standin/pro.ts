// A stand-in for the ZenML Pro control-plane API (docs §8): key exchange,
// /users/me, organizations and workspaces. Error texts are not documented
// upstream; the ones used here are listed in README.md.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpStandinBase, jsonResponse, type Fault, type LoggedRequest, type RequestContext, type StandinResponse } from './core.js';
import { b64url } from './jwt.js';
import type { ProUser } from './types.js';
import { Clock, formatTimestamp, isPlainObject, parseForm, parseUuid, tokenHex, uuid4 } from './util.js';

export type WorkspaceStatus = 'not_initialized' | 'pending' | 'available' | 'failed' | 'deactivated' | 'deleted';

export interface ProStandinOptions {
  host?: string;
  port?: number;
  /** Lifetime of exchanged and dashboard tokens, default 3600 s. */
  tokenLifetimeSeconds?: number;
  organizationName?: string;
  /** ZenML version reported for workspaces, default '0.93.0'. */
  workspaceVersion?: string;
}

export interface ProOrganization {
  id: string;
  name: string;
  description: string | null;
  created: string;
  updated: string;
}

export interface ProWorkspace {
  id: string;
  name: string;
  description: string | null;
  organization: ProOrganization;
  desired_state: string;
  state_reason: string;
  status: WorkspaceStatus;
  zenml_service: { configuration: { version: string }; status: { server_url: string | null; version: string } };
}

/** The running Pro stand-in (see README.md). */
export interface ProStandin {
  readonly url: string;
  close(): Promise<void>;
  readonly log: LoggedRequest[];
  clearLog(): void;
  count(method: string, path: string | RegExp): number;
  addFault(f: Fault): void;
  clearFaults(): void;
  latencyMs: number;
  advanceTime(seconds: number): void;
  readonly organization: ProOrganization;
  readonly users: { human: ProUser; serviceAccount: ProUser };
  /** Token lifetime in seconds (exchange and dashboard tokens). */
  readonly lifetime: number;
  addOrganization(o: { name: string; id?: string; description?: string | null }): ProOrganization;
  addUser(u: { name: string; username: string; email?: string; isServiceAccount?: boolean; id?: string; organizationId?: string | null }): ProUser;
  createApiKey(opts?: { user?: string }): string;
  setApiKeyActive(key: string, active: boolean): void;
  setUserActive(user: string, active: boolean): void;
  issueToken(opts?: { expiresInSeconds?: number; user?: string }): string;
  addWorkspace(w: {
    name: string;
    serverUrl: string | null;
    status?: WorkspaceStatus;
    id?: string;
    organizationId?: string;
    description?: string | null;
  }): ProWorkspace;
  listWorkspaces(): ProWorkspace[];
  verifyToken(token: string): Promise<ProUser | null>;
}

interface ProKey {
  key: string;
  userId: string;
  active: boolean;
}

const PRO_HEADER = '{"alg":"HS256","typ":"JWT"}';

export class ProStandinServer extends HttpStandinBase implements ProStandin {
  readonly clock = new Clock();
  readonly organization: ProOrganization;
  /** The default human user (token owner of issueToken) and service account (owner of createApiKey keys). */
  readonly users: { human: ProUser; serviceAccount: ProUser };
  private readonly opts: ProStandinOptions;
  private readonly secret = tokenHex(32);
  private readonly userMap = new Map<string, ProUser>();
  private readonly orgs: ProOrganization[] = [];
  private readonly workspaces: ProWorkspace[] = [];
  private readonly keys = new Map<string, ProKey>();

  constructor(opts: ProStandinOptions = {}) {
    super();
    this.opts = opts;
    this.organization = this.addOrganization({ name: opts.organizationName ?? 'My Org' });
    const human = this.addUser({ name: 'Jane Doe', username: 'jane@example.com', email: 'jane@example.com', isServiceAccount: false });
    const sa = this.addUser({ name: 'Automation Bot', username: 'autobot', email: 'autobot', isServiceAccount: true });
    this.users = { human, serviceAccount: sa };
  }

  get lifetime(): number {
    return this.opts.tokenLifetimeSeconds ?? 3600;
  }

  async start(): Promise<this> {
    await this.listen(this.opts.host ?? '127.0.0.1', this.opts.port ?? 0);
    return this;
  }

  advanceTime(seconds: number): void {
    this.clock.offsetMs += seconds * 1000;
  }

  addOrganization(o: { name: string; id?: string; description?: string | null }): ProOrganization {
    const ts = formatTimestamp(this.clock.nowMicros());
    const org: ProOrganization = { id: o.id ?? uuid4(), name: o.name, description: o.description ?? null, created: ts, updated: ts };
    this.orgs.push(org);
    return org;
  }

  addUser(u: { name: string; username: string; email?: string; isServiceAccount?: boolean; id?: string; organizationId?: string | null }): ProUser {
    const sa = u.isServiceAccount ?? false;
    const user: ProUser = {
      password: null,
      password_expired: null,
      name: u.name,
      avatar_url: null,
      company: null,
      job_title: null,
      metadata: {},
      id: u.id ?? uuid4(),
      username: u.username,
      email: u.email ?? u.username,
      oauth_provider: null,
      oauth_id: null,
      is_active: true,
      is_superuser: false,
      is_service_account: sa,
      organization_id: u.organizationId !== undefined ? u.organizationId : sa ? this.organization.id : null,
    };
    this.userMap.set(user.id, user);
    return user;
  }

  private findUser(idOrName?: string): ProUser {
    if (idOrName === undefined) return this.users.human;
    for (const u of this.userMap.values()) if (u.id === idOrName || u.username === idOrName || u.name === idOrName) return u;
    throw new Error(`unknown Pro user ${idOrName}`);
  }

  /** A new `ZENPROKEY_…` key (default owner: the service account user). */
  createApiKey(opts: { user?: string } = {}): string {
    const userId = opts.user === undefined ? this.users.serviceAccount.id : this.findUser(opts.user).id;
    const key = `ZENPROKEY_${b64url(Buffer.from(tokenHex(24), 'hex'))}`;
    this.keys.set(key, { key, userId, active: true });
    return key;
  }

  setApiKeyActive(key: string, active: boolean): void {
    const k = this.keys.get(key);
    if (!k) throw new Error('unknown Pro API key');
    k.active = active;
  }

  setUserActive(user: string, active: boolean): void {
    this.findUser(user).is_active = active;
  }

  /** A dashboard-style Pro API token (default owner: the human user; default lifetime: tokenLifetimeSeconds). */
  issueToken(opts: { expiresInSeconds?: number; user?: string } = {}): string {
    const user = this.findUser(opts.user);
    return this.sign(user.id, opts.expiresInSeconds ?? this.lifetime, 'api_token');
  }

  addWorkspace(w: {
    name: string;
    serverUrl: string | null;
    status?: WorkspaceStatus;
    id?: string;
    organizationId?: string;
    description?: string | null;
  }): ProWorkspace {
    const org = this.orgs.find((o) => o.id === (w.organizationId ?? this.organization.id)) ?? this.organization;
    const version = this.opts.workspaceVersion ?? '0.93.0';
    const status = w.status ?? 'available';
    const ws: ProWorkspace = {
      id: w.id ?? uuid4(),
      name: w.name,
      description: w.description ?? null,
      organization: { ...org },
      desired_state: status === 'deactivated' || status === 'deleted' ? status : 'available',
      state_reason: '',
      status,
      zenml_service: { configuration: { version }, status: { server_url: w.serverUrl, version } },
    };
    this.workspaces.push(ws);
    return ws;
  }

  /** Live workspace objects (mutate e.g. `status` to simulate a pending workspace becoming available). */
  listWorkspaces(): ProWorkspace[] {
    return this.workspaces;
  }

  /** For the ZenML stand-in's `proApi.verifyToken`: a valid Pro token or active key → its user, else null. */
  async verifyToken(token: string): Promise<ProUser | null> {
    const r = this.check(token);
    return r.ok ? r.user : null;
  }

  private sign(userId: string, lifetime: number, kind: string): string {
    const now = this.clock.nowSec();
    const payload = JSON.stringify({ sub: userId, iss: 'zenml-pro-standin', iat: now, exp: now + lifetime, jti: uuid4(), token_type: kind });
    const input = `${b64url(PRO_HEADER)}.${b64url(payload)}`;
    return `${input}.${b64url(createHmac('sha256', this.secret).update(input).digest())}`;
  }

  private check(token: string): { ok: true; user: ProUser } | { ok: false; detail: string } {
    if (token.startsWith('ZENPROKEY_')) {
      const k = this.keys.get(token);
      if (!k) return { ok: false, detail: 'Invalid authentication credentials' };
      if (!k.active) return { ok: false, detail: 'API key is not active' };
      return this.activeUser(k.userId);
    }
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, detail: 'Invalid authentication credentials' };
    const expected = createHmac('sha256', this.secret).update(`${parts[0]}.${parts[1]}`).digest();
    const sig = Buffer.from(parts[2]!, 'base64url');
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return { ok: false, detail: 'Invalid authentication credentials' };
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, detail: 'Invalid authentication credentials' };
    }
    if (!isPlainObject(claims) || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
      return { ok: false, detail: 'Invalid authentication credentials' };
    }
    if (claims.exp <= this.clock.nowSec()) return { ok: false, detail: 'Token has expired' };
    return this.activeUser(claims.sub);
  }

  private activeUser(id: string): { ok: true; user: ProUser } | { ok: false; detail: string } {
    const u = this.userMap.get(id);
    if (!u) return { ok: false, detail: 'Invalid authentication credentials' };
    if (!u.is_active) return { ok: false, detail: 'User is not active' };
    return { ok: true, user: u };
  }

  private auth(ctx: RequestContext): { ok: true; user: ProUser } | { ok: false; resp: StandinResponse } {
    const h = ctx.headers.authorization ?? '';
    const i = h.indexOf(' ');
    const token = i > 0 && h.slice(0, i).toLowerCase() === 'bearer' ? h.slice(i + 1).trim() : '';
    if (!token) return { ok: false, resp: jsonResponse(401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' }) };
    const r = this.check(token);
    if (!r.ok) return { ok: false, resp: jsonResponse(401, { detail: r.detail }) };
    return r;
  }

  private intQuery(ctx: RequestContext, name: string, dflt: number): number | StandinResponse {
    const raw = ctx.query.get(name);
    if (raw === null) return dflt;
    if (!/^\s*\d+\s*$/.test(raw)) {
      return jsonResponse(422, {
        detail: [
          { type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw },
        ],
      });
    }
    return Number.parseInt(raw, 10);
  }

  protected async handle(ctx: RequestContext): Promise<StandinResponse> {
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const p = ctx.path;
    const known = (re: RegExp): boolean => re.test(p);
    if (p === '/health') return method === 'GET' ? jsonResponse(200, 'OK') : jsonResponse(405, { detail: 'Method Not Allowed' });
    if (p === '/auth/login') return method === 'POST' ? this.login(ctx) : jsonResponse(405, { detail: 'Method Not Allowed' });
    const routes: Array<[RegExp, (m: RegExpExecArray) => StandinResponse]> = [
      [/^\/users\/me$/, () => this.me(ctx)],
      [/^\/organizations$/, () => this.listOrgs(ctx)],
      [/^\/organizations\/([^/]+)$/, (m) => this.getOrg(ctx, decodeURIComponent(m[1]!))],
      [/^\/workspaces$/, () => this.listWorkspacesRoute(ctx)],
      [/^\/workspaces\/([^/]+)$/, (m) => this.getWorkspace(ctx, decodeURIComponent(m[1]!))],
    ];
    for (const [re, fn] of routes) {
      if (!known(re)) continue;
      if (method !== 'GET') return jsonResponse(405, { detail: 'Method Not Allowed' });
      return fn(re.exec(p)!);
    }
    return jsonResponse(404, { detail: 'Not Found' });
  }

  private login(ctx: RequestContext): StandinResponse {
    const form = parseForm(ctx.headers['content-type'], ctx.rawBody);
    let key = form.password;
    if (!key) {
      const h = ctx.headers.authorization ?? '';
      const i = h.indexOf(' ');
      if (i > 0 && h.slice(0, i).toLowerCase() === 'bearer') key = h.slice(i + 1).trim();
    }
    if (!key) return jsonResponse(401, { detail: 'Not authenticated' });
    const k = this.keys.get(key);
    if (!k) return jsonResponse(401, { detail: 'Invalid API key' });
    if (!k.active) return jsonResponse(401, { detail: 'API key is not active' });
    const u = this.activeUser(k.userId);
    if (!u.ok) return jsonResponse(401, { detail: u.detail });
    return jsonResponse(200, {
      access_token: this.sign(k.userId, this.lifetime, 'session'),
      expires_in: this.lifetime,
      token_type: 'bearer',
      device_id: null,
      device_metadata: null,
    });
  }

  private me(ctx: RequestContext): StandinResponse {
    const a = this.auth(ctx);
    if (!a.ok) return a.resp;
    return jsonResponse(200, a.user);
  }

  private page<T>(ctx: RequestContext, rows: T[], dfltLimit: number): StandinResponse {
    const offset = this.intQuery(ctx, 'offset', 0);
    if (typeof offset !== 'number') return offset;
    const limit = this.intQuery(ctx, 'limit', dfltLimit);
    if (typeof limit !== 'number') return limit;
    return jsonResponse(200, rows.slice(offset, offset + limit));
  }

  private listOrgs(ctx: RequestContext): StandinResponse {
    const a = this.auth(ctx);
    if (!a.ok) return a.resp;
    return this.page(ctx, this.orgs, 20);
  }

  private getOrg(ctx: RequestContext, idOrName: string): StandinResponse {
    const a = this.auth(ctx);
    if (!a.ok) return a.resp;
    const id = parseUuid(idOrName);
    const org = this.orgs.find((o) => (id ? o.id === id : o.name === idOrName));
    if (!org) return jsonResponse(404, { detail: 'Organization not found' });
    return jsonResponse(200, org);
  }

  private listWorkspacesRoute(ctx: RequestContext): StandinResponse {
    const a = this.auth(ctx);
    if (!a.ok) return a.resp;
    const q = ctx.query;
    let rows = this.workspaces.filter((w) => w.status !== 'deleted');
    const name = q.get('workspace_name');
    if (name !== null) rows = rows.filter((w) => w.name === name);
    const org = q.get('organization_id');
    if (org !== null) rows = rows.filter((w) => w.organization.id === parseUuid(org));
    const status = q.get('status');
    if (status !== null) rows = rows.filter((w) => w.status === status);
    const url = q.get('url');
    if (url !== null) rows = rows.filter((w) => w.zenml_service.status.server_url === url);
    return this.page(ctx, rows, 20);
  }

  private getWorkspace(ctx: RequestContext, idOrName: string): StandinResponse {
    const a = this.auth(ctx);
    if (!a.ok) return a.resp;
    const id = parseUuid(idOrName);
    const ws = this.workspaces.find((w) => (id ? w.id === id : w.name === idOrName));
    if (!ws) return jsonResponse(404, { detail: 'Workspace not found' });
    return jsonResponse(200, ws);
  }
}

export async function startProStandin(opts: ProStandinOptions = {}): Promise<ProStandin> {
  return new ProStandinServer(opts).start();
}
