/**
 * Where secrets may go. Two rules, each decided here only:
 * - a stored secret is sent only to the URL it was stored for; an environment URL that differs
 *   from a profile's stored URL is used only with environment credentials;
 * - no credential goes over plain http to a host that is not this machine unless the user opted
 *   in (`--allow-insecure-http` when logging in, remembered per profile and URL;
 *   `ZENML_API_ALLOW_INSECURE_HTTP=1` for environment credentials).
 */
import { UsageError } from '../errors.js';
import type { Env } from './paths.js';
import type { StoredProfile } from './profiles.js';
import { isLoopbackUrl } from './url.js';

export type OptInSource = 'flag' | 'profile' | 'environment';

const HOW: Record<OptInSource, string> = {
  flag: 'use https, or pass --allow-insecure-http if you really mean it',
  profile: 'use https, or log in again with --allow-insecure-http if you really mean it',
  environment: 'use https, or set ZENML_API_ALLOW_INSECURE_HTTP=1 if you really mean it',
};

/** Plain http to a host other than this machine. */
export function isInsecureHttp(url: string): boolean {
  return url.startsWith('http://') && !isLoopbackUrl(url);
}

/** Refuses, before a byte is sent, to send credentials in clear without the opt-in. */
export function requireSafeTransport(url: string, optedIn: boolean, source: OptInSource): void {
  if (optedIn || !isInsecureHttp(url)) return;
  throw new UsageError(`refusing to send credentials over plain http to ${new URL(url).host}: ${HOW[source]}`);
}

/** The opt-in for environment credentials. */
export function envAllowsInsecureHttp(env: Env): boolean {
  return env.ZENML_API_ALLOW_INSECURE_HTTP === '1';
}

/** Whether a profile was logged in to this URL with the opt-in. */
export function profileAllowsInsecureHttp(settings: Pick<StoredProfile, 'insecureHttp'>, url: string): boolean {
  return Array.isArray(settings.insecureHttp) && settings.insecureHttp.includes(url);
}

/** The profile's opt-in list after a login to `url` with or without the opt-in. */
export function withInsecureHttp(settings: Pick<StoredProfile, 'insecureHttp'>, url: string, optedIn: boolean): string[] | undefined {
  const rest = (Array.isArray(settings.insecureHttp) ? settings.insecureHttp : []).filter((u) => u !== url);
  const next = optedIn && isInsecureHttp(url) ? [...rest, url] : rest;
  return next.length ? next : undefined;
}

/** Stored credentials bound to `stored` must not follow an environment URL elsewhere. */
export function requireSameOrigin(what: string, variable: string, envUrl: string | undefined, stored: string, profile: string): void {
  if (envUrl === undefined || envUrl === stored) return;
  throw new UsageError(
    `${variable} is ${envUrl}, but the ${what} of profile "${profile}" belong to ${stored}: stored credentials are only sent where they were stored; unset ${variable}, or give credentials for it in the environment`,
  );
}
