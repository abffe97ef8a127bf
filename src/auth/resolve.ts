/**
 * Which profile a command uses: `--profile`, else environment credentials (ZENML_STORE_URL…),
 * else ZENML_API_PROFILE, else the current profile.
 */
import { AuthError, UsageError } from '../errors.js';
import { envServerCredentials, envTlsSettings, type EnvServerCredentials } from './env.js';
import type { Env } from './paths.js';
import { validateProfileName, type ConfigData, type StoredProfile } from './profiles.js';

export const ENV_PROFILE_NAME = '(environment)';

export interface ActiveProfile {
  name: string;
  source: 'flag' | 'ZENML_API_PROFILE' | 'current' | 'environment';
  settings: StoredProfile;
  /** Present when the credentials come from ZENML_STORE_* (read-only, memory only). */
  env?: EnvServerCredentials;
}

export function unknownProfile(name: string, config: ConfigData): UsageError {
  const known = Object.keys(config.profiles).sort();
  return new UsageError(`unknown profile "${name}"; known profiles: ${known.length ? known.join(', ') : '(none)'}`);
}

/** The stored profile of that name; never one of Object's own members ("constructor"…). */
export function own(config: ConfigData, name: string): StoredProfile | undefined {
  return Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
}

export function resolveProfile(config: ConfigData, opts: { flag?: string | undefined; env: Env }): ActiveProfile {
  const { flag, env } = opts;
  if (flag !== undefined) {
    validateProfileName(flag);
    const p = own(config, flag);
    if (!p) throw unknownProfile(flag, config);
    return { name: flag, source: 'flag', settings: withEnvTls(p, env) };
  }
  const envCreds = envServerCredentials(env);
  if (envCreds) {
    return {
      name: ENV_PROFILE_NAME,
      source: 'environment',
      settings: withEnvTls({ server: envCreds.server, auth: envCreds.apiKey ? 'api-key' : envCreds.token ? 'token' : 'password' }, env),
      env: envCreds,
    };
  }
  const fromEnv = env.ZENML_API_PROFILE;
  if (fromEnv) {
    validateProfileName(fromEnv);
    const p = own(config, fromEnv);
    if (!p) throw unknownProfile(fromEnv, config);
    return { name: fromEnv, source: 'ZENML_API_PROFILE', settings: withEnvTls(p, env) };
  }
  const cur = config.current;
  const curProfile = cur ? own(config, cur) : undefined;
  if (cur && curProfile) return { name: cur, source: 'current', settings: withEnvTls(curProfile, env) };
  throw new AuthError('not logged in', { hint: 'Run `zenml-api login SERVER_URL`, or set ZENML_STORE_URL and ZENML_STORE_API_KEY.' });
}

function withEnvTls(p: StoredProfile, env: Env): StoredProfile {
  const tls = envTlsSettings(env);
  return { ...p, ...tls };
}
