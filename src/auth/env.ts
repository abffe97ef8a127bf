/**
 * Credentials from the environment (CI): a read-only profile that wins over stored ones.
 * Nothing read here is ever written to disk or to the keychain.
 */
import { UsageError } from '../errors.js';
import type { Env } from './paths.js';
import type { StoredProfile } from './profiles.js';
import { normalizeServerUrl } from './url.js';

export interface EnvServerCredentials {
  server: string;
  apiKey?: string;
  token?: string;
  username?: string;
  password?: string;
}

export interface EnvProCredentials {
  proApiUrl?: string;
  token?: string;
  apiKey?: string;
}

const nonEmpty = (v: string | undefined) => (v !== undefined && v !== '' ? v : undefined);

/** The server credentials of ZENML_STORE_*, or null when ZENML_STORE_URL is not set. */
export function envServerCredentials(env: Env): EnvServerCredentials | null {
  const url = nonEmpty(env.ZENML_STORE_URL);
  if (!url) return null;
  let server: string;
  try {
    server = normalizeServerUrl(url, 'ZENML_STORE_URL');
  } catch (e) {
    throw new UsageError(`${(e as Error).message}`);
  }
  const creds: EnvServerCredentials = { server };
  const apiKey = nonEmpty(env.ZENML_STORE_API_KEY);
  const token = nonEmpty(env.ZENML_STORE_API_TOKEN);
  const username = nonEmpty(env.ZENML_STORE_USERNAME);
  if (apiKey) creds.apiKey = apiKey;
  else if (token) creds.token = token;
  else if (username) {
    creds.username = username;
    creds.password = env.ZENML_STORE_PASSWORD ?? '';
  }
  return creds;
}

export function envProCredentials(env: Env): EnvProCredentials | null {
  const token = nonEmpty(env.ZENML_PRO_API_TOKEN);
  const apiKey = nonEmpty(env.ZENML_PRO_API_KEY);
  const url = nonEmpty(env.ZENML_PRO_API_URL);
  if (!token && !apiKey && !url) return null;
  const c: EnvProCredentials = {};
  if (url) c.proApiUrl = normalizeServerUrl(url, 'ZENML_PRO_API_URL');
  if (apiKey) c.apiKey = apiKey;
  else if (token) c.token = token;
  return c;
}

/** TLS and timeout settings from ZENML_STORE_VERIFY_SSL / ZENML_STORE_HTTP_TIMEOUT. */
export function envTlsSettings(env: Env): Pick<StoredProfile, 'verifySsl' | 'caCert'> {
  const v = nonEmpty(env.ZENML_STORE_VERIFY_SSL);
  if (v === undefined) return {};
  if (/^(false|0|no|off)$/i.test(v)) return { verifySsl: false };
  if (/^(true|1|yes|on)$/i.test(v)) return { verifySsl: true };
  return { caCert: v };
}
