import { ApiError, InputError } from '@rosterkit/core';
import { collect, rejection, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { createRezolveClient, type RezolveClientOptions } from '../src/index.js';

const boxes: Sandbox<SandboxProviderId>[] = [];
afterAll(() => Promise.all(boxes.map((b) => b.close())));
async function sandbox(users: number, extra: Parameters<typeof startSandbox>[0] = {}) {
  const box = await startSandbox({ providers: ['rezolve'], users, seed: 8, ...extra });
  boxes.push(box);
  return box;
}
function client(box: Sandbox<SandboxProviderId>, o: Partial<RezolveClientOptions> = {}) {
  const c = box.providers.rezolve.credentials;
  return createRezolveClient({
    baseUrl: box.providers.rezolve.baseUrl,
    token: c['token'] ?? '',
    tenantId: c['tenantId'] ?? '',
    realm: c['realm'] ?? '',
    retry: { baseDelayMs: 1 },
    ...o,
  });
}
const all = collect;
const failure = (call: Promise<unknown>) => rejection(call, ApiError);

describe('rezolve iterateUsers (one response, checked against totalCount)', () => {
  for (const n of [0, 1, 1000]) {
    it(`lists ${n} agents, each once`, async () => {
      const users = await all(client(await sandbox(n)).iterateUsers());
      expect(users).toHaveLength(n);
      expect(new Set(users.map((u) => u.id)).size).toBe(n);
    });
  }

  it('lists templates by type', async () => {
    expect(await all(client(await sandbox(3)).iterateUsers({ type: 'template' }))).toHaveLength(2);
  });

  it('a response with fewer users than totalCount is an incomplete listing, not a short list', async () => {
    const box = await sandbox(10);
    const truncating = async (req: Request) => {
      const res = await fetch(req);
      const body = (await res.json()) as { data: { users: unknown[] } };
      body.data.users = body.data.users.slice(0, 7);
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const err = await failure(all(client(box, { fetch: truncating, etagCache: false }).iterateUsers()));
    expect(err).toMatchObject({ kind: 'incomplete', itemsRead: 7, expectedItems: 10 });
  });
});

describe('rezolve tenant, tokens, ETags and errors', () => {
  it('refuses a non-UUID tenant id, and CR/LF in the realm, before any request', () => {
    expect(() =>
      createRezolveClient({
        baseUrl: 'https://api.rezolve.ai/api/v2/ticketing',
        token: 't',
        tenantId: 'acme',
      }),
    ).toThrow(InputError);
    expect(() =>
      createRezolveClient({
        baseUrl: 'https://api.rezolve.ai/api/v2/ticketing',
        token: 't',
        tenantId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
        realm: 'a\nb',
      }),
    ).toThrow(/control characters/);
  });

  it('an unknown tenant is a 404 with the provider code', async () => {
    const err = await failure(
      client(await sandbox(1), { tenantId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' }).GET('/user/userinfo'),
    );
    expect(err).toMatchObject({ status: 404, code: 'TENANT_NOT_FOUND' });
  });

  it('an expired token (TOKEN_EXPIRED) is replaced once through the token function', async () => {
    const box = await sandbox(4);
    const c = box.providers.rezolve.credentials;
    const issued = [c['expiredToken'] ?? '', c['token'] ?? ''];
    const users = await all(client(box, { token: () => issued.shift() ?? '' }).iterateUsers());
    expect(users).toHaveLength(4);
    expect(issued).toHaveLength(0);
    const err = await failure(client(box, { token: c['expiredToken'] ?? '' }).GET('/user/userinfo'));
    expect(err).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(JSON.stringify(err) + err.message).not.toContain(c['expiredToken'] ?? 'x');
  });

  it('revalidates with ETags: a 304 returns the cached body, typed', async () => {
    const box = await sandbox(2);
    const seen: number[] = [];
    const c = client(box, {
      fetch: async (req) => {
        const res = await fetch(req);
        seen.push(res.status);
        return res;
      },
    });
    const first = await c.GET('/user/userinfo');
    const second = await c.GET('/user/userinfo');
    expect(seen).toEqual([200, 304]);
    expect(second.data.data.email).toBe(first.data.data.email);
    expect(second.response.headers.get('x-rosterkit-cache')).toBe('revalidated');
  });

  it('roles come as an object on userinfo and as a list on user/list', async () => {
    const box = await sandbox(1);
    const me = await client(box).GET('/user/userinfo');
    expect(Array.isArray(me.data.data.roles)).toBe(false);
    const [user] = await all(client(box).iterateUsers());
    expect(Array.isArray(user?.roles)).toBe(true);
  });

  it('an unknown queue is QUEUE_NOT_FOUND', async () => {
    const err = await failure(
      client(await sandbox(1)).GET('/queue/{queueId}/users', { params: { path: { queueId: 999 } } }),
    );
    expect(err).toMatchObject({ status: 404, code: 'QUEUE_NOT_FOUND' });
  });

  it('a 429 is waited out for X-RateLimit-Reset seconds', async () => {
    const box = await sandbox(2, { rateLimit: { limit: 1, windowMs: 1500 } });
    const waits: number[] = [];
    const c = client(box, {
      etagCache: false,
      onEvent: (e) => e.type === 'rate-limit' && waits.push(e.delayMs),
    });
    await c.GET('/user/preference');
    await c.GET('/user/preference');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(500);
  });
});
