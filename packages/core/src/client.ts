import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';
import type {
  ErrorResponseJSON,
  HttpMethod,
  MediaType,
  PathsWithMethod,
  RequiredKeysOf,
} from 'openapi-typescript-helpers';
import { CredentialFailure } from './credential.js';
import { ApiError, isApiError, RosterkitError } from './errors.js';
import { checkFalseOr, checkOptions, clientOptionsSchema, retrySchema } from './options.js';
import type { PageStyle } from './pages.js';
import { type PaginateContext, type PaginateOptions, paginate } from './paginate.js';
import { Redactor } from './redact.js';
import { callBudget, isTimeoutReason } from './signal.js';
import { raceSignal } from './token.js';
import {
  createTransport,
  DEFAULT_TIMEOUT_MS,
  getResponseMeta,
  type RateLimitInfo,
  type RateLimitReset,
  type RetryOptions,
  serverRequestedDelay,
  type TransportEvent,
  TransportFailure,
} from './transport.js';
import { type BaseUrlOptions, requireBaseUrl, requirePathParams } from './validate.js';

/** Options every rosterkit client accepts, whatever the provider. */
export interface ClientOptions extends BaseUrlOptions {
  /** A custom fetch (tests, proxies, instrumentation). It receives a fully built Request. */
  fetch?: (input: Request) => Promise<Response>;
  /** Retry policy, or `false` to make exactly one attempt per call. */
  retry?: RetryOptions | false;
  /**
   * Overall budget per call in ms: every attempt, retry and rate-limit wait, and the wait for a
   * token, included. Default 120 000 (2 minutes).
   */
  timeoutMs?: number;
  /**
   * Per attempt: no byte for this long (waiting for the answer, or inside its body) ends the
   * attempt, which is retried when the request is safe to repeat. Default 30 000 (30 s).
   */
  idleTimeoutMs?: number;
  /** Aborts every call of this client when it fires. */
  signal?: AbortSignal;
  /** Largest response body accepted, in decoded bytes, checked while it streams in (default 64 MiB). */
  maxResponseBytes?: number;
  /** Extra headers sent on every call (never credentials: use the provider's auth options). */
  headers?: Record<string, string>;
  /**
   * Observe every attempt (`request`, `response` with status and duration), retries, rate-limit
   * waits and redirects — for progress output or logging (see `requestLogger`). URLs are redacted.
   */
  onEvent?: (event: TransportEvent) => void;
  /**
   * Decide about each rate-limit wait: after a 429, or before a request when the provider said its
   * quota is spent (Rocket.Chat, Thena and Rezolve announce `X-RateLimit-Remaining`, and the client
   * paces itself instead of running into 429s). Return `false` to not wait: a 429 then fails the
   * call at once (`ApiError` 429 with `retryAfter`); a paced request is sent straight away.
   */
  onRateLimit?: (info: RateLimitInfo) => unknown;
}

/**
 * openapi-fetch middleware for a rosterkit client (`client.use(m)`). It runs before the
 * provider's authentication, and the `request` it is shown in `onResponse`/`onError` has every
 * credential redacted — so logging or tracing middleware cannot leak one. Set `unredacted: true`
 * only when the middleware must see the real request (request signing, say): it then receives
 * the credentials and is responsible for them.
 */
export type ClientMiddleware = Middleware & { unredacted?: boolean };

/** Per-call options beside openapi-fetch's own (`params`, `body`, `signal`, …). */
export interface CallOptions {
  /** This call's retry policy, over the client's (`false`: exactly one attempt). */
  retry?: RetryOptions | false;
}

