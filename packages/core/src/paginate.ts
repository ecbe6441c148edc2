import { ApiError } from './errors.js';
import { checkOptions, paginateOptionsSchema } from './options.js';
import { linkSignals } from './signal.js';

/**
 * The pagination primitive every provider's `iterateUsers` is built on. A provider describes its
 * scheme (how to fetch a page, where the items are, what comes next, what total it announced);
 * this turns it into an async iterator that streams item by item with constant memory per page,
 * stops early on `break`, never yields an item twice, and throws an `incomplete` ApiError instead
 * of ending quietly when fewer items arrived than the server announced.
 */
export interface PageScheme<Cursor, Page, Item> {
  /** Cursor of the first page. */
  first: Cursor;
  fetchPage(cursor: Cursor, signal: AbortSignal): Promise<Page>;
  /** The items of a page. Throw (e.g. via `invalidPage`) when the page does not have the documented shape. */
  items(page: Page, cursor: Cursor): readonly Item[];
  /** Cursor of the page after this one, or undefined when this was the last page. */
  next(page: Page, cursor: Cursor, items: readonly Item[]): Cursor | undefined;
  /** The total the server announced with this page, when it does. */
  total?(page: Page): number | undefined;
  /**
   * For schemes where every later cursor is known after the first page (offset + total,
   * page + totalElements): the remaining cursors. Enables `concurrency` > 1.
   */
  plan?(firstPage: Page, firstCursor: Cursor, firstItems: readonly Item[]): Cursor[] | undefined;
  /**
   * Identity of an item, to drop duplicates: items that shift across a page boundary while the
   * listing runs. Only the ids of the last few pages are kept, so memory stays constant.
   */
  key?(item: Item): string | undefined;
}

export interface PaginateOptions {
  signal?: AbortSignal | undefined;
  /** Pages fetched ahead when the scheme has a plan. Default 1 (sequential). */
  concurrency?: number | undefined;
  /** Stop after this many items (the listing is then complete by request, not by accident). */
  maxItems?: number | undefined;
  onPage?: ((info: { pages: number; items: number; total: number | undefined }) => void) | undefined;
}

export interface PaginateContext {
  provider: string;
  operation: string;
  /** Builds errors with the client's redaction. */
  error(init: Omit<ConstructorParameters<typeof ApiError>[0], 'provider'>): ApiError;
}

export async function* paginate<Cursor, Page, Item>(
  ctx: PaginateContext,
  scheme: PageScheme<Cursor, Page, Item>,
  options: PaginateOptions = {},
): AsyncGenerator<Item, void, undefined> {
  checkOptions(ctx.provider, paginateOptionsSchema, options, 'options.');
  const controller = new AbortController();
  const link = linkSignals([options.signal, controller.signal]);
  const signal = link.signal;
  // Each page gets its own signal, detached when the page is in, so no listener piles up on `signal`.
  const fetchPage = async (cursor: Cursor): Promise<Page> => {
    const page = linkSignals([signal]);
    try {
      return await scheme.fetchPage(cursor, page.signal);
    } finally {
      page.dispose();
    }
  };
  const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  // A shifted item reappears on a neighbouring page: remember the ids of the last pages only
  // (one lookup per item; the ids of a page are forgotten when it leaves the window).
  const seen = scheme.key ? new Set<string>() : undefined;
  const pageIds: string[][] = [];
  const keepPages = concurrency + 2;
  let yielded = 0;
  let pages = 0;
  let total: number | undefined;
  let duplicates = 0;

  const annotate = (error: unknown): unknown => {
    if (error instanceof ApiError) {
      error.itemsRead ??= yielded;
      error.expectedItems ??= total;
    }
    return error;
  };

  const accept = (page: Page, cursor: Cursor): readonly Item[] => {
    pages++;
    if (seen) {
      pageIds.push([]);
      if (pageIds.length > keepPages) for (const id of pageIds.shift() as string[]) seen.delete(id);
    }
    const items = scheme.items(page, cursor);
    const t = scheme.total?.(page);
    if (t !== undefined) total = t;
    options.onPage?.({ pages, items: yielded + items.length, total });
    return items;
  };

  try {
    let cursor: Cursor | undefined = scheme.first;
    const firstPage = await fetchPage(cursor);
    let items = accept(firstPage, cursor);
    const planned = concurrency > 1 ? scheme.plan?.(firstPage, cursor, items) : undefined;

    if (planned) {
      // Fetch ahead with a bounded window; yield strictly in order.
      const ahead: Promise<Page>[] = [];
      let nextIndex = 0;
      const fill = () => {
        while (ahead.length < concurrency && nextIndex < planned.length) {
          const p = fetchPage(planned[nextIndex++] as Cursor);
          p.catch(() => {}); // observed when its turn comes
          ahead.push(p);
        }
      };
      fill();
      for (const item of items) {
        if (yielded >= maxItems) return;
        if (fresh(item)) {
          yielded++;
          yield item;
        }
      }
      for (let i = 0; i < planned.length; i++) {
        const page = await (ahead.shift() as Promise<Page>);
        fill();
        items = accept(page, planned[i] as Cursor);
        for (const item of items) {
          if (yielded >= maxItems) return;
          if (fresh(item)) {
            yielded++;
            yield item;
          }
        }
      }
    } else {
      let page: Page = firstPage;
      for (;;) {
        for (const item of items) {
          if (yielded >= maxItems) return;
          if (fresh(item)) {
            yielded++;
            yield item;
          }
        }
        cursor = scheme.next(page, cursor as Cursor, items);
        if (cursor === undefined || yielded >= maxItems) break;
        page = await fetchPage(cursor);
        items = accept(page, cursor);
      }
    }

    if (total !== undefined && yielded < total && yielded < maxItems) {
      throw ctx.error({
        operation: ctx.operation,
        kind: 'incomplete',
        message: `${ctx.provider} ${ctx.operation}: listing ended after ${yielded} of ${total} announced items (${duplicates} duplicates dropped)`,
        itemsRead: yielded,
        expectedItems: total,
      });
    }
  } catch (error) {
    throw annotate(error);
  } finally {
    controller.abort(); // cancels any page still being fetched ahead after an early break
    link.dispose();
  }

  function fresh(item: Item): boolean {
    if (!seen) return true;
    const k = scheme.key?.(item);
    if (k === undefined) return true;
    if (seen.has(k)) {
      duplicates++;
      return false;
    }
    seen.add(k);
    (pageIds[pageIds.length - 1] as string[]).push(k);
    return true;
  }
}

/** Throws the `invalid-response` ApiError for a page that does not have the documented shape. */
export function invalidPage(ctx: PaginateContext, what: string): never {
  throw ctx.error({
    operation: ctx.operation,
    kind: 'invalid-response',
    message: `${ctx.provider} ${ctx.operation}: ${what}`,
  });
}
