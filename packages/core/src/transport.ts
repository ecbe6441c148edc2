import { BodyTooLarge, declaredLength, discard, readCapped } from './body.js';
import { checkJson, isJsonCandidate, parsedResponse } from './json.js';
import { isRedirect, nextHop } from './redirect.js';
import {
  callPolicy,
  type RateLimitReset,
  type RetryOptions,
  retryPolicy,
  retryState,
  serverRequestedDelay,
  sleep,
} from './retry.js';
import { callBudget, type IdleWatch, idleWatch, isTimeoutReason } from './signal.js';

export {
  parseRetryAfter,
  type RateLimitReset,
  type RetryOptions,
  serverRequestedDelay,
  sleep,
} from './retry.js';

/**
 * The retrying fetch that sits *under* openapi-fetch (middleware cannot resend a request,
 * openapi-fetch #2075). It owns everything that happens between "a Request is ready" and "a fully
 * read Response is available": retries with backoff, rate-limit waits, the caller's signal and
 * timeout, redirects (never forwarding credentials to another origin), and the body-size cap.
 * Web-standard APIs only.
 *
 * This file is the loop; each decision is a unit of its own, testable alone: the retry policy and
 * budgets (`retry.ts`), the redirect follower (`redirect.ts`), the capped body reader (`body.ts`),
 * the JSON and envelope check (`json.ts`), the idle watch and call budget (`signal.ts`).
 */

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

