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

/** An integer in [min, max]. */
export const checkInteger =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Check =>
  (p, f, v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      fail(p, f, `must be an integer between ${min} and ${max}`);
  };

/** A duration in ms: a finite number in [min, MAX_TIMER_MS]. */
export const checkMs =
  (min: number): Check =>
  (p, f, v) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > MAX_TIMER_MS)
      fail(p, f, `must be a number of milliseconds between ${min} and ${MAX_TIMER_MS}`);
  };

export const checkBoolean: Check = (p, f, v) => {
  if (typeof v !== 'boolean') fail(p, f, 'must be true or false');
};

export const checkFunction: Check = (p, f, v) => {
  if (typeof v !== 'function') fail(p, f, 'must be a function');
};

export const checkSignal: Check = (p, f, v) => {
  if (!(v instanceof AbortSignal)) fail(p, f, 'must be an AbortSignal');
};

export const checkString: Check = (p, f, v) => void requireString(p, f, v);

/** Travels in a header: non-empty, no control characters, Latin-1 only. */
export const checkHeaderValue: Check = (p, f, v) => void requireHeaderValue(p, f, v);

/** A list whose every item passes `item`. */
export const checkList =
  (item: Check): Check =>
  (p, f, v) => {
    if (!Array.isArray(v)) fail(p, f, 'must be an array');
    for (const [i, x] of (v as unknown[]).entries()) item(p, `${f}[${i}]`, x);
  };

/** `false`, or an object checked by `schema`. */
export const checkFalseOr =
  (schema: OptionSchema): Check =>
  (p, f, v) => {
    if (v !== false) checkOptions(p, schema, v, `${f}.`);
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
  maxAttempts: checkInteger(1, 100),
  maxRateLimitRetries: checkInteger(0, 100),
  baseDelayMs: checkMs(0),
  maxDelayMs: checkMs(0),
  maxRetryAfterMs: checkMs(0),
  methods: checkList((p, f, v) => {
    if (typeof v !== 'string' || !TOKEN.test(v)) fail(p, f, 'must be an HTTP method name');
  }),
  statuses: checkList(checkInteger(100, 599)),
};

/** The schema of the options every client accepts (`ClientOptions`). */
export function clientOptionsSchema(managedHeaders: readonly string[]): OptionSchema {
  return {
    baseUrl: checkString,
    allowInsecureHttp: checkBoolean,
    fetch: checkFunction,
    retry: checkFalseOr(retrySchema),
    timeoutMs: checkMs(1),
    idleTimeoutMs: checkMs(1),
    signal: checkSignal,
    maxResponseBytes: checkInteger(1),
    headers: headersCheck(managedHeaders),
    onEvent: checkFunction,
    onRateLimit: checkFunction,
  };
}

/** The schema of a listing's options (`PaginateOptions`). */
export const paginateOptionsSchema: OptionSchema = {
  signal: checkSignal,
  concurrency: checkInteger(1, 64),
  maxItems: checkInteger(0),
  onPage: checkFunction,
};
