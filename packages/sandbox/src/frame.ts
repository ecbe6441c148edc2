import type { FaultResponses } from './faults.js';
import { matchPath, RateLimiter, type SandboxRequest, type SandboxResponse } from './http.js';
import type { ModuleOptions, SandboxModule } from './module.js';

/** One operation's handler: the request, its decoded path parameters and the authenticated caller. */
export type Route<Caller = string> = (
  req: SandboxRequest,
  params: Record<string, string>,
  caller: Caller,
) => SandboxResponse | Promise<SandboxResponse>;

/** The rate limiter's window after counting a call. */
export interface RateLimitState {
  /** Calls allowed per window. */
  limit: number;
  /** Calls left in this window after this one. */
  remaining: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/** How a provider counts calls against the sandbox's `rateLimit` (per caller, after authentication, by default). */
export interface FrameRateLimit<Caller> {
  /** The counter a call counts against (`undefined`: not counted, e.g. callers allowed to bypass). */
  key?(req: SandboxRequest, caller: Caller | undefined): string | undefined;
  /** Count calls before authentication: refused calls and the token endpoint count too. */
  beforeAuth?: boolean;
  /**
   * Headers on every answer to a counted call (the answer's own headers win, except on the
   * limiter's 429, which reports the live window).
   */
  headers?(state: RateLimitState, req: SandboxRequest): Record<string, string>;
}

export interface FrameDefinition<Op extends string, Caller extends string | undefined = string> {
  id: string;
  /** Path below `/<id>` the spec's paths are relative to (e.g. `/v3.1`), usually ''. */
  basePath?: string;
  /**
   * The spec's operation table, `"METHOD /path"` → operationId (`operations.<id>` of
   * `src/generated/routes.ts`), plus any routes the provider serves beyond its spec.
   */
  operations: Readonly<Record<string, Op>>;
  /** Called first for every request (cache invalidation, request counters). */
  onRequest?(req: SandboxRequest): void;
  /**
   * Checks the caller: an error response refuses the call, a string is the caller (its routes'
   * third argument, and by default the rate limiter's key), `undefined` an anonymous caller the
   * provider lets through (token endpoints, registration). `op` is the matched operation,
   * undefined when no route matched.
   */
  authenticate(req: SandboxRequest, op: Op | undefined): SandboxResponse | Caller;
  /** How calls count against the sandbox's `rateLimit` (default: per caller, after authentication). */
  rateLimit?: FrameRateLimit<Caller>;
  /** A handler for every operationId of `operations`: one missing does not compile. */
  routes: Readonly<Record<Op, Route<Caller>>>;
  /** The provider's own 429 and server-error answers (fault injection and the rate limiter use them). */
  faultResponses: FaultResponses;
  /** The answer to a path or method the provider does not serve. */
  notFound(req: SandboxRequest, caller: Caller): SandboxResponse;
  credentials: Readonly<Record<string, string>>;
  count(): number;
}

/**
 * One frame for every emulated provider: routing by operationId from the spec's own operation
 * table, authentication before the route runs, and rate limiting (`ModuleOptions.rateLimit`)
 * answered with the provider's own 429. A module declares only what its provider does.
 */
export function frameModule<Op extends string, Caller extends string | undefined = string>(
  options: ModuleOptions,
  def: FrameDefinition<Op, Caller>,
): SandboxModule {
  const limiter = options.rateLimit
    ? new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs)
    : undefined;
  const { key = (_req: SandboxRequest, caller: Caller | undefined) => caller ?? 'anonymous' } =
    def.rateLimit ?? {};
  // Literal paths first, by lookup (`/users/me` before `/users/{id}`); then templates, fewest parameters first.
  const literal = new Map<string, Op>();
  const templated: { method: string; template: string; op: Op; params: number }[] = [];
  for (const [route, op] of Object.entries(def.operations)) {
    const [method = '', template = ''] = route.split(' ');
    const params = template.split('{').length - 1;
    if (params === 0) literal.set(`${method} ${template}`, op);
    else templated.push({ method, template, op, params });
  }
  templated.sort((a, b) => a.params - b.params);

  function match(req: SandboxRequest): { op: Op; params: Record<string, string> } | undefined {
    const op = literal.get(`${req.method} ${req.path}`);
    if (op !== undefined) return { op, params: {} };
    for (const { method, template, op } of templated) {
      if (method !== req.method) continue;
      const params = matchPath(template, req.path);
      if (params) return { op, params };
    }
    return undefined;
  }

  /** Counts the call; the limiter's 429, or the headers every answer to it carries. */
  function count(req: SandboxRequest, caller: Caller | undefined) {
    if (!limiter) return undefined;
    const k = key(req, caller);
    if (k === undefined) return undefined;
    const { allowed, ...window } = limiter.hit(k);
    const state = { limit: limiter.limit, ...window };
    const headers = def.rateLimit?.headers?.(state, req);
    if (allowed) return { headers };
    const refusal = def.faultResponses.rateLimited(state.resetAt);
    return { refusal: headers ? { ...refusal, headers: { ...refusal.headers, ...headers } } : refusal };
  }

  return {
    id: def.id,
    basePath: def.basePath ?? '',
    credentials: def.credentials,
    faultResponses: def.faultResponses,
    count: def.count,
    handle(req) {
      def.onRequest?.(req);
      const route = match(req);
      const beforeAuth = def.rateLimit?.beforeAuth === true;
      let counted = beforeAuth ? count(req, undefined) : undefined;
      if (counted?.refusal) return counted.refusal;
      const caller = def.authenticate(req, route?.op);
      if (typeof caller === 'object') return caller;
      if (!beforeAuth) counted = count(req, caller);
      if (counted?.refusal) return counted.refusal;
      const res = route ? def.routes[route.op](req, route.params, caller) : def.notFound(req, caller);
      const headers = counted?.headers;
      if (!headers) return res;
      const decorate = (r: SandboxResponse) => ({ ...r, headers: { ...headers, ...r.headers } });
      return res instanceof Promise ? res.then(decorate) : decorate(res);
    },
  };
}
