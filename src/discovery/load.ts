/**
 * The API index for the active profile: from the cache when it is known to be current, else
 * fetched from the server (`GET {server}/openapi.json`, no credentials), checked, digested and
 * cached. The HTTP stack is loaded only when a request is needed.
 *
 * When is the cache current?
 * - the profile's `serverVersion` (recorded by login) equals the cached version: no request at all;
 * - otherwise `GET /api/v1/info` (no credentials) says which version the server runs now; the
 *   document is fetched only when that differs from the cached one, or with `--refresh`.
 *
 * Profiles from the environment (CI) read the cache but never write it: CI writes nothing to disk.
 */
import { AuthError, NetworkError } from '../errors.js';
import { configDir } from '../auth/paths.js';
import type { CommonOptions, Ctx } from '../commands/context.js';
import { resolveProfile } from '../auth/resolve.js';
import { cachedEntry, readCachedDocument, readCachedIndex, writeCachedIndex } from './cache.js';
import { buildIndex, MAX_DOCUMENT_BYTES, parseDocument, type ApiIndex, type Operation } from './openapi.js';

export interface LoadOptions extends CommonOptions {
  refresh?: boolean;
}

export interface Loaded<I extends ApiIndex = ApiIndex> {
  index: I;
  /** 'cache': no request; 'checked': /api/v1/info only; 'fetched': the document was downloaded. */
  source: 'cache' | 'checked' | 'fetched';
}

/** The summary (listing) or, with `full`, every operation's parameters and fields (describe). */
export async function loadIndex(ctx: Ctx, opts: LoadOptions): Promise<Loaded>;
export async function loadIndex(ctx: Ctx, opts: LoadOptions, full: 'full'): Promise<Loaded<ApiIndex<Operation>>>;
export async function loadIndex(ctx: Ctx, opts: LoadOptions, full?: 'full'): Promise<Loaded<ApiIndex>> {
  const read = full ? readCachedDocument : readCachedIndex;
  const profile = resolveProfile(ctx.store().profiles.read(), { flag: opts.profile, env: ctx.env });
  const server = profile.settings.server;
  if (!server) throw new AuthError(`profile "${profile.name}" has no ZenML server`, { hint: 'Run `zenml-api login SERVER_URL`.' });
  const dir = configDir(ctx.env);
  const entry = opts.refresh ? undefined : cachedEntry(dir, server);
  const known = profile.settings.serverVersion;
  if (entry && known !== undefined && entry.version === known) {
    const index = read(dir, server, known);
    if (index) return { index, source: 'cache' };
  }

  const [{ makeClient }, { ZenmlApi }] = await Promise.all([import('../auth/connect.js'), import('../api/zenml.js')]);
  const client = makeClient(server, profile.settings, ctx.net(opts), undefined, ctx.warn);
  try {
    const info = await new ZenmlApi(client).info();
    if (entry && entry.version === info.version) {
      const index = read(dir, server, info.version);
      if (index) return { index, source: 'checked' };
    }
    const url = `${client.baseUrl}/openapi.json`;
    if (ctx.io.stderrIsTTY) ctx.io.err(`fetching ${url} …`);
    const kept = keptNote(dir, server);
    // Refused while it downloads once past the document limit, not after.
    const res = await client
      .request({ path: '/openapi.json', auth: false, allowErrorStatus: true, headers: { accept: 'application/json' }, maxBytes: MAX_DOCUMENT_BYTES })
      .catch((e: unknown) => {
        if (e instanceof NetworkError && kept) e.message += kept;
        throw e;
      });
    if (res.status >= 400) {
      throw new NetworkError(`the server has no API document at ${url} (HTTP ${res.status})${kept}`);
    }
    let doc;
    try {
      doc = parseDocument(res.body, url);
    } catch (e) {
      if (e instanceof NetworkError && kept) e.message += kept;
      throw e;
    }
    const index = buildIndex(doc, { server, serverVersion: info.version, fetchedAt: new Date(ctx.now()).toISOString() });
    if (profile.source !== 'environment') {
      // A cache that cannot be written (read-only folder, full disk) must not fail the command.
      await writeCachedIndex(dir, index).catch((e: unknown) => ctx.warn(`note: the API document was not cached: ${(e as Error).message}`));
    }
    return { index, source: 'fetched' };
  } finally {
    await client.close();
  }
}

function keptNote(dir: string, server: string): string {
  const e = cachedEntry(dir, server);
  return e ? `; the cached document (version ${e.version}) was kept` : '';
}
