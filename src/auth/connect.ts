/**
 * Builds HTTP clients for a profile's server or Pro API. Loads the HTTP stack: import it only with
 * `await import()` from code paths that go to the network.
 */
import { HttpClient, type TokenProvider } from '../api/http.js';
import { isOldServer } from '../api/zenml.js';
import type { NetOptions } from './net.js';
import type { StoredProfile } from './profiles.js';

let warnedInsecure = false;

export function makeClient(
  baseUrl: string,
  settings: Pick<StoredProfile, 'caCert' | 'verifySsl' | 'serverVersion'>,
  net: NetOptions,
  tokenProvider?: TokenProvider,
  warn?: (line: string) => void,
): HttpClient {
  const insecure = net.noVerifySsl === true || settings.verifySsl === false;
  if (insecure && baseUrl.startsWith('https:') && !warnedInsecure && warn) {
    warnedInsecure = true;
    warn(`WARNING: TLS certificate verification is OFF for ${new URL(baseUrl).host}: anyone on the network path can read and change this traffic, credentials included`);
  }
  const tls = insecure ? { insecure: true } : settings.caCert ? { caFile: settings.caCert } : undefined;
  return new HttpClient({
    baseUrl,
    ...(tokenProvider ? { tokenProvider } : {}),
    ...(net.timeoutMs ? { timeoutMs: net.timeoutMs } : {}),
    ...(tls ? { tls } : {}),
    ...(net.log ? { log: net.log } : {}),
    ...(net.signal ? { signal: net.signal } : {}),
    ...(net.secrets ? { secrets: () => net.secrets! } : {}),
    // 0.58-era servers do not dedupe retried writes by Idempotency-Key.
    ...(settings.serverVersion && isOldServer(settings.serverVersion) ? { dedupesRetries: false } : {}),
    ...retryFromEnv(),
  });
}

/** ZENML_API_RETRY_BASE_MS shortens backoff (tests); documented in the README. */
function retryFromEnv(): { retry?: { baseDelayMs: number } } {
  const v = Number(process.env.ZENML_API_RETRY_BASE_MS);
  return Number.isFinite(v) && v >= 0 && process.env.ZENML_API_RETRY_BASE_MS !== undefined ? { retry: { baseDelayMs: v } } : {};
}
