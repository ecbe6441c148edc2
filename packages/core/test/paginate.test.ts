import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { type PageScheme, paginate } from '../src/paginate.js';
import { Redactor } from '../src/redact.js';
import { linkSignals } from '../src/signal.js';

const ctx = {
  provider: 'test',
  operation: 'list',
  error: (init: Omit<ConstructorParameters<typeof ApiError>[0], 'provider'>) =>
    new ApiError({ provider: 'test', ...init }, new Redactor()),
};

interface Page {
  items: number[];
  total: number;
  offset: number;
}

/** An offset/total server over `n` items whose page size is clamped to `clamp`. */
function offsetScheme(
  n: number,
  clamp: number,
  fetched: number[] = [],
  opts: { drop?: number } = {},
): PageScheme<number, Page, number> {
  const data = Array.from({ length: n }, (_, i) => i).filter((i) => i !== opts.drop);
  return {
    first: 0,
    async fetchPage(offset) {
      fetched.push(offset);
      await new Promise((r) => setTimeout(r, 1));
      return { items: data.slice(offset, offset + clamp), total: n, offset };
    },
    items: (p) => p.items,
    next: (p, offset, items) =>
      items.length === 0 || offset + items.length >= p.total ? undefined : offset + items.length,
    total: (p) => p.total,
    plan: (p, _o, items) => {
      const out: number[] = [];
      for (let o = items.length; o < p.total; o += items.length) out.push(o);
      return out;
    },
    key: (i) => String(i),
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('paginate', () => {
  for (const n of [0, 1, 99, 100, 101, 1000]) {
    it(`yields each of ${n} items once, sequentially and concurrently`, async () => {
      expect(await collect(paginate(ctx, offsetScheme(n, 100)))).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
      expect(await collect(paginate(ctx, offsetScheme(n, 100), { concurrency: 8 }))).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
    });
  }

  it('stops fetching when the consumer breaks early', async () => {
    const fetched: number[] = [];
    for await (const i of paginate(ctx, offsetScheme(1000, 10, fetched))) if (i === 15) break;
    expect(fetched).toEqual([0, 10]);
  });

  it('throws an incomplete ApiError when fewer items arrive than announced', async () => {
    const seen: number[] = [];
    const err = await (async () => {
      for await (const i of paginate(ctx, offsetScheme(50, 10, [], { drop: 3 }))) seen.push(i);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.kind).toBe('incomplete');
    expect(err.itemsRead).toBe(seen.length);
    expect(err.expectedItems).toBe(50);
  });

  it('drops duplicates that shift between pages', async () => {
    const scheme: PageScheme<number, Page, number> = {
      first: 0,
      fetchPage: async (o) => ({ items: o === 0 ? [1, 2, 3] : [3, 4], total: 4, offset: o }),
      items: (p) => p.items,
      next: (_p, o) => (o === 0 ? 3 : undefined),
      key: String,
    };
    expect(await collect(paginate(ctx, scheme))).toEqual([1, 2, 3, 4]);
  });

  it('annotates a failing page with how far the listing got', async () => {
    const scheme: PageScheme<number, Page, number> = {
      first: 0,
      fetchPage: async (o) => {
        if (o >= 20) throw ctx.error({ operation: 'list', kind: 'http', status: 500, message: 'boom' });
        return {
          items: [o, o + 1, o + 2, o + 3, o + 4, o + 5, o + 6, o + 7, o + 8, o + 9],
          total: 100,
          offset: o,
        };
      },
      items: (p) => p.items,
      next: (_p, o) => o + 10,
      total: (p) => p.total,
    };
    const err = await collect(paginate(ctx, scheme)).catch((e) => e);
    expect(err.itemsRead).toBe(20);
    expect(err.expectedItems).toBe(100);
  });

  it('respects maxItems as a complete listing', async () => {
    expect(await collect(paginate(ctx, offsetScheme(500, 100), { maxItems: 150 }))).toHaveLength(150);
  });
});

interface Rec {
  id: string | number | null;
}

/**
 * A server that ignores the cursor it is asked for: `serve(n)` is what it sends for the n-th
 * request (0-based), whatever the offset. `total` is what it announces (undefined: none, like
 * imi.chat, where a full page means "ask for the next one").
 */
function hostileScheme(
  serve: (request: number) => Rec[],
  opts: { total?: number; size?: number; plan?: boolean } = {},
  counters = { requests: 0, planned: 0 },
): PageScheme<number, { items: Rec[] }, Rec> {
  const size = opts.size ?? 10;
  return {
    first: 0,
    async fetchPage() {
      await new Promise((r) => setTimeout(r, 0));
      return { items: serve(counters.requests++) };
    },
    items: (p) => p.items,
    next: (_p, n, items) =>
      opts.total === undefined
        ? items.length < size
          ? undefined
          : n + 1
        : (n + 1) * size >= opts.total
          ? undefined
          : n + 1,
    ...(opts.total === undefined ? {} : { total: () => opts.total }),
    ...(opts.plan
      ? {
          *plan() {
            for (let n = 1; n * size < (opts.total ?? 0); n++) {
              counters.planned++;
              yield n;
            }
          },
        }
      : {}),
    key: (r) => r.id ?? undefined,
    pageSize: size,
  };
}

const recs = (from: number, n: number): Rec[] =>
  Array.from({ length: n }, (_, i) => ({ id: `u${from + i}` }));

/** Everything a listing yields before it ends, and how it ends. */
async function drain<T>(it: AsyncIterable<T>, limit = 100_000): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const x of it) {
      items.push(x);
      if (items.length > limit) throw new Error(`no end in sight: more than ${limit} items`);
    }
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const ids = (items: Rec[]) => items.map((r) => r.id);

describe('paginate against a server that does not page as documented', () => {
  for (const concurrency of [1, 4]) {
    it(`a server repeating page 1 (ignoring the offset) ends in a typed error, each id once (concurrency ${concurrency})`, async () => {
      const { items, error } = await drain(
        paginate(
          ctx,
          hostileScheme(() => recs(0, 10), { total: 1000, plan: true }),
          { concurrency },
        ),
      );
      expect(ids(items)).toEqual(ids(recs(0, 10)));
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ kind: 'invalid-response', itemsRead: 10, expectedItems: 1000 });
      expect((error as ApiError).message).toMatch(/not advancing/);
    });

    it(`four pages in rotation under a consistent total are not passed off as the listing (concurrency ${concurrency})`, async () => {
      const { items, error } = await drain(
        paginate(
          ctx,
          hostileScheme((n) => recs((n % 4) * 10, 10), { total: 80, plan: true }),
          {
            concurrency,
          },
        ),
      );
      expect(new Set(ids(items)).size).toBe(items.length);
      expect(items).toHaveLength(40);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).itemsRead).toBe(40);
    });
  }

  it('a server with no total repeating its page does not loop for ever', async () => {
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme(() => recs(0, 10)),
      ),
    );
    expect(items).toHaveLength(10);
    expect(error).toMatchObject({ kind: 'invalid-response', itemsRead: 10 });
  });

  it('an id from any earlier page is never yielded again, however far back', async () => {
    // Page n brings nine new ids and one from page 1: a window of recent pages forgets page 1.
    const serve = (n: number) => (n >= 20 ? [] : n === 0 ? recs(0, 10) : [...recs(n * 10, 9), { id: 'u3' }]);
    const { items, error } = await drain(paginate(ctx, hostileScheme(serve)));
    expect(error).toBeUndefined();
    expect(items).toHaveLength(10 + 19 * 9);
    expect(new Set(ids(items)).size).toBe(items.length);
  });

  it('an inflated total is planned lazily: cursors are drawn as pages are fetched', async () => {
    const counters = { requests: 0, planned: 0 };
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme(() => recs(0, 10), { total: 1e15, plan: true }, counters),
        {
          concurrency: 8,
        },
      ),
    );
    expect(items).toHaveLength(10);
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect(counters.planned).toBeLessThanOrEqual(9);
  });

  it('a total that is not a count is refused', async () => {
    for (const total of [Number.NaN, -1, 1e300, 2.5]) {
      const { error } = await drain(
        paginate(
          ctx,
          hostileScheme(() => recs(0, 10), { total }),
        ),
      );
      expect(error, String(total)).toMatchObject({ kind: 'invalid-response' });
    }
  });

  it('an empty planned page ends the listing as incomplete, without fetching the rest of the plan', async () => {
    const counters = { requests: 0, planned: 0 };
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme((n) => (n === 0 ? recs(0, 10) : []), { total: 1e9, plan: true }, counters),
        {
          concurrency: 4,
        },
      ),
    );
    expect(items).toHaveLength(10);
    expect(error).toMatchObject({ kind: 'incomplete', itemsRead: 10, expectedItems: 1e9 });
    expect(counters.requests).toBeLessThanOrEqual(6);
  });
});

