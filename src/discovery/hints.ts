/**
 * `call`'s hints from the cached API document: query parameters the operation does not take
 * (a warning, before the request), and the nearest documented paths for a method and path the
 * document does not have (after the response: "did you mean …?"; on a 404 or 405 without a near
 * path, a pointer to `zenml-api endpoints`).
 *
 * Reads the cache only (never the network), and never throws: a hint must not fail a call.
 */
import { configDir } from '../auth/paths.js';
import type { Ctx } from '../commands/context.js';
import { readCachedIndex } from './cache.js';
import { absolutePath, findOperation, formatSuggestions, nearestName, suggestPaths } from './match.js';

export interface CallHints {
  /** Called with the response status; prints "did you mean …?" when it helps. */
  after(status: number): void;
}

const NONE: CallHints = { after: () => undefined };

/**
 * @param server the profile's server (the client's base URL)
 * @param url    the request URL as resolved by the client
 * @param query  the query parameters the call sends (`-q`, and `-f` on a GET)
 */
export function callHints(ctx: Ctx, server: string, method: string, url: URL, query: ReadonlyArray<readonly [string, string]>): CallHints {
  try {
    const index = readCachedIndex(configDir(ctx.env), server);
    if (!index) return NONE;
    const path = absolutePath(url.href, server);
    const op = findOperation(index, method, path);
    if (op) {
      const takes = new Set(op.query);
      const unknown = [...new Set(query.map(([k]) => k))].filter((k) => !takes.has(k));
      for (const name of unknown) {
        const near = nearestName(name, takes);
        ctx.warn(`warning: ${op.method} ${op.path} takes no query parameter "${name}"${near ? ` (did you mean ${near}?)` : ''}; sending it anyway`);
      }
      return NONE;
    }
    return {
      after(status: number) {
        try {
          const near = suggestPaths(index, method, path);
          const what = `${method.toUpperCase()} ${path} is not in the server's API document`;
          if (near.length) ctx.warn(`hint: ${what}; did you mean ${formatSuggestions(near)}?`);
          else if (status === 404 || status === 405) ctx.warn(`hint: ${what}; see \`zenml-api endpoints\``);
        } catch {
          /* a hint never fails the call */
        }
      },
    };
  } catch {
    return NONE;
  }
}
