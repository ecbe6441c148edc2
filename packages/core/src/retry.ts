/**
 * The retry policy of one call: which requests may be repeated, how long to wait before the next
 * attempt (exponential backoff with jitter, or what the server asked for), and the two budgets —
 * failures (`maxAttempts`) and rate-limit answers (`maxRateLimitRetries`) — counted apart. Pure
 * decisions: the transport's loop sends, sleeps and reports; this says whether and how long.
 */

/** How a provider announces when its rate-limit window resets. */
export interface RateLimitReset {
  /** Header name, e.g. `x-ratelimit-reset`. */
  header: string;
  /** `epoch-ms` (Rocket.Chat), `epoch-s`, or `delta-s` (seconds from now). */
  unit: 'epoch-ms' | 'epoch-s' | 'delta-s';
  /** Header that says how many calls are left; the reset is only honoured on 429 or when it is 0. */
  remainingHeader?: string;
}

export interface RetryOptions {
  /**
   * Total attempts per call, first one included. Default 4. `1` disables retries. Answers that
   * are rate limits (429, or a server-requested wait) do not spend these: see `maxRateLimitRetries`.
   */
  maxAttempts?: number;
  /**
   * Rate-limit answers waited out per call, on top of `maxAttempts` (a burst of 429s is the server
   * pacing us, not failing). Default 10; each wait is capped by `maxRetryAfterMs`.
   */
  maxRateLimitRetries?: number;
  /** First backoff step in ms. Default 200. */
  baseDelayMs?: number;
  /** Longest backoff between two attempts in ms. Default 10 000. */
  maxDelayMs?: number;
  /** Longest server-requested wait (Retry-After, reset header) that is honoured. Default 60 000 ms. */
  maxRetryAfterMs?: number;
  /** Methods that are retried. Default GET, HEAD, OPTIONS, PUT, DELETE (never POST or PATCH). */
  methods?: readonly string[];
  /** Statuses that are retried. Default 429, 500, 502, 503, 504. */
  statuses?: readonly number[];
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
const DEFAULT_STATUSES = [429, 500, 502, 503, 504];

/** A retry policy with every default filled in. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly maxRateLimitRetries: number;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly maxRetryAfter: number;
  readonly methods: ReadonlySet<string>;
  readonly statuses: ReadonlySet<number>;
}

export function retryPolicy(retry: RetryOptions | false | undefined): RetryPolicy {
  const r = retry === false ? { maxAttempts: 1 } : (retry ?? {});
  return {
    maxAttempts: Math.max(1, r.maxAttempts ?? 4),
    maxRateLimitRetries: Math.max(0, r.maxRateLimitRetries ?? 10),
    baseDelay: r.baseDelayMs ?? 200,
    maxDelay: r.maxDelayMs ?? 10_000,
    maxRetryAfter: r.maxRetryAfterMs ?? 60_000,
    methods: new Set((r.methods ?? DEFAULT_METHODS).map((m) => m.toUpperCase())),
    statuses: new Set(r.statuses ?? DEFAULT_STATUSES),
  };
}

/**
 * A call's policy: the client's, or the call's own laid over it (`false` on either side: one
 * attempt). `clientPolicy` is the client's, made once.
 */
export function callPolicy(
  clientPolicy: RetryPolicy,
  client: RetryOptions | false | undefined,
  call: RetryOptions | false | undefined,
): RetryPolicy {
  if (call === undefined) return clientPolicy;
  return retryPolicy(call === false || client === false ? call : { ...client, ...call });
}

/** What to do after an attempt that did not end the call. */
export interface RetryWait {
  delayMs: number;
  /** A rate-limit wait (429 or a server-requested delay), counted against `maxRateLimitRetries`. */
  rateLimit: boolean;
}

/** The attempts of one call, and what to do after each (see `retryState`). */
export interface RetryState {
  /** Attempts made so far (redirect hops excluded). */
  readonly attempt: number;
  /** Attempts answered with a rate limit: they do not spend `maxAttempts`. */
  readonly limited: number;
  /** Counts a new attempt; returns its number. */
  start(): number;
  /** The attempt just made was a redirect hop, not an attempt. */
  hop(): void;
  /**
   * After an attempt that brought no usable answer (network error, idle timeout, a body cut off
   * or unreadable): the wait before the next attempt, or undefined when the call must fail.
   */
  afterFailure(): number | undefined;
  /**
   * After an answer whose status is retried (429, 5xx): the wait before the next attempt, or
   * undefined when the answer is the call's result. A wait the server asked for (`Retry-After`, the
   * provider's reset header) is honoured up to `maxRetryAfterMs`; `accept` is asked before a
   * rate-limit wait (`onRateLimit`).
   */
  afterStatus(
    response: Response,
    reset: RateLimitReset | undefined,
    accept: (delayMs: number) => boolean,
  ): RetryWait | undefined;
  /** The backoff before attempt `n + 1`: "equal jitter", never 0, never above the cap. */
  backoff(n: number): number;
}

/**
 * The retry state of one call under `policy`; `retryable` says whether this request may be sent
 * again at all (its method, or declared idempotent).
 */
export function retryState(policy: RetryPolicy, retryable: boolean, random: () => number): RetryState {
  let attempt = 0;
  let limited = 0;
  const backoff = (n: number) => {
    const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** (n - 1));
    return ceiling / 2 + (random() * ceiling) / 2;
  };
  return {
    get attempt() {
      return attempt;
    },
    get limited() {
      return limited;
    },
    start: () => ++attempt,
    hop: () => void attempt--,
    afterFailure: () => (retryable && attempt - limited < policy.maxAttempts ? backoff(attempt) : undefined),
    afterStatus(response, reset, accept) {
      if (!retryable || !policy.statuses.has(response.status)) return undefined;
      const delay = serverRequestedDelay(response, reset);
      const rateLimit = response.status === 429 || delay !== undefined;
      const left = rateLimit ? limited < policy.maxRateLimitRetries : attempt - limited < policy.maxAttempts;
      if (!left || (delay !== undefined && delay > policy.maxRetryAfter)) return undefined;
      const delayMs = delay === undefined ? backoff(attempt - limited) : delay + random() * 50;
      if (rateLimit) {
        if (!accept(delayMs)) return undefined;
        limited++;
      }
      return { delayMs, rateLimit };
    },
    backoff,
  };
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or HTTP date), else the
 * provider's reset header — honoured on 429, or when the remaining-calls header says 0.
 */
export function serverRequestedDelay(
  response: Response,
  reset: RateLimitReset | undefined,
): number | undefined {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  if (!reset) return undefined;
  const limited =
    response.status === 429 ||
    (reset.remainingHeader !== undefined && response.headers.get(reset.remainingHeader) === '0');
  if (!limited) return undefined;
  const value = Number(response.headers.get(reset.header));
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const ms =
    reset.unit === 'epoch-ms'
      ? value - Date.now()
      : reset.unit === 'epoch-s'
        ? value * 1000 - Date.now()
        : value * 1000;
  return Math.max(0, ms);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
