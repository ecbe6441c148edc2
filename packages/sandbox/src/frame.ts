import type { FaultResponses } from './faults.js';
import { matchPath, RateLimiter, type SandboxRequest, type SandboxResponse } from './http.js';
import type { ModuleOptions, SandboxModule } from './module.js';

/** One operation's handler: the request and its decoded path parameters. */
export type Route = (
  req: SandboxRequest,
  params: Record<string, string>,
) => SandboxResponse | Promise<SandboxResponse>;

export interface FrameDefinition<Op extends string> {
  id: string;
  /** Path below `/<id>` the spec's paths are relative to (e.g. `/v3.1`), usually ''. */
  basePath?: string;
  /** The spec's operation table, `"METHOD /path"` → operationId (`src/generated/operations.ts`). */
  operations: Readonly<Record<string, Op>>;
  /** A handler for every operationId of the spec: one missing does not compile. */
  routes: Readonly<Record<Op, Route>>;
  /**
   * Checks the caller before any route: an error response refuses the call, a string is the
   * caller's identity (the rate limiter's key).
   */
  authenticate(req: SandboxRequest): SandboxResponse | string;
  /** The provider's own 429 and server-error answers (fault injection and the rate limiter use them). */
  faultResponses: FaultResponses;
  /** The answer to a path or method the spec does not have. */
  notFound(req: SandboxRequest): SandboxResponse;
  credentials: Readonly<Record<string, string>>;
  count(): number;
}

/**
 * One frame for every emulated provider: routing by operationId from the spec's own operation
 * table, authentication before routing, and rate limiting (`ModuleOptions.rateLimit`, per caller)
 * answered with the provider's own 429. A module declares only what its provider does.
 */
export function frameModule<Op extends string>(
  options: ModuleOptions,
  def: FrameDefinition<Op>,
): SandboxModule {
  const limiter = options.rateLimit
    ? new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs)
    : undefined;
  // Literal paths before templated ones (`/users/me` before `/users/{id}`).
  const table = Object.entries(def.operations)
    .map(([route, op]) => {
      const [method = '', template = ''] = route.split(' ');
      return { method, template, op: op as Op, params: template.split('{').length - 1 };
    })
    .sort((a, b) => a.params - b.params);
  return {
    id: def.id,
    basePath: def.basePath ?? '',
    credentials: def.credentials,
    faultResponses: def.faultResponses,
    count: def.count,
    handle(req) {
      const caller = def.authenticate(req);
      if (typeof caller !== 'string') return caller;
      if (limiter) {
        const state = limiter.hit(caller);
        if (!state.allowed) return def.faultResponses.rateLimited(state.resetAt);
      }
      for (const { method, template, op } of table) {
        if (method !== req.method) continue;
        const params = matchPath(template, req.path);
        if (params) return def.routes[op](req, params);
      }
      return def.notFound(req);
    },
  };
}
