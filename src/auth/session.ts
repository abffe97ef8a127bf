/**
 * A profile's server session: the token provider that every server request uses. Reads the
 * cached access token; renews it from the stored API key or password when it has expired or the
 * server rejected it, single-flight across processes (a lock per profile, then a re-read).
 *
 * Kept free of network imports: renewal loads ./flows.js lazily, so `token` with a valid cached
 * token never loads the HTTP stack.
 */
import { join } from 'node:path';
import { AuthError } from '../errors.js';
import { acquireLock } from './lock.js';
import type { NetOptions } from './net.js';
import type { ActiveProfile } from './resolve.js';
import type { CredentialStore } from './store.js';
import { computeExpiry, formatWhen, isExpiring, parseStoredToken, serializeToken, type StoredToken } from './tokens.js';
import type { ServerCredential } from './flows.js';

export interface SessionDeps {
  store: CredentialStore;
  net: NetOptions;
  now: () => number;
  warn: (line: string) => void;
}

const LOGIN_HINT = (p: ActiveProfile) =>
  p.source === 'environment'
    ? 'Check ZENML_STORE_API_KEY / ZENML_STORE_API_TOKEN.'
    : `Run \`zenml-api login${p.name === 'default' ? '' : ` --profile ${p.name}`}\` again.`;

export class ServerSession {
  private cached: StoredToken | null = null;
  private readonly deps: SessionDeps;
  readonly profile: ActiveProfile;
  /** Set when this process logged in (for tests and --verbose). */
  renewals = 0;

  constructor(profile: ActiveProfile, deps: SessionDeps) {
    this.profile = profile;
    this.deps = deps;
  }

  get server(): string {
    const s = this.profile.settings.server;
    if (!s) throw new AuthError(`profile "${this.profile.name}" has no ZenML server`, { hint: 'Run `zenml-api login SERVER_URL`.' });
    return s;
  }

  /** Whether a rejected or expired token can be replaced without the user. */
  get renewable(): boolean {
    const auth = this.profile.settings.auth;
    return auth === 'api-key' || auth === 'password' || (auth === 'pro-external' && this.profile.settings.proAuth !== undefined);
  }

  private storage() {
    return this.profile.settings.storage ?? 'keychain';
  }

  /** The cached token as stored (no renewal); null when there is none. */
  async storedToken(): Promise<StoredToken | null> {
    if (this.profile.env) {
      const t = this.profile.env.token;
      if (!t) return this.cached;
      // When it was issued is unknown (obtainedAt 0): the short renewal leeway applies.
      return { token: t, expiresAt: computeExpiry(t, null, 0), obtainedAt: 0 };
    }
    return parseStoredToken(await this.deps.store.get(this.profile.name, this.storage(), 'access-token'));
  }

  /** A token that is valid now, renewed if needed. */
  async validToken(): Promise<StoredToken> {
    const now = this.deps.now();
    if (this.cached && !isExpiring(this.cached, now)) return this.cached;
    const stored = await this.storedToken();
    if (stored && !isExpiring(stored, now)) {
      this.cached = stored;
      return stored;
    }
    if (!this.renewable) {
      if (stored?.expiresAt != null) {
        throw new AuthError(`the token of profile "${this.profile.name}" expired ${formatWhen(stored.expiresAt, now)}; a token from the dashboard cannot be renewed`, {
          hint: this.profile.source === 'environment' ? 'Set a fresh ZENML_STORE_API_TOKEN.' : 'Get a new one and run `zenml-api login --token -` again.',
        });
      }
      throw new AuthError(`profile "${this.profile.name}" has no token`, { hint: LOGIN_HINT(this.profile) });
    }
    return this.renew(stored?.token ?? null);
  }

  async token(): Promise<string | null> {
    return (await this.validToken()).token;
  }

  /** TokenProvider.renew: true when a new token is ready. */
  async renewAfterRejection(rejected: string | null): Promise<boolean> {
    if (!this.renewable) return false;
    await this.renew(rejected);
    return true;
  }

  private async credential(): Promise<ServerCredential> {
    const p = this.profile;
    if (p.env) {
      if (p.env.apiKey) return { kind: 'api-key', apiKey: p.env.apiKey };
      return { kind: 'password', username: p.env.username ?? '', password: p.env.password ?? '' };
    }
    const storage = this.storage();
    if (p.settings.auth === 'pro-external') {
      // A Pro workspace: a fresh workspace token from the profile's (possibly renewed) Pro token.
      const { openProSession } = await import('./pro-session.js');
      const pro = openProSession(this.deps.store, { flag: p.name, env: {}, net: this.deps.net, now: this.deps.now, warn: this.deps.warn });
      return { kind: 'pro-external', proToken: (await pro.validToken()).token };
    }
    if (p.settings.auth === 'api-key') {
      const apiKey = await this.deps.store.get(p.name, storage, 'api-key');
      if (!apiKey) throw new AuthError(`the API key of profile "${p.name}" is missing from ${this.deps.store.backend(storage).location}`, { hint: LOGIN_HINT(p) });
      return { kind: 'api-key', apiKey };
    }
    const password = await this.deps.store.get(p.name, storage, 'password');
    if (password === null) throw new AuthError(`the password of profile "${p.name}" is missing from ${this.deps.store.backend(storage).location}`, { hint: LOGIN_HINT(p) });
    return { kind: 'password', username: p.settings.username ?? '', password };
  }

  /**
   * Logs in again. For stored profiles: under a per-profile lock, re-read first, so that of many
   * processes renewing at once only the first one logs in.
   */
  private async renew(rejected: string | null): Promise<StoredToken> {
    const flows = await import('./flows.js');
    const login = async () => {
      const cred = await this.credential();
      if (cred.kind === 'api-key') this.deps.net.secrets?.push(cred.apiKey);
      if (cred.kind === 'password' && cred.password) this.deps.net.secrets?.push(cred.password);
      this.renewals += 1;
      return flows.exchange(this.server, this.profile.settings, cred, this.deps.net, this.deps.now, this.deps.warn);
    };
    if (this.profile.env) {
      this.cached = await login();
      return this.cached;
    }
    const store = this.deps.store;
    const release = await acquireLock(join(store.dir, `renew-${this.profile.name}.lock`), { timeoutMs: 90_000, staleMs: 120_000 });
    try {
      const fresh = parseStoredToken(await store.get(this.profile.name, this.storage(), 'access-token'));
      if (fresh && fresh.token !== rejected && !isExpiring(fresh, this.deps.now())) {
        this.cached = fresh;
        return fresh;
      }
      const t = await login();
      await store.write(this.profile.name, this.storage(), { 'access-token': serializeToken(t) });
      this.cached = t;
      return t;
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
