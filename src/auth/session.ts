/**
 * A profile's server session: the token provider that every server request uses (./token-session.ts
 * holds the contract; this file says where a server token comes from and goes to).
 */
import { AuthError } from '../errors.js';
import { reloginHint, type ServerKind } from './kinds.js';
import { requireSafeTransport } from './origin.js';
import type { ActiveProfile } from './resolve.js';
import { computeExpiry, type StoredToken } from './tokens.js';
import { TokenSession, type SessionDeps } from './token-session.js';
import type { ServerCredential } from './flows.js';

export type { SessionDeps };

export class ServerSession extends TokenSession {
  readonly profile: ActiveProfile;

  constructor(profile: ActiveProfile, deps: SessionDeps) {
    super(deps);
    this.profile = profile;
  }

  get kind(): ServerKind | undefined {
    return this.profile.settings.auth;
  }

  get profileName(): string | null {
    return this.profile.env ? null : this.profile.name;
  }

  get displayName(): string {
    return this.profile.name;
  }

  protected get storage() {
    return this.profile.settings.storage ?? 'keychain';
  }

  get audience() {
    return 'server' as const;
  }

  protected get proAuth() {
    return this.profile.settings.proAuth;
  }

  /** The server its secrets are bound to; refused over plain http without the opt-in. */
  get server(): string {
    const s = this.profile.settings.server;
    if (!s) throw new AuthError(`profile "${this.profile.name}" has no ZenML server`, { hint: 'Run `zenml-api login SERVER_URL`.' });
    requireSafeTransport(s, this.profile.insecureHttpAllowed === true, this.profile.env ? 'environment' : 'profile');
    return s;
  }

  protected envToken(): StoredToken | null {
    const t = this.profile.env?.token;
    // When it was issued is unknown (obtainedAt 0): the short renewal leeway applies.
    return t ? { token: t, expiresAt: computeExpiry(t, null, 0), obtainedAt: 0 } : null;
  }

  private async credential(): Promise<ServerCredential> {
    const p = this.profile;
    if (p.env) {
      if (p.env.apiKey) return { kind: 'api-key', apiKey: p.env.apiKey };
      return { kind: 'password', username: p.env.username ?? '', password: p.env.password ?? '' };
    }
    if (p.settings.auth === 'pro-external') {
      // A Pro workspace: a fresh workspace token from the profile's own (possibly renewed) Pro token.
      const { openProSession } = await import('./pro-session.js');
      const pro = openProSession(this.deps.store, { flag: p.name, env: {}, net: this.deps.net, now: this.deps.now, warn: this.deps.warn });
      return { kind: 'pro-external', proToken: await pro.token() };
    }
    const secret = p.settings.auth === 'api-key' ? 'api-key' : 'password';
    const value = await this.deps.store.get(p.name, this.storage, secret);
    if (value === null) {
      throw new AuthError(`the ${secret === 'api-key' ? 'API key' : 'password'} of profile "${p.name}" is missing from ${this.deps.store.backend(this.storage).location}`, {
        hint: reloginHint(p.settings.auth!, p.name, false),
      });
    }
    return secret === 'api-key' ? { kind: 'api-key', apiKey: value } : { kind: 'password', username: p.settings.username ?? '', password: value };
  }

  protected async exchange(): Promise<StoredToken> {
    const flows = await import('./flows.js');
    const server = this.server;
    const cred = await this.credential();
    return flows.exchange(server, this.profile.settings, cred, this.deps.net, this.deps.now, this.deps.warn);
  }
}