/** Metadata about the call that produced a Response, for error reporting. */
export interface ResponseMeta {
  attempts: number;
}
const responseMeta = new WeakMap<Response, ResponseMeta>();
export function getResponseMeta(response: Response): ResponseMeta | undefined {
  return responseMeta.get(response);
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Default overall budget of one client call: every attempt, wait and token fetch included. */
export const DEFAULT_TIMEOUT_MS = 120_000;
/** Default idle timeout of one attempt: no byte for this long ends it. */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Default cap on a response body, decoded bytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * What pending calls need to stay abortable, held until each call is over. undici's `Request`
 * follows the signal it was given through a WeakRef: a Request that nothing else holds (the one a
 * custom fetch is handed) could be collected mid-flight, leaving the fetch or its body deaf to the
 * call's budget, the idle timeout and the caller's abort (packages/core/test/gc.test.ts).
 */
const inFlight = new Set<unknown[]>();

/** A wait before the next attempt. */
interface Wait {
  ms: number;
  reason: string;
  status?: number | undefined;
  paced?: boolean;
}

export type Transport = (input: Request, context?: CallContext) => Promise<Response>;

export function createTransport(options: TransportOptions = {}): Transport {
  const custom = options.fetch;
  const clientPolicy = retryPolicy(options.retry);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const { onEvent, rateLimitReset: reset, json } = options;
  const isErrorBody = json?.isErrorBody;
  /** Pacing: no request leaves before this time (the provider said its quota is spent until then). */
  let pausedUntil = 0;

  /**
   * Sends one attempt. With the platform's fetch, the URL and init go to it directly: fetch builds
   * its one Request and keeps it (and so its link to `signal`) alive while the request is in
   * flight, so no Request of ours is made or needs holding. A custom fetch takes a Request, which
   * is held with the call (see `inFlight`).
   */
  function send(url: string, init: RequestInit, held: unknown[]): Promise<Response> {
    if (!custom) return globalThis.fetch(url, init);
    const request = new Request(url, init);
    held.push(request);
    return custom(request);
  }

  return async function rosterkitFetch(request: Request, context?: CallContext): Promise<Response> {
    const policy = callPolicy(clientPolicy, options.retry, context?.retry);
    const operation = context?.operation;
    const emit = onEvent && ((event: TransportEvent) => onEvent(operation ? { ...event, operation } : event));
    const budget =
      options.signal || options.timeoutMs !== undefined
        ? callBudget(options.timeoutMs, [request.signal, options.signal])
        : undefined;
    const signal = budget?.signal ?? request.signal;
    const retries = retryState(
      policy,
      policy.maxAttempts > 1 &&
        (policy.methods.has(request.method) || (options.isIdempotent?.(request) ?? false)),
      random,
    );
    const stopped = (made: number): TransportFailure =>
      isTimeoutReason(signal.reason)
        ? new TransportFailure('timeout', (signal.reason as Error).message, made)
        : new TransportFailure('aborted', 'the request was aborted', made);
    /** Asks `onRateLimit` whether to wait; `false` from it means: do not. */
    const ask = (reason: RateLimitInfo['reason'], delayMs: number): boolean =>
      options.onRateLimit?.({ operation, url, delayMs, attempt: retries.attempt, reason }) !== false;

    // Buffer the body once so every attempt (and redirect) can resend it.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const headers = request.headers;
    let url = request.url;
    let method = request.method;
    let redirects = 0;
    const held: unknown[] = [budget, request];
    inFlight.add(held);
    try {
      for (;;) {
        const attempt = retries.start();
        if (signal.aborted) throw stopped(attempt - 1);
        const paceMs = pausedUntil - Date.now();
        if (paceMs > 0) {
          const ms = Math.min(paceMs, policy.maxRetryAfter);
          if (ask('quota', ms)) await pause({ ms, reason: 'rate-limit', paced: true });
        }

        const idle = idleWatch(idleMs, signal);
        held.push(idle);
        let outcome: Response | Wait | undefined;
        try {
          outcome = await once(attempt, idle);
        } finally {
          idle.dispose();
        }
        if (outcome instanceof Response) return outcome;
        if (outcome) await pause(outcome);
      }
    } finally {
      inFlight.delete(held);
      budget?.dispose();
    }

    /** One attempt: the call's Response, a wait before the next attempt, or undefined after a redirect hop. */
    async function once(attempt: number, idle: IdleWatch): Promise<Response | Wait | undefined> {
      /** A failure without a usable answer: retried after a backoff when the budget allows, else thrown. */
      const retryOr = (failure: () => TransportFailure, reason: string, status?: number): Wait => {
        const ms = retries.afterFailure();
        if (ms === undefined) throw idle.fired ? idleFailure(attempt) : failure();
        return { ms, reason: idle.fired ? 'idle timeout' : reason, status };
      };
      const started = emit ? Date.now() : 0;
      emit?.({ type: 'request', method, url, attempt });
      let response: Response;
      try {
        const init: RequestInit = { method, headers, signal: idle.signal, redirect: 'manual' };
        if (body !== undefined && method !== 'GET' && method !== 'HEAD') init.body = body;
        response = await send(url, init, held);
      } catch (error) {
        if (signal.aborted) throw stopped(attempt);
        const cors = corsProblem(error, url);
        if (cors) throw new TransportFailure('cors', cors, attempt, { cause: error });
        return retryOr(
          () => new TransportFailure('network', describe(error), attempt, { cause: error }),
          'network error',
        );
      }
      idle.touch();
      const status = response.status;
      emit?.({ type: 'response', method, url, attempt, status, durationMs: Date.now() - started });
      if (reset?.remainingHeader && response.headers.get(reset.remainingHeader) === '0') {
        const quotaMs = serverRequestedDelay(response, reset);
        if (quotaMs !== undefined) pausedUntil = Math.max(pausedUntil, Date.now() + quotaMs);
      }

      if (isRedirect(status)) {
        await discard(response);
        const hop = nextHop(response, url, method, redirects, options.allowRedirect);
        if ('refused' in hop) throw new TransportFailure('redirect', hop.refused, attempt);
        redirects++;
        emit?.({ type: 'redirect', from: url, to: hop.url });
        url = hop.url;
        method = hop.method;
        retries.hop(); // a hop is not an attempt
        return undefined;
      }

      const wait = retries.afterStatus(response, reset, (ms) => ask('429', ms));
      if (wait) {
        await discard(response);
        return { ms: wait.delayMs, reason: wait.rateLimit ? 'rate-limit' : `status ${status}`, status };
      }

      // Read the whole body here, so a connection reset mid-body is retried like any network error.
      let bytes: ArrayBuffer | null;
      try {
        bytes =
          NULL_BODY_STATUSES.has(status) || !response.body
            ? null
            : await readCapped(response.body, maxBytes, declaredLength(response), idle.touch);
      } catch (error) {
        if (error instanceof BodyTooLarge) throw new TransportFailure('too-large', error.message, attempt);
        if (signal.aborted) throw stopped(attempt);
        return retryOr(
          () =>
            new TransportFailure('network', `response body interrupted: ${describe(error)}`, attempt, {
              cause: error,
            }),
          'body interrupted',
          status,
        );
      }

      let result: Response;
      if (json && isJsonCandidate(response, bytes)) {
        const checked = checkJson(bytes, response.headers.get('content-type'), isErrorBody);
        if ('problem' in checked) {
          const ms = retries.afterFailure();
          if (ms === undefined)
            throw new TransportFailure('invalid-response', checked.problem, attempt, {
              status,
              body: checked.body,
            });
          return { ms, reason: `invalid response: ${checked.problem}`, status };
        }
        result = parsedResponse(bytes, response, checked.value);
      } else
        result = new Response(bytes, { status, statusText: response.statusText, headers: response.headers });
      responseMeta.set(result, { attempts: attempt });
      return result;
    }

    function idleFailure(attempt: number): TransportFailure {
      return new TransportFailure('timeout', `no data for ${idleMs} ms (idle timeout)`, attempt);
    }

    async function pause({ ms, reason, status, paced }: Wait): Promise<void> {
      const attempt = retries.attempt;
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
