/**
 * The on-disk cache of digested API documents, one per server and server version:
 *
 *   <configDir>/cache/openapi/index.json                            { server → version, file }
 *   <configDir>/cache/openapi/<sha256(server):12>-<version>.json       the summary (see openapi.ts):
 *                                                   what listing, `call`'s hints and completion read
 *   <configDir>/cache/openapi/<sha256(server):12>-<version>.full.json  every operation in full:
 *                                                   parameters, body and response fields (describe)
 *
 * A cache, not a secret, but written like the rest of the config folder: folders 0700, files
 * 0600, atomic replacement. Reads never throw: a missing or damaged cache is no cache. No network.
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, readJsonObject, writeFileAtomic } from '../auth/fsutil.js';
import { withLock } from '../auth/lock.js';
import { isApiIndex, isFullIndex, summarize, type ApiIndex, type Operation } from './openapi.js';

export interface CacheEntry {
  version: string;
  file: string;
  fetchedAt: string;
  operations: number;
}

interface Manifest {
  format: 1;
  servers: Record<string, CacheEntry>;
}

export function cacheDir(configDir: string): string {
  return join(configDir, 'cache', 'openapi');
}

const MANIFEST = 'index.json';

function isEntry(v: unknown): v is CacheEntry {
  const e = v as CacheEntry;
  return e !== null && typeof e === 'object' && typeof e.version === 'string' && typeof e.file === 'string' && /^[\w-][\w.-]*\.json$/.test(e.file) && !e.file.endsWith('.full.json') && e.file !== MANIFEST;
}

function readManifest(dir: string): Manifest {
  const empty: Manifest = { format: 1, servers: Object.create(null) as Record<string, CacheEntry> };
  let raw: Record<string, unknown> | undefined;
  try {
    raw = readJsonObject(join(dir, MANIFEST));
  } catch {
    return empty; // damaged: start over (it is only a cache)
  }
  if (!raw || raw.format !== 1 || raw.servers === null || typeof raw.servers !== 'object') return empty;
  for (const [server, entry] of Object.entries(raw.servers as Record<string, unknown>)) {
    if (isEntry(entry)) empty.servers[server] = entry;
  }
  return empty;
}

/** What the cache holds for a server (no file is parsed but the small manifest). */
export function cachedEntry(configDir: string, server: string): CacheEntry | undefined {
  const m = readManifest(cacheDir(configDir));
  return Object.hasOwn(m.servers, server) ? m.servers[server] : undefined;
}

const fullName = (file: string) => file.replace(/\.json$/, '.full.json');

/** The cached summary for a server (any version unless one is asked for); undefined when absent or damaged. */
export function readCachedIndex(configDir: string, server: string, version?: string): ApiIndex | undefined {
  const entry = cachedEntry(configDir, server);
  if (!entry || (version !== undefined && entry.version !== version)) return undefined;
  const v = readJson(join(cacheDir(configDir), entry.file));
  return isApiIndex(v) && v.server === server ? v : undefined;
}

/** The cached full index (parameters, bodies, responses) for a server and version. */
export function readCachedDocument(configDir: string, server: string, version?: string): ApiIndex<Operation> | undefined {
  const entry = cachedEntry(configDir, server);
  if (!entry || (version !== undefined && entry.version !== version)) return undefined;
  const v = readJson(join(cacheDir(configDir), fullName(entry.file)));
  return isFullIndex(v) && v.server === server ? v : undefined;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `0.58.0` stays; anything odd in a version becomes `_` (it is part of a file name). */
export function safeVersion(version: string): string {
  return version.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 40) || 'unknown';
}

/** Writes a full index and its summary and points the manifest at them; the previous version's files are removed. */
export async function writeCachedIndex(configDir: string, index: ApiIndex<Operation>): Promise<string> {
  const dir = cacheDir(configDir);
  ensurePrivateDir(join(configDir, 'cache'));
  ensurePrivateDir(dir);
  const { createHash } = process.getBuiltinModule('node:crypto');
  const key = createHash('sha256').update(index.server).digest('hex').slice(0, 12);
  const file = `${key}-${safeVersion(index.serverVersion)}.json`;
  writeFileAtomic(join(dir, fullName(file)), JSON.stringify(index));
  writeFileAtomic(join(dir, file), JSON.stringify(summarize(index)));
  await withLock(join(dir, 'index.lock'), () => {
    const m = readManifest(dir);
    const old = Object.hasOwn(m.servers, index.server) ? m.servers[index.server] : undefined;
    m.servers[index.server] = { version: index.serverVersion, file, fetchedAt: index.fetchedAt, operations: index.operations.length };
    writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(m, null, 1)}\n`);
    const stillUsed = Object.values(m.servers).some((e) => e.file === old?.file);
    if (old && old.file !== file && !stillUsed) {
      for (const f of [old.file, fullName(old.file)]) {
        try {
          unlinkSync(join(dir, f));
        } catch {
          /* already gone */
        }
      }
    }
  });
  return join(dir, file);
}