describe('paginate refuses records that are not what a listing promises', () => {
  it('a null item is an invalid-response, not a TypeError', async () => {
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme((n) => (n === 0 ? [{ id: 'a' }, null as unknown as Rec, { id: 'b' }] : [])),
      ),
    );
    expect(ids(items)).toEqual(['a']);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'invalid-response', itemsRead: 1 });
    expect((error as ApiError).message).toMatch(/null item/);
  });

  it('a page larger than the page size asked for is an invalid-response', async () => {
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme(() => recs(0, 10_000), { size: 100 }),
      ),
    );
    expect(items).toHaveLength(0);
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect((error as ApiError).message).toMatch(/10000 items where at most 100/);
  });

  it('an integer id beyond 2^53 is refused (its value was rounded away)', async () => {
    const big = [{ id: 2 ** 53 + 2 }, { id: 2 ** 53 + 4 }];
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme((n) => (n === 0 ? big : [])),
      ),
    );
    expect(items).toHaveLength(0);
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect((error as ApiError).message).toMatch(/beyond 2\^53/);
  });

  it('ids that only differ in undecodable bytes are reported as a collision, not merged', async () => {
    const page = [{ id: 'user-\uFFFD' }, { id: 'user-\uFFFD' }];
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme((n) => (n === 0 ? page : [])),
      ),
    );
    expect(items).toHaveLength(1);
    expect(error).toMatchObject({ kind: 'invalid-response', itemsRead: 1 });
    expect((error as ApiError).message).toMatch(/cannot be told apart/);
  });

  it('the same id as a number and as its decimal string is one id', async () => {
    const page = [{ id: 42 }, { id: '42' }, { id: '042' }];
    const { items, error } = await drain(
      paginate(
        ctx,
        hostileScheme((n) => (n === 0 ? page : [])),
      ),
    );
    expect(error).toBeUndefined();
    expect(ids(items)).toEqual([42, '042']);
  });
});