/** What a provider package declares about itself; everything else is shared. */
export interface ProviderDefinition {
  /** Provider id used in errors and the facade, e.g. `rocketchat`. */
  id: string;
  /** `"METHOD /path"` → operationId, generated from the spec (src/generated/operations.ts). */
  operations: Readonly<Record<string, string>>;
  /** Reads the provider's error envelope into a code and a message. Must not throw. */
  decodeError(body: unknown, status: number): { code?: string | undefined; message?: string | undefined };
  /** The provider's rate-limit reset header, if it has one. */
  rateLimitReset?: RateLimitReset;
  /** Cross-origin redirects that may be followed with credentials (e.g. Blynk's regional hosts). */
  allowRedirect?: (to: URL, from: URL) => boolean;
  /** Recognises the provider's error envelope in a 2xx body, which is then an error, not data. */
  isErrorBody?: (body: unknown) => boolean;
  /** Requests safe to repeat although their method is not (a search by POST, a token request). */
  isIdempotent?: (request: Request) => boolean;
  /** Response header carrying a request id, if the provider sends one. */
  requestIdHeader?: string;
  /**
   * Headers the client sets from its own validated options (credentials, a tenant id, a team id);
   * `ClientOptions.headers` may not override them. `Authorization` is always managed.
   */
  managedHeaders?: readonly string[];
}

/**
 * A spec's `paths` with the named header parameters made optional: the client fills them in
 * (a tenant id, a team id), so callers are not asked for them on every call (openapi-fetch #1504).
 */
export type ProvidedHeaders<Paths, K extends string> = {
  [P in keyof Paths]: { [M in keyof Paths[P]]: ProvideOp<Paths[P][M], K> };
};
type ProvideOp<Op, K extends string> = Op extends { parameters: infer Prm }
  ? Omit<Op, 'parameters'> & { parameters: ProvideParams<Prm, K> }
  : Op;
type ProvideParams<Prm, K extends string> = Prm extends { header?: infer H }
  ? [NonNullable<H>] extends [never]
    ? Prm
    : Omit<Prm, 'header'> & {
        header?: Omit<NonNullable<H>, K> & Partial<Pick<NonNullable<H>, Extract<keyof NonNullable<H>, K>>>;
      }
  : Prm;

/** The provider's authentication, applied as openapi-fetch middleware. */
export interface AuthHandler {
  /**
   * Adds credentials to an outgoing request (may fetch or refresh a token first; wait for it with
   * the request's signal, which carries the call's budget — the client also ends the wait then).
   * Returns the token it used, if any: `refresh` is told which token was refused.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: providers without a token return nothing
  apply(request: Request): void | string | Promise<void | string>;
  /** Every secret value currently in use, for redaction. */
  secrets(): readonly (string | undefined)[];
  /**
   * When a call fails because the credential expired: get a new one (bounded by `signal`, the
   * call's budget) unless `used` — the token the refused request carried — was already replaced;
   * the call is then made once more. Never run for a token request.
   */
  refresh?(signal: AbortSignal, used: string | undefined): Promise<void>;
  isExpired?(error: ApiError): boolean;
  /**
   * The provider's token endpoints (`/oauth2/token`, `/authorize`): their refusals are reported at
   * once as `kind: 'auth'`, never answered by fetching a token (which would wait on itself).
   */
  isTokenPath?(path: string): boolean;
}

type InitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & CallOptions & { [key: string]: unknown })?]
    : [Init & CallOptions & { [key: string]: unknown }];

/** openapi-fetch's success branch: errors are thrown as ApiError, so `data` is always the 2xx body. */
export type Success<R> = R extends { data?: never; error: unknown } ? never : Omit<R, 'error'>;

/**
 * The error body the spec documents for one operation — the JSON of its 4xx, 5xx and `default`
 * responses, from the generated types (what openapi-fetch types `error` as).
 */
export type OperationErrorBody<Paths, P extends keyof Paths, M extends keyof Paths[P]> =
  // biome-ignore lint/suspicious/noExplicitAny: openapi-typescript-helpers' own constraint
  ErrorResponseJSON<Paths[P][M] & Record<string | number, any>>;

/**
 * An ApiError of one operation whose body is typed by that operation's documented error
 * responses. The body is what the server sent (redacted): the guard checks that it is a JSON
 * object (or absent), not each field, so read fields as the spec's optional/union types say.
 */
export type OperationError<Body> = ApiError & { readonly body: Body | undefined };

type Method = (typeof METHODS)[number];

// biome-ignore lint/complexity/noBannedTypes: openapi-fetch's own constraint
type OkMethod<Paths extends Record<string, Record<HttpMethod, {}>>, M extends HttpMethod> = <
  Path extends PathsWithMethod<Paths, M>,
  Init extends MaybeOptionalInit<Paths[Path], M>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<Success<FetchResponse<Paths[Path][M], Init, MediaType>>>;

