/**
 * The redirect follower. Requests go out with `redirect: 'manual'`, so every 3xx comes back here:
 * same-origin hops are followed, another origin only when the provider allows that host (the
 * request carries credentials), never from https down to http, at most `MAX_REDIRECTS` hops per
 * call. 303 (and 301/302 after a POST) turn the request into a GET, as browsers do.
 */

export const MAX_REDIRECTS = 5;

/** A 3xx that asks to go elsewhere (304 Not Modified is an answer, not a redirect). */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400 && status !== 304;
}

/** The next hop of a redirect, or why it is refused. */
export type RedirectHop = { url: string; method: string } | { refused: string };

/**
 * Where a redirect answer leads.
 * @param hops redirects already followed by this call
 * @param allow the provider's cross-origin allowance (default: none)
 */
export function nextHop(
  response: Response,
  from: string,
  method: string,
  hops: number,
  allow?: (to: URL, from: URL) => boolean,
): RedirectHop {
  const status = response.status;
  const location = response.headers.get('location');
  if (response.type === 'opaqueredirect' || !location)
    return { refused: `redirect (${status}) without a readable Location` };
  const source = new URL(from);
  let target: URL;
  try {
    target = new URL(location, source);
  } catch {
    return { refused: `redirect (${status}) to an unreadable Location` };
  }
  if (target.origin !== source.origin && !(allow?.(target, source) ?? false))
    return {
      refused: `refused a redirect from ${source.origin} to ${target.origin}: credentials are never sent to another origin`,
    };
  if (source.protocol === 'https:' && target.protocol !== 'https:')
    return { refused: `refused a redirect from https to ${target.protocol}` };
  if (hops + 1 > MAX_REDIRECTS) return { refused: 'too many redirects' };
  const toGet = status === 303 || ((status === 301 || status === 302) && method === 'POST');
  return { url: target.href, method: toGet ? 'GET' : method };
}