describe('paginate honours the caller between items', () => {
  it('an abort after the first item of a single-response listing ends it with an aborted ApiError', async () => {
    const controller = new AbortController();
    const scheme: PageScheme<0, { items: Rec[] }, Rec> = {
      first: 0,
      fetchPage: async () => ({ items: recs(0, 50) }),
      items: (p) => p.items,
      next: () => undefined,
      key: (r) => r.id ?? undefined,
    };
    const seen: Rec[] = [];
    const err = await (async () => {
      for await (const r of paginate(ctx, scheme, { signal: controller.signal })) {
        seen.push(r);
        controller.abort();
      }
    })().catch((e) => e);
    expect(seen).toHaveLength(1);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'aborted', itemsRead: 1 });
  });

  it('concurrency and maxItems are checked before any request', async () => {
    for (const options of [{ concurrency: Number.NaN }, { concurrency: 0 }, { maxItems: -1 }]) {
      const counters = { requests: 0, planned: 0 };
      const { error } = await drain(
        paginate(
          ctx,
          hostileScheme(() => recs(0, 10), {}, counters),
          options,
        ),
      );
      expect(error, JSON.stringify(options)).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('InputError');
      expect(counters.requests).toBe(0);
    }
  });
});

describe('a listing is an async iterator that behaves like a generator', () => {
  it('does nothing until the first next(), and checks its options then', async () => {
    const fetched: number[] = [];
    const listing = paginate(ctx, offsetScheme(30, 10, fetched), { concurrency: 0 });
    expect(fetched).toEqual([]);
    await expect(listing.next()).rejects.toMatchObject({ name: 'InputError' });
    expect(fetched).toEqual([]);
    expect(await listing.next()).toEqual({ done: true, value: undefined });
  });

  it('next() calls made at once are served in order, as a generator queues them', async () => {
    const listing = paginate(ctx, offsetScheme(25, 10));
    const results = await Promise.all(Array.from({ length: 27 }, () => listing.next()));
    expect(results.slice(0, 25).map((r) => r.value)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(results.slice(25)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
  });

  it('return() ends it (waiting for a page on its way), and cancels pages fetched ahead', async () => {
    const signals: AbortSignal[] = [];
    const base = offsetScheme(1000, 10);
    const scheme: PageScheme<number, Page, number> = {
      ...base,
      fetchPage: (offset, signal) => {
        signals.push(signal);
        return base.fetchPage(offset, signal);
      },
    };
    const listing = paginate(ctx, scheme, { concurrency: 4 });
    const first = listing.next();
    const ended = listing.return();
    expect((await first).value).toBe(0);
    expect(await ended).toEqual({ done: true, value: undefined });
    expect(signals.length).toBeGreaterThan(1); // the first page and those fetched ahead
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(await listing.next()).toEqual({ done: true, value: undefined });
  });

  it('after an error it is over: next() says done', async () => {
    const listing = paginate(ctx, offsetScheme(50, 10, [], { drop: 3 }));
    const err = await (async () => {
      for (;;) if ((await listing.next()).done) return undefined;
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'incomplete' });
    expect(await listing.next()).toEqual({ done: true, value: undefined });
  });

  it('throw() ends it with that error, annotated with how far it got', async () => {
    const listing = paginate(ctx, offsetScheme(50, 10));
    await listing.next();
    await listing.next();
    const error = ctx.error({ operation: 'list', kind: 'network', message: 'consumer gave up' });
    await expect(listing.throw(error)).rejects.toBe(error);
    expect(error).toMatchObject({ itemsRead: 2, expectedItems: 50 });
    expect(await listing.next()).toEqual({ done: true, value: undefined });
    const fresh = paginate(ctx, offsetScheme(50, 10));
    await expect(fresh.throw(new Error('before the start'))).rejects.toThrow('before the start');
    expect(await fresh.next()).toEqual({ done: true, value: undefined });
  });

  it("puts one listener on the caller's signal however many pages pass", async () => {
    const caller = new AbortController();
    const { getEventListeners } = await import('node:events');
    let most = 0;
    const base = offsetScheme(500, 10);
    const scheme: PageScheme<number, Page, number> = {
      ...base,
      fetchPage: async (offset, signal) => {
        // What a rosterkit call does with the listing's signal: a child for the call's budget.
        const budget = linkSignals([signal]);
        try {
          return await base.fetchPage(offset, budget.signal);
        } finally {
          budget.dispose();
          most = Math.max(most, getEventListeners(caller.signal, 'abort').length);
        }
      },
    };
    expect(await collect(paginate(ctx, scheme, { signal: caller.signal, concurrency: 8 }))).toHaveLength(500);
    expect(most).toBe(1); // the one fan-out listener signal.ts puts on a parent
  });
});
