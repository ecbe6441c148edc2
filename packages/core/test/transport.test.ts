import { afterEach, describe, expect, it } from 'vitest';
import { createTransport, parseRetryAfter, type TransportEvent, TransportFailure } from '../src/transport.js';
import { scriptedServer, sendJson } from './server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe('createTransport', () => {
  it('retries 502/503/504 on GET with backoff and returns the first success', async () => {
    const srv = await scriptedServer((_req, res, n) =>
      n < 4 ? sendJson(res, [502, 503, 504][n - 1]!, {}) : sendJson(res, 200, { ok: true }),
    );
    close = srv.close;
    const events: TransportEvent[] = [];
    const fetch = createTransport({
      retry: { ...fast, maxAttempts: 4 },
      onEvent: (e) => void (e.type === 'request' || e.type === 'response' || events.push(e)),
    });
    const res = await fetch(new Request(`${srv.url}/x`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(srv.calls).toHaveLength(4);
    expect(events.map((e) => e.type)).toEqual(['retry', 'retry', 'retry']);
  });

  it('gives up after maxAttempts and hands back the last error response', async () => {
    const srv = await scriptedServer((_req, res) => sendJson(res, 503, { down: true }));
    close = srv.close;
    const res = await createTransport({ retry: { ...fast, maxAttempts: 3 } })(new Request(`${srv.url}/x`));
    expect(res.status).toBe(503);
    expect(srv.calls).toHaveLength(3);
  });

  it('never retries POST or PATCH', async () => {
    const srv = await scriptedServer((_req, res) => sendJson(res, 503, {}));
    close = srv.close;
    const fetch = createTransport({ retry: fast });
    expect((await fetch(new Request(`${srv.url}/x`, { method: 'POST', body: '{}' }))).status).toBe(503);
    expect((await fetch(new Request(`${srv.url}/x`, { method: 'PATCH', body: '{}' }))).status).toBe(503);
    expect(srv.calls).toHaveLength(2);
  });

  it('resends the body of a retried PUT', async () => {
    const bodies: string[] = [];
    const srv = await scriptedServer((_req, res, n, body) => {
      bodies.push(body);
      sendJson(res, n === 1 ? 503 : 200, {});
    });
    close = srv.close;
    await createTransport({ retry: fast })(new Request(`${srv.url}/x`, { method: 'PUT', body: '{"a":1}' }));
    expect(bodies).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('waits out a 429 as long as Retry-After says (seconds)', async () => {
    const srv = await scriptedServer((_req, res, n) =>
      n === 1 ? sendJson(res, 429, {}, { 'retry-after': '1' }) : sendJson(res, 200, {}),
    );
    close = srv.close;
    const events: TransportEvent[] = [];
    const res = await createTransport({
      retry: fast,
      onEvent: (e) => void (e.type === 'request' || e.type === 'response' || events.push(e)),
    })(new Request(`${srv.url}/x`));
    expect(res.status).toBe(200);
    expect(events[0]?.type).toBe('rate-limit');
    expect(events[0] && 'delayMs' in events[0] ? events[0].delayMs : 0).toBeGreaterThanOrEqual(1000);
  });

  it('honours a provider reset header in epoch milliseconds', async () => {
    const srv = await scriptedServer((_req, res, n) =>
      n === 1
        ? sendJson(
            res,
            429,
            {},
            { 'x-ratelimit-reset': String(Date.now() + 300), 'x-ratelimit-remaining': '0' },
          )
        : sendJson(res, 200, {}),
    );
    close = srv.close;
    const events: TransportEvent[] = [];
    await createTransport({
      retry: fast,
      rateLimitReset: {
        header: 'x-ratelimit-reset',
        unit: 'epoch-ms',
        remainingHeader: 'x-ratelimit-remaining',
      },
      onEvent: (e) => void (e.type === 'request' || e.type === 'response' || events.push(e)),
    })(new Request(`${srv.url}/x`));
    const delay = events[0] && 'delayMs' in events[0] ? events[0].delayMs : -1;
    expect(delay).toBeGreaterThan(150);
    expect(delay).toBeLessThan(1000);
  });

  it('does not wait longer than maxRetryAfterMs: returns the 429 instead', async () => {
    const srv = await scriptedServer((_req, res) => sendJson(res, 429, {}, { 'retry-after': '3600' }));
    close = srv.close;
    const res = await createTransport({ retry: { ...fast, maxRetryAfterMs: 1000 } })(
      new Request(`${srv.url}/x`),
    );
    expect(res.status).toBe(429);
    expect(srv.calls).toHaveLength(1);
  });

  it('a burst of 429s with Retry-After does not spend the failure budget (default policy)', async () => {
    // Four 429s in a row (the sandbox's longest storm) used to end a call at the default maxAttempts 4.
    const srv = await scriptedServer((_req, res, n) =>
      n <= 6 ? sendJson(res, 429, {}, { 'retry-after': '0' }) : sendJson(res, 200, { ok: true }),
    );
    close = srv.close;
    const res = await createTransport({ random: () => 0 })(new Request(`${srv.url}/x`));
    expect(res.status).toBe(200);
    expect(srv.calls).toHaveLength(7);
  });

  it('rate limits have their own budget (maxRateLimitRetries), failures theirs (maxAttempts)', async () => {
    const limited = await scriptedServer((_req, res) => sendJson(res, 429, {}, { 'retry-after': '0' }));
    close = limited.close;
    const res = await createTransport({ retry: { ...fast, maxRateLimitRetries: 3 }, random: () => 0 })(
      new Request(`${limited.url}/x`),
    );
    expect(res.status).toBe(429);
    expect(limited.calls).toHaveLength(4);
    await limited.close();
    // 429s and 503s interleaved: the 503s alone exhaust maxAttempts 3.
    const mixed = await scriptedServer((_req, res, n) =>
      n % 2 === 1 ? sendJson(res, 429, {}, { 'retry-after': '0' }) : sendJson(res, 503, {}),
    );
    close = mixed.close;
    const last = await createTransport({ retry: { ...fast, maxAttempts: 3 }, random: () => 0 })(
      new Request(`${mixed.url}/x`),
    );
    expect(last.status).toBe(503);
    expect(mixed.calls).toHaveLength(6);
  });

  it('retries network errors, then fails with a typed network failure', async () => {
    const srv = await scriptedServer((req) => req.socket.destroy());
    close = srv.close;
    const err = await createTransport({ retry: { ...fast, maxAttempts: 3 } })(
      new Request(`${srv.url}/x`),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(TransportFailure);
    expect(err.kind).toBe('network');
    expect(err.attempts).toBe(3);
    expect(srv.calls).toHaveLength(3);
  });

  it('retries a body cut off mid-way', async () => {
    const srv = await scriptedServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"users":[');
        setTimeout(() => res.socket?.destroy(), 5);
      } else sendJson(res, 200, { users: [] });
    });
    close = srv.close;
    const res = await createTransport({ retry: fast })(new Request(`${srv.url}/x`));
    expect(await res.json()).toEqual({ users: [] });
    expect(srv.calls).toHaveLength(2);
  });

  it('lets the caller signal win over a pending retry wait', async () => {
    const srv = await scriptedServer((_req, res) => sendJson(res, 429, {}, { 'retry-after': '30' }));
    close = srv.close;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await createTransport({ retry: fast })(
      new Request(`${srv.url}/x`, { signal: controller.signal }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(TransportFailure);
    expect(err.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a timeout as kind "timeout"', async () => {
    const srv = await scriptedServer((_req, res) => setTimeout(() => sendJson(res, 200, {}), 2000));
    close = srv.close;
    const err = await createTransport({ timeoutMs: 50 })(new Request(`${srv.url}/x`)).catch((e) => e);
    expect(err.kind).toBe('timeout');
  });

  it('refuses a cross-origin redirect and never sends credentials there', async () => {
    const other = await scriptedServer((_req, res) => sendJson(res, 200, {}));
    const srv = await scriptedServer((_req, res) => {
      res.writeHead(308, { location: `${other.url.replace('127.0.0.1', 'localhost')}/stolen` });
      res.end();
    });
    close = async () => {
      await srv.close();
      await other.close();
    };
    const err = await createTransport()(
      new Request(`${srv.url}/x`, { headers: { 'x-auth-token': 'secret' } }),
    ).catch((e) => e);
    expect(err.kind).toBe('redirect');
    expect(other.calls).toHaveLength(0);
  });

  it('follows a cross-origin redirect only when the provider allows the host', async () => {
    const other = await scriptedServer((_req, res) => sendJson(res, 200, { region: true }));
    const srv = await scriptedServer((_req, res) => {
      res.writeHead(308, { location: `${other.url.replace('127.0.0.1', 'localhost')}/x` });
      res.end();
    });
    close = async () => {
      await srv.close();
      await other.close();
    };
    const res = await createTransport({ allowRedirect: (to) => to.hostname === 'localhost' })(
      new Request(`${srv.url}/x`),
    );
    expect(await res.json()).toEqual({ region: true });
    expect(other.calls).toHaveLength(1);
  });

  it('caps the response body size', async () => {
    const srv = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`"${'x'.repeat(5000)}"`);
    });
    close = srv.close;
    const err = await createTransport({ maxResponseBytes: 1000 })(new Request(`${srv.url}/x`)).catch(
      (e) => e,
    );
    expect(err.kind).toBe('too-large');
  });
});

describe('createTransport with JSON bodies', () => {
  const isErrorBody = (b: unknown) => (b as { success?: unknown } | null)?.success === false;

  it('retries truncated JSON, an HTML page and an error envelope on GET, and parses the good body once', async () => {
    const srv = await scriptedServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5' });
        res.end('{"use');
      } else if (n === 2) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      } else if (n === 3) sendJson(res, 200, { success: false, error: 'boom' });
      else sendJson(res, 200, { success: true, users: [1] });
    });
    close = srv.close;
    const events: TransportEvent[] = [];
    const fetch = createTransport({
      retry: { ...fast, maxAttempts: 4 },
      json: { isErrorBody },
      onEvent: (e) => void (e.type === 'request' || e.type === 'response' || events.push(e)),
    });
    const res = await fetch(new Request(`${srv.url}/x`));
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = (...args: Parameters<typeof parse>) => {
      parses++;
      return parse(...args);
    };
    try {
      expect(await res.json()).toEqual({ success: true, users: [1] });
    } finally {
      JSON.parse = parse;
    }
    expect(parses).toBe(0);
    expect(srv.calls).toHaveLength(4);
    expect(events.map((e) => (e.type === 'retry' ? e.reason : e.type))).toEqual([
      'invalid response: the response is not JSON (content-type application/json)',
      'invalid response: the response is not JSON (content-type text/html)',
      'invalid response: a success status carrying an error body',
    ]);
  });

  it('gives up with an invalid-response failure that carries the error envelope', async () => {
    const srv = await scriptedServer((_req, res) => sendJson(res, 200, { success: false, error: 'no' }));
    close = srv.close;
    const err = await createTransport({ retry: { ...fast, maxAttempts: 2 }, json: { isErrorBody } })(
      new Request(`${srv.url}/x`),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(TransportFailure);
    expect(err).toMatchObject({
      kind: 'invalid-response',
      attempts: 2,
      status: 200,
      body: { success: false },
    });
  });

  it('never repeats a POST whose answer was unusable, unless the provider declares it idempotent', async () => {
    const srv = await scriptedServer((_req, res, n) =>
      n <= 2 ? sendJson(res, 500, {}) : sendJson(res, 200, { ok: true }),
    );
    close = srv.close;
    const plain = createTransport({ retry: fast, json: {} });
    expect((await plain(new Request(`${srv.url}/create`, { method: 'POST', body: '{}' }))).status).toBe(500);
    expect(srv.calls).toHaveLength(1);
    const search = createTransport({
      retry: fast,
      json: {},
      isIdempotent: (r) => r.url.endsWith('/search'),
    });
    const res = await search(new Request(`${srv.url}/search`, { method: 'POST', body: '{}' }));
    expect(res.status).toBe(200);
    expect(srv.calls.map((c) => c.url)).toEqual(['/create', '/search', '/search']);
  });

  it('reads deeply nested JSON without a stack overflow', async () => {
    const depth = 100_000;
    const srv = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    });
    close = srv.close;
    const res = await createTransport({ json: {} })(new Request(`${srv.url}/x`));
    let value = await res.json();
    let n = 0;
    while (Array.isArray(value) && value.length) [value, n] = [value[0], n + 1];
    expect(n).toBe(depth - 1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8000);
  });
});

describe('a parsed JSON response reads like any Response', () => {
  it('json, text, arrayBuffer, bytes, blob, body and clone all serve the same bytes', async () => {
    const payload = { users: [{ id: 'é1' }] };
    const srv = await scriptedServer((_req, res) => sendJson(res, 200, payload));
    close = srv.close;
    const res = await createTransport({ json: {} })(new Request(`${srv.url}/x`));
    const text = JSON.stringify(payload);
    expect(await res.json()).toEqual(payload);
    expect(await res.clone().text()).toBe(text);
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe(text);
    expect(new TextDecoder().decode(await res.bytes())).toBe(text);
    expect(await (await res.blob()).text()).toBe(text);
    expect(await new Response(res.body).text()).toBe(text);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});
