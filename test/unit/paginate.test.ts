import { describe, expect, it } from 'vitest';
import { isPage, MAX_PAGES, PageError, pageProblem, paginate, type PageLike } from '../../src/api/paginate.js';
import { ApiError, UsageError } from '../../src/errors.js';
import { BufferPool } from '../../src/api/buffer-pool.js';

const page = (index: number, total_pages: number, items: unknown[]): PageLike => ({ index, total_pages, total: 0, items });
const items = (n: number) => [`p${n}-a`, `p${n}-b`];
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake fetchPage that counts pages in flight; `wait(n)` decides how long page n takes. */
function fakeFetcher(total: number, wait: (n: number) => number, fail?: { page: number; error: unknown }) {
  const stats = { inflight: 0, maxInflight: 0, started: [] as number[] };
  const fetchPage = async (n: number): Promise<PageLike> => {
    stats.started.push(n);
    stats.inflight += 1;
    stats.maxInflight = Math.max(stats.maxInflight, stats.inflight);
    try {
      await delay(wait(n));
      if (fail && fail.page === n) throw fail.error;
      return page(n, total, items(n));
    } finally {
      stats.inflight -= 1;
    }
  };
  return { fetchPage, stats };
}

describe('isPage', () => {
  it('recognises a ZenML Page', () => {
    expect(isPage({ index: 1, max_size: 20, total_pages: 1, total: 0, items: [] })).toBe(true);
    expect(isPage({ index: 1, total_pages: 1, items: [] })).toBe(true);
  });
  it('refuses everything else', () => {
    expect(isPage(null)).toBe(false);
    expect(isPage([])).toBe(false);
    expect(isPage('page')).toBe(false);
    expect(isPage({ index: 1, total_pages: 1 })).toBe(false);
    expect(isPage({ index: '1', total_pages: 1, items: [] })).toBe(false);
    expect(isPage({ index: 1, total_pages: '1', items: [] })).toBe(false);
    expect(isPage({ index: 1, total_pages: 1, items: {} })).toBe(false);
  });
});

