import { ApiError } from './errors.js';
import { checkOptions, paginateOptionsSchema } from './options.js';
import { linkSignals } from './signal.js';

/**
 * The pagination primitive every provider's `iterateUsers` is built on. A provider describes its
 * scheme (how to fetch a page, where the items are, what comes next, what total it announced);
 * this turns it into an async iterator that streams item by item, stops early on `break`, and
 * holds whatever the server does:
 *
 * - never yields an id twice: every id yielded is remembered (one compact entry per distinct id,
 *   for the whole listing), so a page that repeats, rotates or shifts cannot bring one back;
 * - never loops: a page that brings no new id while the listing says there is more is an
 *   `invalid-response` (the server is not advancing), and a listing stops at the total the server
 *   announced;
 * - never ends short quietly: fewer items than announced is an `incomplete` ApiError;
 * - refuses what is not a listing: a `null` item, a page larger than the page size asked for, a
 *   total that is not a plausible count, an id that was rounded (an integer beyond 2^53) or two
 *   records whose ids only differed in bytes that did not decode (invalid UTF-8) — each an
 *   `invalid-response` ApiError that says what the server did and how many items were read;
 * - honours the caller's signal between items, not only between requests (an `aborted` ApiError).
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
   * page + totalElements): the remaining cursors, produced lazily (a generator), so an announced
   * total of 10^15 costs nothing until pages are really fetched. Enables `concurrency` > 1.
   */
  plan?(firstPage: Page, firstCursor: Cursor, firstItems: readonly Item[]): Iterable<Cursor> | undefined;
  /**
   * Identity of an item (the provider's id). Every id yielded is remembered for the listing, to
   * drop items that shift across a page boundary and to refuse a server that repeats pages.
   */
  key?(item: Item): string | number | undefined;
  /** Most items one page may hold (the page size asked for); a larger page is an `invalid-response`. */
  pageSize?: number;
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

/** A page of a listing, with the cursor that fetched it. */
interface Fetched<Cursor, Page> {
  cursor: Cursor;
  page: Page;
}

/**
 * A listing as an async iterator. Not an `async function*`: a generator costs two promise hops per
 * item (its `yield` awaits), which a listing of 100-item pages pays a hundred times a page. Here an
 * item of a page already in hand is handed out at once, and only a page fetch is asynchronous; calls
 * are served in order as a generator's are (a `next()` made while a page is on its way waits for it).
 */
