// A stateful stand-in for a ZenML server (0.58 or 0.9x wire behaviour), see
// docs/zenml-api.md and README.md next to this file.
import { existsSync, readFileSync } from 'node:fs';
import { VERSION_ROWS, versionRow, type VersionRow } from '../../../src/api/versions.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpStandinBase, jsonResponse, type Fault, type LoggedRequest, type RequestContext, type StandinResponse } from './core.js';
import { signJwt, verifyJwt } from './jwt.js';
import { pageResponse, parseListQuery, type FieldType, type ListSpec } from './lists.js';
import type { AuthScheme, ProUser, ServerVersion } from './types.js';
import {
  Clock,
  formatTimestamp,
  isPlainObject,
  parseForm,
  parseUuid,
  pyB64Decode,
  pyJsonDumps,
  pyJsonLoads,
  pyRepr,
  tokenHex,
  uuid4,
} from './util.js';
import { parseBool, parseInt10, pyJsonError, requestValidationText, type VErr } from './validation.js';

export interface StandinOptions {
  /** Row of src/api/versions.ts to answer as; default '0.58' (info.version '0.58.0'); '0.85', '0.9x' ('0.93.0'). */
  version?: ServerVersion;
  /** null (default): tokens never expire (`expires_in: null`, no `exp`); e.g. 3600 for a Pro-workspace-like server. */
  tokenLifetimeSeconds?: number | null;
  authScheme?: AuthScheme;
  /** Default 'local'; 'cloud' makes a Pro workspace (pro_* info fields set on 0.9x). */
  deploymentType?: string;
  /** For authScheme EXTERNAL: validates the Pro bearer on grant zenml-external. */
  proApi?: { url: string; verifyToken(token: string): Promise<ProUser | null> };
  /** Info fields of a Pro workspace (deploymentType 'cloud'). */
  proInfo?: { organizationId?: string; organizationName?: string; workspaceId?: string; workspaceName?: string; dashboardUrl?: string };
  serverId?: string;
  /** Password of the auto-created `default` user; default ''. */
  defaultUserPassword?: string;
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Document served at /openapi.json: default the 0.58 fixture; a string is served verbatim, an object as JSON, null → 404. */
  openapi?: string | object | null;
  /** Device flow: `expires_in` of a device authorization (default 300) and polling `interval` (default 5). */
  deviceAuthTimeoutSeconds?: number;
  devicePollingIntervalSeconds?: number;
  /** Lifetime of device tokens when the server has a token lifetime: 24 h, trusted 30 days. */
  deviceExpirationSeconds?: number;
  trustedDeviceExpirationSeconds?: number;
  /** 0.9x only: answer 429 "Server too busy" when a request takes longer (default 20000 ms; null disables). */
  serverTimeoutMs?: number | null;
  /** Login rate limiter (off by default): failures per IP per minute/day. */
  loginRateLimit?: { minute: number; day: number } | null;
  /** HS256 secret (default random). */
  jwtSecret?: string;
}

export interface DeviceInfo {
  id: string;
  clientId: string;
  userCode: string;
  deviceCode: string;
  status: 'pending' | 'verified' | 'active' | 'locked';
}

export interface StandinDevices {
  /** Like a dashboard user verifying the user code (default: the `default` user). */
  approve(userCode: string, opts?: { user?: string; trusted?: boolean }): void;
  /** Locks the device: polling gets `access_denied`. */
  deny(userCode: string): void;
  /** Makes the device authorization expire now: polling gets `expired_token`. */
  expire(userCode: string): void;
  pending(): DeviceInfo[];
  all(): DeviceInfo[];
}

export interface SeededItem {
  id: string;
  name: string;
  created: number;
  updated: number;
  body: Record<string, unknown>;
}

/** The running ZenML stand-in (see README.md). */
export interface Standin {
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  readonly url: string;
  readonly serverId: string;
  readonly version: ServerVersion;
  /** Closes the server and every socket, including hanging ones. */
  close(): Promise<void>;
  readonly log: LoggedRequest[];
  clearLog(): void;
  count(method: string, path: string | RegExp): number;
  addFault(f: Fault): void;
  clearFaults(): void;
  /** Added delay for every request (settable). */
  latencyMs: number;
  /** The most requests answered at once since the last clearLog(). */
  readonly maxInFlight: number;
  /** Moves the stand-in's clock forward (or back). */
  advanceTime(seconds: number): void;
  /**
   * Stops (true) or restarts (false) the stand-in's clock. Stopped, every login with the same
   * key yields a byte-identical token, as a real server does within one second.
   */
  freezeClock(frozen: boolean): void;
  createServiceAccount(name: string, opts?: { description?: string; active?: boolean }): { id: string; name: string };
  createUser(name: string, opts?: { password?: string; active?: boolean; isAdmin?: boolean }): { id: string; name: string };
  /** `key` is a real `ZENKEY_…` in the documented format. */
  createApiKey(saNameOrId: string, name: string, opts?: { description?: string }): { id: string; key: string };
  /** `setActive('api_key', sa, key, false)`, `setActive('service_account', sa, undefined, false)` or `setActive('service_account', sa, false)`. */
  setActive(kind: 'service_account' | 'user' | 'api_key', saNameOrId: string, keyNameOrId: string | undefined, active: boolean): void;
  setActive(kind: 'service_account' | 'user', nameOrId: string, active: boolean): void;
  /** HS256 with the server's secret; claims order sub, iss, aud, exp, device_id, api_key_id, then `claims` (which may override). */
  mintToken(
    subjectNameOrId: string,
    opts?: { expiresInSeconds?: number | null; apiKeyId?: string; deviceId?: string; claims?: Record<string, unknown> },
  ): string;
  seedItems(resource: string, n: number, body?: Record<string, unknown>): Array<{ id: string; name: string }>;
  seeded(resource: string): SeededItem[];
  readonly devices: StandinDevices;
}

interface Account {
  id: string;
  name: string;
  isServiceAccount: boolean;
  created: number;
  updated: number;
  active: boolean;
  description: string;
  fullName: string;
  email: string | null;
  emailOptedIn: boolean | null;
  isAdmin: boolean;
  password: string | null;
  externalUserId: string | null;
  avatarUrl: string | null;
}

interface ApiKey {
  id: string;
  name: string;
  saId: string;
  description: string;
  created: number;
  updated: number;
  active: boolean;
  secret: string;
  previous: { secret: string; untilMs: number } | null;
  retainPeriodMinutes: number;
  lastLogin: number | null;
  lastRotated: number | null;
}

interface Device {
  id: string;
  clientId: string;
  deviceCode: string;
  userCode: string;
  status: 'pending' | 'verified' | 'active' | 'locked';
  expiresMs: number | null;
  trusted: boolean;
  failedAttempts: number;
  userId: string | null;
  created: number;
  updated: number;
  lastLogin: number | null;
  ipAddress: string;
}

interface AuthCtx {
  account: Account;
  encodedToken: string | null;
  claims: Record<string, unknown> | null;
  apiKey: ApiKey | null;
  device: Device | null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; resp: StandinResponse };
type Handler = (ctx: RequestContext, params: string[]) => Promise<StandinResponse> | StandinResponse;
interface Route {
  re: RegExp;
  methods: Record<string, Handler>;
}

const GRANT_PASSWORD = 'password';
const GRANT_API_KEY = 'zenml-api-key';
const GRANT_DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const GRANT_EXTERNAL = 'zenml-external';
const GRANTS = [GRANT_PASSWORD, GRANT_DEVICE, GRANT_API_KEY, GRANT_EXTERNAL];
/** What a fresh local server holds: the default stack, its two components, the default workspace or project. */
const FRESH_SERVER: Record<string, Array<[string, Record<string, unknown>]>> = {
  stacks: [['default', {}]],
  components: [
    ['default', { type: 'orchestrator', flavor: 'local' }],
    ['default', { type: 'artifact_store', flavor: 'local' }],
  ],
  workspaces: [['default', {}]],
  projects: [['default', {}]],
};
const FINISHED_RUN = new Set(['completed', 'failed', 'cached', 'stopped']);
const MAX_FAILED_DEVICE_ATTEMPTS = 3;
const GENERIC_TOKEN_LIFETIME = 3600;
const MAX_PASSWORD_BYTES = 4096;

/** The OpenAPI document of the newest recorded version at or below a row (0.9x: 0.85.0's). */
function openapiFixtureName(row: VersionRow): string {
  let name = '';
  for (const r of VERSION_ROWS) {
    if (r.recorded.length > 0) name = `zenml-${r.recorded[r.recorded.length - 1]}.json`;
    if (r.id === row.id) break;
  }
  return name;
}

function loadOpenapiFixture(name: string): string | null {
  const candidates: string[] = [];
  try {
    // Only when running from source (test/support/standin/): a bundle lives
    // elsewhere, and the relative path would then point outside the project.
    const here = fileURLToPath(import.meta.url).replace(/\\/g, '/');
    if (here.includes('/test/support/standin/')) candidates.push(fileURLToPath(new URL(`../../fixtures/openapi/${name}`, import.meta.url)));
  } catch {
    /* not a file: URL */
  }
  candidates.push(join(process.cwd(), 'test', 'fixtures', 'openapi', name));
  for (const c of candidates) {
    if (existsSync(c)) return readFileSync(c, 'utf8');
  }
  return null;
}

function singular(resource: string): string {
  if (resource.endsWith('ies')) return `${resource.slice(0, -3)}y`;
  return resource.endsWith('s') ? resource.slice(0, -1) : resource;
}