describe('paginate', () => {
  it('delivers items in page order even when later pages complete first', async () => {
    const total = 6;
    // Later pages are faster: 6 finishes first, 2 last.
    const { fetchPage, stats } = fakeFetcher(total, (n) => (total + 1 - n) * 8);
    const delivered: Array<[number, unknown[]]> = [];
    const progress: Array<[number, number]> = [];
    await paginate({
      first: page(1, total, items(1)),
      fetchPage,
      concurrency: 4,
      onItems: (its, n) => {
        delivered.push([n, its]);
      },
      onProgress: (done, t) => progress.push([done, t]),
    });
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, items(n)]));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 6]));
    expect(stats.started.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6]);
  });

  it('never has more than `concurrency` pages in flight', async () => {
    for (const concurrency of [1, 2, 3]) {
      const total = 10;
      const { fetchPage, stats } = fakeFetcher(total, (n) => ((n * 7) % 5) + 1);
      const seen: number[] = [];
      await paginate({ first: page(1, total, items(1)), fetchPage, concurrency, onItems: (_i, n) => void seen.push(n) });
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(stats.maxInflight).toBeLessThanOrEqual(concurrency);
      expect(stats.maxInflight).toBe(concurrency);
      expect(stats.started).toHaveLength(9);
    }
  });

  it('a slow consumer does not let fetches run ahead beyond the limit', async () => {
    const total = 8;
    const { fetchPage, stats } = fakeFetcher(total, () => 0);
    let pendingOrDone = 0;
    const startedWhileConsuming: number[] = [];
    await paginate({
      first: page(1, total, items(1)),
      fetchPage,
      concurrency: 2,
      onItems: async (_its, n) => {
        await delay(5);
        pendingOrDone = stats.started.length;
        // started pages minus delivered pages (n) = pages in flight or waiting to be delivered
        startedWhileConsuming.push(pendingOrDone - (n - 1));
      },
    });
    for (const ahead of startedWhileConsuming) expect(ahead).toBeLessThanOrEqual(2);
  });

  it('one page: fetches nothing more', async () => {
    const { fetchPage, stats } = fakeFetcher(1, () => 0);
    const delivered: unknown[][] = [];
    const progress: Array<[number, number]> = [];
    await paginate({
      first: page(1, 1, ['only']),
      fetchPage,
      concurrency: 4,
      onItems: (its) => void delivered.push(its),
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(delivered).toEqual([['only']]);
    expect(progress).toEqual([[1, 1]]);
    expect(stats.started).toEqual([]);
  });

  it('zero items (total_pages 1, or 0 from an odd server): one empty delivery, nothing fetched', async () => {
    for (const totalPages of [1, 0]) {
      const { fetchPage, stats } = fakeFetcher(1, () => 0);
      const delivered: unknown[][] = [];
      await paginate({ first: page(1, totalPages, []), fetchPage, concurrency: 3, onItems: (its) => void delivered.push(its) });
      expect(delivered).toEqual([[]]);
      expect(stats.started).toEqual([]);
    }
  });

  it('a failing page becomes a PageError naming the page and keeping the exit code', async () => {
    const cause = new ApiError('HTTP 401: Not authenticated', 401, null, '{"detail":"Not authenticated"}');
    const { fetchPage } = fakeFetcher(5, () => 1, { page: 3, error: cause });
    const delivered: number[] = [];
    const err = await paginate({
      first: page(1, 5, items(1)),
      fetchPage,
      concurrency: 2,
      onItems: (_i, n) => void delivered.push(n),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PageError);
    expect((err as PageError).message).toBe('page 3 of 5 failed: HTTP 401: Not authenticated');
    expect((err as PageError).exitCode).toBe(4);
    expect((err as PageError).cause).toBe(cause);
    expect(delivered).toEqual([1, 2]);
  });

  it('keeps a usage exit code, and uses 1 for a plain error or a non-error', async () => {
    const usage = (await paginate({
      first: page(1, 2, items(1)),
      fetchPage: async () => {
        throw new UsageError('bad');
      },
      concurrency: 1,
      onItems: () => undefined,
    }).catch((e: unknown) => e)) as PageError;
    expect(usage.exitCode).toBe(2);
    expect(usage.message).toBe('page 2 of 2 failed: bad');

    const plain = (await paginate({
      first: page(1, 2, items(1)),
      fetchPage: async () => {
        throw new Error('boom');
      },
      concurrency: 1,
      onItems: () => undefined,
    }).catch((e: unknown) => e)) as PageError;
    expect(plain.exitCode).toBe(1);
    expect(plain.message).toBe('page 2 of 2 failed: boom');

    const str = new PageError(7, 9, 'odd');
    expect(str.message).toBe('page 7 of 9 failed: odd');
    expect(str.exitCode).toBe(1);
    expect(str.name).toBe('PageError');
  });

  it('never delivers items of pages after the failed one, even when they arrived first', async () => {
    const total = 6;
    // Page 2 fails late; pages 3..6 finish quickly.
    const { fetchPage } = fakeFetcher(total, (n) => (n === 2 ? 30 : 1), { page: 2, error: new Error('reset') });
    const delivered: number[] = [];
    const err = await paginate({
      first: page(1, total, items(1)),
      fetchPage,
      concurrency: 5,
      onItems: (_i, n) => void delivered.push(n),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PageError);
    expect((err as Error).message).toBe('page 2 of 6 failed: reset');
    await delay(40);
    expect(delivered).toEqual([1]);
  });

  it('a page that fails before earlier pages finish is reported after they are delivered', async () => {
    const { fetchPage } = fakeFetcher(5, (n) => (n === 4 ? 0 : 15), { page: 4, error: new Error('late') });
    const delivered: number[] = [];
    const err = await paginate({
      first: page(1, 5, items(1)),
      fetchPage,
      concurrency: 4,
      onItems: (_i, n) => void delivered.push(n),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('page 4 of 5 failed: late');
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('an answer that is not a Page is a PageError', async () => {
    const err = await paginate({
      first: page(1, 3, items(1)),
      fetchPage: async () => ({ items: 'nope' }) as unknown as PageLike,
      concurrency: 2,
      onItems: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PageError);
    expect((err as Error).message).toBe('page 2 of 3 failed: the answer is not a ZenML Page');
  });

  it('an error thrown by onItems propagates as it is', async () => {
    const { fetchPage } = fakeFetcher(3, () => 0);
    const boom = new Error('stdout closed');
    await expect(
      paginate({
        first: page(1, 3, items(1)),
        fetchPage,
        concurrency: 2,
        onItems: (_i, n) => {
          if (n === 2) throw boom;
        },
      }),
    ).rejects.toBe(boom);
  });
});

describe('release', () => {
  it('hands back what each later page fetched, once, after its items were delivered, in order', async () => {
    const { fetchPage } = fakeFetcher(5, (n) => (6 - n) * 3);
    const log: string[] = [];
    await paginate({
      first: page(1, 5, items(1)),
      concurrency: 3,
      fetchPage,
      onItems: async (its, n) => {
        await delay(2);
        log.push(`items ${n} ${its.length}`);
      },
      release: (fetched) => log.push(`release ${fetched.index}`),
    });
    expect(log).toEqual(['items 1 2', 'items 2 2', 'release 2', 'items 3 2', 'release 3', 'items 4 2', 'release 4', 'items 5 2', 'release 5']);
  });
});

describe('BufferPool', () => {
  it('gives the same memory back for the next body of about the same size', () => {
    const pool = new BufferPool(2);
    const a = pool.take(215_070);
    expect(a.length).toBe(215_070);
    pool.give(a);
    const b = pool.take(217_072);
    expect(b.length).toBe(217_072);
    expect(b.buffer).toBe(a.buffer);
  });

  it('keeps at most `keep` buffers, takes the smallest that fits, and ignores buffers it did not make', () => {
    const pool = new BufferPool(2);
    const [x, y, z] = [pool.take(10), pool.take(200_000), pool.take(10)];
    pool.give(y);
    pool.give(x);
    pool.give(z); // over the limit: dropped
    pool.give(Buffer.alloc(10)); // not the pool's
    pool.give(x); // already back
    expect(pool.take(5).buffer).toBe(x.buffer);
    expect(pool.take(5).buffer).toBe(y.buffer);
    const fresh = pool.take(5);
    expect([x.buffer, y.buffer, z.buffer]).not.toContain(fresh.buffer);
  });
});

describe('page numbers from a server are checked', () => {
  const p = (o: Partial<PageLike>): PageLike => ({ index: 1, total_pages: 1, items: ['a'], ...o });
  it('pageProblem names what is wrong', () => {
    expect(pageProblem(p({}), 1, 1)).toBeNull();
    expect(pageProblem(p({ items: [] }), 1, 1)).toBeNull(); // an empty list is one empty page
    expect(pageProblem(p({ total_pages: Infinity }), 1, Infinity)).toBe('its total_pages is Infinity');
    expect(pageProblem(p({ total_pages: 2.5 }), 1, 2.5)).toBe('its total_pages is 2.5');
    expect(pageProblem(p({ index: 0 }), 1, 1)).toBe('its index is 0');
    expect(pageProblem(p({ index: '1' as unknown as number }), 1, 1)).toBe('its index is "1"');
    expect(pageProblem(p({ max_size: -1 }), 1, 1)).toBe('its max_size is -1');
    expect(pageProblem(p({ index: 1 }), 2, 3)).toBe('the server answered page 1 when asked for page 2');
    expect(pageProblem(p({ max_size: 1, items: ['a', 'b'] }), 1, 1)).toBe('it carries 2 items, more than its max_size of 1');
    expect(pageProblem(p({ index: 2, total_pages: 3, items: [] }), 2, 3)).toBe('it carries no items, yet the list has 3 pages');
  });

  it('a later page that repeats an earlier index stops the walk', async () => {
    const err = await paginate({
      first: page(1, 5, items(1)),
      fetchPage: async () => page(1, 5, items(1)),
      concurrency: 2,
      onItems: () => undefined,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('page 2 of the list cannot be right: the server answered page 1 when asked for page 2; stopped there');
    expect((err as { exitCode: number }).exitCode).toBe(1);
  });

  it('more pages than the limit: refused before any is fetched', async () => {
    let fetched = 0;
    const err = await paginate({
      first: page(1, MAX_PAGES + 1, items(1)),
      fetchPage: async (n) => {
        fetched += 1;
        return page(n, MAX_PAGES + 1, items(n));
      },
      concurrency: 2,
      onItems: () => undefined,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`the list has ${MAX_PAGES + 1} pages, more than the ${MAX_PAGES} zenml-api follows`);
    expect(fetched).toBe(0);
  });
});
