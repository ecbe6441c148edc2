import { BodyTooLarge, readCapped } from './body.js';
import { callBudget, isTimeoutReason, linkInto } from './signal.js';

/**
 * The retrying fetch that sits *under* openapi-fetch (middleware cannot resend a request,
 * openapi-fetch #2075). It owns everything that happens between "a Request is ready" and "a fully
 * read Response is available": retries with backoff, rate-limit waits, the caller's signal and
 * timeout, redirects (never forwarding credentials to another origin), and the body-size cap.
 * Web-standard APIs only.
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

/**
 * What the transport reports while it works (URLs are redacted by the client before you see them).
 * `operation` is the spec's operationId when the call came through a client.
 */
export type TransportEvent =
  | { type: 'request'; operation?: string; method: string; url: string; attempt: number }
  | {
      type: 'response';
      operation?: string;
      method: string;
      url: string;
      attempt: number;
      status: number;
      durationMs: number;
    }
  | {
      type: 'retry';
      operation?: string;
      attempt: number;
      delayMs: number;
      reason: string;
      status?: number;
      url: string;
    }
  | {
      type: 'rate-limit';
      operation?: string;
      attempt: number;
      delayMs: number;
      url: string;
      /** True when the client slowed down before the limit (quota announced as spent), not after a 429. */
      paced?: boolean;
    }
  | { type: 'redirect'; operation?: string; from: string; to: string };

/** A rate-limit wait about to happen: after a 429, or before a request when the quota is spent. */
export interface RateLimitInfo {
  operation?: string | undefined;
  url: string;
  /** How long the client would wait, ms. */
  delayMs: number;
  /** The attempt that was limited (or is about to be made, when pacing). */
  attempt: number;
  /** `429`: the server refused the request; `quota`: the server said no calls are left until its reset. */
  reason: '429' | 'quota';
}

/** Per-call settings a client passes down with a request. */
export interface CallContext {
  /** The spec's operationId, for events. */
  operation?: string;
  /** This call's retry policy, over the client's (`false`: one attempt). */
  retry?: RetryOptions | false;
}

export interface TransportOptions {
  fetch?: (input: Request) => Promise<Response>;
  retry?: RetryOptions | false;
  /**
   * Overall time budget per call (all attempts and waits), ms. The transport alone has none by
   * default; rosterkit clients set one per call (`DEFAULT_TIMEOUT_MS`) and hand it in as the
   * request's signal, which the transport honours either way (a `TimeoutError` reason is reported
   * as a timeout).
   */
  timeoutMs?: number;
  /**
   * Per attempt: when no byte arrives for this long (waiting for the answer, or between two chunks
   * of its body), the attempt is abandoned and retried if the request is safe to repeat.
   * Default `DEFAULT_IDLE_TIMEOUT_MS` (30 s).
   */
  idleTimeoutMs?: number;
  /** A signal for every call of this client (e.g. shutdown); per-call signals are honoured too. */
  signal?: AbortSignal;
  /** Largest response body accepted, decoded bytes, counted while it streams in. Default 64 MiB. */
  maxResponseBytes?: number;
  rateLimitReset?: RateLimitReset;
  /** Which cross-origin redirects may be followed (credentials included). Default: none. */
  allowRedirect?: (to: URL, from: URL) => boolean;
  /**
   * Requests that are safe to repeat although their method is not (a search sent as POST, an
   * OAuth2 client-credentials token request).
   */
  isIdempotent?: (request: Request) => boolean;
  /**
   * Parse 2xx bodies as JSON here, once: a body that does not parse (truncated, an HTML page) is
   * an `invalid-response`, retried like a network error when the request is safe to repeat. The
   * returned Response's `json()` hands back the parsed value without parsing again.
   */
  json?: {
    /** Recognises the provider's error envelope inside a 2xx body (e.g. `success: false`). */
    isErrorBody?: (body: unknown) => boolean;
  };
  onEvent?: (event: TransportEvent) => void;
  /**
   * Called before every rate-limit wait (after a 429, or before a request when the provider says
   * the quota is spent). Return `false` not to wait (anything else waits): a 429 then fails the call at once (`http` 429).
   */
  onRateLimit?: (info: RateLimitInfo) => unknown;
  /** For tests: randomness for jitter. */
  random?: () => number;
}

