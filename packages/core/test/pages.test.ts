import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  createApiClient,
  cursorPages,
  invalidResponse,
  offsetPages,
  type ProviderDefinition,
  pageNumberPages,
  singlePage,
} from '../src/index.js';
import { scriptedServer, sendJson } from './server.js';

type Json = { content: { 'application/json': unknown } };
type Get = { parameters: { query?: Record<string, string | number> }; responses: { 200: Json } };
interface Paths {
  '/cursor': { get: Get };
  '/offset': { get: Get };
  '/pages': { get: Get };
  '/all': { get: Get };
  '/broken': { get: Get };
  '/bare': { get: Get };
}
const definition: ProviderDefinition = {
  id: 'paged',
  operations: {
    'GET /cursor': 'listByCursor',
    'GET /offset': 'listByOffset',
    'GET /pages': 'listByPage',
    'GET /all': 'listAll',
    'GET /broken': 'listBroken',
    'GET /bare': 'listBare',
  },
  decodeError: () => ({}),
};
const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: `u${i}` }));
type Item = (typeof ITEMS)[number];
type Page = { items?: Item[]; next?: string | null; total?: number };

let server: Awaited<ReturnType<typeof scriptedServer>>;
beforeAll(async () => {
  server = await scriptedServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = (k: string) => Number(url.searchParams.get(k) ?? 0);
    if (url.pathname === '/cursor') {
      const at = q('cursor');
      return sendJson(res, 200, { items: ITEMS.slice(at, at + 3), next: at + 3 < 7 ? String(at + 3) : null });
    }
    if (url.pathname === '/offset')
      return sendJson(res, 200, { items: ITEMS.slice(q('offset'), q('offset') + 3), total: 7 });
    if (url.pathname === '/pages') {
      const page = q('page') - Number(url.searchParams.get('base') ?? 1);
      const body: Page = { items: ITEMS.slice(page * 3, page * 3 + 3) };
      if (url.searchParams.has('total')) body.total = 7;
      return sendJson(res, 200, body);
    }
    if (url.pathname === '/all') return sendJson(res, 200, { items: ITEMS, total: 7 });
    // Pages of three with no total (offset or 1-based page), or the whole list in one page.
    if (url.pathname === '/bare') {
      if (url.searchParams.has('all')) return sendJson(res, 200, { items: ITEMS });
      const at = url.searchParams.has('page') ? (q('page') - 1) * 3 : q('offset');
      return sendJson(res, 200, { items: ITEMS.slice(at, at + 3) });
    }
    return sendJson(res, 200, { rows: [] });
  });
});
afterAll(() => server.close());

const client = () => createApiClient<Paths>(definition, server.url, { apply() {}, secrets: () => [] });
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const get = async (path: keyof Paths, query: Record<string, string | number>, signal: AbortSignal) =>
  (await client().GET(path, { params: { query }, signal })).data as Page;

describe('paging styles as PageScheme builders, run by client.pages', () => {
  it('cursor: follows next until null, each item once', async () => {
    const style = cursorPages<Page, Item>({
      fetch: (cursor, signal) => get('/cursor', cursor ? { cursor } : {}, signal),
      items: (p) => p.items,
      nextCursor: (p) => p.next,
      key: (u) => u.id,
    });
    expect(await all(client().pages('GET /cursor', style))).toEqual(ITEMS);
  });

  it('offset + total: advances by what each page held, stops at the total', async () => {
    const style = offsetPages<Page, Item>({
      fetch: (offset, signal) => get('/offset', { offset }, signal),
      items: (p) => p.items,
      total: (p) => p.total,
    });
    expect(await all(client().pages('GET /offset', style))).toEqual(ITEMS);
  });

  it('page numbers: 1-based with a total (planned, concurrent), 0-based ending on a short page', async () => {
    const withTotal = pageNumberPages<Page, Item>({
      first: 1,
      pageSize: 3,
      fetch: (page, signal) => get('/pages', { page, total: 1 }, signal),
      items: (p) => p.items,
      total: (p) => p.total,
    });
    expect(await all(client().pages('GET /pages', withTotal, { concurrency: 2 }))).toEqual(ITEMS);
    const zeroBased = pageNumberPages<Page, Item>({
      first: 0,
      pageSize: 3,
      fetch: (page, signal) => get('/pages', { page, base: 0 }, signal),
      items: (p) => p.items,
    });
    expect(await all(client().pages('GET /pages', zeroBased))).toEqual(ITEMS);
  });

  it('single response, checked against its total', async () => {
    const style = singlePage<Page, Item>({
      fetch: (signal) => get('/all', {}, signal),
      items: (p) => p.items,
      total: (p) => p.total,
    });
    expect(await all(client().pages('GET /all', style))).toEqual(ITEMS);
  });

  it("errors name the provider and the operation from the client's operation table", async () => {
    const style = singlePage<Page, Item>({
      fetch: (signal) => get('/broken', {}, signal),
      items: (p) => p.items,
      noun: 'users',
    });
    const error = await all(client().pages('GET /broken', style)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      provider: 'paged',
      operation: 'listBroken',
      kind: 'invalid-response',
      message: 'paged listBroken: response has no users array',
    });
  });

  it('a route that is not an operation of the spec is refused at once', () => {
    const style = singlePage<Page, Item>({
      fetch: (signal) => get('/all', {}, signal),
      items: (p) => p.items,
    });
    expect(() => client().pages('GET /nowhere' as 'GET /all', style)).toThrow(
      'paged: GET /nowhere is not an operation of its spec',
    );
  });
});