function camel(s: string): string {
  return s
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

export class ZenmlStandinServer extends HttpStandinBase implements Standin {
  readonly serverId: string;
  readonly version: ServerVersion;
  /** What this version does differently: every version branch reads it. */
  readonly row: VersionRow;
  readonly clock = new Clock();
  readonly devices: StandinDevices;
  private readonly opts: StandinOptions;
  private readonly scheme: AuthScheme;
  private readonly secret: string;
  private readonly accounts = new Map<string, Account>();
  private readonly keys = new Map<string, ApiKey>();
  private readonly deviceMap = new Map<string, Device>();
  private readonly items = new Map<string, SeededItem[]>();
  private readonly seedCounters = new Map<string, number>();
  private readonly idempotency = new Map<string, { promise: Promise<StandinResponse>; expiresMs: number }>();
  private readonly loginFailures = new Map<string, number[]>();
  private lastUserActivity: number | null = null;
  private readonly started: number;
  private openapiCache: string | null = null;
  private readonly routes: Route[];

  constructor(opts: StandinOptions = {}) {
    super();
    this.opts = opts;
    this.version = opts.version ?? '0.58';
    this.row = versionRow(this.version);
    this.scheme = opts.authScheme ?? 'OAUTH2_PASSWORD_BEARER';
    this.serverId = opts.serverId ?? uuid4();
    this.secret = opts.jwtSecret ?? tokenHex(32);
    this.items.set('pipelines', []);
    this.items.set('pipeline_runs', []);
    const now = this.clock.nowMicros();
    this.started = now;
    for (const route of this.row.listRoutes) {
      const resource = this.listStorage(route);
      if (this.items.has(resource)) continue;
      const fresh = FRESH_SERVER[resource] ?? [];
      this.items.set(resource, fresh.map(([name, body]) => ({ id: uuid4(), name, created: now, updated: now, body: { ...body } })));
    }
    // 0.85 recorded a last_user_activity on the first /info: the server counts its own start.
    if (this.row.shapes.info === 'pro-fields') this.lastUserActivity = now;
    this.createAccount({
      name: 'default',
      isServiceAccount: false,
      password: opts.defaultUserPassword ?? '',
      isAdmin: true,
      emailOptedIn: null,
    });
    this.devices = {
      approve: (userCode, o) => {
        const d = this.deviceByUserCode(userCode);
        const user = o?.user ? this.findAccount(o.user) : this.findAccount('default');
        if (!user) throw new Error(`unknown user ${o?.user ?? 'default'}`);
        d.status = 'verified';
        d.userId = user.id;
        d.failedAttempts = 0;
        d.trusted = o?.trusted ?? false;
        d.updated = this.clock.nowMicros();
      },
      deny: (userCode) => {
        const d = this.deviceByUserCode(userCode);
        d.status = 'locked';
        d.updated = this.clock.nowMicros();
      },
      expire: (userCode) => {
        const d = this.deviceByUserCode(userCode);
        d.expiresMs = this.clock.nowMs() - 1000;
      },
      pending: () => [...this.deviceMap.values()].filter((d) => d.status === 'pending').map((d) => this.deviceInfo(d)),
      all: () => [...this.deviceMap.values()].map((d) => this.deviceInfo(d)),
    };
    this.routes = this.buildRoutes();
  }

  /** Where a list route's items live: runs are the seeded `pipeline_runs`, `workspaces` may name projects. */
  private listStorage(route: string): string {
    if (route === 'runs') return 'pipeline_runs';
    return route === 'workspaces' ? this.row.projects : route;
  }

  /** Tokens have types (generic, workload) and workload scopes are checked on use (0.70 on). */
  private get typedTokens(): boolean {
    return this.row.apiToken.unscopedWorkloadMessage !== null;
  }

  async start(): Promise<this> {
    await this.listen(this.opts.host ?? '127.0.0.1', this.opts.port ?? 0);
    return this;
  }

  // ---------------------------------------------------------------- helpers for tests

  /** Moves the stand-in's clock (token expiry, retain periods, device expiry, timestamps). */
  advanceTime(seconds: number): void {
    this.clock.offsetMs += seconds * 1000;
  }
  freezeClock(frozen: boolean): void {
    this.clock.frozenMs = frozen ? Date.now() : null;
  }


  createServiceAccount(name: string, opts: { description?: string; active?: boolean } = {}): { id: string; name: string } {
    if (this.findAccount(name, true)) throw new Error(`service account ${name} exists`);
    const a = this.createAccount({
      name,
      isServiceAccount: true,
      description: opts.description ?? '',
      active: opts.active ?? true,
      emailOptedIn: false,
    });
    return { id: a.id, name: a.name };
  }

  createUser(name: string, opts: { password?: string; active?: boolean; isAdmin?: boolean } = {}): { id: string; name: string } {
    if (this.findAccount(name, false)) throw new Error(`user ${name} exists`);
    const a = this.createAccount({
      name,
      isServiceAccount: false,
      password: opts.password ?? '',
      active: opts.active ?? true,
      isAdmin: opts.isAdmin ?? false,
      emailOptedIn: null,
    });
    return { id: a.id, name: a.name };
  }

  createApiKey(saNameOrId: string, name: string, opts: { description?: string } = {}): { id: string; key: string } {
    const sa = this.findAccount(saNameOrId, true);
    if (!sa) throw new Error(`unknown service account ${saNameOrId}`);
    const k = this.newApiKey(sa, name, opts.description ?? '');
    return { id: k.id, key: this.encodeKey(k.id, k.secret) };
  }

  setActive(kind: 'service_account' | 'user' | 'api_key', saNameOrId: string, keyNameOrId: string | undefined, active: boolean): void;
  setActive(kind: 'service_account' | 'user', nameOrId: string, active: boolean): void;
  setActive(kind: 'service_account' | 'user' | 'api_key', nameOrId: string, a: string | boolean | undefined, b?: boolean): void {
    const active = typeof a === 'boolean' ? a : b;
    if (typeof active !== 'boolean') throw new Error('setActive: missing active flag');
    if (kind === 'api_key') {
      const sa = this.findAccount(nameOrId, true);
      if (!sa) throw new Error(`unknown service account ${nameOrId}`);
      if (typeof a !== 'string') throw new Error('setActive: missing API key name or id');
      const k = this.findKey(sa, a);
      if (!k) throw new Error(`unknown API key ${a}`);
      k.active = active;
      k.updated = this.clock.nowMicros();
      return;
    }
    const acc = this.findAccount(nameOrId, kind === 'service_account');
    if (!acc) throw new Error(`unknown ${kind} ${nameOrId}`);
    acc.active = active;
    acc.updated = this.clock.nowMicros();
  }

  /** Signs a token with the server's secret. Unknown UUID subjects are allowed (for negative tests). */
  mintToken(
    subjectNameOrId: string,
    opts: { expiresInSeconds?: number | null; apiKeyId?: string; deviceId?: string; claims?: Record<string, unknown> } = {},
  ): string {
    const acc = this.findAccount(subjectNameOrId);
    const sub = acc?.id ?? parseUuid(subjectNameOrId) ?? subjectNameOrId;
    const claims: Record<string, unknown> = { sub, iss: this.serverId, aud: this.serverId };
    if (opts.expiresInSeconds !== undefined && opts.expiresInSeconds !== null) {
      claims.exp = this.clock.nowSec() + opts.expiresInSeconds;
    }
    if (opts.deviceId) claims.device_id = opts.deviceId;
    if (opts.apiKeyId) claims.api_key_id = opts.apiKeyId;
    Object.assign(claims, opts.claims ?? {});
    return signJwt(claims, this.secret);
  }

  /** Fills /api/v1/<resource> with n entity-shaped items with distinct names; returns them (live objects). */
  seedItems(resource: string, n: number, body: Record<string, unknown> = {}): Array<{ id: string; name: string }> {
    const out: Array<{ id: string; name: string }> = [];
    const start = this.seedCounters.get(resource) ?? 0;
    this.seedCounters.set(resource, start + n);
    for (let i = start + 1; i <= start + n; i++) {
      const name = `${singular(resource)}-${String(i).padStart(4, '0')}`;
      if (resource === 'users') {
        out.push(this.createUser(name));
        continue;
      }
      if (resource === 'service_accounts') {
        out.push(this.createServiceAccount(name));
        continue;
      }
      const defaults: Record<string, unknown> =
        resource === 'pipeline_runs' ? { status: 'completed' } : resource === 'schedules' ? { active: true } : {};
      const created = this.clock.nowMicros();
      const item: SeededItem = { id: uuid4(), name, created, updated: created, body: { ...defaults, ...body } };
      const list = this.items.get(resource) ?? [];
      list.push(item);
      this.items.set(resource, list);
      out.push(item);
    }
    return out;
  }

  /** The live seeded items of a resource (mutate `body` to change e.g. a run's status). */
  seeded(resource: string): SeededItem[] {
    return this.items.get(resource) ?? [];
  }

  // ---------------------------------------------------------------- state internals

  private createAccount(p: Partial<Account> & { name: string; isServiceAccount: boolean }): Account {
    const created = this.clock.nowMicros();
    const a: Account = {
      id: uuid4(),
      name: p.name,
      isServiceAccount: p.isServiceAccount,
      created,
      updated: created + 2,
      active: p.active ?? true,
      description: p.description ?? '',
      fullName: p.fullName ?? '',
      email: p.email ?? null,
      emailOptedIn: p.emailOptedIn ?? null,
      isAdmin: p.isAdmin ?? false,
      password: p.password ?? null,
      externalUserId: p.externalUserId ?? null,
      avatarUrl: null,
    };
    this.accounts.set(a.id, a);
    return a;
  }

  private newApiKey(sa: Account, name: string, description: string): ApiKey {
    const created = this.clock.nowMicros();
    const k: ApiKey = {
      id: uuid4(),
      name,
      saId: sa.id,
      description,
      created,
      updated: created,
      active: true,
      secret: tokenHex(32),
      previous: null,
      retainPeriodMinutes: 0,
      lastLogin: null,
      lastRotated: null,
    };
    this.keys.set(k.id, k);
    return k;
  }

  private encodeKey(id: string, secret: string): string {
    const json = this.row.shapes.apiKeyJson === 'compact' ? JSON.stringify({ id, key: secret }) : pyJsonDumps({ id, key: secret });
    return `ZENKEY_${Buffer.from(json).toString('base64')}`;
  }

  /** By UUID (id) or name; `sa` restricts to service accounts (true) or users (false). */
  private findAccount(nameOrId: string, sa?: boolean): Account | undefined {
    const id = parseUuid(nameOrId);
    for (const a of this.accounts.values()) {
      if (sa !== undefined && a.isServiceAccount !== sa) continue;
      if (id ? a.id === id : a.name === nameOrId) return a;
    }
    return undefined;
  }

  private findKey(sa: Account, nameOrId: string): ApiKey | undefined {
    const id = parseUuid(nameOrId);
    for (const k of this.keys.values()) {
      if (k.saId !== sa.id) continue;
      if (id ? k.id === id : k.name === nameOrId) return k;
    }
    return undefined;
  }

  private deviceByUserCode(userCode: string): Device {
    for (const d of this.deviceMap.values()) if (d.userCode === userCode) return d;
    throw new Error('unknown user code');
  }

  private deviceInfo(d: Device): DeviceInfo {
    return { id: d.id, clientId: d.clientId, userCode: d.userCode, deviceCode: d.deviceCode, status: d.status };
  }

  // ---------------------------------------------------------------- rendering

  private ts(micros: number | null): string | null {
    return micros === null ? null : formatTimestamp(micros);
  }

  private userBody(a: Account): Record<string, unknown> {
    const b: Record<string, unknown> = {
      created: this.ts(a.created),
      updated: this.ts(a.updated),
      active: a.active,
      activation_token: null,
      full_name: a.fullName,
      email_opted_in: a.emailOptedIn,
      is_service_account: a.isServiceAccount,
      is_admin: a.isAdmin,
    };
    // A fresh local server has no default project yet (0.85 recorded null).
    const extra: Record<string, unknown> = { default_project_id: null, avatar_url: a.avatarUrl };
    for (const k of this.row.shapes.userBodyExtra) b[k] = extra[k];
    return b;
  }

  private userResponse(a: Account, hydrate: boolean): Record<string, unknown> {
    const metadata = this.row.shapes.userHubToken
      ? { email: a.email, hub_token: null, external_user_id: a.externalUserId, user_metadata: {} }
      : { email: a.email, external_user_id: a.externalUserId, user_metadata: {} };
    return { body: this.userBody(a), metadata: hydrate ? metadata : null, resources: null, id: a.id, permission_denied: false, name: a.name };
  }

  private saResponse(a: Account, hydrate: boolean): Record<string, unknown> {
    const profile = this.row.shapes.serviceAccountProfile;
    const body: Record<string, unknown> = profile
      ? { created: this.ts(a.created), updated: this.ts(a.updated), full_name: a.fullName, active: a.active, avatar_url: a.avatarUrl }
      : { created: this.ts(a.created), updated: this.ts(a.updated), active: a.active };
    const metadata: Record<string, unknown> = { description: a.description };
    if (profile) metadata.external_user_id = a.externalUserId;
    return { body, metadata: hydrate ? metadata : null, resources: null, id: a.id, permission_denied: false, name: a.name };
  }

  private keyResponse(k: ApiKey, o: { key?: string | null; hydrate: boolean }): Record<string, unknown> {
    const sa = this.accounts.get(k.saId)!;
    return {
      body: {
        created: this.ts(k.created),
        updated: this.ts(k.updated),
        key: o.key ?? null,
        active: k.active,
        service_account: this.saResponse(sa, false),
      },
      metadata: o.hydrate
        ? {
            description: k.description,
            retain_period_minutes: k.retainPeriodMinutes,
            last_login: this.ts(k.lastLogin),
            last_rotated: this.ts(k.lastRotated),
          }
        : null,
      resources: null,
      id: k.id,
      permission_denied: false,
      name: k.name,
    };
  }

  private deviceResponse(d: Device, hydrate: boolean): Record<string, unknown> {
    const user = d.userId ? this.accounts.get(d.userId) : undefined;
    const body: Record<string, unknown> = { created: this.ts(d.created), updated: this.ts(d.updated) };
    const embedded = this.row.device.owner === 'body.user';
    if (embedded) body.user = user ? this.userResponse(user, false) : null;
    else body.user_id = user?.id ?? null;
    Object.assign(body, {
      client_id: d.clientId,
      expires: d.expiresMs === null ? null : this.ts(d.expiresMs * 1000),
      trusted_device: d.trusted,
      status: d.status,
      os: null,
      ip_address: d.ipAddress,
      hostname: null,
    });
    return {
      body,
      metadata: hydrate
        ? {
            python_version: null,
            zenml_version: null,
            city: '',
            region: '',
            country: '',
            failed_auth_attempts: d.failedAttempts,
            last_login: this.ts(d.lastLogin),
          }
        : null,
      resources: embedded ? null : { user: user ? this.userResponse(user, false) : null },
      id: d.id,
      permission_denied: false,
    };
  }

  private itemResponse(it: SeededItem, hydrate: boolean): Record<string, unknown> {
    return {
      body: { created: this.ts(it.created), updated: this.ts(it.updated), ...it.body },
      metadata: hydrate ? {} : null,
      resources: null,
      id: it.id,
      permission_denied: false,
      name: it.name,
    };
  }

  private info(): Record<string, unknown> {
    const cloud = (this.opts.deploymentType ?? 'local') === 'cloud';
    const common = {
      id: this.serverId,
      version: this.row.standinVersion,
      active: true,
      debug: false,
      deployment_type: this.opts.deploymentType ?? 'local',
      database_type: cloud ? 'mysql' : 'sqlite',
      secrets_store_type: 'sql',
      auth_scheme: this.scheme,
      server_url: '',
      dashboard_url: '',
      analytics_enabled: false,
      metadata: {},
    };
    if (this.row.shapes.info === 'legacy-dashboard') return { ...common, use_legacy_dashboard: false };
    const pi = this.opts.proInfo ?? {};
    const { id, ...rest } = common;
    return {
      id,
      name: cloud ? (pi.workspaceName ?? 'default') : 'default',
      ...rest,
      last_user_activity: this.ts(this.lastUserActivity),
      pro_dashboard_url: cloud ? (pi.dashboardUrl ?? 'https://cloud.zenml.io') : null,
      pro_api_url: cloud ? (this.opts.proApi?.url ?? 'https://cloudapi.zenml.io') : null,
      pro_organization_id: cloud ? (pi.organizationId ?? null) : null,
      pro_organization_name: cloud ? (pi.organizationName ?? null) : null,
      pro_workspace_id: cloud ? (pi.workspaceId ?? null) : null,
      pro_workspace_name: cloud ? (pi.workspaceName ?? null) : null,
    };
  }

  // ---------------------------------------------------------------- responses

  private detail(status: number, detail: unknown, headers: Record<string, string> = {}): StandinResponse {
    return jsonResponse(status, { detail }, headers);
  }

  private classError(status: number, cls: string, msg: string): StandinResponse {
    return this.detail(status, [cls, msg]);
  }

  private keyError(msg: string): StandinResponse {
    return this.classError(404, 'KeyError', pyRepr(msg));
  }

  private valueError(status: number, msg: string): StandinResponse {
    return this.classError(status, 'ValueError', msg);
  }

  private validation(errs: VErr[]): StandinResponse {
    return jsonResponse(422, ['ValueError', requestValidationText(this.row.errors.validationText, errs)]);
  }

  private get credClass(): string {
    return this.row.errors.credentialClass;
  }

  private notAuthenticated(scheme = 'Bearer'): StandinResponse {
    return this.detail(401, 'Not authenticated', { 'www-authenticate': scheme });
  }

  /** 401 on a protected route. */
  private protected401(msg: string): StandinResponse {
    if (this.row.errors.protected401 === 'detail-string') return this.detail(401, msg, { 'www-authenticate': 'Bearer' });
    return this.classError(401, this.credClass, msg);
  }

  private oauthError(error: string, description: string): StandinResponse {
    return jsonResponse(400, { error, error_description: description, error_uri: null });
  }

  // ---------------------------------------------------------------- authentication

  private bearer(ctx: RequestContext): string | null {
    const h = ctx.headers.authorization;
    if (!h) return null;
    const i = h.indexOf(' ');
    const scheme = i < 0 ? h : h.slice(0, i);
    const param = i < 0 ? '' : h.slice(i + 1);
    if (scheme.toLowerCase() !== 'bearer') return null;
    // 0.58 treats `Bearer ` with nothing after it as no credentials; later versions try to decode ''.
    if (!param) return this.row.bearer.empty === 'decode-error' ? '' : null;
    return param;
  }

  private cookieToken(ctx: RequestContext): string | null {
    const raw = ctx.headers.cookie;
    if (!raw) return null;
    const name = `zenml-server-${this.serverId}`;
    for (const part of raw.split(';')) {
      const i = part.indexOf('=');
      if (i < 0) continue;
      if (part.slice(0, i).trim() !== name) continue;
      let v = part.slice(i + 1).trim();
      if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
      return v || null;
    }
    return null;
  }

  private checkApiKeyValue(value: string): Outcome<{ account: Account; key: ApiKey }> {
    const fail = (msg: string): Outcome<never> => ({ ok: false, resp: this.classError(401, this.credClass, msg) });
    const decodeErr = 'Authentication error: error decoding API key';
    // The prefix is optional: the real servers decode a key without it too.
    let raw: Buffer;
    try {
      raw = pyB64Decode(value.startsWith('ZENKEY_') ? value.slice(7) : value);
    } catch {
      return fail(decodeErr);
    }
    const parsed = pyJsonLoads(raw);
    if (!parsed.ok || !isPlainObject(parsed.value)) return fail(decodeErr);
    const { id: rawId, key: secret } = parsed.value;
    const id = typeof rawId === 'string' ? parseUuid(rawId) : null;
    if (!id || typeof secret !== 'string') return fail(decodeErr);
    const key = this.keys.get(id);
    if (!key) return fail(`Authentication error: error retrieving API key ${id}`);
    const sa = this.accounts.get(key.saId)!;
    if (!sa.active) return fail(`Authentication error: service account ${sa.name} associated with API key ${key.name} is not active`);
    if (!key.active) return fail(`Authentication error: API key ${key.name} associated with service account ${sa.name} is not active`);
    const now = this.clock.nowMs();
    const matches = secret === key.secret || (key.previous !== null && now < key.previous.untilMs && secret === key.previous.secret);
    if (!matches) return fail(`Authentication error: could not verify key value for API key ${key.name}`);
    key.lastLogin = this.clock.nowMicros();
    return { ok: true, value: { account: sa, key } };
  }

  /** Validates an access token like `authenticate_credentials(access_token=…)`; returns the 401 message on failure. */
  private checkAccessToken(token: string): { ok: true; auth: AuthCtx } | { ok: false; msg: string } {
    const decodeFail = (reason: string): { ok: false; msg: string } => ({
      ok: false,
      msg: this.row.errors.decodeError === 'fixed'
        ? 'Authentication error: error decoding access token. You may need to rerun zenml connect.'
        : `Authentication error: error decoding access token: ${reason}.`,
    });
    const r = verifyJwt(token, this.secret, {
      audience: this.serverId,
      issuer: this.serverId,
      leewaySec: 10,
      nowSec: this.clock.nowSec(),
    });
    if (!r.ok) return decodeFail(`Invalid JWT token: ${r.reason}`);
    const claims = r.claims;
    if (typeof claims.sub !== 'string' || !claims.sub) return decodeFail('Invalid JWT token: the subject claim is missing');
    const sub = parseUuid(claims.sub);
    if (!sub) return decodeFail('Invalid JWT token: the subject claim is not a valid UUID');
    const uuidClaims = ['device_id', 'api_key_id', ...this.row.apiToken.scopeParams];
    for (const c of uuidClaims) {
      if (c in claims && (typeof claims[c] !== 'string' || !parseUuid(claims[c] as string))) {
        return decodeFail(`Invalid JWT token: the ${c} claim is not a valid UUID`);
      }
    }
    const account = this.accounts.get(sub);
    if (!account) return { ok: false, msg: `Authentication error: error retrieving token account ${sub}` };
    if (!account.active) return { ok: false, msg: `Authentication error: account ${account.name} is not active` };
    let apiKey: ApiKey | null = null;
    if (typeof claims.api_key_id === 'string') {
      const id = parseUuid(claims.api_key_id)!;
      const k = this.keys.get(id);
      if (!k) return { ok: false, msg: `Authentication error: error retrieving API key ${id}` };
      const sa = this.accounts.get(k.saId)!;
      if (!sa.active) return { ok: false, msg: `Authentication error: service account ${sa.name} associated with API key ${k.name} is not active` };
      if (!k.active) return { ok: false, msg: `Authentication error: API key ${k.name} associated with service account ${sa.name} is not active` };
      k.lastLogin = this.clock.nowMicros();
      apiKey = k;
    }
    let device: Device | null = null;
    if (typeof claims.device_id === 'string') {
      const id = parseUuid(claims.device_id)!;
      if (this.typedTokens && (this.scheme === 'NO_AUTH' || this.scheme === 'EXTERNAL')) {
        return { ok: false, msg: 'Authentication error: device authorization is not supported.' };
      }
      const d = this.deviceMap.get(id);
      if (!d) return { ok: false, msg: `Authentication error: error retrieving token device ${id}` };
      if (d.userId !== account.id) return { ok: false, msg: `Authentication error: device ${id} does not belong to user ${account.name}` };
      if (d.status !== 'active') return { ok: false, msg: `Authentication error: device ${id} is not active` };
      if (d.expiresMs !== null && this.clock.nowMs() >= d.expiresMs) return { ok: false, msg: `Authentication error: device ${id} has expired` };
      d.lastLogin = this.clock.nowMicros();
      device = d;
    }
    if (this.typedTokens && typeof claims.schedule_id === 'string') {
      const id = parseUuid(claims.schedule_id)!;
      const s = this.seeded('schedules').find((x) => x.id === id);
      if (!s || s.body.active === false) return { ok: false, msg: `Authentication error: schedule ${id} is not active` };
    }
    if (this.typedTokens && typeof claims.pipeline_run_id === 'string') {
      const id = parseUuid(claims.pipeline_run_id)!;
      const run = this.seeded('pipeline_runs').find((x) => x.id === id);
      if (!run) return { ok: false, msg: `Authentication error: error retrieving token pipeline run ${id}` };
      if (FINISHED_RUN.has(String(run.body.status))) {
        const end = typeof run.body.end_time === 'string' ? Date.parse(`${run.body.end_time}Z`) : NaN;
        if (Number.isNaN(end) || this.clock.nowMs() > end + GENERIC_TOKEN_LIFETIME * 1000) {
          return {
            ok: false,
            msg: `The pipeline run ${id} has finished and API tokens scoped to it are no longer valid. If you want to increase the expiration time of the token to allow steps to continue for longer after other steps have failed, you can do so by configuring the \`ZENML_WORKLOAD_TOKEN_EXPIRATION_LEEWAY\` ZenML server environment variable.`,
          };
        }
      }
    }
    return { ok: true, auth: { account, encodedToken: token, claims, apiKey, device } };
  }

  /** The `authorize` dependency of protected routes. */
  private authenticate(ctx: RequestContext): Outcome<AuthCtx> {
    const done = (auth: AuthCtx): Outcome<AuthCtx> => {
      this.lastUserActivity = this.clock.nowMicros();
      return { ok: true, value: auth };
    };
    if (this.scheme === 'NO_AUTH') {
      const account = this.findAccount('default', false);
      if (!account) return { ok: false, resp: this.classError(401, this.credClass, 'Authentication error: invalid credentials') };
      return done({ account, encodedToken: null, claims: null, apiKey: null, device: null });
    }
    if (this.scheme === 'HTTP_BASIC') {
      const h = ctx.headers.authorization ?? '';
      const i = h.indexOf(' ');
      if (!h || i < 0 || h.slice(0, i).toLowerCase() !== 'basic') return { ok: false, resp: this.notAuthenticated('Basic') };
      const decoded = Buffer.from(h.slice(i + 1), 'base64').toString('utf8');
      const c = decoded.indexOf(':');
      if (c < 0) return { ok: false, resp: this.detail(401, 'Invalid authentication credentials', { 'www-authenticate': 'Basic' }) };
      const r = this.checkPassword(decoded.slice(0, c), decoded.slice(c + 1));
      if (!r.ok) return r;
      return done({ account: r.value, encodedToken: null, claims: null, apiKey: null, device: null });
    }
    const token = this.cookieToken(ctx) ?? this.bearer(ctx);
    if (token === null) return { ok: false, resp: this.notAuthenticated() };
    if (this.row.bearer.rawApiKey && token.startsWith('ZENKEY_')) {
      const r = this.checkApiKeyValue(token);
      if (!r.ok) return r;
      return done({ account: r.value.account, encodedToken: null, claims: null, apiKey: r.value.key, device: null });
    }
    const r = this.checkAccessToken(token);
    if (!r.ok) return { ok: false, resp: this.protected401(r.msg) };
    return done(r.auth);
  }

  private checkPassword(username: string, password: string): Outcome<Account> {
    const acc = this.findAccount(username, false);
    if (!acc || acc.password === null || acc.password !== password) {
      return { ok: false, resp: this.classError(401, this.credClass, 'Authentication error: invalid username or password') };
    }
    if (!acc.active) return { ok: false, resp: this.classError(401, this.credClass, `Authentication error: user ${acc.name} is not active`) };
    return { ok: true, value: acc };
  }

  // ---------------------------------------------------------------- tokens

  private sign(
    account: Account,
    o: { expiresInSec: number | null; deviceId?: string | null; apiKeyId?: string | null; extra?: Record<string, unknown> },
  ): string {
    const claims: Record<string, unknown> = { sub: account.id, iss: this.serverId, aud: this.serverId };
    if (o.expiresInSec !== null) claims.exp = this.clock.nowSec() + o.expiresInSec;
    if (o.deviceId) claims.device_id = o.deviceId;
    if (o.apiKeyId) claims.api_key_id = o.apiKeyId;
    Object.assign(claims, o.extra ?? {});
    return signJwt(claims, this.secret);
  }

  private cookieHeader(token: string): string {
    const lifetime = this.opts.tokenLifetimeSeconds;
    const maxAge = lifetime ? `; Max-Age=${lifetime}` : '';
    return `zenml-server-${this.serverId}=${token}; HttpOnly${maxAge}; Path=/; SameSite=lax`;
  }

  private tokenResponse(token: string, expiresIn: number | null, o: { grant: string; deviceId?: string | null }): StandinResponse {
    const values: Record<string, unknown> = {
      access_token: token,
      token_type: 'bearer',
      expires_in: expiresIn,
      refresh_token: null,
      csrf_token: null,
      scope: null,
      device_id: this.row.login.deviceIdInResponse ? (o.deviceId ?? null) : null,
      device_metadata: null,
    };
    const body = Object.fromEntries(this.row.login.responseFields.map((k) => [k, values[k]]));
    const cookie = this.row.login.cookieGrants.includes(o.grant);
    return jsonResponse(200, body, cookie ? { 'set-cookie': this.cookieHeader(token) } : {});
  }

  // ---------------------------------------------------------------- request processing

  protected override async process(ctx: RequestContext): Promise<StandinResponse> {
    if (ctx.method === 'OPTIONS' && ctx.headers.origin !== undefined && ctx.headers['access-control-request-method'] !== undefined) {
      await this.sleep(ctx.delayMs);
      return this.preflight(ctx);
    }
    return this.cors(ctx, await this.processApi(ctx));
  }

  private async processApi(ctx: RequestContext): Promise<StandinResponse> {
    const api = ctx.path.startsWith('/api/v1/');
    const run = async (): Promise<StandinResponse> => {
      await this.sleep(ctx.delayMs);
      return this.handle(ctx);
    };
    let promise: Promise<StandinResponse>;
    const idemKey = ctx.headers['idempotency-key'];
    if (this.row.writes.dedupedByIdempotencyKey && api && idemKey !== undefined && ['POST', 'PUT', 'DELETE'].includes(ctx.method)) {
      if (!parseUuid(idemKey)) return this.valueError(400, 'badly formed hexadecimal UUID string');
      const now = this.clock.nowMs();
      for (const [k, v] of this.idempotency) if (v.expiresMs <= now) this.idempotency.delete(k);
      const cached = this.idempotency.get(idemKey);
      if (cached) promise = cached.promise;
      else {
        const entry = { promise: run(), expiresMs: Number.POSITIVE_INFINITY };
        this.idempotency.set(idemKey, entry);
        void entry.promise.then(
          () => {
            entry.expiresMs = this.clock.nowMs() + 60_000;
          },
          () => this.idempotency.delete(idemKey),
        );
        promise = entry.promise;
      }
    } else promise = run();
    const timeout = !this.row.writes.busy429 ? null : this.opts.serverTimeoutMs === undefined ? 20_000 : this.opts.serverTimeoutMs;
    if (api && timeout !== null) {
      let timer: NodeJS.Timeout | undefined;
      const busy = new Promise<StandinResponse>((resolve) => {
        timer = setTimeout(() => resolve(jsonResponse(429, { error: 'Server too busy. Please try again later.' })), timeout);
      });
      try {
        return await Promise.race([promise, busy]);
      } finally {
        clearTimeout(timer);
      }
    }
    return promise;
  }

  protected async handle(ctx: RequestContext): Promise<StandinResponse> {
    const matched: Route[] = [];
    for (const r of this.routes) if (r.re.test(ctx.path)) matched.push(r);
    // FastAPI routes do not answer HEAD: a HEAD is a method no route allows.
    const method = ctx.method;
    for (const r of matched) {
      const h = r.methods[method];
      if (!h) continue;
      const m = r.re.exec(ctx.path)!;
      const params = m.slice(1).map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return p;
        }
      });
      return h(ctx, params);
    }
    // Starlette: a GET catch-all (the dashboard) matches every path, so other
    // methods end in 405 and unmatched GETs in that route's 404. A 405 names the
    // methods of the first route whose path matched.
    if (method === 'GET') return this.detail(404, 'Not Found');
    const allow = matched.length > 0 ? Object.keys(matched[0]!.methods).join(', ') : 'GET';
    return this.detail(405, 'Method Not Allowed', { allow });
  }

  /** Starlette's CORSMiddleware as ZenML configures it: any origin, credentials, any method and header. */
  private cors(ctx: RequestContext, resp: StandinResponse): StandinResponse {
    const origin = ctx.headers.origin;
    if (origin === undefined) return resp;
    const headers: Record<string, string | string[]> = { ...(resp.headers ?? {}) };
    if (ctx.headers.cookie !== undefined) {
      headers['access-control-allow-origin'] = origin;
      headers.vary = 'Origin';
    } else headers['access-control-allow-origin'] = '*';
    headers['access-control-allow-credentials'] = 'true';
    return { ...resp, headers };
  }

  private preflight(ctx: RequestContext): StandinResponse {
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      vary: 'Origin',
      'access-control-allow-methods': 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
      'access-control-allow-origin': ctx.headers.origin!,
    };
    const requested = ctx.headers['access-control-request-headers'];
    if (requested) headers['access-control-allow-headers'] = requested;
    return { status: 200, headers, body: 'OK' };
  }

  private buildRoutes(): Route[] {
    const R = (re: RegExp, methods: Record<string, Handler>): Route => ({ re, methods });
    const routes: Route[] = [
      R(/^\/health$/, { GET: () => this.health() }),
      R(/^\/openapi\.json$/, { GET: () => this.openapi() }),
      R(/^\/docs$/, { GET: () => this.html(this.swaggerHtml()) }),
      R(/^\/redoc$/, { GET: () => this.html(this.redocHtml()) }),
      R(/^\/api\/v1\/info$/, { GET: () => jsonResponse(200, this.info()) }),
      R(/^\/api\/v1\/version$/, { GET: () => jsonResponse(200, this.row.standinVersion) }),
      R(/^\/api\/v1\/login$/, { POST: (c) => this.login(c) }),
      R(/^\/api\/v1\/logout$/, { GET: () => this.logout() }),
      R(/^\/api\/v1\/device_authorization$/, { POST: (c) => this.deviceAuthorization(c) }),
      R(/^\/api\/v1\/current-user$/, { GET: (c) => this.currentUser(c), PUT: (c) => this.updateCurrentUser(c) }),
      R(/^\/api\/v1\/activate$/, { PUT: () => this.classError(403, 'IllegalOperationError', 'The server is already active.') }),
      R(/^\/api\/v1\/settings$/, { GET: (c) => this.settings(c) }),
      ...this.row.listRoutes.flatMap((route) => {
        const resource = this.listStorage(route);
        return [
          R(new RegExp(`^/api/v1/${route}$`), { GET: (c) => this.listItems(c, resource) }),
          R(new RegExp(`^/api/v1/${route}/([^/]+)$`), { GET: (c, p) => this.getItem(c, resource, p[0]!) }),
        ];
      }),
      R(/^\/api\/v1\/api_token$/, { GET: (c) => this.apiToken(c) }),
      R(/^\/api\/v1\/devices$/, { GET: (c) => this.listDevices(c) }),
      R(/^\/api\/v1\/devices\/([^/]+)$/, {
        GET: (c, p) => this.getDevice(c, p[0]!),
        PUT: (c, p) => this.updateDevice(c, p[0]!),
        DELETE: (c, p) => this.deleteDevice(c, p[0]!),
      }),
      R(/^\/api\/v1\/devices\/([^/]+)\/verify$/, { PUT: (c, p) => this.verifyDevice(c, p[0]!) }),
      R(/^\/api\/v1\/service_accounts$/, { GET: (c) => this.listServiceAccounts(c), POST: (c) => this.createSa(c) }),
      R(/^\/api\/v1\/service_accounts\/([^/]+)$/, {
        GET: (c, p) => this.getSa(c, p[0]!),
        PUT: (c, p) => this.updateSa(c, p[0]!),
        DELETE: (c, p) => this.deleteSa(c, p[0]!),
      }),
      R(/^\/api\/v1\/service_accounts\/([^/]+)\/api_keys$/, {
        GET: (c, p) => this.listKeys(c, p[0]!),
        POST: (c, p) => this.createKey(c, p[0]!),
      }),
      R(/^\/api\/v1\/service_accounts\/([^/]+)\/api_keys\/([^/]+)$/, {
        GET: (c, p) => this.getKey(c, p[0]!, p[1]!),
        PUT: (c, p) => this.updateKey(c, p[0]!, p[1]!),
        DELETE: (c, p) => this.deleteKey(c, p[0]!, p[1]!),
      }),
      R(/^\/api\/v1\/service_accounts\/([^/]+)\/api_keys\/([^/]+)\/rotate$/, { PUT: (c, p) => this.rotateKey(c, p[0]!, p[1]!) }),
      R(/^\/api\/v1\/users$/, { GET: (c) => this.listUsers(c) }),
      R(/^\/api\/v1\/users\/([^/]+)$/, { GET: (c, p) => this.getUser(c, p[0]!) }),
      R(/^\/api\/v1\/([a-z_]+)$/, { GET: (c, p) => this.listItems(c, p[0]!) }),
      R(/^\/api\/v1\/([a-z_]+)\/([^/]+)$/, { GET: (c, p) => this.getItem(c, p[0]!, p[1]!) }),
    ];
    if (this.row.readyRoute) routes.splice(1, 0, R(/^\/ready$/, { GET: () => this.health() }));
    return routes;
  }

  private health(): StandinResponse {
    return { status: 200, headers: { 'content-type': this.row.health.contentType }, body: this.row.health.body };
  }

  private html(body: string): StandinResponse {
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
  }

  private openapi(): StandinResponse {
    const o = this.opts.openapi;
    if (o === null) return this.detail(404, 'Not Found');
    if (typeof o === 'string') return { status: 200, headers: { 'content-type': 'application/json' }, body: o };
    if (o !== undefined) return jsonResponse(200, o);
    if (this.openapiCache === null) {
      const name = openapiFixtureName(this.row);
      const raw = loadOpenapiFixture(name);
      if (raw === null) return this.detail(500, `OpenAPI fixture test/fixtures/openapi/${name} not found`);
      const doc = JSON.parse(raw) as { info?: { version?: string } };
      if (doc.info) doc.info.version = this.row.standinVersion;
      this.openapiCache = JSON.stringify(doc);
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: this.openapiCache };
  }

  private swaggerHtml(): string {
    return `
    <!DOCTYPE html>
    <html>
    <head>
    <link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <title>ZenML - Swagger UI</title>
    </head>
    <body>
    <div id="swagger-ui">
    </div>
    <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
    <script>
    const ui = SwaggerUIBundle({
        url: '/openapi.json',
    "dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
"showExtensions": true,
"showCommonExtensions": true,
oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect',
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
    </script>
    </body>
    </html>
    `;
  }

  private redocHtml(): string {
    return `
    <!DOCTYPE html>
    <html>
    <head>
    <title>ZenML - ReDoc</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <style>
      body {
        margin: 0;
        padding: 0;
      }
    </style>
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="/openapi.json"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@next/bundles/redoc.standalone.js"> </script>
    </body>
    </html>
    `;
  }

  // ---------------------------------------------------------------- login & friends

  private clientIp(ctx: RequestContext): string {
    const fwd = ctx.headers['x-forwarded-for'];
    return fwd ? fwd.split(',')[0]!.trim() : ctx.remoteAddress;
  }

  private async login(ctx: RequestContext): Promise<StandinResponse> {
    const ct = (ctx.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (this.row.login.multipartRefused && ct === 'multipart/form-data') {
      return this.detail(403, 'File uploads are not allowed on this endpoint.');
    }
    const form = parseForm(ctx.headers['content-type'], ctx.rawBody);
    let grant = form.grant_type;
    if (grant === undefined) {
      if (form.username !== undefined) grant = GRANT_PASSWORD;
      else if (form.password) grant = GRANT_API_KEY;
      else if (form.device_code) grant = GRANT_DEVICE;
      else if (this.row.login.defaultGrant === 'zenml-external' || this.scheme === 'EXTERNAL') grant = GRANT_EXTERNAL;
      else if (['OAUTH2_PASSWORD_BEARER', 'NO_AUTH', 'HTTP_BASIC'].includes(this.scheme)) grant = GRANT_PASSWORD;
      else return this.detail(400, 'Invalid request: grant type is required.');
    } else if (!GRANTS.includes(grant)) {
      return this.detail(400, `Unsupported grant type: ${grant}`);
    }

    let clientId = '';
    if (grant === GRANT_PASSWORD) {
      if (!['OAUTH2_PASSWORD_BEARER', 'NO_AUTH', 'HTTP_BASIC'].includes(this.scheme)) {
        return this.detail(400, `Unsupported grant type: ${grant}.`);
      }
      if (!form.username) return this.detail(400, 'Invalid request: username is required.');
    } else if (grant === GRANT_DEVICE) {
      if (this.scheme === 'NO_AUTH' || this.scheme === 'EXTERNAL') return this.detail(403, 'Device authorization is not supported.');
      if (!form.device_code || !form.client_id) return this.detail(400, 'Invalid request: device code and client ID are required.');
      const cid = parseUuid(form.client_id);
      if (!cid) return this.detail(400, 'Invalid request: invalid client ID.');
      clientId = cid;
    } else if (grant === GRANT_API_KEY) {
      if (!form.password) return this.detail(400, 'API key is required.');
    } else if (grant === GRANT_EXTERNAL) {
      if (this.scheme !== 'EXTERNAL') return this.detail(400, `Unsupported grant type: ${grant}.`);
    }

    // Login rate limiter (failures per IP; a success resets).
    const limit = this.opts.loginRateLimit;
    const ip = this.clientIp(ctx);
    if (limit) {
      const now = this.clock.nowMs();
      const fails = (this.loginFailures.get(ip) ?? []).filter((t) => t > now - 86_400_000);
      this.loginFailures.set(ip, fails);
      if (fails.length >= limit.day) return this.detail(429, 'Daily request limit exceeded.');
      if (fails.filter((t) => t > now - 60_000).length >= limit.minute) return this.detail(429, 'Minute request limit exceeded.');
    }
    const resp = await this.loginGrant(ctx, grant, form, clientId);
    if (limit) {
      if (resp.status === 200) this.loginFailures.delete(ip);
      else this.loginFailures.get(ip)?.push(this.clock.nowMs());
    }
    return resp;
  }

  private async loginGrant(ctx: RequestContext, grant: string, form: Record<string, string>, clientId: string): Promise<StandinResponse> {
    const lifetime = this.opts.tokenLifetimeSeconds ?? null;
    if (grant === GRANT_PASSWORD) {
      // passlib refuses to hash longer secrets (PasswordSizeError, a ValueError).
      if (Buffer.byteLength(form.password ?? '') > MAX_PASSWORD_BYTES) return jsonResponse(422, ['ValueError', 'password exceeds maximum allowed size']);
      const r = this.checkPassword(form.username!, form.password ?? '');
      if (!r.ok) return r.resp;
      const token = this.sign(r.value, { expiresInSec: lifetime });
      return this.tokenResponse(token, lifetime, { grant });
    }
    if (grant === GRANT_API_KEY) {
      const r = this.checkApiKeyValue(form.password!);
      if (!r.ok) return r.resp;
      const token = this.sign(r.value.account, { expiresInSec: lifetime, apiKeyId: r.value.key.id });
      return this.tokenResponse(token, lifetime, { grant });
    }
    if (grant === GRANT_DEVICE) return this.deviceLogin(clientId, form.device_code!);
    return this.externalLogin(ctx);
  }

  private deviceLogin(clientId: string, deviceCode: string): StandinResponse {
    const d = [...this.deviceMap.values()].find((x) => x.clientId === clientId);
    if (!d) return this.oauthError('invalid_client', `Authentication error: error retrieving device with client ID ${clientId}`);
    const now = this.clock.nowMs();
    const expired = d.expiresMs !== null && now >= d.expiresMs;
    if ((d.status === 'pending' || d.status === 'verified') && expired) {
      return this.oauthError('expired_token', `Authentication error: device for client ID ${clientId} has expired`);
    }
    if (d.status !== 'verified') {
      const error = d.status === 'pending' ? 'authorization_pending' : d.status === 'locked' ? 'access_denied' : 'expired_token';
      return this.oauthError(error, `Authentication error: device with client ID ${clientId} is ${d.status}.`);
    }
    if (d.deviceCode !== deviceCode) {
      d.failedAttempts += 1;
      if (d.failedAttempts >= MAX_FAILED_DEVICE_ATTEMPTS) {
        d.status = 'locked';
        return this.oauthError(
          'access_denied',
          `Authentication error: device for client ID ${clientId} has been locked due to too many failed authentication attempts.`,
        );
      }
      return this.oauthError('access_denied', `Authentication error: device for client ID ${clientId} has an invalid device code.`);
    }
    const lifetime = this.opts.tokenLifetimeSeconds ?? null;
    let expiresIn: number | null = null;
    if (lifetime) {
      expiresIn = d.trusted ? (this.opts.trustedDeviceExpirationSeconds ?? 30 * 86400) : (this.opts.deviceExpirationSeconds ?? 86400);
    }
    d.status = 'active';
    d.expiresMs = expiresIn === null ? null : now + expiresIn * 1000;
    d.lastLogin = this.clock.nowMicros();
    d.updated = d.lastLogin;
    const user = this.accounts.get(d.userId!)!;
    const token = this.sign(user, { expiresInSec: expiresIn, deviceId: d.id });
    return this.tokenResponse(token, expiresIn, { grant: GRANT_DEVICE, deviceId: d.id });
  }

  private async externalLogin(ctx: RequestContext): Promise<StandinResponse> {
    const proUrl = this.opts.proApi?.url ?? 'https://cloudapi.zenml.io';
    const header = ctx.headers.authorization;
    if (!header) return jsonResponse(200, { authorization_url: `${proUrl}/auth/login` });
    const i = header.indexOf(' ');
    const token = i < 0 ? '' : header.slice(i + 1);
    if (!token || header.slice(0, i).toLowerCase() !== 'bearer') {
      return this.classError(401, 'AuthorizationException', 'Not authorized to access this server.');
    }
    if (!this.opts.proApi) {
      return this.classError(401, 'AuthorizationException', 'Error fetching user information from external authenticator.');
    }
    let user: ProUser | null;
    try {
      user = await this.opts.proApi.verifyToken(token);
    } catch {
      return this.classError(401, 'AuthorizationException', 'Error fetching user information from external authenticator.');
    }
    if (!user) return this.classError(401, 'AuthorizationException', 'Not authorized to access this server.');
    let acc = [...this.accounts.values()].find((a) => a.externalUserId === user.id);
    if (acc) {
      Object.assign(acc, { name: user.email, fullName: user.name ?? '', emailOptedIn: true, active: true, email: user.email });
      acc.updated = this.clock.nowMicros();
    } else {
      acc = this.createAccount({
        name: user.email,
        isServiceAccount: false,
        fullName: user.name ?? '',
        externalUserId: user.id,
        emailOptedIn: true,
        email: user.email,
        isAdmin: !user.is_service_account,
      });
    }
    const expiresIn = this.opts.tokenLifetimeSeconds ?? 3600;
    const token2 = this.sign(acc, { expiresInSec: expiresIn });
    return this.tokenResponse(token2, expiresIn, { grant: GRANT_EXTERNAL });
  }

  private logout(): StandinResponse {
    const expires = new Date(this.clock.nowMs()).toUTCString();
    return jsonResponse(200, null, {
      'set-cookie': `zenml-server-${this.serverId}=""; expires=${expires}; HttpOnly; Max-Age=0; Path=/; SameSite=lax`,
    });
  }

  private deviceAuthorization(ctx: RequestContext): StandinResponse {
    if (this.scheme === 'NO_AUTH' || this.scheme === 'EXTERNAL') return this.detail(403, 'Device authorization is not supported.');
    const form = parseForm(ctx.headers['content-type'], ctx.rawBody);
    if (form.client_id === undefined) return this.validation([{ loc: ['body', 'client_id'], kind: 'missing', input: null }]);
    const clientId = parseUuid(form.client_id);
    if (!clientId) return this.validation([{ loc: ['body', 'client_id'], kind: 'uuid', input: form.client_id }]);
    const timeout = this.opts.deviceAuthTimeoutSeconds ?? 300;
    const now = this.clock.nowMs();
    let d = [...this.deviceMap.values()].find((x) => x.clientId === clientId);
    if (!d && this.typedTokens && form.device_id) {
      const id = parseUuid(form.device_id);
      d = id ? this.deviceMap.get(id) : undefined;
      if (d) d.clientId = clientId;
    }
    if (d) {
      Object.assign(d, {
        trusted: false,
        status: 'pending',
        failedAttempts: 0,
        deviceCode: tokenHex(32),
        userCode: tokenHex(16),
        expiresMs: now + timeout * 1000,
        updated: this.clock.nowMicros(),
        ipAddress: this.clientIp(ctx),
      });
    } else {
      const created = this.clock.nowMicros();
      d = {
        id: uuid4(),
        clientId,
        deviceCode: tokenHex(32),
        userCode: tokenHex(16),
        status: 'pending',
        expiresMs: now + timeout * 1000,
        trusted: false,
        failedAttempts: 0,
        userId: null,
        created,
        updated: created,
        lastLogin: null,
        ipAddress: this.clientIp(ctx),
      };
      this.deviceMap.set(d.id, d);
    }
    const verificationUri = '/devices/verify';
    return jsonResponse(200, {
      device_code: d.deviceCode,
      user_code: d.userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?${new URLSearchParams({ device_id: d.id, user_code: d.userCode }).toString()}`,
      expires_in: timeout,
      interval: this.opts.devicePollingIntervalSeconds ?? 5,
    });
  }

  private currentUser(ctx: RequestContext): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    return jsonResponse(200, this.userResponse(a.value.account, true));
  }

  /** `PUT /current-user`: a user changes their own profile (name, full name, email, password). */
  private updateCurrentUser(ctx: RequestContext): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const body = this.jsonBody(ctx, errs);
    let name: string | undefined;
    let fullName: string | undefined;
    let email: string | undefined;
    let optIn: boolean | undefined;
    let password: string | undefined;
    let oldPassword: string | undefined;
    if (body) {
      name = this.strField(body, 'name', errs, false);
      fullName = this.strField(body, 'full_name', errs, false);
      email = this.strField(body, 'email', errs, false);
      optIn = this.boolField(body, 'email_opted_in', errs, false);
      password = this.strField(body, 'password', errs, false);
      oldPassword = this.strField(body, 'old_password', errs, false);
    }
    if (errs.length) return this.validation(errs);
    const me = a.value.account;
    if (password !== undefined && !me.isServiceAccount && (me.password ?? '') !== (oldPassword ?? '')) {
      return this.classError(403, 'IllegalOperationError', 'The current password is incorrect.');
    }
    if (name !== undefined && name !== me.name && this.findAccount(name, me.isServiceAccount)) {
      return this.classError(409, 'EntityExistsError', `Unable to update user with name '${name}': Found an existing user account with this name.`);
    }
    if (name !== undefined) me.name = name;
    if (fullName !== undefined) me.fullName = fullName;
    if (email !== undefined) me.email = email;
    if (optIn !== undefined) me.emailOptedIn = optIn;
    if (password !== undefined) me.password = password;
    me.updated = this.clock.nowMicros();
    return jsonResponse(200, this.userResponse(me, true));
  }

  /** `GET /settings`: the server's settings entity (not a list). */
  private settings(ctx: RequestContext): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const body: Record<string, unknown> = {
      server_id: this.serverId,
      server_name: 'default',
      logo_url: null,
      active: true,
      enable_analytics: false,
      display_announcements: null,
      display_updates: null,
    };
    const late = this.row.shapes.settings === 'last-user-activity';
    if (late) body.last_user_activity = this.ts(this.lastUserActivity);
    body.updated = this.ts(this.started);
    return jsonResponse(200, { body, metadata: late ? {} : { onboarding_state: {} }, resources: late ? {} : null });
  }

  private uuidQuery(ctx: RequestContext, name: string, errs: VErr[]): string | null {
    const raw = ctx.query.get(name);
    if (raw === null || raw === '') return null;
    const id = parseUuid(raw);
    if (!id) errs.push({ loc: ['query', name], kind: 'uuid', input: raw });
    return id;
  }

  private apiToken(ctx: RequestContext): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const auth = a.value;
    const errs: VErr[] = [];
    if (this.row.apiToken.lifetimeParam === 'expires_minutes') {
      const pipelineId = this.uuidQuery(ctx, 'pipeline_id', errs);
      const scheduleId = this.uuidQuery(ctx, 'schedule_id', errs);
      let minutes: number | null = null;
      const rawMin = ctx.query.get('expires_minutes');
      if (rawMin !== null && rawMin !== '') {
        const n = parseInt10(rawMin);
        if (n === undefined) errs.push({ loc: ['query', 'expires_minutes'], kind: 'int', input: rawMin });
        else minutes = n;
      }
      if (errs.length) return this.validation(errs);
      if (!auth.encodedToken || !auth.claims) return this.classError(401, 'AuthorizationException', 'Not authenticated.');
      const extra: Record<string, unknown> = {};
      if (pipelineId) extra.pipeline_id = pipelineId;
      if (scheduleId) extra.schedule_id = scheduleId;
      const table = this.row.apiToken.passwordCaller;
      if (table && !auth.apiKey && !auth.device) {
        // A token from a password login: what the recorded servers did, by kind of query.
        const lifetime = this.opts.tokenLifetimeSeconds ?? null;
        const kind = minutes ? 'lifetime' : pipelineId || scheduleId ? 'scope' : 'none';
        const answer = (lifetime === null ? table.withoutExpiry : table.withExpiry)[kind];
        if (answer === 'caller') return jsonResponse(200, auth.encodedToken);
        const exp = typeof auth.claims.exp === 'number' ? auth.claims.exp - this.clock.nowSec() : null;
        return jsonResponse(200, this.sign(auth.account, { expiresInSec: answer === 'new' ? lifetime : exp, extra }));
      }
      if (!pipelineId && !scheduleId && !minutes) return jsonResponse(200, auth.encodedToken);
      const token = this.sign(auth.account, {
        expiresInSec: minutes ? minutes * 60 : null,
        deviceId: auth.device?.id ?? null,
        apiKeyId: auth.apiKey?.id ?? null,
        extra,
      });
      return jsonResponse(200, token);
    }

    const rawType = ctx.query.get('token_type') ?? 'generic';
    if (rawType !== 'generic' && rawType !== 'workload') {
      errs.push({ loc: ['query', 'token_type'], kind: 'enum', input: rawType, enumValues: ['generic', 'workload'], enumClass: 'APITokenType' });
    }
    let expiresIn: number | null = null;
    const rawExp = ctx.query.get('expires_in');
    if (rawExp !== null && rawExp !== '') {
      const n = parseInt10(rawExp);
      if (n === undefined) errs.push({ loc: ['query', 'expires_in'], kind: 'int', input: rawExp });
      else expiresIn = n;
    }
    let scheduleId = this.uuidQuery(ctx, 'schedule_id', errs);
    let runId = this.uuidQuery(ctx, 'pipeline_run_id', errs);
    // A parameter this version does not know is ignored, as FastAPI ignores unknown query parameters.
    let deploymentId = this.row.apiToken.scopeParams.includes('deployment_id') ? this.uuidQuery(ctx, 'deployment_id', errs) : null;
    if (errs.length) return this.validation(errs);
    if (!auth.encodedToken || !auth.claims) return this.classError(401, 'AuthorizationException', 'Not authenticated.');
    if (rawType === 'generic') {
      if (scheduleId || runId || deploymentId) {
        return this.valueError(400, 'Generic API tokens cannot be scoped to a schedule or pipeline run.');
      }
      const max = this.row.apiToken.maxLifetimeSeconds;
      if (!expiresIn) expiresIn = this.row.apiToken.defaultLifetimeSeconds;
      if (max !== null && expiresIn !== null && expiresIn > max) {
        return this.valueError(400, `The maximum expiration time for generic API tokens allowed by this server is ${max} seconds.`);
      }
      const apiKeyId = this.row.apiToken.keepsApiKeyId ? (auth.apiKey?.id ?? null) : null;
      return jsonResponse(200, this.sign(auth.account, { expiresInSec: expiresIn, apiKeyId }));
    }
    const tokSchedule = typeof auth.claims.schedule_id === 'string' ? auth.claims.schedule_id : null;
    const tokRun = typeof auth.claims.pipeline_run_id === 'string' ? auth.claims.pipeline_run_id : null;
    const tokDeployment = typeof auth.claims.deployment_id === 'string' ? auth.claims.deployment_id : null;
    scheduleId = scheduleId ?? tokSchedule;
    runId = runId ?? tokRun;
    deploymentId = deploymentId ?? tokDeployment;
    if (!scheduleId && !runId && !deploymentId) {
      return this.valueError(400, this.row.apiToken.unscopedWorkloadMessage!);
    }
    const scopeMismatch = (what: string, want: string | null, have: string | null): StandinResponse | null =>
      want && have && want !== have
        ? this.classError(
            401,
            'AuthorizationException',
            `Unable to scope API token to ${what} ${want}. The token used to authorize this request is already scoped to ${what} ${have}.`,
          )
        : null;
    const mismatch =
      scopeMismatch('schedule', scheduleId, tokSchedule) ??
      scopeMismatch('pipeline run', runId, tokRun) ??
      scopeMismatch('deployment', deploymentId, tokDeployment);
    if (mismatch) return mismatch;
    if (scheduleId) {
      const s = this.seeded('schedules').find((x) => x.id === scheduleId);
      if (!s) {
        return this.valueError(
          400,
          `Schedule ${scheduleId} does not exist and API tokens cannot be generated for non-existent schedules for security reasons.`,
        );
      }
      if (s.body.active === false) {
        return this.valueError(400, `Schedule ${scheduleId} is not active and API tokens cannot be generated for inactive schedules for security reasons.`);
      }
    }
    if (runId) {
      const run = this.seeded('pipeline_runs').find((x) => x.id === runId);
      if (!run) {
        return this.valueError(
          400,
          `Pipeline run ${runId} does not exist and API tokens cannot be generated for non-existent pipeline runs for security reasons.`,
        );
      }
      if (FINISHED_RUN.has(String(run.body.status))) {
        return this.valueError(
          400,
          `The execution of pipeline run ${runId} has already concluded and API tokens can no longer be generated for it for security reasons.`,
        );
      }
    }
    if (deploymentId && !this.seeded('deployments').some((x) => x.id === deploymentId)) {
      return this.valueError(
        400,
        `Deployment ${deploymentId} does not exist and API tokens cannot be generated for non-existent deployments for security reasons.`,
      );
    }
    const extra: Record<string, unknown> = {};
    if (scheduleId) extra.schedule_id = scheduleId;
    if (runId) extra.pipeline_run_id = runId;
    if (deploymentId) extra.deployment_id = deploymentId;
    const token = this.sign(auth.account, {
      expiresInSec: null,
      deviceId: auth.device?.id ?? null,
      apiKeyId: auth.apiKey?.id ?? null,
      extra,
    });
    return jsonResponse(200, token);
  }

  // ---------------------------------------------------------------- request bodies

  private jsonBody(ctx: RequestContext, errs: VErr[]): Record<string, unknown> | null {
    if (ctx.rawBody.length === 0) {
      errs.push({ loc: ['body'], kind: 'missing', input: null });
      return null;
    }
    let v: unknown;
    const text = ctx.rawBody.toString('utf8');
    try {
      v = JSON.parse(text);
    } catch {
      const { msg, pos } = pyJsonError(text);
      // pydantic v1 reports the body as a whole, v2 the position in it.
      const loc = this.row.errors.validationText === 'pydantic-v1' ? ['body'] : ['body', pos];
      errs.push({ loc, kind: 'jsondecode', msg, pos, input: text });
      return null;
    }
    if (!isPlainObject(v)) {
      errs.push({ loc: ['body'], kind: 'dict', input: v });
      return null;
    }
    return v;
  }

  private strField(body: Record<string, unknown>, name: string, errs: VErr[], required: boolean, max = 255): string | undefined {
    if (!(name in body) || body[name] === undefined || (body[name] === null && !required)) {
      if (required) errs.push({ loc: ['body', name], kind: 'missing', input: body });
      return undefined;
    }
    const v = body[name];
    if (typeof v !== 'string') {
      errs.push({ loc: ['body', name], kind: 'str', input: v });
      return undefined;
    }
    if (v.length > max) {
      errs.push({ loc: ['body', name], kind: 'max_length', input: v, limit: max });
      return undefined;
    }
    return v;
  }

  private boolField(body: Record<string, unknown>, name: string, errs: VErr[], required: boolean): boolean | undefined {
    if (!(name in body) || body[name] === undefined || (body[name] === null && !required)) {
      if (required) errs.push({ loc: ['body', name], kind: 'missing', input: body });
      return undefined;
    }
    const b = parseBool(body[name]);
    if (b === undefined) errs.push({ loc: ['body', name], kind: 'bool', input: body[name] });
    return b;
  }

  private pathUuid(raw: string, name: string, errs: VErr[]): string | null {
    const id = parseUuid(raw);
    if (!id) errs.push({ loc: ['path', name], kind: 'uuid', input: raw });
    return id;
  }

  private hydrateParam(ctx: RequestContext, dflt: boolean, errs: VErr[]): boolean {
    const raw = ctx.query.get('hydrate');
    if (raw === null) return dflt;
    const b = parseBool(raw);
    if (b === undefined) {
      errs.push({ loc: ['query', 'hydrate'], kind: 'bool', input: raw });
      return dflt;
    }
    return b;
  }

  // ---------------------------------------------------------------- lists

  private listWith<T>(
    ctx: RequestContext,
    items: (caller: Account) => T[],
    spec: ListSpec<T>,
    render: (it: T, hydrate: boolean) => unknown,
    preAuthErrs: VErr[] = [],
  ): StandinResponse {
    const parsed = parseListQuery(this.row, ctx.query, spec);
    if (!parsed.ok) return parsed.resp;
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    if (preAuthErrs.length) return this.validation(preAuthErrs);
    if (parsed.postAuthError) return parsed.postAuthError;
    return pageResponse(items(a.value.account), spec, parsed.list, render);
  }

  private accountSpec(model: string, sa: boolean): ListSpec<Account> {
    const fields: Record<string, FieldType> = sa
      ? { id: 'uuid', created: 'datetime', updated: 'datetime', name: 'str', description: 'str', active: 'bool' }
      : {
          id: 'uuid',
          created: 'datetime',
          updated: 'datetime',
          name: 'str',
          full_name: 'str',
          email: 'str',
          active: 'bool',
          email_opted_in: 'bool',
          external_user_id: 'uuid',
        };
    return {
      model,
      fields,
      get: (a, f) =>
        ({
          id: a.id,
          created: a.created,
          updated: a.updated,
          name: a.name,
          description: a.description,
          active: a.active,
          full_name: a.fullName,
          email: a.email,
          email_opted_in: a.emailOptedIn,
          external_user_id: a.externalUserId,
        })[f] ?? null,
    };
  }

  private listUsers(ctx: RequestContext): StandinResponse {
    return this.listWith(
      ctx,
      // A service account sees no users (observed on both versions).
      (caller) => (caller.isServiceAccount ? [] : [...this.accounts.values()].filter((a) => !a.isServiceAccount)),
      this.accountSpec('UserFilter', false),
      (a, h) => this.userResponse(a, h),
    );
  }

  private getUser(ctx: RequestContext, nameOrId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const hydrate = this.hydrateParam(ctx, true, errs);
    if (errs.length) return this.validation(errs);
    const u = this.findAccount(nameOrId, false);
    if (!u) return this.keyError(`No user with the '${nameOrId}' name or ID was found`);
    return jsonResponse(200, this.userResponse(u, hydrate));
  }

  private listServiceAccounts(ctx: RequestContext): StandinResponse {
    return this.listWith(
      ctx,
      () => [...this.accounts.values()].filter((a) => a.isServiceAccount),
      this.accountSpec('ServiceAccountFilter', true),
      (a, h) => this.saResponse(a, h),
    );
  }

  private itemSpec(resource: string): ListSpec<SeededItem> {
    const fields: Record<string, FieldType> = { id: 'uuid', created: 'datetime', updated: 'datetime', name: 'str' };
    for (const it of this.seeded(resource)) {
      for (const [k, v] of Object.entries(it.body)) {
        if (k in fields) continue;
        if (typeof v === 'string') fields[k] = 'str';
        else if (typeof v === 'boolean') fields[k] = 'bool';
        else if (typeof v === 'number') fields[k] = 'int';
      }
    }
    return {
      model: `${camel(singular(resource))}Filter`,
      fields,
      get: (it, f) => {
        if (f === 'id') return it.id;
        if (f === 'name') return it.name;
        if (f === 'created') return it.created;
        if (f === 'updated') return it.updated;
        return it.body[f] ?? null;
      },
    };
  }

  private listItems(ctx: RequestContext, resource: string): StandinResponse {
    if (!this.items.has(resource)) return this.detail(404, 'Not Found');
    return this.listWith(ctx, () => this.seeded(resource), this.itemSpec(resource), (it, h) => this.itemResponse(it, h));
  }

  private getItem(ctx: RequestContext, resource: string, rawId: string): StandinResponse {
    if (!this.items.has(resource)) return this.detail(404, 'Not Found');
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const what = singular(resource).replace(/_/g, ' ');
    if (this.row.byName.includes(resource)) {
      const hydrate = this.hydrateParam(ctx, true, errs);
      if (errs.length) return this.validation(errs);
      const id = parseUuid(rawId);
      const it = this.seeded(resource).find((x) => (id ? x.id === id : x.name === rawId));
      if (!it) return this.keyError(`No ${what} with the '${rawId}' name or ID was found`);
      return jsonResponse(200, this.itemResponse(it, hydrate));
    }
    const id = this.pathUuid(rawId, `${singular(resource)}_id`, errs);
    const hydrate = this.hydrateParam(ctx, true, errs);
    if (errs.length || !id) return this.validation(errs);
    const it = this.seeded(resource).find((x) => x.id === id);
    if (!it) return this.keyError(`Unable to get ${what} with ID ${id}: No ${what} with this ID found.`);
    return jsonResponse(200, this.itemResponse(it, hydrate));
  }

  // ---------------------------------------------------------------- service accounts

  private saNotFound(nameOrId: string): StandinResponse {
    return this.keyError(`No service account with the '${nameOrId}' name or ID was found`);
  }

  private createSa(ctx: RequestContext): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const body = this.jsonBody(ctx, errs);
    let name: string | undefined;
    let active: boolean | undefined;
    let description: string | undefined;
    let fullName: string | undefined;
    if (body) {
      name = this.strField(body, 'name', errs, true);
      fullName = this.row.shapes.serviceAccountProfile ? this.strField(body, 'full_name', errs, false) : undefined;
      description = this.strField(body, 'description', errs, false, 65535);
      active = this.boolField(body, 'active', errs, true);
    }
    if (errs.length) return this.validation(errs);
    if (this.findAccount(name!, true) && !parseUuid(name!)) {
      return this.classError(
        409,
        'EntityExistsError',
        `Unable to create service account with name '${name}': Found existing service account with this name.`,
      );
    }
    const acc = this.createAccount({
      name: name!,
      isServiceAccount: true,
      description: description ?? '',
      fullName: fullName ?? '',
      active: active!,
      emailOptedIn: false,
    });
    return jsonResponse(200, this.saResponse(acc, true));
  }

  private getSa(ctx: RequestContext, nameOrId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const hydrate = this.hydrateParam(ctx, true, errs);
    if (errs.length) return this.validation(errs);
    const sa = this.findAccount(nameOrId, true);
    if (!sa) return this.saNotFound(nameOrId);
    return jsonResponse(200, this.saResponse(sa, hydrate));
  }

  private updateSa(ctx: RequestContext, nameOrId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const body = this.jsonBody(ctx, errs);
    let name: string | undefined;
    let description: string | undefined;
    let active: boolean | undefined;
    let fullName: string | undefined;
    if (body) {
      name = this.strField(body, 'name', errs, false);
      description = this.strField(body, 'description', errs, false, 65535);
      fullName = this.row.shapes.serviceAccountProfile ? this.strField(body, 'full_name', errs, false) : undefined;
      active = this.boolField(body, 'active', errs, false);
    }
    if (errs.length) return this.validation(errs);
    const sa = this.findAccount(nameOrId, true);
    if (!sa) return this.saNotFound(nameOrId);
    if (name !== undefined && name !== sa.name && this.findAccount(name, true)) {
      return this.classError(
        409,
        'EntityExistsError',
        `Unable to update service account with name '${name}': Found existing service account with this name.`,
      );
    }
    if (name !== undefined) sa.name = name;
    if (description !== undefined) sa.description = description;
    if (fullName !== undefined) sa.fullName = fullName;
    if (active !== undefined) sa.active = active;
    sa.updated = this.clock.nowMicros();
    return jsonResponse(200, this.saResponse(sa, true));
  }

  private deleteSa(ctx: RequestContext, nameOrId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const sa = this.findAccount(nameOrId, true);
    if (!sa) return this.saNotFound(nameOrId);
    for (const k of [...this.keys.values()]) if (k.saId === sa.id) this.keys.delete(k.id);
    this.accounts.delete(sa.id);
    return jsonResponse(200, null);
  }

  // ---------------------------------------------------------------- API keys

  private keyNotFound(nameOrId: string, saId: string): StandinResponse {
    return this.keyError(`An API key with ID or name '${nameOrId}' is not configured for service account with ID '${saId}'.`);
  }

  /** Auth, then path/body validation; resolves the service account. */
  private keyPrelude(ctx: RequestContext, rawSa: string, errs: VErr[]): Outcome<string | null> {
    const a = this.authenticate(ctx);
    if (!a.ok) return a;
    return { ok: true, value: this.pathUuid(rawSa, 'service_account_id', errs) };
  }

  private createKey(ctx: RequestContext, rawSa: string): StandinResponse {
    const errs: VErr[] = [];
    const pre = this.keyPrelude(ctx, rawSa, errs);
    if (!pre.ok) return pre.resp;
    const body = this.jsonBody(ctx, errs);
    let name: string | undefined;
    let description: string | undefined;
    if (body) {
      name = this.strField(body, 'name', errs, true);
      description = this.strField(body, 'description', errs, false, 65535);
    }
    if (errs.length) return this.validation(errs);
    const sa = this.accounts.get(pre.value!);
    if (!sa || !sa.isServiceAccount) return this.saNotFound(pre.value!);
    if (this.findKey(sa, name!) && !parseUuid(name!)) {
      return this.classError(
        409,
        'EntityExistsError',
        `Unable to register API key with name '${name}': Found an existing API key with the same name configured for the same '${sa.name}' service account.`,
      );
    }
    const k = this.newApiKey(sa, name!, description ?? '');
    return jsonResponse(200, this.keyResponse(k, { key: this.encodeKey(k.id, k.secret), hydrate: true }));
  }

  private listKeys(ctx: RequestContext, rawSa: string): StandinResponse {
    const spec: ListSpec<ApiKey> = {
      model: 'APIKeyFilter',
      fields: {
        id: 'uuid',
        created: 'datetime',
        updated: 'datetime',
        name: 'str',
        description: 'str',
        active: 'bool',
        last_login: 'datetime',
        last_rotated: 'datetime',
      },
      get: (k, f) =>
        ({
          id: k.id,
          created: k.created,
          updated: k.updated,
          name: k.name,
          description: k.description,
          active: k.active,
          last_login: k.lastLogin,
          last_rotated: k.lastRotated,
        })[f] ?? null,
    };
    const errs: VErr[] = [];
    const saId = this.pathUuid(rawSa, 'service_account_id', errs);
    const parsed = parseListQuery(this.row, ctx.query, spec);
    if (!parsed.ok) return parsed.resp;
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    if (errs.length) return this.validation(errs);
    if (parsed.postAuthError) return parsed.postAuthError;
    const sa = this.accounts.get(saId!);
    if (!sa || !sa.isServiceAccount) return this.saNotFound(saId!);
    return pageResponse(
      [...this.keys.values()].filter((k) => k.saId === sa.id),
      spec,
      parsed.list,
      (k, h) => this.keyResponse(k, { hydrate: h }),
    );
  }

  private resolveKey(saId: string, nameOrId: string): Outcome<ApiKey> {
    const sa = this.accounts.get(saId);
    if (!sa || !sa.isServiceAccount) return { ok: false, resp: this.saNotFound(saId) };
    const k = this.findKey(sa, nameOrId);
    if (!k) return { ok: false, resp: this.keyNotFound(nameOrId, saId) };
    return { ok: true, value: k };
  }

  private getKey(ctx: RequestContext, rawSa: string, nameOrId: string): StandinResponse {
    const errs: VErr[] = [];
    const pre = this.keyPrelude(ctx, rawSa, errs);
    if (!pre.ok) return pre.resp;
    const hydrate = this.hydrateParam(ctx, true, errs);
    if (errs.length) return this.validation(errs);
    const k = this.resolveKey(pre.value!, nameOrId);
    if (!k.ok) return k.resp;
    return jsonResponse(200, this.keyResponse(k.value, { hydrate }));
  }

  private updateKey(ctx: RequestContext, rawSa: string, nameOrId: string): StandinResponse {
    const errs: VErr[] = [];
    const pre = this.keyPrelude(ctx, rawSa, errs);
    if (!pre.ok) return pre.resp;
    const body = this.jsonBody(ctx, errs);
    let name: string | undefined;
    let description: string | undefined;
    let active: boolean | undefined;
    if (body) {
      name = this.strField(body, 'name', errs, false);
      description = this.strField(body, 'description', errs, false, 65535);
      active = this.boolField(body, 'active', errs, false);
    }
    if (errs.length) return this.validation(errs);
    const r = this.resolveKey(pre.value!, nameOrId);
    if (!r.ok) return r.resp;
    const k = r.value;
    const sa = this.accounts.get(k.saId)!;
    if (name !== undefined && name !== k.name && this.findKey(sa, name)) {
      return this.classError(
        409,
        'EntityExistsError',
        `Unable to update API key with name '${name}': Found an existing API key with the same name configured for the same '${sa.name}' service account.`,
      );
    }
    if (name !== undefined) k.name = name;
    if (description !== undefined) k.description = description;
    if (active !== undefined) k.active = active;
    k.updated = this.clock.nowMicros();
    return jsonResponse(200, this.keyResponse(k, { hydrate: true }));
  }

  private deleteKey(ctx: RequestContext, rawSa: string, nameOrId: string): StandinResponse {
    const errs: VErr[] = [];
    const pre = this.keyPrelude(ctx, rawSa, errs);
    if (!pre.ok) return pre.resp;
    if (errs.length) return this.validation(errs);
    const r = this.resolveKey(pre.value!, nameOrId);
    if (!r.ok) return r.resp;
    this.keys.delete(r.value.id);
    return jsonResponse(200, null);
  }

  private rotateKey(ctx: RequestContext, rawSa: string, nameOrId: string): StandinResponse {
    const errs: VErr[] = [];
    const pre = this.keyPrelude(ctx, rawSa, errs);
    if (!pre.ok) return pre.resp;
    const body = this.jsonBody(ctx, errs);
    let retain = 0;
    if (body && 'retain_period_minutes' in body && body.retain_period_minutes !== null) {
      const n = parseInt10(body.retain_period_minutes);
      if (n === undefined) errs.push({ loc: ['body', 'retain_period_minutes'], kind: 'int', input: body.retain_period_minutes });
      else retain = n;
    }
    if (errs.length) return this.validation(errs);
    const r = this.resolveKey(pre.value!, nameOrId);
    if (!r.ok) return r.resp;
    const k = r.value;
    const nowMs = this.clock.nowMs();
    k.previous = retain > 0 ? { secret: k.secret, untilMs: nowMs + retain * 60_000 } : null;
    k.secret = tokenHex(32);
    k.retainPeriodMinutes = retain;
    k.lastRotated = this.clock.nowMicros();
    k.updated = k.lastRotated;
    const resp = this.keyResponse(k, { key: this.encodeKey(k.id, k.secret), hydrate: false });
    return jsonResponse(200, resp);
  }

  // ---------------------------------------------------------------- devices

  private deviceNotFound(id: string): StandinResponse {
    return this.keyError(`Unable to get device with ID ${id}: No device with this ID found.`);
  }

  private listDevices(ctx: RequestContext): StandinResponse {
    const spec: ListSpec<Device> = {
      model: 'OAuthDeviceFilter',
      fields: {
        id: 'uuid',
        created: 'datetime',
        updated: 'datetime',
        client_id: 'uuid',
        status: 'str',
        trusted_device: 'bool',
        failed_auth_attempts: 'int',
        last_login: 'datetime',
      },
      get: (d, f) =>
        ({
          id: d.id,
          created: d.created,
          updated: d.updated,
          client_id: d.clientId,
          status: d.status,
          trusted_device: d.trusted,
          failed_auth_attempts: d.failedAttempts,
          last_login: d.lastLogin,
        })[f] ?? null,
    };
    const parsed = parseListQuery(this.row, ctx.query, spec);
    if (!parsed.ok) return parsed.resp;
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    if (parsed.postAuthError) return parsed.postAuthError;
    const me = a.value.account.id;
    return pageResponse(
      [...this.deviceMap.values()].filter((d) => d.userId === me),
      spec,
      parsed.list,
      (d, h) => this.deviceResponse(d, h),
    );
  }

  private getDevice(ctx: RequestContext, rawId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const id = this.pathUuid(rawId, 'device_id', errs);
    const hydrate = this.hydrateParam(ctx, true, errs);
    if (errs.length) return this.validation(errs);
    const d = this.deviceMap.get(id!);
    if (!d) return this.deviceNotFound(id!);
    const userCode = ctx.query.get('user_code');
    if (!d.userId) {
      if (userCode && userCode === d.userCode) return jsonResponse(200, this.deviceResponse(d, hydrate));
    } else if (d.userId === a.value.account.id) return jsonResponse(200, this.deviceResponse(d, hydrate));
    return this.deviceNotFound(id!);
  }

  private updateDevice(ctx: RequestContext, rawId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const id = this.pathUuid(rawId, 'device_id', errs);
    const body = this.jsonBody(ctx, errs);
    let locked: boolean | undefined;
    if (body) locked = this.boolField(body, 'locked', errs, false);
    if (errs.length) return this.validation(errs);
    const d = this.deviceMap.get(id!);
    if (!d || d.userId !== a.value.account.id) return this.deviceNotFound(id!);
    if (locked === true) d.status = 'locked';
    else if (locked === false && d.status === 'locked') d.status = 'active';
    d.updated = this.clock.nowMicros();
    return jsonResponse(200, this.deviceResponse(d, true));
  }

  private deleteDevice(ctx: RequestContext, rawId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const id = this.pathUuid(rawId, 'device_id', errs);
    if (errs.length) return this.validation(errs);
    const d = this.deviceMap.get(id!);
    if (!d || d.userId !== a.value.account.id) return this.deviceNotFound(id!);
    this.deviceMap.delete(d.id);
    return jsonResponse(200, null);
  }

  private verifyDevice(ctx: RequestContext, rawId: string): StandinResponse {
    const a = this.authenticate(ctx);
    if (!a.ok) return a.resp;
    const errs: VErr[] = [];
    const id = this.pathUuid(rawId, 'device_id', errs);
    const body = this.jsonBody(ctx, errs);
    let userCode: string | undefined;
    let trusted: boolean | undefined;
    if (body) {
      userCode = this.strField(body, 'user_code', errs, true);
      trusted = this.boolField(body, 'trusted_device', errs, false);
    }
    if (errs.length) return this.validation(errs);
    const d = this.deviceMap.get(id!);
    if (!d) return this.deviceNotFound(id!);
    const me = a.value.account;
    if (d.status !== 'pending') return this.valueError(400, 'Invalid request: device not pending verification.');
    if (d.expiresMs !== null && d.expiresMs < this.clock.nowMs()) return this.valueError(400, 'Invalid request: device verification expired.');
    if (d.userId && d.userId !== me.id) return this.valueError(400, 'Invalid request: this device is associated with another user.');
    if (userCode !== d.userCode) {
      d.failedAttempts += 1;
      if (d.failedAttempts >= MAX_FAILED_DEVICE_ATTEMPTS) {
        d.status = 'locked';
        return this.valueError(400, 'Invalid request: device locked due to too many failed authentication attempts.');
      }
      return this.valueError(400, 'Invalid request: invalid user code.');
    }
    d.status = 'verified';
    d.userId = me.id;
    d.failedAttempts = 0;
    d.trusted = trusted ?? false;
    d.updated = this.clock.nowMicros();
    return jsonResponse(200, this.deviceResponse(d, true));
  }
}

export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  return new ZenmlStandinServer(opts).start();
}
