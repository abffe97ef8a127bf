/**
 * Fetches the pages of a ZenML `Page` list concurrently while handing their items over in order.
 * At most `concurrency` pages are in flight or waiting, so memory does not grow with the list.
 */
import { CliError, InterruptedError, NetworkError } from '../errors.js';

export interface PageLike {
  index: number;
  total_pages: number;
  total?: number;
  max_size?: number;
  items: unknown[];
}

/**
 * The most pages one list is followed for. A server that says `total_pages: 1e309` (or keeps
 * answering) must not keep the tool fetching forever; at ZenML's largest page size (10000) this
 * is a billion items, at its default (20) two million. Documented in the README.
 */
export const MAX_PAGES = 100_000;

const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v)).slice(0, 40);

/**
 * Why a page's numbers cannot be right, or null: index, total_pages and max_size must be whole
 * numbers in range, the page must be the one asked for, carry no more items than its max_size,
 * and carry items at all when the list has more than one page (ZenML answers a page past the end
 * with an error, never with an empty page).
 */
export function pageProblem(p: PageLike, asked: number, totalPages: number): string | null {
  if (!Number.isSafeInteger(p.index) || p.index < 1) return `its index is ${show(p.index)}`;
  if (!Number.isSafeInteger(p.total_pages) || p.total_pages < 0) return `its total_pages is ${show(p.total_pages)}`;
  if (p.max_size !== undefined && (!Number.isSafeInteger(p.max_size) || p.max_size < 1)) return `its max_size is ${show(p.max_size)}`;
  if (p.index !== asked) return `the server answered page ${p.index} when asked for page ${asked}`;
  if (p.max_size !== undefined && p.items.length > p.max_size) return `it carries ${p.items.length} items, more than its max_size of ${p.max_size}`;
  if (p.items.length === 0 && totalPages > 1) return `it carries no items, yet the list has ${totalPages} pages`;
  return null;
}

function untrusted(n: number, problem: string): NetworkError {
  return new NetworkError(`page ${n} of the list cannot be right: ${problem}; stopped there`);
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
  /** The page number the first page was asked for (default 1). */
  firstAsked?: number;
  /** Starts fetching a page. */
  fetchPage: (page: number) => Promise<R>;
  /**
   * Turns what fetchPage gave into the page, when its turn comes (in order). Pages that arrive
   * early wait as what fetchPage returned, e.g. a response's bytes rather than thousands of
   * parsed objects, which then live only as long as it takes to print them. Default: as is.
   */
  open?: (fetched: R) => unknown;
  concurrency: number;
  /** Called once a page's items have been handed over (and printed): what it fetched is no longer used. */
  release?: (fetched: R) => void;
  onItems: (items: unknown[], page: number) => Promise<void> | void;
  onProgress?: (pagesDone: number, totalPages: number) => void;
}

export async function paginate<R = PageLike>(o: PaginateOptions<R>): Promise<void> {
  const asked = o.firstAsked ?? 1;
  const firstProblem = pageProblem(o.first, asked, o.first.total_pages);
  if (firstProblem) throw untrusted(asked, firstProblem);
  const total = Math.max(1, o.first.total_pages);
  if (total > MAX_PAGES) {
    throw new NetworkError(`the list has ${total} pages, more than the ${MAX_PAGES} zenml-api follows`, {
      hint: 'Ask for larger pages (`-q size=1000`) or narrow the list with filters.',
    });
  }
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
    let fetched: R;
    try {
      fetched = await inflight.get(n)!;
      inflight.delete(n);
      page = o.open ? o.open(fetched) : fetched;
    } catch (e) {
      if (e instanceof InterruptedError) throw e;
      throw new PageError(n, total, e);
    }
    if (!isPage(page)) throw new PageError(n, total, new Error('the answer is not a ZenML Page'));
    const problem = pageProblem(page, n, total);
    if (problem) throw untrusted(n, problem);
    await o.onItems(page.items, n);
    o.release?.(fetched);
    o.onProgress?.(n, total);
  }
}
