/**
 * Builds HTTP clients for a profile's server or Pro API. Loads the HTTP stack: import it only with
 * `await import()` from code paths that go to the network.
 */
import { HttpClient, type TokenProvider } from '../api/http.js';
import { rowForVersion } from '../api/versions.js';
import type { NetOptions } from './net.js';
import type { StoredProfile } from './profiles.js';

let warnedInsecure = false;

export function makeClient(
  baseUrl: string,
  settings: Pick<StoredProfile, 'caCert' | 'verifySsl' | 'serverVersion'> & { dedupesRetries?: false },
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
    ...(settings.dedupesRetries === false ? { dedupesRetries: false } : settings.serverVersion ? { dedupesRetries: dedupes(settings.serverVersion, net.log) } : {}),
    ...retryFromEnv(),
  });
}

/**
 * A client of the ZenML Pro management API. Nothing documents that the Pro API dedupes a retried
 * write by its Idempotency-Key, so a POST/PUT/PATCH/DELETE is retried only when it cannot have
 * been processed (connection refused, 429, 503), never after a 502 or 504 that may have come
 * after the work was done.
 */
export function makeProClient(baseUrl: string, net: NetOptions, tokenProvider?: TokenProvider, warn?: (line: string) => void): HttpClient {
  return makeClient(baseUrl, { dedupesRetries: false }, net, tokenProvider, warn);
}

/** Whether the server's version row de-duplicates retried writes; a guessed row is said with --verbose. */
function dedupes(version: string, log: ((line: string) => void) | undefined): boolean {
  const { row, note } = rowForVersion(version);
  if (note) log?.(note);
  return row.writes.dedupedByIdempotencyKey;
}

/** ZENML_API_RETRY_BASE_MS shortens backoff (tests); documented in the README. */
function retryFromEnv(): { retry?: { baseDelayMs: number } } {
  const v = Number(process.env.ZENML_API_RETRY_BASE_MS);
  return Number.isFinite(v) && v >= 0 && process.env.ZENML_API_RETRY_BASE_MS !== undefined ? { retry: { baseDelayMs: v } } : {};
}
