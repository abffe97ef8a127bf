/**
 * The file fallback: credentials.json (mode 0600) in the config folder, one key per secret.
 * Chosen on purpose (--insecure-storage, ZENML_API_STORE=file) or when no keychain answers.
 */
import { join } from 'node:path';
import { corrupted, ensurePrivateDir, readJsonObject, writeFileAtomic } from '../fsutil.js';
import { withLock } from '../lock.js';
import { CREDENTIALS_FILE, STORE_LOCK } from '../paths.js';
import type { SecretBackend } from './backend.js';

/** `<profile>/<secret name>`, as store.ts's account() builds it. */
const ACCOUNT_RE = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})\/([a-z][a-z-]{0,39})$/;

/**
 * Checks every entry of credentials.json: an account of the form `<profile>/<secret>` holding a
 * string. The line names the profile and the secret, never a value (they are secrets).
 */
export function secretsProblem(secrets: Record<string, unknown>): string | null {
  for (const [account, value] of Object.entries(secrets)) {
    const m = ACCOUNT_RE.exec(account);
    if (!m || m[1]!.includes('..')) return `the entry ${JSON.stringify(account.slice(0, 80))} is not "<profile>/<secret>"`;
    if (typeof value !== 'string') return `profile "${m[1]}", secret "${m[2]}" must be a string`;
  }
  return null;
}

export class FileBackend implements SecretBackend {
  readonly kind = 'file' as const;
  readonly location: string;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.location = join(dir, CREDENTIALS_FILE);
  }

  private readAll(): Record<string, string> {
    const raw = readJsonObject(this.location);
    if (!raw) return {};
    if (raw.version !== undefined && raw.version !== 1) throw corrupted(this.location, '"version" must be 1');
    const secrets = raw.secrets ?? {};
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw corrupted(this.location, '"secrets" is not an object');
    const problem = secretsProblem(secrets as Record<string, unknown>);
    if (problem) throw corrupted(this.location, problem);
    // A prototype-free map: an account such as "__proto__" must not reach Object's members.
    return Object.assign(Object.create(null) as Record<string, string>, secrets);
  }

  private async modify(fn: (s: Record<string, string>) => boolean): Promise<boolean> {
    ensurePrivateDir(this.dir);
    return withLock(join(this.dir, STORE_LOCK), () => {
      const secrets = this.readAll();
      const changed = fn(secrets);
      if (changed) writeFileAtomic(this.location, `${JSON.stringify({ version: 1, secrets }, null, 2)}\n`);
      return changed;
    });
  }

  async get(account: string): Promise<string | null> {
    const v = this.readAll()[account];
    return typeof v === 'string' ? v : null;
  }

  async set(account: string, value: string): Promise<void> {
    await this.modify((s) => {
      s[account] = value;
      return true;
    });
  }

  async delete(account: string): Promise<boolean> {
    return this.modify((s) => {
      if (!(account in s)) return false;
      delete s[account];
      return true;
    });
  }

  /** Several changes in one locked write. */
  async apply(changes: Record<string, string | null>): Promise<void> {
    await this.modify((s) => {
      for (const [k, v] of Object.entries(changes)) {
        if (v === null) delete s[k];
        else s[k] = v;
      }
      return true;
    });
  }
}
