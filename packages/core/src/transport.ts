import { linkSignals } from './signal.js';

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
  /** Total attempts per call, first one included. Default 4. `1` disables retries. */
  maxAttempts?: number;
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
  /** Overall time budget per call (all attempts and waits), ms. */
  timeoutMs?: number;
  /** A signal for every call of this client (e.g. shutdown); per-call signals are honoured too. */
  signal?: AbortSignal;
  /** Largest response body accepted, bytes. Default 64 MiB. */
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
 * value.
 */
class ParsedResponse extends Response {
  readonly #bytes: ArrayBuffer;
  readonly #value: unknown;
  constructor(bytes: ArrayBuffer, init: ResponseInit, value: unknown) {
    super(null, init);
    this.#bytes = bytes;
    this.#value = value;
  }
  static {
    Object.defineProperty(ParsedResponse.prototype, 'body', {
      get(this: ParsedResponse) {
        return new Blob([this.#bytes]).stream();
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
    return Promise.resolve(new Blob([this.#bytes], { type: this.headers.get('content-type') ?? '' }));
  }
  override clone(): Response {
    const init = { status: this.status, statusText: this.statusText, headers: this.headers };
    return new ParsedResponse(this.#bytes, init, this.#value);
  }
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

interface Policy {
  maxAttempts: number;
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
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const random = options.random ?? Math.random;
  const onEvent = options.onEvent;
  const reset = options.rateLimitReset;
  /** Pacing: no request leaves before this time (the provider said its quota is spent until then). */
  let pausedUntil = 0;

  return async function rosterkitFetch(request: Request, context?: CallContext): Promise<Response> {
    const { maxAttempts, baseDelay, maxDelay, maxRetryAfter, methods, statuses } =
      context?.retry === undefined
        ? clientPolicy
        : policyOf(
            context.retry === false || options.retry === false
              ? context.retry
              : { ...options.retry, ...context.retry },
          );
    const operation = context?.operation;
    const emit = onEvent && ((event: TransportEvent) => onEvent(operation ? { ...event, operation } : event));
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const linked =
      options.signal || timeout ? linkSignals([request.signal, options.signal, timeout]) : undefined;
    const signal = linked?.signal ?? request.signal;
    const stopped = (made: number): TransportFailure =>
      timeout?.aborted
        ? new TransportFailure('timeout', `timed out after ${options.timeoutMs} ms`, made)
        : new TransportFailure('aborted', 'the request was aborted', made);

    const retryable =
      maxAttempts > 1 && (methods.has(request.method) || (options.isIdempotent?.(request) ?? false));
    // Buffer the body once so every attempt (and redirect) can resend it.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    let url = request.url;
    let method = request.method;
    let attempt = 0;
    let redirects = 0;

    try {
      return await attempts();
    } finally {
      linked?.dispose();
    }

    async function attempts(): Promise<Response> {
      for (;;) {
        attempt++;
        if (signal.aborted) throw stopped(attempt - 1);
        const paceMs = pausedUntil - Date.now();
        if (paceMs > 0 && ask('quota', Math.min(paceMs, maxRetryAfter)))
          await wait(Math.min(paceMs, maxRetryAfter), 'rate-limit', undefined, true);
        let response: Response;
        const started = emit ? Date.now() : 0;
        emit?.({ type: 'request', method, url, attempt });
        try {
          // The first attempt of a body-less request that already has our signal and redirect mode
          // goes out as it is; everything else is rebuilt (bodies are replayed from the buffer).
          const reuse =
            attempt === 1 &&
            redirects === 0 &&
            body === undefined &&
            signal === request.signal &&
            request.redirect === 'manual';
          response = await baseFetch(
            reuse
              ? request
              : new Request(url, {
                  method,
                  headers: request.headers,
                  body: method === 'GET' || method === 'HEAD' ? undefined : body,
                  signal,
                  redirect: 'manual',
                }),
          );
        } catch (error) {
          if (signal.aborted) throw stopped(attempt);
          const cors = corsProblem(error, url);
          if (cors) throw new TransportFailure('cors', cors, attempt, { cause: error });
          if (retryable && attempt < maxAttempts) {
            await wait(backoff(attempt), 'network error', undefined);
            continue;
          }
          throw new TransportFailure('network', describe(error), attempt, { cause: error });
        }

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
            await response.body?.cancel();
            throw new TransportFailure(
              'redirect',
              `refused a redirect from ${from.origin} to ${to.origin}: credentials are never sent to another origin`,
              attempt,
            );
          }
          if (from.protocol === 'https:' && to.protocol !== 'https:') {
            await response.body?.cancel();
            throw new TransportFailure(
              'redirect',
              `refused a redirect from https to ${to.protocol}`,
              attempt,
            );
          }
          if (++redirects > MAX_REDIRECTS)
            throw new TransportFailure('redirect', 'too many redirects', attempt);
          await response.body?.cancel();
          emit?.({ type: 'redirect', from: from.href, to: to.href });
          if (
            response.status === 303 ||
            ((response.status === 301 || response.status === 302) && method === 'POST')
          ) {
            method = 'GET';
          }
          url = to.href;
          attempt--;
          continue;
        }

        if (retryable && statuses.has(response.status) && attempt < maxAttempts) {
          const serverDelay = serverRequestedDelay(response, options.rateLimitReset);
          if (serverDelay === undefined || serverDelay <= maxRetryAfter) {
            const isRateLimit = response.status === 429 || serverDelay !== undefined;
            const delay = serverDelay === undefined ? backoff(attempt) : serverDelay + random() * 50;
            if (!isRateLimit || ask('429', delay)) {
              await response.body?.cancel();
              await wait(delay, isRateLimit ? 'rate-limit' : `status ${response.status}`, response.status);
              continue;
            }
          }
        }

        // Read the whole body here, so a connection reset mid-body is retried like any network error.
        let buffered: ArrayBuffer | null;
        try {
          buffered = NULL_BODY_STATUSES.has(response.status)
            ? null
            : await readBody(response, maxBytes, attempt);
        } catch (error) {
          if (error instanceof TransportFailure) throw error;
          if (signal.aborted) throw stopped(attempt);
          if (retryable && attempt < maxAttempts) {
            await wait(backoff(attempt), 'body interrupted', response.status);
            continue;
          }
          throw new TransportFailure('network', `response body interrupted: ${describe(error)}`, attempt, {
            cause: error,
          });
        }
        const init = { status: response.status, statusText: response.statusText, headers: response.headers };
        let result: Response;
        if (options.json && response.ok && buffered !== null && buffered.byteLength > 0) {
          const parsed = parseJson(buffered, response.headers.get('content-type'), options.json.isErrorBody);
          if ('problem' in parsed) {
            if (retryable && attempt < maxAttempts) {
              await wait(backoff(attempt), `invalid response: ${parsed.problem}`, response.status);
              continue;
            }
            throw new TransportFailure('invalid-response', parsed.problem, attempt, {
              status: response.status,
              body: parsed.body,
            });
          }
          result = new ParsedResponse(buffered, init, parsed.value);
        } else result = new Response(buffered, init);
        responseMeta.set(result, { attempts: attempt });
        return result;
      }
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

async function readBody(response: Response, maxBytes: number, attempt: number): Promise<ArrayBuffer | null> {
  if (!response.body) return null;
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body.cancel();
    throw new TransportFailure(
      'too-large',
      `response body of ${declared} bytes exceeds the ${maxBytes}-byte cap`,
      attempt,
    );
  }
  if (Number.isFinite(declared) && response.headers.has('content-length')) {
    const buffer = await response.arrayBuffer();
    if (buffer.byteLength > maxBytes) {
      throw new TransportFailure('too-large', `response body exceeds the ${maxBytes}-byte cap`, attempt);
    }
    return buffer;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new TransportFailure('too-large', `response body exceeds the ${maxBytes}-byte cap`, attempt);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
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
