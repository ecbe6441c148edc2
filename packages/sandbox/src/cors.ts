/**
 * Cross-origin access for browser code talking to the sandbox (a page on one loopback port, the
 * sandbox on another). Preflights are answered before authentication — as real gateways do — and
 * every answer to an allowed origin carries `Access-Control-Allow-Origin` plus the headers a client
 * reads (rate limits, request ids, `Retry-After`, `ETag`).
 */
export interface CorsOptions {
  /**
   * Origins allowed to call the sandbox from a browser: a list of exact origins, or a predicate.
   * Default: any loopback origin (`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`).
   */
  origins?: readonly string[] | ((origin: string) => boolean);
}

const EXPOSED = [
  'retry-after',
  'etag',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-request-id',
  'content-length',
].join(', ');

export function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (url.origin !== origin) return false;
    return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  } catch {
    return false;
  }
}

export type CorsDecision =
  | { kind: 'none' }
  | { kind: 'refused' }
  | { kind: 'preflight'; headers: Record<string, string> }
  | { kind: 'simple'; headers: Record<string, string> };

/** What to do with a request's `Origin`: nothing (no Origin), refuse, answer a preflight, or decorate. */
export function corsFor(
  options: CorsOptions | false | undefined,
  method: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): CorsDecision {
  const origin = headers.origin;
  if (typeof origin !== 'string' || options === false) return { kind: 'none' };
  const allowed =
    options?.origins === undefined
      ? isLoopbackOrigin(origin)
      : typeof options.origins === 'function'
        ? options.origins(origin)
        : options.origins.includes(origin);
  const preflight = method === 'OPTIONS' && typeof headers['access-control-request-method'] === 'string';
  if (!allowed) return preflight ? { kind: 'refused' } : { kind: 'none' };
  const base = { 'access-control-allow-origin': origin, vary: 'Origin' };
  if (!preflight) return { kind: 'simple', headers: { ...base, 'access-control-expose-headers': EXPOSED } };
  const requested = headers['access-control-request-headers'];
  return {
    kind: 'preflight',
    headers: {
      ...base,
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      // Echo what the browser asks for, limited to header-name characters.
      'access-control-allow-headers':
        typeof requested === 'string' ? requested.replace(/[^A-Za-z0-9!#$%&'*+.^_`|~,\s-]/g, '') : '',
      'access-control-max-age': '600',
    },
  };
}
