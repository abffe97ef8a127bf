/**
 * Profiles: the non-secret settings in config.json. Secrets live in the credential store, never here.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { corrupted, ensurePrivateDir, readJsonObject, writeFileAtomic } from './fsutil.js';
import { withLock } from './lock.js';
import { CONFIG_FILE, STORE_LOCK } from './paths.js';

import { KINDS, type ProKind, type ServerKind } from './kinds.js';

export type CredentialKind = ServerKind;
export type ProCredentialKind = ProKind;
export type StorageKind = 'keychain' | 'file';

export interface StoredProfile {
  /** Normalised server URL; absent on a Pro-only profile. */
  server?: string;
  /** Pro management API URL (default https://cloudapi.zenml.io). */
  proApiUrl?: string;
  /** PEM CA bundle path for this server. */
  caCert?: string;
  /** false = do not verify TLS certificates. */
  verifySsl?: boolean;
  /** URLs (server or Pro API) this profile was logged in to over plain http with the opt-in. */
  insecureHttp?: string[];
  /** How the server credentials were obtained. */
  auth?: CredentialKind;
  /** For the password grant. */
  username?: string;
  /** The Pro credentials, if any. */
  proAuth?: ProCredentialKind;
  /** Where this profile's secrets are. */
  storage?: StorageKind;
  /** Known after login. */
  serverVersion?: string;
  serverId?: string;
  user?: { id: string; name: string; serviceAccount: boolean };
  proWorkspace?: { id: string; name: string };
  updatedAt?: string;
}

export interface ConfigData {
  version: 1;
  current?: string;
  profiles: Record<string, StoredProfile>;
}

export const DEFAULT_PRO_API_URL = 'https://cloudapi.zenml.io';

/** The Pro API URL a profile's Pro credentials belong to. */
export function proApiUrlOf(p: Pick<StoredProfile, 'proApiUrl'>): string {
  return p.proApiUrl ?? DEFAULT_PRO_API_URL;
}

/** Two profiles talk to the same server: same server id when both are known, else the same URL. */
export function sameServer(a: Pick<StoredProfile, 'server' | 'serverId'>, b: Pick<StoredProfile, 'server' | 'serverId'>): boolean {
  if (a.serverId && b.serverId) return a.serverId === b.serverId;
  return a.server === b.server;
}
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateProfileName(name: string): string {
  if (!NAME_RE.test(name) || name.includes('..')) {
    throw new UsageError(`invalid profile name ${JSON.stringify(name.slice(0, 80))}: use letters, digits, '.', '_' and '-' (up to 64, starting with a letter or digit)`);
  }
  return name;
}

/** What a stored value must be; `what` completes "must be …" in the error line. */
interface Check {
  ok(v: unknown): boolean;
  what: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const STRING: Check = { ok: (v) => typeof v === 'string', what: 'a string' };
const BOOLEAN: Check = { ok: (v) => typeof v === 'boolean', what: 'true or false' };
const HTTP_URL: Check = {
  ok: (v) => {
    if (typeof v !== 'string') return false;
    try {
      return /^https?:$/.test(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  what: 'an http(s) URL',
};
const STRINGS: Check = { ok: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), what: 'a list of strings' };
const kindsFor = (audience: 'server' | 'pro') => Object.entries(KINDS).flatMap(([k, row]) => (row.audience === audience ? [k] : []));
const oneOf = (...values: string[]): Check => ({ ok: (v) => values.includes(v as string), what: `one of ${values.join(', ')}` });
const record = (fields: Record<string, Check>): Check => ({
  ok: (v) => isObject(v) && Object.entries(fields).every(([k, c]) => c.ok(v[k])),
  what: `an object with ${Object.entries(fields)
    .map(([k, c]) => `"${k}" (${c.what})`)
    .join(', ')}`,
});

/** Every field of a stored profile and what it must be; fields not listed are left alone. */
const PROFILE_FIELDS: Record<keyof StoredProfile, Check> = {
  server: HTTP_URL,
  proApiUrl: HTTP_URL,
  caCert: STRING,
  verifySsl: BOOLEAN,
  insecureHttp: STRINGS,
  auth: oneOf(...kindsFor('server')),
  username: STRING,
  proAuth: oneOf(...kindsFor('pro')),
  storage: oneOf('keychain', 'file'),
  serverVersion: STRING,
  serverId: STRING,
  user: record({ id: STRING, name: STRING, serviceAccount: BOOLEAN }),
  proWorkspace: record({ id: STRING, name: STRING }),
  updatedAt: STRING,
};

/** A value in an error line: strings quoted and cut short (config.json holds no secrets), else its type. */
const describe = (v: unknown) =>
  typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

/**
 * Checks every profile and every known field of config.json, so that a hand edit of the wrong
 * type is one line naming the profile and the field, never a TypeError somewhere later. Returns
 * what is wrong, or null.
 */
export function profilesProblem(raw: Record<string, unknown>): string | null {
  if (raw.version !== undefined && raw.version !== 1) return `"version" must be 1, not ${describe(raw.version)}`;
  if (raw.current !== undefined && (typeof raw.current !== 'string' || !NAME_RE.test(raw.current))) return `"current" must be a profile name, not ${describe(raw.current)}`;
  const profiles = raw.profiles ?? {};
  if (!isObject(profiles)) return '"profiles" is not an object';
  for (const [name, p] of Object.entries(profiles)) {
    const label = `profile ${JSON.stringify(name.slice(0, 80))}`;
    if (!NAME_RE.test(name) || name.includes('..')) return `${label} is not a valid profile name`;
    if (!isObject(p)) return `${label} must be an object, not ${describe(p)}`;
    for (const [field, check] of Object.entries(PROFILE_FIELDS)) {
      const v = p[field];
      if (v !== undefined && !check.ok(v)) return `${label}, field "${field}" must be ${check.what}, not ${describe(v)}`;
    }
  }
  return null;
}

export class ProfileConfig {
  readonly dir: string;
  readonly path: string;
  constructor(dir: string) {
    this.dir = dir;
    this.path = join(dir, CONFIG_FILE);
  }

  read(): ConfigData {
    const raw = readJsonObject(this.path);
    if (!raw) return { version: 1, profiles: Object.create(null) as Record<string, StoredProfile> };
    const problem = profilesProblem(raw);
    if (problem) throw corrupted(this.path, problem);
    const profiles = raw.profiles ?? {};
    // A prototype-free map: names such as "constructor" must not find Object's members.
    const map: Record<string, StoredProfile> = Object.assign(Object.create(null) as Record<string, StoredProfile>, profiles);
    return { version: 1, current: raw.current as string | undefined, profiles: map };
  }

  /** Read-modify-write under the store lock; the write is atomic. */
  async update<T>(fn: (data: ConfigData) => T): Promise<T> {
    ensurePrivateDir(this.dir);
    return withLock(join(this.dir, STORE_LOCK), () => {
      const data = this.read();
      const result = fn(data);
      writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`);
      return result;
    });
  }
}
