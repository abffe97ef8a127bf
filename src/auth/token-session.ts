/**
 * One token session for a server and for the Pro API alike: the cached token, the stored token,
 * renewal under a per-profile lock, and the provider the HTTP pipeline asks. What differs between
 * the two (which secret holds the token, how a new one is obtained, the words of a failure) comes
 * from the credential kind's row (./kinds.ts) and from the subclass's `exchange`.
 *
 * Renewal is decided by token generation, not by comparing token strings: real ZenML servers
 * issue byte-identical tokens for the same key within one second, so a waiter that compared
 * strings would log in again after a renewal that yielded the same string. A waiter remembers
 * the stored record it saw expire or be rejected; under the lock it uses whatever record is
 * stored now if that record is a different one (another process renewed) and valid.
 *
 * Kept free of network imports: subclasses load their exchange lazily, so `token` with a valid
 * cached token never loads the HTTP stack.
 */
import { join } from 'node:path';
import { AuthError } from '../errors.js';
import { reloginHint, renews, type KindName } from './kinds.js';
import { acquireLock } from './lock.js';
import type { NetOptions } from './net.js';
import type { StorageKind } from './profiles.js';
import type { CredentialStore } from './store.js';
import { formatWhen, isExpiring, parseStoredToken, serializeToken, type StoredToken } from './tokens.js';

export interface SessionDeps {
  store: CredentialStore;
  net: NetOptions;
  now: () => number;
  warn: (line: string) => void;
}

/** The renewal lock of a profile's server token or Pro token; `api-key rotate` takes it too. */
export function renewLockPath(store: Pick<CredentialStore, 'dir'>, profile: string, audience: 'server' | 'pro'): string {
  return join(store.dir, audience === 'pro' ? `renew-pro-${profile}.lock` : `renew-${profile}.lock`);
}

export const RENEW_LOCK = { timeoutMs: 90_000, staleMs: 120_000 } as const;

/** Renewal locks this process holds through `holdRenewLocks`: a renewal inside needs no second take. */
const heldHere = new Set<string>();

async function takeRenewLock(path: string): Promise<() => void> {
  if (heldHere.has(path)) return () => undefined;
  return acquireLock(path, RENEW_LOCK);
}

/**
 * Holds the server-token renewal locks of these profiles until the returned release is called
 * (`api-key rotate`: from the server-side rotation until the profiles hold the new key, so that
 * no renewal logs in with a key that is being replaced). Sorted, so two holders cannot deadlock.
 */
export async function holdRenewLocks(store: Pick<CredentialStore, 'dir'>, profiles: readonly string[]): Promise<() => void> {
  const releases: Array<() => void> = [];
  const paths = [...new Set(profiles)].sort().map((p) => renewLockPath(store, p, 'server'));
  try {
    for (const path of paths) {
      releases.push(await takeRenewLock(path));
      heldHere.add(path);
    }
  } catch (e) {
    for (const r of releases.reverse()) r();
    for (const path of paths) heldHere.delete(path);
    throw e;
  }
  return () => {
    for (const path of paths) heldHere.delete(path);
    for (const r of releases.reverse()) r();
  };
}

/** Two stored records are the same generation: same token, same expiry, obtained at the same moment. */
function sameRecord(a: StoredToken | null, b: StoredToken | null): boolean {
  if (a === null || b === null) return a === b;
  return a.token === b.token && a.expiresAt === b.expiresAt && a.obtainedAt === b.obtainedAt;
}

export abstract class TokenSession {
  protected cached: StoredToken | null = null;
  private rejectionRenewed = false;
  /** How many times this process obtained a new token (for --verbose and tests). */
  renewals = 0;

  constructor(protected readonly deps: SessionDeps) {}

  /** The credential kind whose row decides renewal and hints; undefined when there is none. */
  abstract get kind(): KindName | undefined;
  /** The stored profile, or null for credentials from the environment (memory only). */
  abstract get profileName(): string | null;
  /** The name messages use for the profile. */
  abstract get displayName(): string;
  protected abstract get storage(): StorageKind;
  /** Where its secrets may be sent: the profile's server, or its Pro API URL. */
  abstract get audience(): 'server' | 'pro';
  /** Settings the row's `renews` reads (a Pro workspace renews only with Pro credentials). */
  protected abstract get proAuth(): 'pro-token' | 'pro-api-key' | undefined;
  /** A token given by the environment, if any. */
  protected abstract envToken(): StoredToken | null;
  /** Obtains a new token from the kind's long-lived credentials (loads the network lazily). */
  protected abstract exchange(): Promise<StoredToken>;

