/**
 * Which credentials a command uses: the one resolver for server profiles and for Pro credentials.
 *
 * Server: `--profile`, else environment credentials (ZENML_STORE_URL with a credential), else
 * ZENML_API_PROFILE, else the current profile.
 * Pro: `--profile` (or `--pro-profile`), else ZENML_PRO_API_TOKEN / ZENML_PRO_API_KEY, else the
 * selected profile (ZENML_API_PROFILE, else the current one) when it holds Pro credentials,
 * else the only profile that does.
 * Stored credentials are bound to the URL they were stored for (./origin.ts).
 */
import { AuthError, UsageError } from '../errors.js';
import { envProCredentials, envServerCredentials, envTlsSettings, type EnvProCredentials, type EnvServerCredentials } from './env.js';
import type { ProKind } from './kinds.js';
import { envAllowsInsecureHttp, profileAllowsInsecureHttp, requireSameOrigin } from './origin.js';
import type { Env } from './paths.js';
import { DEFAULT_PRO_API_URL, proApiUrlOf, validateProfileName, type ConfigData, type StoredProfile } from './profiles.js';

export const ENV_PROFILE_NAME = '(environment)';

export interface ActiveProfile {
  name: string;
  source: 'flag' | 'ZENML_API_PROFILE' | 'current' | 'environment';
  settings: StoredProfile;
  /** Present when the credentials come from ZENML_STORE_* (read-only, memory only). */
  env?: EnvServerCredentials;
  /** The user opted in to plain http to a host other than this machine for this server. */
  insecureHttpAllowed?: boolean;
}

export interface ActivePro {
  /** The profile holding the Pro credentials; null when they come from the environment. */
  name: string | null;
  kind: ProKind;
  settings: StoredProfile;
  baseUrl: string;
  env?: EnvProCredentials;
  insecureHttpAllowed: boolean;
}

export function unknownProfile(name: string, config: ConfigData): UsageError {
  const known = Object.keys(config.profiles).sort();
  return new UsageError(`unknown profile "${name}"; known profiles: ${known.length ? known.join(', ') : '(none)'}`);
}

/** The stored profile of that name; never one of Object's own members ("constructor"…). */
export function own(config: ConfigData, name: string): StoredProfile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

function named(config: ConfigData, name: string): StoredProfile {
  validateProfileName(name);
  const p = own(config, name);
  if (!p) throw unknownProfile(name, config);
  return p;
}

/** What to say when no profile is selected: the remaining ones and how to pick one. */
export function noCurrentProfile(config: ConfigData): AuthError {
  const names = Object.keys(config.profiles).sort();
  if (names.length === 0) return new AuthError('not logged in', { hint: 'Run `zenml-api login SERVER_URL`, or set ZENML_STORE_URL and ZENML_STORE_API_KEY.' });
  return new AuthError(`no current profile; profiles: ${names.join(', ')}`, { hint: `Run \`zenml-api profile use ${names[0]}\`, or pass --profile NAME.` });
}

export function resolveProfile(config: ConfigData, opts: { flag?: string | undefined; env: Env }): ActiveProfile {
  const { flag, env } = opts;
  const stored = (name: string, source: ActiveProfile['source']): ActiveProfile => {
    const settings = withEnvTls(named(config, name), env);
    const server = settings.server;
    return { name, source, settings, insecureHttpAllowed: server !== undefined && profileAllowsInsecureHttp(settings, server) };
  };
  if (flag !== undefined) return stored(flag, 'flag');
  const envCreds = envServerCredentials(env);
  if (envCreds) {
    if (!envCreds.apiKey && !envCreds.token && envCreds.username === undefined) {
      throw new UsageError('ZENML_STORE_URL is set without a credential: set ZENML_STORE_API_KEY, ZENML_STORE_API_TOKEN, or ZENML_STORE_USERNAME and ZENML_STORE_PASSWORD (or unset ZENML_STORE_URL to use a stored profile)');
    }
    return {
      name: ENV_PROFILE_NAME,
      source: 'environment',
      settings: withEnvTls({ server: envCreds.server, auth: envCreds.apiKey ? 'api-key' : envCreds.token ? 'token' : 'password' }, env),
      env: envCreds,
      insecureHttpAllowed: envAllowsInsecureHttp(env),
    };
  }
  if (env.ZENML_API_PROFILE) return stored(env.ZENML_API_PROFILE, 'ZENML_API_PROFILE');
  const cur = config.current;
  if (cur && own(config, cur)) return stored(cur, 'current');
  throw noCurrentProfile(config);
}

function withEnvTls(p: StoredProfile, env: Env): StoredProfile {
  const tls = envTlsSettings(env);
  return { ...p, ...tls };
}

/** Profiles that hold Pro credentials, sorted. */
export function proProfiles(config: ConfigData): string[] {
  return Object.entries(config.profiles)
    .filter(([, p]) => p.proAuth !== undefined)
    .map(([n]) => n)
    .sort();
}

/**
 * Whose Pro credentials a command uses. `flag` is `--profile` (or `--pro-profile`); `selected`
 * is a profile to try before the current one (the profile a `login --pro-workspace` writes).
 */
export function resolveProCredentials(config: ConfigData, opts: { flag?: string | undefined; selected?: string | undefined; env: Env }): ActivePro {
  const { flag, env } = opts;
  const envPro = envProCredentials(env);
  const fromProfile = (name: string): ActivePro => {
    const settings = named(config, name);
    if (!settings.proAuth) throw noProCredentials(config, name);
    const baseUrl = proApiUrlOf(settings);
    requireSameOrigin('ZenML Pro credentials', 'ZENML_PRO_API_URL', envPro?.proApiUrl, baseUrl, name);
    return { name, kind: settings.proAuth, settings, baseUrl, insecureHttpAllowed: profileAllowsInsecureHttp(settings, baseUrl) };
  };
  if (flag !== undefined) return fromProfile(flag);
  if (envPro && (envPro.token || envPro.apiKey)) {
    return {
      name: null,
      kind: envPro.apiKey ? 'pro-api-key' : 'pro-token',
      settings: {},
      baseUrl: envPro.proApiUrl ?? DEFAULT_PRO_API_URL,
      env: envPro,
      insecureHttpAllowed: envAllowsInsecureHttp(env),
    };
  }
  if (env.ZENML_API_PROFILE) named(config, env.ZENML_API_PROFILE); // an unknown name is an error, not a skip
  // The selected profile may not exist yet (the one `login --pro-workspace` is about to write).
  for (const cand of [opts.selected, env.ZENML_API_PROFILE || undefined, config.current]) {
    if (cand !== undefined && own(config, cand)?.proAuth) return fromProfile(cand);
  }
  const holders = proProfiles(config);
  if (holders.length === 1) return fromProfile(holders[0]!);
  throw noProCredentials(config, opts.selected ?? env.ZENML_API_PROFILE ?? config.current);
}

function noProCredentials(config: ConfigData, name: string | undefined): AuthError {
  const holders = proProfiles(config);
  const where = name && own(config, name) ? ` in profile "${name}"` : '';
  if (holders.length === 0) {
    return new AuthError(`no ZenML Pro credentials${where}`, {
      hint: 'Run `zenml-api pro login --token -` (or --api-key -), or set ZENML_PRO_API_TOKEN / ZENML_PRO_API_KEY.',
    });
  }
  return new AuthError(`no ZenML Pro credentials${where}; profiles with Pro credentials: ${holders.join(', ')}`, { hint: 'Name one with --profile NAME (or --pro-profile NAME for `login --pro-workspace`).' });
}
