/**
 * Fetches the pages of a ZenML `Page` list concurrently while handing their items over in order.
 * At most `concurrency` pages are in flight or waiting, so memory does not grow with the list.
 */
import { CliError, InterruptedError } from '../errors.js';

export interface PageLike {
  index: number;
  total_pages: number;
  total?: number;
  items: unknown[];
}

export function isPage(v: unknown): v is PageLike {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o.items) && typeof o.total_pages === 'number' && typeof o.index === 'number';
}

/** A page that failed after retries; keeps the cause's exit code and says which page. */
export class PageError extends CliError {
  readonly exitCode;
  constructor(page: number, total: number, cause: unknown) {
    const inner = cause instanceof Error ? cause.message : String(cause);
    super(`page ${page} of ${total} failed: ${inner}`, { cause });
    this.exitCode = cause instanceof CliError ? cause.exitCode : 1;
  }
}

/**
 * Pages in flight at once unless told otherwise: six, the number of connections per host that
 * browsers keep for HTTP/1.1, a load servers are built to take from one client (a ZenML server
 * runs list endpoints on a thread pool of 40 with a database pool of 20). Measured on 40 pages
 * of 25 ms: 4 at a time took the whole command to 0.40x of one after another, 6 at a time to
 * the figure in bench/details/RESULTS.md.
 */
export const DEFAULT_CONCURRENCY = 6;

export interface PaginateOptions<R = PageLike> {
  first: PageLike;
  /** Starts fetching a page. */
  fetchPage: (page: number) => Promise<R>;
  /**
   * Turns what fetchPage gave into the page, when its turn comes (in order). Pages that arrive
   * early wait as what fetchPage returned, e.g. a response's bytes rather than thousands of
   * parsed objects, which then live only as long as it takes to print them. Default: as is.
   */
  open?: (fetched: R) => unknown;
  concurrency: number;
  onItems: (items: unknown[], page: number) => Promise<void> | void;
  onProgress?: (pagesDone: number, totalPages: number) => void;
}

export async function paginate<R = PageLike>(o: PaginateOptions<R>): Promise<void> {
  const total = Math.max(1, o.first.total_pages);
  await o.onItems(o.first.items, o.first.index);
  o.onProgress?.(1, total);
  const inflight = new Map<number, Promise<R>>();
  let nextToStart = o.first.index + 1;
  const startMore = () => {
    while (nextToStart <= total && inflight.size < o.concurrency) {
      const n = nextToStart++;
      const p = o.fetchPage(n);
      p.catch(() => undefined); // observed below, in order
      inflight.set(n, p);
    }
  };
  for (let n = o.first.index + 1; n <= total; n++) {
    startMore();
    let page: unknown;
    try {
      const fetched = await inflight.get(n)!;
      inflight.delete(n);
      page = o.open ? o.open(fetched) : fetched;
    } catch (e) {
      if (e instanceof InterruptedError) throw e;
      throw new PageError(n, total, e);
    }
    if (!isPage(page)) throw new PageError(n, total, new Error('the answer is not a ZenML Page'));
    await o.onItems(page.items, n);
    o.onProgress?.(n, total);
  }
}
