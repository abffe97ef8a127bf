/**
 * Profiles: the non-secret settings in config.json. Secrets live in the credential store, never here.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { corrupted, ensurePrivateDir, readJsonObject, writeFileAtomic } from './fsutil.js';
import { withLock } from './lock.js';
import { CONFIG_FILE, STORE_LOCK } from './paths.js';

import type { ProKind, ServerKind } from './kinds.js';

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
    const profiles = raw.profiles ?? {};
    if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) throw corrupted(this.path, '"profiles" is not an object');
    if (raw.current !== undefined && typeof raw.current !== 'string') throw corrupted(this.path, '"current" is not a string');
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
