import { invalidPage, type PageScheme, type PaginateContext } from './paginate.js';

/**
 * The paging styles providers share, as named builders. A provider says only how to fetch a page
 * and where its parts are; the client fills in the provider and the operation (from its generated
 * operation table) when it runs the listing with `client.pages('GET /path', style)` — no hand-built
 * pagination context. Every field of the built `PageScheme` can be overridden with `extra`.
 */
export type PageStyle<Cursor, Page, Item> = (ctx: PaginateContext) => PageScheme<Cursor, Page, Item>;

/** The items of a page, or an `invalid-response` error naming what was missing. */
function itemsOf<Item>(ctx: PaginateContext, value: unknown, what: string): readonly Item[] {
  return Array.isArray(value) ? (value as Item[]) : invalidPage(ctx, `response has no ${what} array`);
}

/** What every paging style needs: where the items are, their identity, what they are called. */
export interface PageParts<Page, Item> {
  /** The items of a page (validated: anything but an array is an `invalid-response`). */
  items(page: Page): unknown;
  /** Identity of an item, to drop duplicates (see `PageScheme.key`). */
  key?(item: Item): string | undefined;
  /** What the items are called in errors, e.g. `users`. Default `items`. */
  noun?: string;
}

/** Opaque cursors: the next page's cursor comes with each page; null or absent on the last one. */
export function cursorPages<Page, Item>(
  o: PageParts<Page, Item> & {
    fetch(cursor: string | undefined, signal: AbortSignal): Promise<Page>;
    nextCursor(page: Page): string | null | undefined;
  },
  extra: Partial<PageScheme<string | undefined, Page, Item>> = {},
): PageStyle<string | undefined, Page, Item> {
  return (ctx) => ({
    first: undefined,
    fetchPage: (cursor, signal) => o.fetch(cursor, signal),
    items: (page) => itemsOf(ctx, o.items(page), o.noun ?? 'items'),
    // An empty page ends the listing even with a cursor: a server must not loop on nothing.
    next: (page, _cursor, items) => (items.length > 0 ? (o.nextCursor(page) ?? undefined) : undefined),
    ...(o.key ? { key: o.key } : {}),
    ...extra,
  });
}

/** Offset + total: `offset` advances by the items each page really held, until the total. */
export function offsetPages<Page, Item>(
  o: PageParts<Page, Item> & {
    fetch(offset: number, signal: AbortSignal): Promise<Page>;
    /** The total the server announced. */
    total(page: Page): number | undefined;
  },
  extra: Partial<PageScheme<number, Page, Item>> = {},
): PageStyle<number, Page, Item> {
  return (ctx) => ({
    first: 0,
    fetchPage: (offset, signal) => o.fetch(offset, signal),
    items: (page) => itemsOf(ctx, o.items(page), o.noun ?? 'items'),
    next: (page, offset, items) => {
      const total = o.total(page);
      return items.length === 0 || total === undefined || offset + items.length >= total
        ? undefined
        : offset + items.length;
    },
    total: (page) => o.total(page),
    ...(o.key ? { key: o.key } : {}),
    ...extra,
  });
}

/**
 * Page numbers (0- or 1-based) of a fixed size; with a total (items), pages stop at it and every
 * later page number is known after the first (enables `concurrency`); without one, a short page
 * is the last.
 */
export function pageNumberPages<Page, Item>(
  o: PageParts<Page, Item> & {
    first: 0 | 1;
    pageSize: number;
    fetch(page: number, signal: AbortSignal): Promise<Page>;
    total?(page: Page): number | undefined;
  },
  extra: Partial<PageScheme<number, Page, Item>> = {},
): PageStyle<number, Page, Item> {
  const pagesFor = (total: number) => Math.ceil(total / o.pageSize);
  return (ctx) => ({
    first: o.first,
    fetchPage: (page, signal) => o.fetch(page, signal),
    items: (page) => itemsOf(ctx, o.items(page), o.noun ?? 'items'),
    next: (page, n, items) => {
      if (items.length === 0) return undefined;
      const total = o.total?.(page);
      const read = n - o.first + 1;
      if (total !== undefined) return read >= pagesFor(total) ? undefined : n + 1;
      return items.length < o.pageSize ? undefined : n + 1;
    },
    pageSize: o.pageSize,
    ...(o.total
      ? {
          total: (page: Page) => o.total?.(page),
          // Lazy: an announced total of 10^15 costs nothing until pages are really fetched.
          plan: (page: Page, n: number) => {
            const total = o.total?.(page);
            if (total === undefined) return undefined;
            return (function* () {
              for (let k = n + 1; (k - o.first) * o.pageSize < total; k++) yield k;
            })();
          },
        }
      : {}),
    ...(o.key ? { key: o.key } : {}),
    ...extra,
  });
}

/** Everything in one response (with the total it announces, when it does). */
export function singlePage<Page, Item>(
  o: PageParts<Page, Item> & {
    fetch(signal: AbortSignal): Promise<Page>;
    total?(page: Page): number | undefined;
  },
  extra: Partial<PageScheme<0, Page, Item>> = {},
): PageStyle<0, Page, Item> {
  return (ctx) => ({
    first: 0,
    fetchPage: (_, signal) => o.fetch(signal),
    items: (page) => itemsOf(ctx, o.items(page), o.noun ?? 'items'),
    next: () => undefined,
    ...(o.total ? { total: (page: Page) => o.total?.(page) } : {}),
    ...(o.key ? { key: o.key } : {}),
    ...extra,
  });
}