describe('page-number plans are lazy', () => {
  it('an announced total of 10^15 plans nothing up front', () => {
    const style = pageNumberPages<Page, Item>({
      first: 1,
      pageSize: 3,
      fetch: async () => ({ items: [] }),
      items: (p) => p.items,
      total: (p) => p.total,
    });
    const scheme = style({
      provider: 'paged',
      operation: 'listByPage',
      error: () => new Error('x') as ApiError,
    });
    const plan = scheme.plan?.({ items: ITEMS.slice(0, 3), total: 1e15 }, 1, ITEMS.slice(0, 3));
    const it = plan?.[Symbol.iterator]();
    expect([it?.next().value, it?.next().value]).toEqual([2, 3]);
    expect(scheme.pageSize).toBe(3);
  });
});

describe('paging styles that stop at a total require it on every page', () => {
  it('offset: a page without its total is an invalid-response, not the end of the listing', async () => {
    const style = offsetPages<Page, Item>({
      fetch: (offset, signal) => get('/bare', { offset }, signal),
      items: (p) => p.items,
      total: (p) => p.total,
      noun: 'users',
    });
    const seen: Item[] = [];
    const error = await (async () => {
      for await (const u of client().pages('GET /bare', style)) seen.push(u);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      operation: 'listBare',
      kind: 'invalid-response',
      message: 'paged listBare: response has no users array or total',
    });
  });

  it('page numbers with a total: a page without it is an invalid-response naming the field', async () => {
    const style = pageNumberPages<Page, Item>({
      first: 1,
      pageSize: 3,
      fetch: (page, signal) => get('/bare', { page }, signal),
      items: (p) => p.items,
      total: (p) => p.total,
      totalName: 'totalElements',
    });
    const error = await all(client().pages('GET /bare', style)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'invalid-response',
      message: 'paged listBare: response has no items array or totalElements',
    });
  });

  it('offset: later offsets are planned from the first page (concurrency), lazily', async () => {
    const style = offsetPages<Page, Item>({
      fetch: (offset, signal) => get('/offset', { offset }, signal),
      items: (p) => p.items,
      total: (p) => p.total,
      pageSize: 3,
    });
    expect(await all(client().pages('GET /offset', style, { concurrency: 3 }))).toEqual(ITEMS);
    const scheme = style({
      provider: 'paged',
      operation: 'listByOffset',
      error: () => new Error('x') as ApiError,
    });
    const plan = scheme.plan?.({ items: ITEMS.slice(0, 2), total: 1e15 }, 0, ITEMS.slice(0, 2));
    const it = plan?.[Symbol.iterator]();
    expect([it?.next().value, it?.next().value]).toEqual([2, 4]);
    expect(scheme.pageSize).toBe(3);
  });
});

describe('page sizes fixed by the API', () => {
  const style = (asked?: boolean) =>
    pageNumberPages<Page, Item>({
      first: 1,
      pageSize: 2,
      ...(asked === undefined ? {} : { pageSizeAsked: asked }),
      fetch: (_page, signal) => get('/bare', { all: 1 }, signal),
      items: (p) => p.items,
      key: (u) => u.id,
    });

  it('a page larger than the size asked for is refused', async () => {
    const error = await all(client().pages('GET /bare', style())).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid-response', message: /holds 7 items where at most 2/ });
  });

  it('a page larger than a size the API fixes (not asked for) is read', async () => {
    // The one page holds all seven: the next page repeats them, so the listing ends there.
    const error = await all(client().pages('GET /bare', style(false))).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid-response', message: /not advancing/, itemsRead: 7 });
  });
});

describe('errors of an operation without the client building them by hand', () => {
  it('a client has no public error factory', () => {
    expect('error' in client()).toBe(false);
  });

  it('invalidResponse names the provider and the operation from the operation table', () => {
    const error = invalidResponse(client(), 'GET /all', 'no access_token response header');
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      provider: 'paged',
      operation: 'listAll',
      kind: 'invalid-response',
      message: 'paged listAll: no access_token response header',
    });
  });

  it('invalidResponse refuses a route outside the spec and an object that is not a client', () => {
    expect(() => invalidResponse(client(), 'GET /nowhere' as 'GET /all', 'x')).toThrow(
      'paged: GET /nowhere is not an operation of its spec',
    );
    expect(() => invalidResponse({} as ReturnType<typeof client>, 'GET /all', 'x')).toThrow(TypeError);
  });
});
