import { InputError } from './errors.js';
import { requireHeaderValue, requireString } from './validate.js';

/**
 * Option schemas: one per option set, checked once when a client (or a listing) is created, so a
 * caller's mistake is an InputError naming the field before any request — never a hang, a retry
 * storm, a cap that is silently off, or a header smuggled past a provider's own checks.
 */

/** Checks one present (not `undefined`) value; throws InputError. */
export type Check = (provider: string, field: string, value: unknown) => void;
export type OptionSchema = Readonly<Record<string, Check>>;

/** Longest delay a timer honours (2^31 − 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Checks every field of `schema` that `options` sets (`undefined` means "the default"). */
export function checkOptions(provider: string, schema: OptionSchema, options: unknown, prefix = ''): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new InputError(provider, prefix.replace(/\.$/, '') || 'options', 'must be an object');
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(schema)) {
    const value = o[key];
    if (value !== undefined) (schema[key] as Check)(provider, prefix + key, value);
  }
}

const fail = (provider: string, field: string, message: string): never => {
  throw new InputError(provider, field, message);
};

/** Schema building blocks. */
export const is = {
  /** An integer in [min, max]. */
  integer:
    (min: number, max: number = Number.MAX_SAFE_INTEGER): Check =>
    (p, f, v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
        fail(p, f, `must be an integer between ${min} and ${max}`);
    },
  /** A duration in ms: a finite number in [min, MAX_TIMER_MS]. */
  ms:
    (min: number): Check =>
    (p, f, v) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > MAX_TIMER_MS)
        fail(p, f, `must be a number of milliseconds between ${min} and ${MAX_TIMER_MS}`);
    },
  boolean: ((p, f, v) => {
    if (typeof v !== 'boolean') fail(p, f, 'must be true or false');
  }) as Check,
  function: ((p, f, v) => {
    if (typeof v !== 'function') fail(p, f, 'must be a function');
  }) as Check,
  signal: ((p, f, v) => {
    if (!(v instanceof AbortSignal)) fail(p, f, 'must be an AbortSignal');
  }) as Check,
  string: ((p, f, v) => void requireString(p, f, v)) as Check,
  /** Travels in a header: non-empty, no control characters, Latin-1 only. */
  headerValue: ((p, f, v) => void requireHeaderValue(p, f, v)) as Check,
  /** A list whose every item passes `item`. */
  list:
    (item: Check): Check =>
    (p, f, v) => {
      if (!Array.isArray(v)) fail(p, f, 'must be an array');
      for (const [i, x] of (v as unknown[]).entries()) item(p, `${f}[${i}]`, x);
    },
  /** `false`, or an object checked by `schema`. */
  falseOr:
    (schema: OptionSchema): Check =>
    (p, f, v) => {
      if (v !== false) checkOptions(p, schema, v, `${f}.`);
    },
  oneOf:
    (...values: readonly unknown[]): Check =>
    (p, f, v) => {
      if (!values.includes(v))
        fail(p, f, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    },
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Extra headers: valid names and values, and none of the headers the client itself manages. */
export function headersCheck(managed: readonly string[]): Check {
  const reserved = new Set(['authorization', ...managed.map((h) => h.toLowerCase())]);
  return (p, f, v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      fail(p, f, 'must be an object of header names to values');
    for (const [name, value] of Object.entries(v as Record<string, unknown>)) {
      if (!TOKEN.test(name)) fail(p, `${f}`, 'has a header name that is not a valid HTTP token');
      if (reserved.has(name.toLowerCase()))
        fail(p, `${f}.${name}`, 'is set by the client from its validated options and cannot be overridden');
      requireHeaderValue(p, `${f}.${name}`, value);
    }
  };
}

/** The retry policy's schema. */
export const retrySchema: OptionSchema = {
  maxAttempts: is.integer(1, 100),
  baseDelayMs: is.ms(0),
  maxDelayMs: is.ms(0),
  maxRetryAfterMs: is.ms(0),
  methods: is.list((p, f, v) => {
    if (typeof v !== 'string' || !TOKEN.test(v)) fail(p, f, 'must be an HTTP method name');
  }),
  statuses: is.list(is.integer(100, 599)),
};

/** The schema of the options every client accepts (`ClientOptions`). */
export function clientOptionsSchema(managedHeaders: readonly string[]): OptionSchema {
  return {
    baseUrl: is.string,
    allowInsecureHttp: is.boolean,
    fetch: is.function,
    retry: is.falseOr(retrySchema),
    timeoutMs: is.ms(1),
    idleTimeoutMs: is.ms(1),
    signal: is.signal,
    maxResponseBytes: is.integer(1),
    headers: headersCheck(managedHeaders),
    onEvent: is.function,
    onRateLimit: is.function,
  };
}

/** The schema of a listing's options (`PaginateOptions`). */
export const paginateOptionsSchema: OptionSchema = {
  signal: is.signal,
  concurrency: is.integer(1, 64),
  maxItems: is.integer(0),
  onPage: is.function,
};
