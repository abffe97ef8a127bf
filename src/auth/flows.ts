/**
 * Network credential exchanges: API key or password for a server token, a Pro bearer token for a
 * workspace token. Loads the HTTP pipeline, so it is imported lazily.
 */
import { ZenmlApi, type LoginResponse } from '../api/zenml.js';
import { rememberSecret } from '../api/redact.js';
import { ApiError, AuthError } from '../errors.js';
import { makeClient } from './connect.js';
import type { NetOptions } from './net.js';
import type { StoredProfile } from './profiles.js';
import { computeExpiry, type StoredToken } from './tokens.js';

export type ServerCredential =
  | { kind: 'api-key'; apiKey: string }
  | { kind: 'password'; username: string; password: string }
  | { kind: 'pro-external'; proToken: string };

export function tokenFromLogin(res: LoginResponse, now: number): StoredToken {
  rememberSecret(res.access_token);
  return { token: res.access_token, expiresAt: computeExpiry(res.access_token, res.expires_in ?? null, now), obtainedAt: now };
}

/** Turns a rejected login into an AuthError that says what was wrong, never what the secret was. */
export function loginRejected(e: unknown, what: string): never {
  if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 400)) {
    const detail = e.message.replace(/^HTTP \d+: /, '');
    throw new AuthError(`the server rejected the ${what}: ${detail}`, { cause: e });
  }
  throw e;
}

export function describeCredential(c: ServerCredential): string {
  return c.kind === 'api-key' ? 'API key' : c.kind === 'password' ? 'user name or password' : 'ZenML Pro token';
}

export async function exchange(
  server: string,
  settings: Pick<StoredProfile, 'caCert' | 'verifySsl'>,
  cred: ServerCredential,
  net: NetOptions,
  now: () => number,
  warn?: (line: string) => void,
): Promise<StoredToken> {
  const client = makeClient(server, settings, net, undefined, warn);
  const api = new ZenmlApi(client);
  try {
    const t0 = now();
    const res =
      cred.kind === 'api-key'
        ? await api.loginWithApiKey(cred.apiKey)
        : cred.kind === 'password'
          ? await api.loginWithPassword(cred.username, cred.password)
          : await api.loginExternal(cred.proToken);
    return tokenFromLogin(res, t0);
  } catch (e) {
    return loginRejected(e, describeCredential(cred));
  } finally {
    await client.close();
  }
}