/** Why the transport gave up without a response; the client turns it into an ApiError. */
export class TransportFailure extends Error {
  constructor(
    readonly kind: 'network' | 'timeout' | 'aborted' | 'too-large' | 'redirect' | 'invalid-response' | 'cors',
    message: string,
    readonly attempts: number,
    options?: { cause?: unknown; status?: number; body?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
    this.body = options?.body;
    this.name = 'TransportFailure';
  }
  /** For `invalid-response`: the status and the parsed body (an error envelope), when there was one. */
  readonly status: number | undefined;
  readonly body: unknown;
}

/**
 * A fully read JSON response: `json()` returns the value the transport already parsed, and the
 * other readers serve the bytes kept here. It carries no body stream of its own (building one per
 * response was a tenth of a request's CPU); `body` makes one on demand. Clones share the parsed
 * value. It always says its Content-Length (the decoded bytes it holds): openapi-fetch reads a
 * JSON body with `text()` + `JSON.parse` when there is none (a chunked or compressed answer),
 * which would parse every such body a second time.
 *
 * The class is made on first use, not at module load: extending `Response` makes Node load its
 * whole fetch implementation, about 25 ms of every cold start that never sends a request.
 */
type ParsedResponseClass = new (
  bytes: ArrayBuffer,
  init: ResponseInit,
  headers: Headers,
  value: unknown,
) => Response;
let parsedResponseClass: ParsedResponseClass | undefined;

function parsedResponse(bytes: ArrayBuffer, response: Response, value: unknown): Response {
  // The answer's own Headers object is shared, not copied; only a missing length makes a copy.
  let headers: Headers = response.headers;
  if (!headers.has('content-length')) {
    headers = new Headers(headers);
    headers.set('content-length', String(bytes.byteLength));
  }
  parsedResponseClass ??= makeParsedResponseClass();
  return new parsedResponseClass(
    bytes,
    { status: response.status, statusText: response.statusText },
    headers,
    value,
  );
}

function makeParsedResponseClass(): ParsedResponseClass {
  return class ParsedResponse extends Response {
    readonly #bytes: ArrayBuffer;
    readonly #headers: Headers;
    readonly #value: unknown;
    constructor(bytes: ArrayBuffer, init: ResponseInit, headers: Headers, value: unknown) {
      super(null, init);
      this.#bytes = bytes;
      this.#headers = headers;
      this.#value = value;
    }
    static {
      Object.defineProperties(ParsedResponse.prototype, {
        body: {
          get(this: ParsedResponse) {
            return new Blob([this.#bytes]).stream();
          },
        },
        headers: {
          get(this: ParsedResponse) {
            return this.#headers;
          },
        },
      });
    }
    override json(): Promise<unknown> {
      return Promise.resolve(this.#value);
    }
    override text(): Promise<string> {
      return Promise.resolve(utf8.decode(this.#bytes));
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return Promise.resolve(this.#bytes.slice(0));
    }
    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return Promise.resolve(new Uint8Array(this.#bytes.slice(0)));
    }
    override blob(): Promise<Blob> {
      return Promise.resolve(new Blob([this.#bytes], { type: this.#headers.get('content-type') ?? '' }));
    }
    override clone(): Response {
      const init = { status: this.status, statusText: this.statusText };
      return new ParsedResponse(this.#bytes, init, this.#headers, this.#value);
    }
  };
}

const utf8 = new TextDecoder();

/** Metadata about the call that produced a Response, for error reporting. */
export interface ResponseMeta {
  attempts: number;
}
const responseMeta = new WeakMap<Response, ResponseMeta>();
export function getResponseMeta(response: Response): ResponseMeta | undefined {
  return responseMeta.get(response);
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
const DEFAULT_STATUSES = [429, 500, 502, 503, 504];
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const MAX_REDIRECTS = 5;
/** Default overall budget of one client call: every attempt, wait and token fetch included. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/** Default idle timeout of one attempt: no byte for this long ends it. */
/** What pending calls need to stay abortable (see `held`). */
const inFlight = new Set<unknown[]>();
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Default cap on a response body, decoded bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

interface Policy {
  maxAttempts: number;
  maxRateLimitRetries: number;
  baseDelay: number;
  maxDelay: number;
  maxRetryAfter: number;
  methods: ReadonlySet<string>;
  statuses: ReadonlySet<number>;
}

function policyOf(retry: RetryOptions | false | undefined): Policy {
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

export type Transport = (input: Request, context?: CallContext) => Promise<Response>;

export function createTransport(options: TransportOptions = {}): Transport {
  const baseFetch = options.fetch ?? ((req: Request) => globalThis.fetch(req));
  const clientPolicy = policyOf(options.retry);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const onEvent = options.onEvent;
  const reset = options.rateLimitReset;
  /** Pacing: no request leaves before this time (the provider said its quota is spent until then). */
  let pausedUntil = 0;

  return async function rosterkitFetch(request: Request, context?: CallContext): Promise<Response> {
    const { maxAttempts, maxRateLimitRetries, baseDelay, maxDelay, maxRetryAfter, methods, statuses } =
      context?.retry === undefined
        ? clientPolicy
        : policyOf(
            context.retry === false || options.retry === false
              ? context.retry
              : { ...options.retry, ...context.retry },
          );
    const operation = context?.operation;
    const emit = onEvent && ((event: TransportEvent) => onEvent(operation ? { ...event, operation } : event));
    const budget =
      options.signal || options.timeoutMs !== undefined
        ? callBudget(options.timeoutMs, [request.signal, options.signal])
        : undefined;
    const signal = budget?.signal ?? request.signal;
    const stopped = (made: number): TransportFailure =>
      isTimeoutReason(signal.reason)
        ? new TransportFailure('timeout', (signal.reason as Error).message, made)
        : new TransportFailure('aborted', 'the request was aborted', made);

    const retryable =
      maxAttempts > 1 && (methods.has(request.method) || (options.isIdempotent?.(request) ?? false));
    // Buffer the body once so every attempt (and redirect) can resend it.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    let url = request.url;
    let method = request.method;
    let attempt = 0;
    /** Attempts answered with a rate limit: they do not count against `maxAttempts`. */
    let limited = 0;
    let redirects = 0;

    // Held until the call is over: undici's Request follows its signal through a WeakRef, so a
    // collected Request (or signal) would leave a pending fetch or body deaf to every abort.
    const held: unknown[] = [budget];
    inFlight.add(held);
    try {
      return await attempts();
    } finally {
      inFlight.delete(held);
      budget?.dispose();
    }

    async function attempts(): Promise<Response> {
      for (;;) {
        attempt++;
        if (signal.aborted) throw stopped(attempt - 1);
        const paceMs = pausedUntil - Date.now();
        if (paceMs > 0 && ask('quota', Math.min(paceMs, maxRetryAfter)))
          await wait(Math.min(paceMs, maxRetryAfter), 'rate-limit', undefined, true);
        const idle = idleWatch(idleMs, signal);
        let outcome: Response | Later | typeof RETRY;
        try {
          outcome = await once(idle);
        } finally {
          idle.dispose();
        }
        if (outcome instanceof Response) return outcome;
        if (outcome !== RETRY) await wait(outcome.ms, outcome.reason, outcome.status);
      }
    }

    /** One attempt: a Response, a wait before the next attempt, or RETRY at once (a redirect). */
    async function once(idle: IdleWatch): Promise<Response | Later | typeof RETRY> {
      let response: Response;
      const started = emit ? Date.now() : 0;
      emit?.({ type: 'request', method, url, attempt });
      try {
        // Every attempt is its own Request: it carries the attempt's signal (the call's budget
        // plus the idle timeout); bodies are replayed from the buffer.
        const sent = new Request(url, {
          method,
          headers: request.headers,
          body: method === 'GET' || method === 'HEAD' ? undefined : body,
          signal: idle.signal,
          redirect: 'manual',
        });
        held.push(sent, idle);
        response = await baseFetch(sent);
      } catch (error) {
        if (signal.aborted) throw stopped(attempt);
        const cors = corsProblem(error, url);
        if (cors) throw new TransportFailure('cors', cors, attempt, { cause: error });
        if (retryable && attempt - limited < maxAttempts)
          return later(backoff(attempt), idle.fired ? 'idle timeout' : 'network error', undefined);
        if (idle.fired) throw idleFailure();
        throw new TransportFailure('network', describe(error), attempt, { cause: error });
      }
      idle.touch();

      emit?.({
        type: 'response',
        method,
        url,
        attempt,
        status: response.status,
        durationMs: Date.now() - started,
      });
      if (reset?.remainingHeader && response.headers.get(reset.remainingHeader) === '0') {
        const quotaMs = serverRequestedDelay(response, reset);
        if (quotaMs !== undefined) pausedUntil = Math.max(pausedUntil, Date.now() + quotaMs);
      }

      // Redirects: same origin is followed; another origin only when the provider allows it.
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get('location');
        if (response.type === 'opaqueredirect' || !location) {
          throw new TransportFailure(
            'redirect',
            `redirect (${response.status}) without a readable Location`,
            attempt,
          );
        }
        const from = new URL(url);
        const to = new URL(location, from);
        const sameOrigin = to.origin === from.origin;
        if (!sameOrigin && !(options.allowRedirect?.(to, from) ?? false)) {
          await cancel(response);
          throw new TransportFailure(
            'redirect',
            `refused a redirect from ${from.origin} to ${to.origin}: credentials are never sent to another origin`,
            attempt,
          );
        }
        if (from.protocol === 'https:' && to.protocol !== 'https:') {
          await cancel(response);
          throw new TransportFailure('redirect', `refused a redirect from https to ${to.protocol}`, attempt);
        }
        if (++redirects > MAX_REDIRECTS)
          throw new TransportFailure('redirect', 'too many redirects', attempt);
        await cancel(response);
        emit?.({ type: 'redirect', from: from.href, to: to.href });
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === 'POST')
        ) {
          method = 'GET';
        }
        url = to.href;
        attempt--;
        return RETRY;
      }

      if (retryable && statuses.has(response.status)) {
        const serverDelay = serverRequestedDelay(response, options.rateLimitReset);
        const isRateLimit = response.status === 429 || serverDelay !== undefined;
        const budget = isRateLimit ? limited < maxRateLimitRetries : attempt - limited < maxAttempts;
        if (budget && (serverDelay === undefined || serverDelay <= maxRetryAfter)) {
          const delay = serverDelay === undefined ? backoff(attempt - limited) : serverDelay + random() * 50;
          if (!isRateLimit || ask('429', delay)) {
            if (isRateLimit) limited++;
            await cancel(response);
            return later(delay, isRateLimit ? 'rate-limit' : `status ${response.status}`, response.status);
          }
        }
      }

      // Read the whole body here, so a connection reset mid-body is retried like any network error.
      let buffered: ArrayBuffer | null;
      try {
        buffered =
          NULL_BODY_STATUSES.has(response.status) || !response.body
            ? null
            : await readCapped(response.body, maxBytes, plainLength(response), idle.touch);
      } catch (error) {
        if (error instanceof BodyTooLarge) throw new TransportFailure('too-large', error.message, attempt);
        if (signal.aborted) throw stopped(attempt);
        if (retryable && attempt - limited < maxAttempts)
          return later(backoff(attempt), idle.fired ? 'idle timeout' : 'body interrupted', response.status);
        if (idle.fired) throw idleFailure();
        throw new TransportFailure('network', `response body interrupted: ${describe(error)}`, attempt, {
          cause: error,
        });
      }
      const init = { status: response.status, statusText: response.statusText, headers: response.headers };
      let result: Response;
      if (
        options.json &&
        response.ok &&
        buffered !== null &&
        buffered.byteLength > 0 &&
        !isMediaBody(response.headers.get('content-type'))
      ) {
        const parsed = parseJson(buffered, response.headers.get('content-type'), options.json.isErrorBody);
        if ('problem' in parsed) {
          if (retryable && attempt - limited < maxAttempts)
            return later(backoff(attempt), `invalid response: ${parsed.problem}`, response.status);
          throw new TransportFailure('invalid-response', parsed.problem, attempt, {
            status: response.status,
            body: parsed.body,
          });
        }
        result = parsedResponse(buffered, response, parsed.value);
      } else result = new Response(buffered, init);
      responseMeta.set(result, { attempts: attempt });
      return result;
    }

    function idleFailure(): TransportFailure {
      return new TransportFailure('timeout', `no data for ${idleMs} ms (idle timeout)`, attempt);
    }

    function backoff(attemptNo: number): number {
      const ceiling = Math.min(maxDelay, baseDelay * 2 ** (attemptNo - 1));
      return ceiling / 2 + (random() * ceiling) / 2; // "equal jitter": never 0, never above the cap
    }

    /** Asks `onRateLimit` whether to wait; `false` from it means: do not. */
    function ask(reason: RateLimitInfo['reason'], delayMs: number): boolean {
      return options.onRateLimit?.({ operation, url, delayMs, attempt, reason }) !== false;
    }

    async function wait(
      ms: number,
      reason: string,
      status: number | undefined,
      paced = false,
    ): Promise<void> {
      if (reason === 'rate-limit')
        emit?.({ type: 'rate-limit', attempt, delayMs: ms, url, ...(paced ? { paced } : {}) });
      else emit?.({ type: 'retry', attempt, delayMs: ms, reason, url, ...(status ? { status } : {}) });
      try {
        await sleep(ms, signal);
      } catch {
        throw stopped(attempt);
      }
    }
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

/** Images, audio, video and octet streams are binary answers (an avatar), never JSON to parse. */
function isMediaBody(contentType: string | null): boolean {
  return /^\s*(image|audio|video)\/|^\s*application\/octet-stream/i.test(contentType ?? '');
}

/** A 2xx body as JSON, or what is wrong with it (not JSON, or the provider's error envelope). */
function parseJson(
  buffer: ArrayBuffer,
  contentType: string | null,
  isErrorBody: ((body: unknown) => boolean) | undefined,
): { value: unknown } | { problem: string; body?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(buffer));
  } catch {
    return { problem: `the response is not JSON (content-type ${contentType ?? 'missing'})` };
  }
  if (isErrorBody?.(value)) return { problem: 'a success status carrying an error body', body: value };
  return { value };
}

/** The Content-Length of a body fetch has not decoded, when it says one; else undefined. */
function plainLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  if (header === null || response.headers.has('content-encoding')) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

async function cancel(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

const RETRY = Symbol('retry');
/** Wait this long, then make the next attempt. */
interface Later {
  ms: number;
  reason: string;
  status: number | undefined;
}
const later = (ms: number, reason: string, status: number | undefined): Later => ({ ms, reason, status });

interface IdleWatch {
  /** The attempt's signal: the call's, plus the idle timeout. */
  readonly signal: AbortSignal;
  /** Whether the idle timeout ended the attempt. */
  readonly fired: boolean;
  /** A sign of life (headers, a chunk): the idle clock starts again. */
  touch(): void;
  dispose(): void;
}

/**
 * One attempt's idle timeout. A chunk only records the time; the single timer, when it fires,
 * re-arms itself for what is left, so a busy body costs no timer churn.
 */
function idleWatch(ms: number, parent: AbortSignal): IdleWatch {
  // One controller follows the call's signal and is aborted by the idle timer too.
  const controller = new AbortController();
  const detach = linkInto(controller, [parent]);
  let last = Date.now();
  let fired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number) => {
    timer = setTimeout(() => {
      const quiet = Date.now() - last;
      if (quiet < ms) return arm(ms - quiet);
      fired = true;
      controller.abort(new DOMException(`no data for ${ms} ms`, 'AbortError'));
    }, delay);
  };
  if (!controller.signal.aborted) arm(ms);
  return {
    signal: controller.signal,
    get fired() {
      return fired;
    },
    touch() {
      last = Date.now();
    },
    dispose() {
      clearTimeout(timer);
      detach();
    },
  };
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

/**
 * In a browser page, a fetch to another origin that rejects without an answer is a CORS refusal
 * (or an unreachable host, which the page cannot tell apart): say what to check, and do not retry
 * something that will be refused again.
 */
function corsProblem(error: unknown, url: string): string | undefined {
  const page = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  if (!(error instanceof TypeError) || typeof page !== 'string' || page === 'null') return undefined;
  const target = new URL(url).origin;
  if (target === page) return undefined;
  return `the browser refused the request from ${page} to ${target} before an answer could be read: check that the server answers CORS preflights and allows the origin ${page} (Access-Control-Allow-Origin), and that it is reachable`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
