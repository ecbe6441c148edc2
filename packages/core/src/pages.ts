import { invalidPage, type PageScheme, type PaginateContext } from './paginate.js';

/**
 * The paging styles providers share, as named builders. A provider says only how to fetch a page
 * and where its parts are; the client fills in the provider and the operation (from its generated
 * operation table) when it runs the listing with `client.pages('GET /path', style)` — no hand-built
 * pagination context. Every field of the built `PageScheme` can be overridden with `extra`.
 */
export type PageStyle<Cursor, Page, Item> = (ctx: PaginateContext) => PageScheme<Cursor, Page, Item>;

/** What every paging style needs: where the items are, their identity, what they are called. */
export interface PageParts<Page, Item> {
  /** The items of a page (validated: anything but an array is an `invalid-response`). */
  items(page: Page): unknown;
  /** Identity of an item, to drop duplicates (see `PageScheme.key`): a string, or a numeric id as it is. */
  key?(item: Item): string | number | undefined;
  /** What the items are called in errors, e.g. `users`. Default `items`. */
  noun?: string;
}

/**
 * The total of items a server announces with every page, where it decides when paging stops: a
 * page without one (anything but a number) is an `invalid-response`.
 */
export interface Counted<Page> {
  /** The total the server announced with this page. */
  total(page: Page): number | undefined;
  /** What the total is called in errors, e.g. `totalElements`. Default `total`. */
  totalName?: string;
}

/**
 * The scheme of a style: the items of each page checked (with the total, when it decides where the
 * listing ends: a page without it cannot say whether another follows), the key, then `extra`.
 */
function style<Cursor, Page, Item>(
  ctx: PaginateContext,
  o: PageParts<Page, Item> & Partial<Counted<Page>>,
  counted: boolean,
  scheme: Omit<PageScheme<Cursor, Page, Item>, 'items'>,
  extra: Partial<PageScheme<Cursor, Page, Item>>,
): PageScheme<Cursor, Page, Item> {
  return {
    items(page) {
      const value = o.items(page);
      if (!Array.isArray(value) || (counted && typeof o.total?.(page) !== 'number'))
        invalidPage(
          ctx,
          `response has no ${o.noun ?? 'items'} array${counted ? ` or ${o.totalName ?? 'total'}` : ''}`,
        );
      return value as Item[];
    },
    key: o.key,
    total: o.total,
    ...scheme,
    ...extra,
  };
}

/** Cursors `from`, `from + step`, … below `end`, lazily: a total of 10^15 costs nothing until fetched. */
function* upTo(from: number, step: number, end: number): Generator<number> {
  for (let at = from; step > 0 && at < end; at += step) yield at;
}

/** Opaque cursors: the next page's cursor comes with each page; null or absent on the last one. */
export function cursorPages<Page, Item>(
  o: PageParts<Page, Item> & {
    fetch(cursor: string | undefined, signal: AbortSignal): Promise<Page>;
    nextCursor(page: Page): string | null | undefined;
  },
  extra: Partial<PageScheme<string | undefined, Page, Item>> = {},
): PageStyle<string | undefined, Page, Item> {
  return (ctx) =>
    style(
      ctx,
      o,
      false,
      {
        first: undefined,
        fetchPage: o.fetch,
        // An empty page ends the listing even with a cursor: a server must not loop on nothing.
        next: (page, _cursor, items) => (items.length > 0 ? (o.nextCursor(page) ?? undefined) : undefined),
      },
      extra,
    );
}

/**
 * Offset + total: `offset` advances by the items each page really held (so a server that clamps
 * the page size is followed), until the total every page must announce. With `concurrency`, the
 * later offsets are planned from the first page's size.
 */
export function offsetPages<Page, Item>(
  o: PageParts<Page, Item> &
    Counted<Page> & {
      fetch(offset: number, signal: AbortSignal): Promise<Page>;
      /** The page size asked for: a larger page is an `invalid-response`. */
      pageSize?: number;
    },
  extra: Partial<PageScheme<number, Page, Item>> = {},
): PageStyle<number, Page, Item> {
  return (ctx) =>
    style(
      ctx,
      o,
      true,
      {
        first: 0,
        fetchPage: o.fetch,
        next: (page, offset, items) =>
          items.length === 0 || offset + items.length >= (o.total(page) as number)
            ? undefined
            : offset + items.length,
        plan: (page, offset, items) => upTo(offset + items.length, items.length, o.total(page) as number),
        pageSize: o.pageSize,
      },
      extra,
    );
}

/**
 * Page numbers (0- or 1-based) of a fixed size; with a total (items), which every page must then
 * announce, pages stop at it and every later page number is known after the first (enables
 * `concurrency`); without one, a short page is the last.
 */
export function pageNumberPages<Page, Item>(
  o: PageParts<Page, Item> &
    Partial<Counted<Page>> & {
      first: 0 | 1;
      pageSize: number;
      /**
       * Whether the request asks for `pageSize` (a larger page is then an `invalid-response`).
       * `false` when the API fixes the size and a request cannot name it: a larger page is read.
       * Default true.
       */
      pageSizeAsked?: boolean;
      fetch(page: number, signal: AbortSignal): Promise<Page>;
    },
  extra: Partial<PageScheme<number, Page, Item>> = {},
): PageStyle<number, Page, Item> {
  const { first, pageSize, total } = o;
  return (ctx) =>
    style(
      ctx,
      o,
      total !== undefined,
      {
        first,
        fetchPage: o.fetch,
        next: (page, n, items) =>
          items.length === 0 ||
          (total ? (n - first + 1) * pageSize >= (total(page) as number) : items.length < pageSize)
            ? undefined
            : n + 1,
        plan: (page, n) =>
          total ? upTo(n + 1, 1, first + Math.ceil((total(page) as number) / pageSize)) : undefined,
        pageSize: o.pageSizeAsked === false ? undefined : pageSize,
      },
      extra,
    );
}

/** Everything in one response (with the total it announces, when it does). */
export function singlePage<Page, Item>(
  o: PageParts<Page, Item> & {
    fetch(signal: AbortSignal): Promise<Page>;
    total?(page: Page): number | undefined;
  },
  extra: Partial<PageScheme<0, Page, Item>> = {},
): PageStyle<0, Page, Item> {
  return (ctx) =>
    style(
      ctx,
      o,
      false,
      { first: 0, fetchPage: (_, signal) => o.fetch(signal), next: () => undefined },
      extra,
    );
}
