import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  createApiClient,
  cursorPages,
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
}
const definition: ProviderDefinition = {
  id: 'paged',
  operations: {
    'GET /cursor': 'listByCursor',
    'GET /offset': 'listByOffset',
    'GET /pages': 'listByPage',
    'GET /all': 'listAll',
    'GET /broken': 'listBroken',
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