  get fromEnvironment(): boolean {
    return this.profileName === null;
  }

  /** Whether an expired or rejected token can be replaced without the user. */
  get renewable(): boolean {
    return renews(this.kind, { proAuth: this.proAuth });
  }

  protected get tokenSecret(): 'access-token' | 'pro-token' {
    return this.audience === 'pro' ? 'pro-token' : 'access-token';
  }

  /** The token as stored (no renewal); null when there is none. */
  async storedToken(): Promise<StoredToken | null> {
    const fromEnv = this.envToken();
    if (fromEnv) return fromEnv;
    if (this.profileName === null) return this.cached;
    return parseStoredToken(await this.deps.store.get(this.profileName, this.storage, this.tokenSecret));
  }

  /** A token that is valid now, renewed if needed. */
  async validToken(): Promise<StoredToken> {
    const now = this.deps.now();
    if (this.cached && !isExpiring(this.cached, now)) return this.cached;
    const stored = await this.storedToken();
    if (stored && !isExpiring(stored, now)) return (this.cached = stored);
    if (!this.renewable) throw this.cannotRenew(stored, now);
    return this.renew(stored);
  }

  async token(): Promise<string> {
    return (await this.validToken()).token;
  }

  /** The error for a token that is missing or expired and cannot be renewed. */
  protected cannotRenew(stored: StoredToken | null, now: number): AuthError {
    const hint = this.kind ? reloginHint(this.kind, this.displayName, this.fromEnvironment) : 'Run `zenml-api login SERVER_URL`.';
    if (stored?.expiresAt != null) return new AuthError(`the ${this.tokenNoun} of profile "${this.displayName}" expired ${formatWhen(stored.expiresAt, now)}`, { hint });
    return new AuthError(`profile "${this.displayName}" has no ${this.tokenNoun}`, { hint });
  }

  protected get tokenNoun(): string {
    return this.audience === 'pro' ? 'ZenML Pro API token' : 'token';
  }

  /**
   * After the server rejected `rejected`: renews at most once per process (a token that is
   * rejected again after a fresh login will not be cured by another). True when a new token is ready.
   */
  async renewAfterRejection(rejected: string | null): Promise<boolean> {
    if (!this.renewable || this.rejectionRenewed) return false;
    this.rejectionRenewed = true;
    const seen = this.cached && this.cached.token === rejected ? this.cached : await this.storedToken();
    await this.renew(seen && seen.token === rejected ? seen : null, rejected);
    return true;
  }

  /**
   * Logs in again. For stored profiles: under the profile's renewal lock, re-read first, so that
   * of many processes renewing at once only the first one logs in.
   */
  private async renew(seen: StoredToken | null, rejected: string | null = seen?.token ?? null): Promise<StoredToken> {
    const obtain = async () => {
      this.renewals += 1;
      return this.exchange();
    };
    if (this.profileName === null) return (this.cached = await obtain());
    const store = this.deps.store;
    const release = await takeRenewLock(renewLockPath(store, this.profileName, this.audience));
    try {
      const fresh = parseStoredToken(await store.get(this.profileName, this.storage, this.tokenSecret));
      // Another process stored a new generation since we looked: use it. When we had seen none,
      // any valid stored token is new to us unless it is the very string the server rejected.
      const renewedByOther = seen !== null ? !sameRecord(fresh, seen) : fresh !== null && fresh.token !== rejected;
      if (fresh && renewedByOther && !isExpiring(fresh, this.deps.now())) return (this.cached = fresh);
      const t = await obtain();
      await store.write(this.profileName, this.storage, { [this.tokenSecret]: serializeToken(t) });
      return (this.cached = t);
    } finally {
      release();
    }
  }

  /** The TokenProvider view for the HTTP pipeline. */
  provider() {
    return {
      token: () => this.token(),
      renew: (rejected: string | null) => this.renewAfterRejection(rejected),
    };
  }
}
