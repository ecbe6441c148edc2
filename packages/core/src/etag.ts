import type { Middleware } from 'openapi-fetch';

/**
 * Opt-in ETag revalidation as openapi-fetch middleware: remembers the body and ETag of 200 GET
 * responses, sends `If-None-Match` next time, and turns a `304 Not Modified` into the cached
 * 200 body (marked with `x-rosterkit-cache: revalidated`), so callers always get typed data.
 * Bounded to `maxEntries` URLs (least recently used dropped).
 */
export function createEtagCache(maxEntries = 200): Middleware {
  const cache = new Map<string, { etag: string; body: string; headers: [string, string][] }>();
  const callerSet = new WeakSet<Request>();
  return {
    onRequest({ request }) {
      if (request.method !== 'GET') return undefined;
      if (request.headers.has('if-none-match')) {
        callerSet.add(request);
        return undefined;
      }
      const hit = cache.get(request.url);
      if (hit) request.headers.set('if-none-match', hit.etag);
      return undefined;
    },
    async onResponse({ request, response }) {
      if (request.method !== 'GET' || callerSet.has(request)) return undefined;
      if (response.status === 304) {
        const hit = cache.get(request.url);
        if (!hit) return undefined;
        cache.delete(request.url);
        cache.set(request.url, hit);
        const headers = new Headers(hit.headers);
        headers.set('x-rosterkit-cache', 'revalidated');
        return new Response(hit.body, { status: 200, headers });
      }
      const etag = response.headers.get('etag');
      if (response.status === 200 && etag) {
        const body = await response.clone().text();
        cache.delete(request.url);
        cache.set(request.url, { etag, body, headers: [...response.headers] });
        if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      }
      return undefined;
    },
  };
}
