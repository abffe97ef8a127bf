/**
 * The ZenML Pro management API session: a Pro API token (dashboard, one hour) or a ZENPROKEY_
 * key exchanged at POST {pro}/auth/login for a one-hour token and renewed from the key.
 * Stored in a profile (pro-token / pro-api-key) or read from ZENML_PRO_API_* (memory only).
 */
import { join } from 'node:path';
import { AuthError } from '../errors.js';
import { envProCredentials } from './env.js';
import { acquireLock } from './lock.js';
import type { NetOptions } from './net.js';
import type { Env } from './paths.js';
import { DEFAULT_PRO_API_URL, validateProfileName, type StoredProfile } from './profiles.js';
import { unknownProfile } from './resolve.js';
import type { CredentialStore } from './store.js';
import { computeExpiry, formatWhen, isExpiring, parseStoredToken, serializeToken, type StoredToken } from './tokens.js';

export interface ProSessionOptions {
  flag?: string | undefined;
  env: Env;
  net: NetOptions;
  now: () => number;
  warn: (line: string) => void;
}

const PRO_TOKEN_HINT = 'Create a new API token in the ZenML Pro dashboard (Organization Settings → API Tokens) and run `zenml-api pro login --token -`, or use a ZENPROKEY_ key with `zenml-api pro login --api-key -`.';

export class ProSession {
  readonly baseUrl: string;
  readonly profileName: string | null;
  readonly settings: StoredProfile;
  private readonly envToken?: string;
  private readonly envKey?: string;
  private cached: StoredToken | null = null;

  constructor(
    private readonly store: CredentialStore,
    init: { profileName: string | null; settings: StoredProfile; baseUrl: string; envToken?: string; envKey?: string },
    private readonly opts: ProSessionOptions,
  ) {
    this.profileName = init.profileName;
    this.settings = init.settings;
    this.baseUrl = init.baseUrl;
    if (init.envToken) this.envToken = init.envToken;
    if (init.envKey) this.envKey = init.envKey;
  }

  get fromEnvironment(): boolean {
    return this.envToken !== undefined || this.envKey !== undefined;
  }

  get renewable(): boolean {
    return this.envKey !== undefined || (!this.fromEnvironment && this.settings.proAuth === 'pro-api-key');
  }

  private storage() {
    return this.settings.storage ?? 'keychain';
  }

  async storedToken(): Promise<StoredToken | null> {
    if (this.envToken) return { token: this.envToken, expiresAt: computeExpiry(this.envToken, null, 0), obtainedAt: 0 };
    if (this.fromEnvironment || !this.profileName) return this.cached;
    return parseStoredToken(await this.store.get(this.profileName, this.storage(), 'pro-token'));
  }

  async validToken(): Promise<StoredToken> {
    const now = this.opts.now();
    if (this.cached && !isExpiring(this.cached, now)) return this.cached;
    const stored = await this.storedToken();
    if (stored && !isExpiring(stored, now)) return (this.cached = stored);
    if (!this.renewable) {
      if (stored?.expiresAt != null) throw new AuthError(`the ZenML Pro API token expired ${formatWhen(stored.expiresAt, now)}; Pro API tokens last one hour`, { hint: PRO_TOKEN_HINT });
      throw new AuthError('no ZenML Pro token', { hint: PRO_TOKEN_HINT });
    }
    return this.renew(stored?.token ?? null);
  }

  private async apiKey(): Promise<string> {
    if (this.envKey) return this.envKey;
    const k = this.profileName ? await this.store.get(this.profileName, this.storage(), 'pro-api-key') : null;
    if (!k) throw new AuthError(`the ZenML Pro API key of profile "${this.profileName}" is missing`, { hint: 'Run `zenml-api pro login --api-key -` again.' });
    return k;
  }

  private async renew(rejected: string | null): Promise<StoredToken> {
    const exchange = async () => {
      const key = await this.apiKey();
      this.opts.net.secrets?.push(key);
      const { exchangeProKey } = await import('./pro-flows.js');
      return exchangeProKey(this.baseUrl, key, this.opts.net, this.opts.now, this.opts.warn);
    };
    if (this.fromEnvironment || !this.profileName) return (this.cached = await exchange());
    const release = await acquireLock(join(this.store.dir, `renew-pro-${this.profileName}.lock`), { timeoutMs: 90_000, staleMs: 120_000 });
    try {
      const fresh = parseStoredToken(await this.store.get(this.profileName, this.storage(), 'pro-token'));
      if (fresh && fresh.token !== rejected && !isExpiring(fresh, this.opts.now())) return (this.cached = fresh);
      const t = await exchange();
      await this.store.write(this.profileName, this.storage(), { 'pro-token': serializeToken(t) });
      return (this.cached = t);
    } finally {
      release();
    }
  }

  provider() {
    return {
      token: async () => (await this.validToken()).token,
      renew: async (rejected: string | null) => {
        if (!this.renewable) {
          throw new AuthError('the ZenML Pro API rejected the token (Pro API tokens last one hour)', { hint: PRO_TOKEN_HINT });
        }
        await this.renew(rejected);
        return true;
      },
    };
  }
}

export function proBaseUrl(env: Env, settings: StoredProfile): string {
  const fromEnv = envProCredentials(env)?.proApiUrl;
  return fromEnv ?? settings.proApiUrl ?? DEFAULT_PRO_API_URL;
}

export function openProSession(store: CredentialStore, opts: ProSessionOptions): ProSession {
  const envPro = envProCredentials(opts.env);
  const config = store.profiles.read();
  let name: string | null = null;
  if (opts.flag !== undefined) {
    validateProfileName(opts.flag);
    if (!config.profiles[opts.flag]) throw unknownProfile(opts.flag, config);
    name = opts.flag;
  } else if (!(envPro?.token || envPro?.apiKey)) {
    const cand = opts.env.ZENML_API_PROFILE ?? config.current;
    if (cand) {
      validateProfileName(cand);
      if (!config.profiles[cand]) throw unknownProfile(cand, config);
      name = cand;
    }
  }
  const settings = name ? config.profiles[name]! : {};
  const baseUrl = proBaseUrl(opts.env, settings);
  if (opts.flag === undefined && (envPro?.token || envPro?.apiKey)) {
    return new ProSession(store, { profileName: null, settings: {}, baseUrl, ...(envPro.token ? { envToken: envPro.token } : {}), ...(envPro.apiKey ? { envKey: envPro.apiKey } : {}) }, opts);
  }
  if (!name || !settings.proAuth) {
    throw new AuthError(`no ZenML Pro credentials${name ? ` in profile "${name}"` : ''}`, {
      hint: 'Run `zenml-api pro login --token -` (or --api-key -), or set ZENML_PRO_API_TOKEN / ZENML_PRO_API_KEY.',
    });
  }
  return new ProSession(store, { profileName: name, settings, baseUrl }, opts);
}
