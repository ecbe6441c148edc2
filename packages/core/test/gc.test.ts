import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../src/client.js';
import { createTransport, TransportFailure } from '../src/transport.js';
import { scriptedServer, tricklingServer } from './server.js';

/**
 * A pending call stays abortable however often garbage is collected. undici's `Request` follows
 * the signal it was given through a WeakRef (and fetch makes its own Request from what it is
 * handed): a Request that nothing holds while it is in flight can be collected, and then neither
 * the call's budget, nor the idle timeout, nor the caller's abort reaches the fetch or its body —
 * the call hangs for as long as the server does. Each case runs with a collection every 10 ms.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** How `call` ended within `ms` while garbage is collected every 10 ms: its error, or `hung`. */
async function underGc(call: () => Promise<unknown>, ms = 4000): Promise<unknown> {
  const collector = setInterval(gc, 10);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      call().then(
        () => 'answered',
        (error: unknown) => error,
      ),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('hung'), ms);
      }),
    ]);
  } finally {
    clearInterval(collector);
    clearTimeout(timer);
  }
}

/** A server that never answers (the connection stays open). */
async function hanging() {
  const srv = await scriptedServer(() => {});
  close = srv.close;
  return srv.url;
}

/** A server that sends headers, then one byte every 20 ms, for ever. */
async function trickling() {
  const srv = await tricklingServer();
  close = srv.close;
  return srv.url;
}

const provider = { id: 'test', operations: {}, decodeError: () => ({}) };
const noAuth = { apply: () => {}, secrets: () => [] };
const get = (api: unknown) => (api as { GET(path: string): Promise<unknown> }).GET('/x');

describe('a pending call stays abortable under garbage collection', () => {
  it("the client's call budget ends a request the server never answers", async () => {
    const api = createApiClient(provider, await hanging(), noAuth, { timeoutMs: 600, retry: false });
    expect(await underGc(() => get(api))).toMatchObject({ kind: 'timeout' });
  });

  it("the client's call budget ends a body that trickles", async () => {
    const api = createApiClient(provider, await trickling(), noAuth, { timeoutMs: 600, retry: false });
    expect(await underGc(() => get(api))).toMatchObject({ kind: 'timeout' });
  });

  it('the idle timeout ends an attempt the server never answers', async () => {
    const url = await hanging();
    const transport = createTransport({ idleTimeoutMs: 500, retry: false });
    const outcome = await underGc(() => transport(new Request(url)));
    expect(outcome).toBeInstanceOf(TransportFailure);
    expect(outcome).toMatchObject({ kind: 'timeout' });
  });

  it("the caller's abort reaches a pending body", async () => {
    const url = await trickling();
    const transport = createTransport({ retry: false });
    const outcome = await underGc(() => transport(new Request(url, { signal: AbortSignal.timeout(600) })));
    expect(outcome).toMatchObject({ kind: 'timeout' });
  });

  it('a custom fetch is handed a Request that stays abortable while it is in flight', async () => {
    const url = await hanging();
    const transport = createTransport({ fetch: (request) => globalThis.fetch(request), retry: false });
    const outcome = await underGc(() => transport(new Request(url, { signal: AbortSignal.timeout(600) })));
    expect(outcome).toMatchObject({ kind: 'timeout' });
  });
});
