/** A request as a provider module sees it: path relative to the module's base, parsed query and body. */
export interface SandboxRequest {
  method: string;
  /** Path below the module's prefix, e.g. `/api/v1/users.list`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names, as Node's http module gives them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body (undefined when empty); `invalidJson` is set when the body did not parse. */
  body: unknown;
  invalidJson: boolean;
  /** The request body as received (for multipart uploads); empty when there was none. */
  rawBody?: Uint8Array;
  /** Origin of the sandbox, e.g. `http://127.0.0.1:4010`. */
  origin: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `text` is set. */
  body?: unknown;
  text?: string;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

/** A header's single value (first one when repeated). */
export function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Parses an integer query value the way lenient servers do (`parseInt`), undefined when absent. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  return Number.parseInt(v, 10);
}

/** A fixed-window rate limiter, per key. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; used: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one call; returns the window state after it. */
  hit(key: string, now = Date.now()): { allowed: boolean; remaining: number; resetAt: number } {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, used: 0 };
      this.#windows.set(key, w);
    }
    w.used++;
    return {
      allowed: w.used <= this.limit,
      remaining: Math.max(0, this.limit - w.used),
      resetAt: w.start + this.windowMs,
    };
  }
}

/** Rate-limit options shared by every module. */
export interface RateLimitOptions {
  /** Calls allowed per window and key. */
  limit: number;
  windowMs: number;
}

/** Matches a path template like `/users/{id}` against an encoded path; returns decoded parameters. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    const val = p[i] as string;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (val === '') return undefined;
      try {
        params[seg.slice(1, -1)] = decodeURIComponent(val);
      } catch {
        return undefined;
      }
    } else if (seg !== val) return undefined;
  }
  return params;
}

/** Stable weak ETag of a JSON body. */
export function etagOf(body: unknown): string {
  const text = JSON.stringify(body);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return `W/"${text.length.toString(16)}-${(h >>> 0).toString(16)}"`;
}

/** Page `items` by 0-based `page` and `size`. */
export function pageOf<T>(items: readonly T[], page: number, size: number): T[] {
  return items.slice(page * size, page * size + size);
}

/**
 * Listing results computed once per key until the next write: modules call `seen(req)` for every
 * request, and any method other than GET or HEAD makes every cached result stale. Keeps large
 * listings fast (a page is a slice, not a sort and filter of every user).
 */
export class ReadCache<T> {
  readonly #entries = new Map<string, T>();

  seen(req: { method: string }): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') this.#entries.clear();
  }

  get(key: string, compute: () => T): T {
    let value = this.#entries.get(key);
    if (value === undefined) {
      value = compute();
      this.#entries.set(key, value);
    }
    return value;
  }
}
