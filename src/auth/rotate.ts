/**
 * After an API key is rotated: which stored profiles log in with it, and giving them the new key.
 *
 * A `ZENKEY_` key is `ZENKEY_` + base64 of the JSON `{"id": "<key id>", "key": "<secret>"}`
 * (docs/zenml-api.md §2.4). Rotation keeps the id and changes the secret, so a profile uses the
 * rotated key when its stored key decodes to the same id. Tokens issued before the rotation stay
 * valid (§4), so a profile keeps its token and only its key changes.
 */
import { sameServer, type ConfigData } from './profiles.js';
import type { CredentialStore } from './store.js';

const PREFIX = 'ZENKEY_';

/** The key id inside a `ZENKEY_` key; null for anything else. Pure: no I/O. */
export function apiKeyId(key: string): string | null {
  if (!key.startsWith(PREFIX)) return null;
  const b64 = key.slice(PREFIX.length).trim();
  if (b64 === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return null;
  let value: unknown;
  try {
    // Node's base64 decoder also reads the URL-safe alphabet.
    value = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const id = (value as Record<string, unknown>).id;
  return typeof id === 'string' && id !== '' ? id.toLowerCase() : null;
}

export interface RotatedKey {
  /** The server the key belongs to. */
  server: { url: string; id?: string | undefined };
  /** The service account's UUID. */
  serviceAccountId: string;
  /** The key's id (unchanged by the rotation). */
  keyId: string;
  /** The new `ZENKEY_` value. */
  newKey: string;
}

export interface ProfileUpdate {
  profile: string;
  /** `updated`: the profile has the new key; `failed`: it may still have the old one. */
  outcome: 'updated' | 'failed';
  /** Why it failed (a message without secrets). */
  reason?: string;
}

/**
 * Profiles that may log in with the rotated key: stored API-key profiles on the same server whose
 * account is the key's service account. Only these have their secrets read.
 */
export function candidateProfiles(config: ConfigData, r: Pick<RotatedKey, 'server' | 'serviceAccountId'>): string[] {
  const sa = r.serviceAccountId.toLowerCase();
  return Object.entries(config.profiles)
    .filter(([, p]) => p.auth === 'api-key' && p.user?.id?.toLowerCase() === sa && sameServer(p, { server: r.server.url, serverId: r.server.id }))
    .map(([name]) => name)
    .sort();
}

/**
 * Stores the new key in every profile that used the old one. A profile whose stored key cannot
 * be read or written is reported as `failed`: the caller must then make sure the new key is not
 * lost (print it). The access token is kept: it stays valid after a rotation.
 */
export async function updateProfilesAfterRotation(store: CredentialStore, r: RotatedKey): Promise<ProfileUpdate[]> {
  const config = store.profiles.read();
  const keyId = r.keyId.toLowerCase();
  const out: ProfileUpdate[] = [];
  for (const name of candidateProfiles(config, r)) {
    const storage = config.profiles[name]!.storage ?? 'keychain';
    try {
      const stored = await store.get(name, storage, 'api-key');
      if (stored === null || apiKeyId(stored) !== keyId) continue;
      if (stored === r.newKey) {
        out.push({ profile: name, outcome: 'updated' });
        continue;
      }
      await store.write(name, storage, { 'api-key': r.newKey });
      out.push({ profile: name, outcome: 'updated' });
    } catch (e) {
      out.push({ profile: name, outcome: 'failed', reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