/**
 * A typed client over every operation of a spec: openapi-fetch's call style (`client.GET(path,
 * { params })`), except that failures throw ApiError instead of returning `{ error }`.
 */
export interface ApiClient<Paths extends {}> {
  // biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint
  GET: OkMethod<Paths & Record<string, Record<HttpMethod, any>>, 'get'>;
  // biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint
  POST: OkMethod<Paths & Record<string, Record<HttpMethod, any>>, 'post'>;
  // biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint
  PUT: OkMethod<Paths & Record<string, Record<HttpMethod, any>>, 'put'>;
  // biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint
  PATCH: OkMethod<Paths & Record<string, Record<HttpMethod, any>>, 'patch'>;
  // biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint
  DELETE: OkMethod<Paths & Record<string, Record<HttpMethod, any>>, 'delete'>;
  /** The provider id (`rocketchat`, …). */
  readonly provider: string;
  /** The validated base URL. */
  readonly baseUrl: string;
  /** Redacts this client's secrets from any text (for your own logs). */
  readonly redact: (text: string) => string;
  /**
   * Lists one operation of this client's spec in one of the shared paging styles (`cursorPages`,
   * `offsetPages`, `pageNumberPages`, `singlePage`): the provider and the operation id come from
   * the client and its generated operation table, e.g. `client.pages('GET /users', cursorPages({…}))`.
   * A route that is not an operation of the spec is a TypeError.
   */
  pages<Cursor, Page, Item>(
    route: `${Uppercase<HttpMethod>} ${Extract<keyof Paths, string>}`,
    style: PageStyle<Cursor, Page, Item>,
    options?: PaginateOptions,
  ): AsyncGenerator<Item, void, undefined>;
  /** Adds openapi-fetch middleware (hooks on every call); see `ClientMiddleware` for what it sees. */
  use(...middleware: ClientMiddleware[]): void;
  /** Removes middleware added with `use`. */
  eject(...middleware: ClientMiddleware[]): void;
  /**
   * True when `error` is an HTTP failure of this client's `method path` operation (an ApiError of
   * any copy of core) with a JSON object body or none; narrows `error.body` to the error schema
   * the spec documents for that operation: `if (client.isErrorOf(e, 'GET', '/users')) e.body?.…`.
   */
  isErrorOf<
    M extends 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    P extends PathsWithMethod<Paths, Lowercase<M>>,
  >(
    error: unknown,
    method: M,
    path: P,
  ): error is OperationError<OperationErrorBody<Paths, P, Lowercase<M> & keyof Paths[P]>>;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** What core's helpers need of a client it built: its operation context, with its redaction. */
const contexts = new WeakMap<object, (route: string) => PaginateContext>();

/** The operation context of `route` on `client` (provider, operation id, the client's redaction). */
function contextOf(client: object, route: string): PaginateContext {
  const of = contexts.get(client);
  if (!of) throw new TypeError('not a client made by createApiClient');
  return of(route);
}

/**
 * The `invalid-response` ApiError for an answer of `route` that lacks what the provider
 * documents (a response header, a field), named like every other error of that operation:
 * `throw invalidResponse(client, 'GET /authorize', 'no access_token response header')`. A route
 * that is not an operation of the spec is a TypeError.
 */
export function invalidResponse<Paths extends {}>(
  client: ApiClient<Paths>,
  route: `${Uppercase<HttpMethod>} ${Extract<keyof Paths, string>}`,
  what: string,
): ApiError {
  const ctx = contextOf(client, route);
  return ctx.error({
    operation: ctx.operation,
    kind: 'invalid-response',
    message: `${ctx.provider} ${ctx.operation}: ${what}`,
  });
}

export function createApiClient<Paths extends {}>(
  provider: ProviderDefinition,
  baseUrl: string,
  auth: AuthHandler,
  options: ClientOptions = {},
  /** Extra openapi-fetch middleware of the provider (e.g. an ETag cache), after auth. */
  middleware: readonly Middleware[] = [],
): ApiClient<Paths> {
  checkOptions(provider.id, clientOptionsSchema(provider.managedHeaders ?? []), options);
  const url = requireBaseUrl(provider.id, baseUrl, options);
  const redactor = new Redactor(() => auth.secrets());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transport = createTransport({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(provider.rateLimitReset ? { rateLimitReset: provider.rateLimitReset } : {}),
    ...(provider.allowRedirect ? { allowRedirect: provider.allowRedirect } : {}),
    ...(provider.isIdempotent ? { isIdempotent: provider.isIdempotent } : {}),
    json: provider.isErrorBody ? { isErrorBody: provider.isErrorBody } : {},
    ...(options.onEvent ? { onEvent: redactedEvents(options.onEvent, redactor) } : {}),
    ...(options.onRateLimit ? { onRateLimit: redactedRateLimit(options.onRateLimit, redactor) } : {}),
  });
  const raw: Client<Paths> = createClient<Paths>({
    baseUrl: url,
    fetch: transport,
    redirect: 'manual', // the transport decides which redirects are followed
    ...(options.headers ? { headers: options.headers } : {}),
  });
  const hooks: ClientMiddleware[] = [];
  /** The token `auth.apply` put on each request, so a refresh knows which one was refused. */
  const tokenOf = new WeakMap<Request, string>();
  /** Each call's budget, by the fetch it hands openapi-fetch (which middleware is shown). */
  const budgetOf = new WeakMap<object, AbortSignal>();
  raw.use(
    userMiddleware(hooks, redactor),
    // Whatever the provider's auth waits on (a token endpoint, a caller's token function), the
    // call's budget ends the wait. Raced on the budget itself, not on `request.signal`: a Request
    // follows the signal it was given only through a WeakRef, so while nothing but this wait holds
    // the call, garbage collection could sever it and the wait would never end.
    {
      onRequest: async ({ request, options }) => {
        const applied = auth.apply(request);
        const used =
          applied instanceof Promise
            ? await raceSignal(applied, budgetOf.get(options.fetch) ?? request.signal)
            : applied;
        if (typeof used === 'string') tokenOf.set(request, used);
      },
    },
    ...middleware,
  );

  const makeError = (init: Omit<ConstructorParameters<typeof ApiError>[0], 'provider'>) =>
    new ApiError({ provider: provider.id, ...init }, redactor);

  const operationOf = (method: string, path: string) =>
    provider.operations[`${method} ${path}`] ?? `${method} ${path}`;

  async function call(method: (typeof METHODS)[number], path: string, init: unknown): Promise<unknown> {
    const operation = operationOf(method, path);
    if (path.includes('{'))
      requirePathParams(
        provider.id,
        path,
        (init as { params?: { path?: unknown } } | undefined)?.params?.path,
      );
    const {
      retry,
      signal: given,
      ...rest
    } = (init ?? {}) as CallOptions & {
      signal?: AbortSignal | null;
    } & Record<string, unknown>;
    if (retry !== undefined) checkFalseOr(retrySchema)(provider.id, 'retry', retry);
    const context = retry === undefined ? { operation } : { operation, retry };
    // One budget for the whole call: the token wait, every attempt and wait, a refresh and its retry.
    const budget = callBudget(timeoutMs, [given ?? undefined, options.signal]);
    let used: string | undefined;
    const attempt = async (): Promise<unknown> => {
      try {
        const send = (request: Request) => {
          used = tokenOf.get(request);
          return transport(request, context);
        };
        budgetOf.set(send, budget.signal);
        // biome-ignore lint/suspicious/noExplicitAny: dispatch over the typed methods
        const result = await (raw[method] as any)(path, { ...rest, signal: budget.signal, fetch: send });
        if (result.response.ok) return result;
        return httpError(operation, result.response, result.error);
      } catch (error) {
        return toApiError(error, operation, budget.signal);
      }
    };
    try {
      let outcome = await attempt();
      if (!(outcome instanceof ApiError)) return outcome;
      // A refused credential (including one refused while fetching a token for this call) is never
      // answered by fetching a token again.
      const expired = outcome.kind !== 'auth' && (auth.isExpired?.(outcome) ?? false);
      if (
        auth.isTokenPath?.(path) &&
        (expired || (outcome.kind === 'http' && [400, 401, 403].includes(outcome.status)))
      )
        throw refused(outcome, 'the provider refused the credentials');
      if (!expired || !auth.refresh) throw outcome;
      try {
        await auth.refresh(budget.signal, used);
      } catch (error) {
        throw toApiError(error, operation, budget.signal);
      }
      outcome = await attempt();
      if (!(outcome instanceof ApiError)) return outcome;
      if (outcome.kind !== 'auth' && auth.isExpired?.(outcome))
        throw refused(outcome, 'the credentials were refused again with a fresh token');
      throw outcome;
    } finally {
      budget.dispose();
    }
  }

  /** A refused credential: the same error, as `kind: 'auth'`. */
  function refused(error: ApiError, why: string): ApiError {
    return makeError({
      operation: error.operation,
      kind: 'auth',
      status: error.status,
      code: error.code,
      message: `${error.message} (${why})`,
      requestId: error.requestId,
      attempts: error.attempts,
      url: error.url,
      body: error.body,
    });
  }

  function httpError(operation: string, response: Response, body: unknown): ApiError {
    const decoded = safeDecode(provider, body, response.status, redactor);
    const retryAfterMs =
      response.status === 429 || response.status === 503
        ? serverRequestedDelay(response, provider.rateLimitReset)
        : undefined;
    return makeError({
      operation,
      kind: 'http',
      status: response.status,
      code: decoded.code,
      message: `${provider.id} ${operation} failed with HTTP ${response.status}${decoded.message ? `: ${decoded.message}` : ''}`,
      retryAfter: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
      requestId: provider.requestIdHeader
        ? (response.headers.get(provider.requestIdHeader) ?? undefined)
        : undefined,
      attempts: getResponseMeta(response)?.attempts,
      url: response.url || undefined,
      headers: response.headers,
      body,
    });
  }

  function toApiError(error: unknown, operation: string, signal: AbortSignal): ApiError {
    if (error instanceof ApiError) return error;
    // The caller's credential function threw: the credentials could not be had (message redacted).
    if (error instanceof CredentialFailure)
      return makeError({
        operation,
        kind: 'auth',
        message: `${provider.id} ${operation}: ${error.message}`,
        cause: error.cause,
      });
    // Bad input found while building the request (a header param): thrown as it is.
    if (error instanceof RosterkitError) throw error;
    if (signal.aborted && !(error instanceof TransportFailure)) {
      // Stopped outside the transport (waiting for a token, a refresh): the budget or the caller.
      const timedOut = isTimeoutReason(signal.reason);
      return makeError({
        operation,
        kind: timedOut ? 'timeout' : 'aborted',
        message: `${provider.id} ${operation}: ${timedOut ? (signal.reason as Error).message : 'the request was aborted'}`,
      });
    }
    if (error instanceof TransportFailure) {
      const decoded =
        error.body === undefined ? {} : safeDecode(provider, error.body, error.status ?? 0, redactor);
      return makeError({
        operation,
        kind: error.kind,
        message: `${provider.id} ${operation}: ${error.message}${decoded.message ? `: ${decoded.message}` : ''}`,
        attempts: error.attempts,
        status: error.status,
        code: decoded.code,
        body: error.body,
        cause: error.cause ?? error,
      });
    }
    if (error instanceof SyntaxError) {
      return makeError({
        operation,
        kind: 'invalid-response',
        message: `${provider.id} ${operation}: response is not valid JSON`,
        cause: error,
      });
    }
    if (error instanceof Error && error.name === 'AbortError') {
      return makeError({
        operation,
        kind: 'aborted',
        message: `${provider.id} ${operation}: the request was aborted`,
        cause: error,
      });
    }
    return makeError({
      operation,
      kind: 'network',
      message: `${provider.id} ${operation}: ${String(error instanceof Error ? error.message : error)}`,
      cause: error,
    });
  }

  /** The context of one operation of the spec, named by its route; anything else is refused. */
  const contextFor = (route: string): PaginateContext => {
    const operation = Object.hasOwn(provider.operations, route) ? provider.operations[route] : undefined;
    if (operation === undefined)
      throw new TypeError(`${provider.id}: ${route} is not an operation of its spec`);
    return { provider: provider.id, operation, error: makeError };
  };

  const client = {
    isErrorOf: (error: unknown, method: Method, path: string) =>
      isApiError(error) &&
      error.provider === provider.id &&
      error.operation === operationOf(method, path) &&
      (error.kind === 'http' || error.kind === 'auth') &&
      error.status >= 400 &&
      (error.body === undefined || (typeof error.body === 'object' && error.body !== null)),
    provider: provider.id,
    baseUrl: url,
    redact: (text: string) => redactor.text(text),
    pages<Cursor, Page, Item>(
      route: string,
      style: PageStyle<Cursor, Page, Item>,
      options?: PaginateOptions,
    ) {
      const ctx = contextFor(route);
      return paginate(ctx, style(ctx), options);
    },
    use: (...m: ClientMiddleware[]) => void hooks.push(...m),
    eject: (...m: ClientMiddleware[]) => {
      for (const one of m) {
        const at = hooks.indexOf(one);
        if (at >= 0) hooks.splice(at, 1);
      }
    },
  } as Record<string, unknown>;
  for (const method of METHODS) client[method] = (path: string, init?: unknown) => call(method, path, init);
  contexts.set(client, contextFor);
  return client as unknown as ApiClient<Paths>;
}

/** Events with credentials (e.g. a refresh token in a query string) removed from their URLs. */
function redactedEvents(onEvent: (event: TransportEvent) => void, redactor: Redactor) {
  return (event: TransportEvent) =>
    onEvent(
      event.type === 'redirect'
        ? { ...event, from: redactor.text(event.from), to: redactor.text(event.to) }
        : { ...event, url: redactor.text(event.url) },
    );
}

function redactedRateLimit(
  onRateLimit: NonNullable<ClientOptions['onRateLimit']>,
  redactor: Redactor,
): NonNullable<ClientOptions['onRateLimit']> {
  return (info) => onRateLimit({ ...info, url: redactor.text(info.url) });
}

/**
 * The caller's middleware, run before authentication. Where openapi-fetch hands middleware the
 * final request (with credentials) — `onResponse`, `onError` — it gets a redacted copy instead,
 * unless it asked for the real one.
 */
function userMiddleware(hooks: readonly ClientMiddleware[], redactor: Redactor): Middleware {
  const view = (m: ClientMiddleware, request: Request) =>
    m.unredacted ? request : redactedRequest(request, redactor);
  return {
    async onRequest(params) {
      let request = params.request;
      for (const m of hooks) {
        if (!m.onRequest) continue;
        const result = await m.onRequest({ ...params, request });
        if (result instanceof Response) return result;
        if (result) request = result;
      }
      return request === params.request ? undefined : request;
    },
    async onResponse(params) {
      let response = params.response;
      for (const m of [...hooks].reverse()) {
        if (!m.onResponse) continue;
        const result = await m.onResponse({ ...params, request: view(m, params.request), response });
        if (result) response = result;
      }
      return response === params.response ? undefined : response;
    },
    async onError(params) {
      let error = params.error;
      for (const m of [...hooks].reverse()) {
        if (!m.onError) continue;
        const result = await m.onError({ ...params, request: view(m, params.request), error });
        if (result instanceof Response) return result;
        if (result) error = result;
      }
      return error === params.error ? undefined : (error as Error);
    },
  };
}

/** A copy of a request that carries no credential: URL and header values redacted, no body. */
function redactedRequest(request: Request, redactor: Redactor): Request {
  const headers = new Headers();
  for (const [name, value] of request.headers) headers.set(name, redactor.text(value));
  return new Request(redactor.text(request.url), { method: request.method, headers });
}

/**
 * The provider's code and message from an error body. The body is redacted *before* the decoder
 * sees it (decoders cut string bodies) and the results are redacted again before they are cut, so a
 * secret that straddles a cut is never left half-recognisable.
 */
function safeDecode(
  provider: ProviderDefinition,
  body: unknown,
  status: number,
  redactor: Redactor,
): { code?: string | undefined; message?: string | undefined } {
  try {
    const decoded = provider.decodeError(redactor.value(body), status);
    return {
      code: typeof decoded.code === 'string' ? redactor.cut(decoded.code, 200) : undefined,
      message: typeof decoded.message === 'string' ? redactor.cut(decoded.message, 500) : undefined,
    };
  } catch {
    return {};
  }
}
