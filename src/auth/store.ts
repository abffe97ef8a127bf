/**
 * The credential store: profiles in config.json, secrets in the OS keychain or in the file
 * fallback. The only module that decides where a secret goes.
 */
import { rememberSecret } from '../api/redact.js';
import { StoreError } from '../errors.js';
import type { Env } from './paths.js';
import { ProfileConfig, type StorageKind } from './profiles.js';
import { KeychainUnavailableError, type SecretBackend } from './secrets/backend.js';
import { FileBackend } from './secrets/file.js';
import { KeychainBackend } from './secrets/keychain.js';

export type SecretName = 'api-key' | 'password' | 'access-token' | 'pro-token' | 'pro-api-key';
export const SECRET_NAMES: readonly SecretName[] = ['api-key', 'password', 'access-token', 'pro-token', 'pro-api-key'];
export type SecretChanges = Partial<Record<SecretName, string | null>>;

export interface StoreDeps {
  dir: string;
  env: Env;
  /** Writes one line to stderr. */
  warn: (line: string) => void;
}

/** The token inside a stored token record, without parsing the rest. */
function tokenOf(record: string): string | null {
  try {
    const t = (JSON.parse(record) as { token?: unknown }).token;
    return typeof t === 'string' ? t : null;
  } catch {
    return null;
  }
}

export function account(profile: string, name: SecretName): string {
  return `${profile}/${name}`;
}

function keychainTimeoutMs(env: Env): number {
  const v = Number(env.ZENML_API_KEYCHAIN_TIMEOUT);
  if (Number.isFinite(v) && v > 0) return v;
  // With a display, an unlock prompt may be on screen: give the user a moment.
  return env.DISPLAY || env.WAYLAND_DISPLAY ? 3_000 : 800;
}

export class CredentialStore {
  readonly profiles: ProfileConfig;
  readonly dir: string;
  private readonly deps: StoreDeps;
  private keychainBackend?: KeychainBackend;
  private fileBackend?: FileBackend;
  private warnedFallback = false;

  constructor(deps: StoreDeps) {
    this.deps = deps;
    this.dir = deps.dir;
    this.profiles = new ProfileConfig(deps.dir);
  }

  /** `ZENML_API_STORE`: auto (default), keychain, or file. */
  preference(): 'auto' | 'keychain' | 'file' {
    const v = (this.deps.env.ZENML_API_STORE ?? '').trim().toLowerCase();
    if (v === '' || v === 'auto') return 'auto';
    if (v === 'keychain' || v === 'file') return v;
    throw new StoreError(`ZENML_API_STORE must be keychain, file or auto, not ${JSON.stringify(v.slice(0, 40))}`);
  }

  get file(): FileBackend {
    this.fileBackend ??= new FileBackend(this.dir);
    return this.fileBackend;
  }

  get keychain(): KeychainBackend {
    this.keychainBackend ??= new KeychainBackend({ timeoutMs: keychainTimeoutMs(this.deps.env), env: this.deps.env });
    return this.keychainBackend;
  }

  backend(kind: StorageKind): SecretBackend {
    return kind === 'file' ? this.file : this.keychain;
  }

  /** Reads a secret; whatever is read is remembered for redaction (a token by its value). */
  async get(profile: string, storage: StorageKind, name: SecretName): Promise<string | null> {
    const v = await this.backend(storage).get(account(profile, name));
    if (v !== null) rememberSecret(name === 'access-token' || name === 'pro-token' ? tokenOf(v) : v);
    return v;
  }

  /** Applies changes (null deletes) in the given storage. */
  async write(profile: string, storage: StorageKind, changes: SecretChanges): Promise<void> {
    if (storage === 'file') {
      await this.file.apply(Object.fromEntries(Object.entries(changes).map(([k, v]) => [account(profile, k as SecretName), v ?? null])));
      return;
    }
    for (const [k, v] of Object.entries(changes)) {
      const acc = account(profile, k as SecretName);
      if (v === null || v === undefined) await this.keychain.delete(acc);
      else await this.keychain.set(acc, v);
    }
  }

  /**
   * Stores the secrets of a fresh login and says where they went. The keychain is tried first
   * unless the file was chosen; when it does not answer, the file is used and that is said once
   * per profile: a profile whose secrets are already in the file was told so when they went there.
   */
  async writeNew(profile: string, changes: SecretChanges, opts: { forceFile?: boolean } = {}): Promise<StorageKind> {
    const pref = this.preference();
    if (opts.forceFile || pref === 'file') {
      await this.write(profile, 'file', changes);
      return 'file';
    }
    try {
      await this.write(profile, 'keychain', changes);
      return 'keychain';
    } catch (e) {
      if (!(e instanceof KeychainUnavailableError)) throw e;
      if (pref === 'keychain') throw new StoreError(`${e.message} (ZENML_API_STORE=keychain forbids the file fallback)`, { cause: e });
      if (this.profiles.read().profiles[profile]?.storage !== 'file') this.warnFallback(e.message);
      await this.write(profile, 'file', changes);
      return 'file';
    }
  }

  warnFallback(reason: string): void {
    if (this.warnedFallback) return;
    this.warnedFallback = true;
    this.deps.warn(`warning: ${reason}; storing credentials in ${this.file.location} (mode 0600) instead`);
  }

  /**
   * Runs a change of one profile (its secrets, then its settings) under that profile's lock, so
   * that a concurrent login and logout of the same profile cannot interleave their two steps.
   */
  async withProfileLock<T>(profile: string, fn: () => Promise<T>): Promise<T> {
    const { ensurePrivateDir } = await import('./fsutil.js');
    const { withLock } = await import('./lock.js');
    const { join } = process.getBuiltinModule('node:path');
    ensurePrivateDir(this.dir);
    return withLock(join(this.dir, `profile-${profile}.lock`), fn, { timeoutMs: 60_000 });
  }

  /** Removes every secret of a profile; keychain failures are reported, not hidden. */
  async removeAll(profile: string, storage: StorageKind | undefined): Promise<void> {
    const where: StorageKind[] = storage ? [storage] : ['keychain', 'file'];
    for (const kind of where) {
      if (kind === 'file') {
        await this.file.apply(Object.fromEntries(SECRET_NAMES.map((n) => [account(profile, n), null])));
      } else {
        for (const n of SECRET_NAMES) await this.keychain.delete(account(profile, n));
      }
    }
  }
}
