/**
 * The ZenML Pro management API session: a Pro API token (dashboard, one hour) or a ZENPROKEY_
 * key exchanged at POST {pro}/auth/login for a one-hour token and renewed from the key. Stored
 * in a profile (pro-token / pro-api-key) or read from ZENML_PRO_API_* (memory only). The
 * contract is ./token-session.ts's; which profile's Pro credentials a command uses is decided
 * by `resolveProCredentials` in ./resolve.ts.
 */
import { AuthError } from '../errors.js';
import type { ProKind } from './kinds.js';
import { reloginHint } from './kinds.js';
import type { NetOptions } from './net.js';
import { requireSafeTransport } from './origin.js';
import type { Env } from './paths.js';
import type { StoredProfile } from './profiles.js';
import { resolveProCredentials, type ActivePro } from './resolve.js';
import type { CredentialStore } from './store.js';
import { computeExpiry, type StoredToken } from './tokens.js';
import { TokenSession } from './token-session.js';

export interface ProSessionOptions {
  /** --profile: whose Pro credentials. */
  flag?: string | undefined;
  /** A profile to try before the current one (see resolveProCredentials). */
  selected?: string | undefined;
  env: Env;
  net: NetOptions;
  now: () => number;
  warn: (line: string) => void;
}

export class ProSession extends TokenSession {
  constructor(
    store: CredentialStore,
    readonly active: ActivePro,
    opts: ProSessionOptions,
  ) {
    super({ store, net: opts.net, now: opts.now, warn: opts.warn });
  }

  /** The Pro API URL its secrets are bound to; refused over plain http without the opt-in. */
  get baseUrl(): string {
    requireSafeTransport(this.active.baseUrl, this.active.insecureHttpAllowed, this.active.env ? 'environment' : 'profile');
    return this.active.baseUrl;
  }

  get kind(): ProKind {
    return this.active.kind;
  }

  get profileName(): string | null {
    return this.active.env ? null : this.active.name;
  }

  get displayName(): string {
    return this.active.name ?? 'environment';
  }

  get settings(): StoredProfile {
    return this.active.settings;
  }

  protected get storage() {
    return this.active.settings.storage ?? 'keychain';
  }

  get audience() {
    return 'pro' as const;
  }

  protected get proAuth() {
    return this.active.kind;
  }

  protected envToken(): StoredToken | null {
    const t = this.active.env?.token;
    return t ? { token: t, expiresAt: computeExpiry(t, null, 0), obtainedAt: 0 } : null;
  }

  /** The stored or environment ZENPROKEY_ key. */
  async apiKey(): Promise<string> {
    if (this.active.env) {
      if (this.active.env.apiKey) return this.active.env.apiKey;
    } else {
      const k = await this.deps.store.get(this.active.name!, this.storage, 'pro-api-key');
      if (k) return k;
    }
    throw new AuthError(`the ZenML Pro API key of profile "${this.displayName}" is missing`, { hint: reloginHint('pro-api-key', this.displayName, this.fromEnvironment) });
  }

  protected async exchange(): Promise<StoredToken> {
    const baseUrl = this.baseUrl;
    const key = await this.apiKey();
    const { exchangeProKey } = await import('./pro-flows.js');
    return exchangeProKey(baseUrl, key, this.deps.net, this.deps.now, this.deps.warn);
  }

  /** A Pro token that cannot be renewed says so at the 401 instead of a bare HTTP error. */
  override async renewAfterRejection(rejected: string | null): Promise<boolean> {
    if (!this.renewable) {
      throw new AuthError('the ZenML Pro API rejected the token (Pro API tokens last one hour)', { hint: reloginHint(this.kind, this.displayName, this.fromEnvironment) });
    }
    return super.renewAfterRejection(rejected);
  }
}

export function openProSession(store: CredentialStore, opts: ProSessionOptions): ProSession {
  return new ProSession(store, resolveProCredentials(store.profiles.read(), { flag: opts.flag, selected: opts.selected, env: opts.env }), opts);
}
