import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/client.js';
import { ApiError } from '../src/errors.js';
import {
  createTransport,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  TransportFailure,
} from '../src/transport.js';
import { scriptedServer, sendJson, tricklingServer } from './server.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const provider = { id: 'test', operations: {}, decodeError: () => ({}) };
const noAuth = { apply: () => {}, secrets: () => [] };

describe('time budgets', () => {
  it('has a finite default budget per call and idle timeout per attempt', () => {
    expect(Number.isFinite(DEFAULT_TIMEOUT_MS) && DEFAULT_TIMEOUT_MS > 0).toBe(true);
    expect(DEFAULT_IDLE_TIMEOUT_MS).toBeLessThan(DEFAULT_TIMEOUT_MS);
  });

  it('ends an attempt whose server never answers (idle timeout), retried when safe', async () => {
    const srv = await scriptedServer(() => {}); // never answers
    close = srv.close;
    const fetch = createTransport({ idleTimeoutMs: 400, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const error = await fetch(new Request(`${srv.url}/x`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportFailure);
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect((error as Error).message).toContain('no data for 400 ms');
    // Each attempt was sent (on a loaded machine the last may be abandoned before it arrives).
    expect(srv.calls.length).toBeGreaterThanOrEqual(2);
    expect(srv.calls.length).toBeLessThanOrEqual(3);
  });

  it('ends an attempt whose body stops half-way, and retries it', async () => {
    const srv = await scriptedServer((_req, res, n) => {
      if (n === 2) return sendJson(res, 200, { ok: true });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"ok":');
    });
    close = srv.close;
    const fetch = createTransport({ idleTimeoutMs: 400, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const res = await fetch(new Request(`${srv.url}/x`));
    expect(await res.json()).toEqual({ ok: true });
    expect(srv.calls).toHaveLength(2);
  });

  it("ends a body that trickles (a byte at a time, never idle) with the call's budget", async () => {
    const srv = await tricklingServer();
    close = srv.close;
    const api = createApiClient<Record<string, never>>(provider, srv.url, noAuth, {
      timeoutMs: 400,
      idleTimeoutMs: 200,
      retry: false,
    });
    // biome-ignore lint/suspicious/noExplicitAny: untyped paths in this test
    const error = await (api.GET as any)('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect((error as Error).message).toContain('timed out after 400 ms');
  });

  it('the budget covers the wait for a token that never comes', async () => {
    const srv = await scriptedServer((_req, res) => sendJson(res, 200, {}));
    close = srv.close;
    const api = createApiClient<Record<string, never>>(
      provider,
      srv.url,
      { apply: () => new Promise<void>(() => {}), secrets: () => [] },
      { timeoutMs: 200 },
    );
    // biome-ignore lint/suspicious/noExplicitAny: untyped paths in this test
    const error = await (api.GET as any)('/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ApiError', kind: 'timeout' });
    expect(srv.calls).toHaveLength(0);
  });
});
