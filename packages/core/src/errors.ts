import type { Redactor } from './redact.js';

/** What went wrong, independent of the provider. */
export type ApiErrorKind =
  /** The server answered with an error status (or an error envelope). */
  | 'http'
  /**
   * The provider refused the credentials: its token endpoint said no, or a call was refused again
   * with a freshly fetched token. Not retryable: fix the credentials.
   */
  | 'auth'
  /** The connection failed (DNS, reset, refused, body cut off) and retries did not help. */
  | 'network'
  /** The call's time budget (`timeoutMs`) or the per-attempt idle timeout (`idleTimeoutMs`) elapsed. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The server answered 2xx with something the spec does not allow (HTML, truncated JSON, wrong shape). */
  | 'invalid-response'
  /** The response body exceeded `maxResponseBytes`. */
  | 'too-large'
  /** A redirect was refused (another origin, or a downgrade to plain http). */
  | 'redirect'
  /** A listing ended before returning every item the server announced. */
  | 'incomplete'
  /**
   * In a browser: the request to another origin was refused before any answer could be read —
   * the server sent no (or the wrong) `Access-Control-Allow-Origin`, or is unreachable. Not retried.
   */
  | 'cors';

export interface ApiErrorInit {
  provider: string;
  operation: string;
  kind: ApiErrorKind;
  message: string;
  status?: number;
  code?: string | undefined;
  retryAfter?: number | undefined;
  requestId?: string | undefined;
  attempts?: number | undefined;
  url?: string | undefined;
  body?: unknown;
  /** Response headers of the failed answer (credentials are redacted from them). */
  headers?: Headers | undefined;
  cause?: unknown;
  itemsRead?: number | undefined;
  expectedItems?: number | undefined;
}

/** Base class of every error rosterkit throws on purpose. */
export abstract class RosterkitError extends Error {
  abstract readonly provider: string;
}

/**
 * Marks ApiErrors across copies of `@rosterkit/core` (two installed versions, a bundle and a
 * package): `isApiError` checks this brand, not `instanceof`.
 */
const API_ERROR = Symbol.for('rosterkit.ApiError');

/**
 * The one error class for everything that happens on the wire. Built only through a Redactor, so
 * no credential reaches its message, body, url, cause or JSON form.
 */
export class ApiError extends RosterkitError {
  override readonly name = 'ApiError';
  readonly provider: string;
  /** The spec's operationId (e.g. `users.list`), or `METHOD /path` when there is none. */
  readonly operation: string;
  readonly kind: ApiErrorKind;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** The provider's own error code (`errorType`, `status_code`, `error.code`, …) when it sends one. */
  readonly code: string | undefined;
  /** Seconds the server asked us to wait, when it said so. */
  readonly retryAfter: number | undefined;
  readonly requestId: string | undefined;
  /** How many HTTP attempts were made for this call. */
  readonly attempts: number | undefined;
  /** Request URL with credentials removed. */
  readonly url: string | undefined;
  /** The decoded (redacted) error body. */
  readonly body: unknown;
  /** Response headers of the failed answer, lower-case names, credentials redacted. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** For listings: how many items were yielded before the failure. */
  itemsRead: number | undefined;
  /** For listings: how many items the server announced, when it did. */
  expectedItems: number | undefined;
  /** True when repeating the same call later may succeed. */
  readonly retryable: boolean;

  constructor(init: ApiErrorInit, redactor: Redactor) {
    super(
      redactor.text(init.message),
      init.cause === undefined ? undefined : { cause: safeCause(init.cause, redactor) },
    );
    this.provider = init.provider;
    this.operation = init.operation;
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.code = init.code === undefined ? undefined : redactor.text(init.code);
    this.retryAfter = init.retryAfter;
    this.requestId = init.requestId === undefined ? undefined : redactor.cut(init.requestId, 200);
    this.attempts = init.attempts;
    this.url = init.url === undefined ? undefined : redactor.text(init.url);
    this.body = redactor.value(init.body);
    this.headers = init.headers === undefined ? undefined : redactedHeaders(init.headers, redactor);
    this.itemsRead = init.itemsRead;
    this.expectedItems = init.expectedItems;
    this.retryable =
      init.kind === 'network' ||
      init.kind === 'incomplete' ||
      (init.kind === 'http' && (this.status === 429 || this.status >= 500));
    if (this.stack) this.stack = redactor.text(this.stack);
    Object.defineProperty(this, API_ERROR, { value: true });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      provider: this.provider,
      operation: this.operation,
      kind: this.kind,
      status: this.status,
      code: this.code,
      retryAfter: this.retryAfter,
      requestId: this.requestId,
      attempts: this.attempts,
      itemsRead: this.itemsRead,
      expectedItems: this.expectedItems,
      body: this.body,
    };
  }
}

/** Bad input refused before anything was sent. */
export class InputError extends RosterkitError {
  override readonly name = 'InputError';
  readonly provider: string;
  /** The option or parameter that was refused, e.g. `authToken`, `baseUrl`, `params.query.count`. */
  readonly field: string;

  constructor(provider: string, field: string, message: string) {
    super(`${provider}: invalid ${field}: ${message}`);
    this.provider = provider;
    this.field = field;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, provider: this.provider, field: this.field };
  }
}

/** A cause that cannot leak: same name and (redacted) message, no references to requests or headers. */
function safeCause(cause: unknown, redactor: Redactor): Error {
  if (cause instanceof ApiError) return cause;
  const name = cause instanceof Error ? cause.name : 'Error';
  const raw = cause instanceof Error ? cause.message : String(cause);
  const nested = cause instanceof Error && cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  const err = new Error(redactor.text(raw + nested));
  err.name = name;
  err.stack = `${name}: ${err.message}`;
  return err;
}

/** Response headers as a plain object; values are redacted, credential-bearing headers dropped. */
function redactedHeaders(headers: Headers, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of headers) {
    if (name === 'set-cookie' || name === 'authorization' || name === 'www-authenticate') continue;
    out[name] = redactor.text(value);
  }
  return out;
}

/**
 * True for an ApiError from any copy of `@rosterkit/core` (checked by a `Symbol.for` brand, so two
 * installed versions or a bundled copy still agree).
 */
export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[API_ERROR] === true
  );
}