export function paginate<Cursor, Page, Item>(
  ctx: PaginateContext,
  scheme: PageScheme<Cursor, Page, Item>,
  options: PaginateOptions = {},
): AsyncGenerator<Item, void, undefined> {
  let state: 'fresh' | 'open' | 'closed' = 'fresh';
  /** A page fetch in progress: later calls wait for it. */
  let busy: Promise<unknown> | undefined;
  // Set up by the first `next()`.
  let controller: AbortController | undefined;
  let link: { signal: AbortSignal; dispose(): void } | undefined;
  let signal: AbortSignal;
  let ids: IdSet | undefined;
  let maxItems = Number.POSITIVE_INFINITY;
  let nextPage: (previous: Fetched<Cursor, Page>) => (() => Promise<Fetched<Cursor, Page>>) | undefined;
  // Progress: the page in hand and its items; what was new and what had no id on it.
  let current: Fetched<Cursor, Page>;
  let items: readonly Item[] = [];
  let index = 0;
  let fresh = 0;
  let idless = 0;
  let yielded = 0;
  let pages = 0;
  let total: number | undefined;
  let duplicates = 0;
  const key = scheme.key;

  const fail = (kind: 'invalid-response' | 'incomplete' | 'aborted', what: string): ApiError =>
    ctx.error({
      operation: ctx.operation,
      kind,
      message: `${ctx.provider} ${ctx.operation}: ${what} (after ${yielded} item(s) on ${pages} page(s)${
        duplicates ? `, ${duplicates} repeated item(s) dropped` : ''
      })`,
      itemsRead: yielded,
      expectedItems: total,
    });

  /** Ends the listing: cancels any page still being fetched ahead (after an early break). */
  const close = () => {
    if (state === 'open') {
      controller?.abort();
      link?.dispose();
    }
    state = 'closed';
  };

  /** Closes the listing on an error, which says how far the listing got. */
  const end = (error: unknown): unknown => {
    close();
    if (error instanceof ApiError) {
      error.itemsRead ??= yielded;
      error.expectedItems ??= total;
    }
    return error;
  };

  /**
   * One page. The listing's signal goes to the scheme as it is: a rosterkit call links it into its
   * own budget and lets go when the call is over, so nothing piles up on it however many pages pass.
   */
  const fetch = async (cursor: Cursor): Promise<Fetched<Cursor, Page>> => ({
    cursor,
    page: await scheme.fetchPage(cursor, signal),
  });

  /** Takes a fetched page in hand, checked: shape, size, announced total. */
  const accept = (fetched: Fetched<Cursor, Page>) => {
    pages++;
    const got = scheme.items(fetched.page, fetched.cursor);
    if (scheme.pageSize !== undefined && got.length > scheme.pageSize) {
      throw fail(
        'invalid-response',
        `page ${pages} holds ${got.length} items where at most ${scheme.pageSize} were asked for`,
      );
    }
    const t = scheme.total?.(fetched.page);
    if (t !== undefined) {
      if (!Number.isSafeInteger(t) || t < 0)
        throw fail('invalid-response', `impossible total of ${String(t)} items`);
      total = t;
    }
    options.onPage?.({ pages, items: yielded + got.length, total });
    current = fetched;
    items = got;
    index = fresh = idless = 0;
  };

  /**
   * The next item of the page in hand, checked: not past `maxItems`, not aborted, a record, not an
   * id already yielded (dropped and counted). `PAGE_END` when the page has no more to give.
   */
  const step = (): Item | typeof PAGE_END => {
    while (index < items.length) {
      // Every new item of a page in hand is yielded (even past a total that was too low); only
      // further pages are bounded by the total.
      if (yielded >= maxItems) break;
      if (options.signal?.aborted) throw fail('aborted', 'the listing was aborted');
      const item = items[index++] as Item;
      if (item === null || item === undefined) {
        throw fail(
          'invalid-response',
          `page ${pages} holds ${item === null ? 'a null' : 'an undefined'} item where a record belongs`,
        );
      }
      if (ids) {
        const id = key?.(item);
        if (id === undefined || id === '') {
          idless++; // yielded: the consumer (a mapper) reports a record it cannot identify
        } else {
          const added = ids.add(id);
          if (added === 'seen') {
            duplicates++;
            continue;
          }
          if (added === 'rounded')
            throw fail(
              'invalid-response',
              `id ${String(id)} is an integer beyond 2^53: JSON cannot hold it exactly`,
            );
          if (added === 'collision')
            throw fail(
              'invalid-response',
              `two records share id ${JSON.stringify(id)}, whose bytes were not UTF-8: they cannot be told apart`,
            );
          fresh++;
        }
      }
      yielded++;
      return item;
    }
    return PAGE_END;
  };

  /** Checks the options, fetches the first page, and prepares the ones after it. */
  const start = async () => {
    checkOptions(ctx.provider, paginateOptionsSchema, options, 'options.');
    state = 'open';
    controller = new AbortController();
    // The listing's signal: the caller's, if any, and this listing's own end (an early break).
    if (options.signal) link = linkSignals([options.signal, controller.signal]);
    signal = link?.signal ?? controller.signal;
    maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    if (key) ids = new IdSet();
    const concurrency = options.concurrency ?? 1;
    const first = await fetch(scheme.first);
    accept(first);
    const plan = concurrency > 1 ? scheme.plan?.(first.page, first.cursor, items) : undefined;
    // The pages after the first: fetched ahead through a bounded window when the scheme has a
    // plan (cursors drawn lazily from it), else one at a time from `next`.
    if (plan) {
      const cursors = plan[Symbol.iterator]();
      const ahead: Promise<Fetched<Cursor, Page>>[] = [];
      const fill = () => {
        while (ahead.length < concurrency) {
          const c = cursors.next();
          if (c.done) return;
          const p = fetch(c.value);
          p.catch(() => {}); // observed when its turn comes
          ahead.push(p);
        }
      };
      fill();
      // A page that comes back empty ends a planned listing (the total check says whether early).
      nextPage = () => {
        const p = items.length === 0 ? undefined : ahead.shift();
        if (!p) return undefined;
        return () => {
          fill();
          return p;
        };
      };
    } else {
      nextPage = (previous) => {
        const cursor = scheme.next(previous.page, previous.cursor, items);
        return cursor === undefined ? undefined : () => fetch(cursor);
      };
    }
  };

  /** The first page, or the pages after the one in hand, until an item or the end of the listing. */
  const further = async (): Promise<IteratorResult<Item, void>> => {
    try {
      if (state === 'fresh') await start();
      for (;;) {
        const item = step();
        if (item !== PAGE_END) return { done: false, value: item };
        // Another page only below maxItems and below the total the server announced.
        if (!(yielded < maxItems && (total === undefined || yielded < total))) break;
        const pending = nextPage(current);
        if (!pending) break;
        // A page that brought nothing new while the listing goes on: the server is not advancing
        // (it ignores the offset or page asked for, or serves pages in a cycle). Following it would
        // loop for ever.
        if (ids ? fresh === 0 : items.length === 0) {
          throw fail(
            'invalid-response',
            `page ${pages} brought no new item (${items.length - idless} already listed${
              idless ? `, ${idless} without id` : ''
            }): the server is not advancing (it ignores the page asked for, or repeats pages)`,
          );
        }
        accept(await pending());
      }
      if (options.signal?.aborted) throw fail('aborted', 'the listing was aborted');
      if (total !== undefined && yielded < total && yielded < maxItems)
        throw fail('incomplete', `listing ended after ${yielded} of ${total} announced items`);
      close();
      return DONE;
    } catch (error) {
      throw end(error);
    }
  };

  const listing: AsyncGenerator<Item, void, undefined> = {
    next() {
      if (busy) return busy.then(() => listing.next());
      if (state === 'closed') return Promise.resolve(DONE);
      if (state === 'open') {
        try {
          const item = step();
          if (item !== PAGE_END) return Promise.resolve({ done: false, value: item });
        } catch (error) {
          return Promise.reject(end(error));
        }
      }
      const pending = further();
      const settled: Promise<unknown> = pending.then(
        () => {
          if (busy === settled) busy = undefined;
        },
        () => {
          if (busy === settled) busy = undefined;
        },
      );
      busy = settled;
      return pending;
    },
    return() {
      if (busy) return busy.then(() => listing.return());
      close();
      return Promise.resolve(DONE);
    },
    throw(error: unknown) {
      if (busy) return busy.then(() => listing.throw(error));
      if (state === 'fresh') state = 'closed';
      return Promise.reject(state === 'closed' ? error : end(error));
    },
    [Symbol.asyncIterator]() {
      return listing;
    },
  };
  return listing;
}

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });
/** Where the items of the page in hand ran out and the listing must look further. */
const PAGE_END = Symbol('page end');

/**
 * The ids a listing has yielded: numbers that are safe integers are kept as numbers, everything
 * else as its string, so an entry costs one Set slot (no per-page bookkeeping).
 */
class IdSet {
  readonly #ids = new Set<string | number>();

  /** `new`, `seen`, or why the id cannot serve as an exact identity. */
  add(id: string | number): 'new' | 'seen' | 'rounded' | 'collision' {
    let k: string | number = id;
    if (typeof id === 'number') {
      if (!Number.isSafeInteger(id)) return Number.isInteger(id) ? 'rounded' : this.#put(String(id));
    } else if (/^(?:0|[1-9][0-9]{0,14})$/.test(id)) k = Number(id);
    const r = this.#put(k);
    // U+FFFD: the decoder replaced bytes that were not UTF-8, so two different ids may read alike.
    return r === 'seen' && typeof k === 'string' && k.includes('\uFFFD') ? 'collision' : r;
  }

  #put(k: string | number): 'new' | 'seen' {
    if (this.#ids.has(k)) return 'seen';
    this.#ids.add(k);
    return 'new';
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
