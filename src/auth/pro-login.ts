/**
 * `pro login`: check Pro credentials with GET /users/me, then store them on one profile. Other
 * profiles are never touched (the Python client's Pro login wipes every server's credentials).
 */
import { ProApi, type ProUser } from '../api/pro.js';
import { ApiError, AuthError } from '../errors.js';
import { makeProClient } from './connect.js';
import { exchangeProKey } from './pro-flows.js';
import { renews } from './kinds.js';
import { profileAllowsInsecureHttp, requireSafeTransport, withInsecureHttp } from './origin.js';
import type { NetOptions } from './net.js';
import { DEFAULT_PRO_API_URL, type StoredProfile } from './profiles.js';
import type { CredentialStore, SecretChanges } from './store.js';
import { computeExpiry, formatWhen, serializeToken, type StoredToken } from './tokens.js';

export interface ProLoginRequest {
  profile: string;
  proApiUrl: string;
  method: { kind: 'pro-token'; token: string } | { kind: 'pro-api-key'; apiKey: string };
  forceFile: boolean;
  /** The user opted in to plain http to this (non-loopback) Pro API URL: remembered on the profile. */
  insecureHttp?: boolean;
}

interface Deps {
  store: CredentialStore;
  net: NetOptions;
  now: () => number;
  warn: (line: string) => void;
}

/** Verifies a Pro token with /users/me; returns the user. */
export async function proWhoAmI(proApiUrl: string, token: string, net: NetOptions, warn: (l: string) => void): Promise<ProUser> {
  const client = makeProClient(proApiUrl, net, { token: async () => token }, warn);
  try {
    return await new ProApi(client).me();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      throw new AuthError(`the ZenML Pro API rejected the token: ${e.message.replace(/^HTTP \d+: /, '')}`, {
        hint: 'Pro API tokens last one hour: create a new one in the Pro dashboard (Organization Settings → API Tokens).',
      });
    }
    throw e;
  } finally {
    await client.close();
  }
}

export async function performProLogin(req: ProLoginRequest, deps: Deps): Promise<{ user: ProUser; token: StoredToken; storage: string; renewable: boolean }> {
  const before = deps.store.profiles.read().profiles[req.profile];
  requireSafeTransport(req.proApiUrl, req.insecureHttp === true || profileAllowsInsecureHttp(before ?? {}, req.proApiUrl), 'flag');
  const now = deps.now();
  let token: StoredToken;
  if (req.method.kind === 'pro-token') {
    token = { token: req.method.token, expiresAt: computeExpiry(req.method.token, null, now), obtainedAt: now };
    if (token.expiresAt !== null && token.expiresAt <= now) {
      throw new AuthError(`that ZenML Pro token expired ${formatWhen(token.expiresAt, now)}`, { hint: 'Pro API tokens last one hour: create a new one in the Pro dashboard.' });
    }
  } else {
    token = await exchangeProKey(req.proApiUrl, req.method.apiKey, deps.net, deps.now, deps.warn);
  }
  const user = await proWhoAmI(req.proApiUrl, token.token, deps.net, deps.warn);

  const changes: SecretChanges = {
    'pro-token': serializeToken(token),
    'pro-api-key': req.method.kind === 'pro-api-key' ? req.method.apiKey : null,
  };
  const existing = deps.store.profiles.read().profiles[req.profile];
  // One profile keeps all its secrets in one place: reuse the profile's storage when it has one.
  const storage = existing?.storage && !req.forceFile ? (await deps.store.write(req.profile, existing.storage, changes), existing.storage) : await deps.store.writeNew(req.profile, changes, { forceFile: req.forceFile });
  if (existing?.storage && existing.storage !== storage) await deps.store.removeAll(req.profile, existing.storage).catch(() => undefined);
  await deps.store.profiles.update((cfg) => {
    const prev: StoredProfile = cfg.profiles[req.profile] ?? {};
    const next: StoredProfile = { ...prev, proAuth: req.method.kind, storage, updatedAt: new Date(deps.now()).toISOString() };
    if (req.proApiUrl !== DEFAULT_PRO_API_URL) next.proApiUrl = req.proApiUrl;
    else delete next.proApiUrl;
    const insecureHttp = withInsecureHttp(prev, req.proApiUrl, req.insecureHttp === true);
    if (insecureHttp) next.insecureHttp = insecureHttp;
    else delete next.insecureHttp;
    cfg.profiles[req.profile] = next;
    if (!cfg.current || !cfg.profiles[cfg.current]) cfg.current = req.profile;
  });
  return { user, token, storage, renewable: renews(req.method.kind) };
}
