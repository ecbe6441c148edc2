import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { type PageScheme, paginate } from '../src/paginate.js';
import { Redactor } from '../src/redact.js';

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
