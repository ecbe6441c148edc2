import { ApiError, InputError } from '@rosterkit/core';
import { collect, rejection, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { createImichatClient, type ImichatClientOptions } from '../src/index.js';

const boxes: Sandbox<SandboxProviderId>[] = [];
afterAll(() => Promise.all(boxes.map((b) => b.close())));
async function sandbox(users: number, extra: Parameters<typeof startSandbox>[0] = {}) {
  const box = await startSandbox({ providers: ['imichat'], users, seed: 5, ...extra });
  boxes.push(box);
  return box;
}
function client(box: Sandbox<SandboxProviderId>, o: Partial<ImichatClientOptions> = {}) {
  const c = box.providers.imichat.credentials;
  return createImichatClient({
    baseUrl: box.providers.imichat.baseUrl,
    apiKey: c['apiKey'] ?? '',
    domainName: c['domainName'] ?? '',
    teamId: c['teamId'] ?? '',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...o,
  });
}
const all = collect;
const failure = (call: Promise<unknown>) => rejection(call, ApiError);
const counting = (paths: string[]) => (req: Request) => {
  paths.push(new URL(req.url).pathname + new URL(req.url).search);
  return fetch(req);
};

describe('imichat iterateUsers (pages of 10 until a short page)', () => {
  for (const n of [0, 1, 10, 1000]) {
    it(`lists ${n} users, each once`, async () => {
      const users = await all(client(await sandbox(n)).iterateUsers());
      expect(users).toHaveLength(n);
      expect(new Set(users.map((u) => u.id)).size).toBe(n);
    });
  }

  it('authorizes once, sends the token and teamid, and pages 1, 2, 3 …', async () => {
    const paths: string[] = [];
    await all(client(await sandbox(25), { fetch: counting(paths) }).iterateUsers());
    expect(paths).toEqual([
      '/imichat/v3.1/authorize',
      '/imichat/v3.1/users?page=1',
      '/imichat/v3.1/users?page=2',
      '/imichat/v3.1/users?page=3',
    ]);
  });

  it('searches with filters', async () => {
    const box = await sandbox(60);
    const active = await all(
      client(box).iterateUsers({ filters: [{ field: 'status', operator: 'eq', value: 'active' }] }),
    );
    const everyone = await all(client(box).iterateUsers());
    expect(active.length).toBe(everyone.filter((u) => u.status === 'active').length);
    expect(active.length).toBeGreaterThan(0);
  });
});

describe('imichat auth and errors', () => {
  it('re-authorizes once when the token expired (2004) and carries on', async () => {
    const box = await sandbox(15, { moduleOptions: { imichat: { tokenTtlMs: 300 } } });
    const paths: string[] = [];
    const c = client(box, { fetch: counting(paths) });
    await c.GET('/users', { params: { query: { page: 1 } } });
    await new Promise((r) => setTimeout(r, 350));
    const { data } = await c.GET('/users', { params: { query: { page: 2 } } });
    expect(data.response.users).toHaveLength(5);
    expect(paths.filter((p) => p.endsWith('/authorize'))).toHaveLength(2);
  });

  it('a wrong API key fails at /authorize with a typed error and no key in it', async () => {
    const err = await failure(client(await sandbox(1), { apiKey: 'wrong-api-key-0042' }).GET('/users'));
    expect(err).toMatchObject({ provider: 'imichat', operation: 'authorize', status: 401 });
    expect(JSON.stringify(err) + err.message).not.toContain('wrong-api-key-0042');
  });

  it('not found is status_code 3101 (HTTP 404); an unknown team is 2010', async () => {
    const box = await sandbox(1);
    const err = await failure(client(box).GET('/users/{user_id}', { params: { path: { user_id: 999999 } } }));
    expect(err).toMatchObject({
      status: 404,
      code: '3101',
      message: expect.stringContaining('Requested user was not found'),
    });
    const team = await failure(client(box, { teamId: 99 }).GET('/users'));
    expect(team).toMatchObject({ status: 404, code: '2010' });
  });

  it('path parameters are encoded, never interpreted: no traversal to another endpoint', async () => {
    const box = await sandbox(3);
    const paths: string[] = [];
    const c = client(box, { fetch: counting(paths) });
    for (const hostile of ['../authorize', '1/../../authorize', '1?page=2#x', '%2e%2e', '1\r\nX-Evil: 1']) {
      const err = await failure(
        c.GET('/users/{user_id}', { params: { path: { user_id: hostile as unknown as number } } }),
      );
      expect(err, hostile).toMatchObject({ status: 404, code: '3101' });
    }
    expect(paths.filter((p) => !p.endsWith('/authorize'))).toEqual([
      '/imichat/v3.1/users/..%2Fauthorize',
      '/imichat/v3.1/users/1%2F..%2F..%2Fauthorize',
      '/imichat/v3.1/users/1%3Fpage%3D2%23x',
      '/imichat/v3.1/users/%252e%252e',
      '/imichat/v3.1/users/1%0D%0AX-Evil%3A%201',
    ]);
    const before = paths.length;
    for (const dots of ['..', '.', '']) {
      const err = await rejection(
        c.GET('/users/{user_id}', { params: { path: { user_id: dots as unknown as number } } }),
        InputError,
      );
      expect(err.field).toBe('params.path.user_id');
    }
    expect(paths.length).toBe(before); // refused before anything was sent
  });

  it('a 429 is retried with backoff', async () => {
    const box = await sandbox(25, { rateLimit: { limit: 2, windowMs: 500 } });
    const events: string[] = [];
    const c = client(box, {
      retry: { baseDelayMs: 200, maxDelayMs: 500, maxAttempts: 6 },
      onEvent: (e) => events.push(e.type),
    });
    const users = await all(c.iterateUsers());
    expect(users).toHaveLength(25);
    expect(events).toContain('rate-limit');
  });

  it('creates a Customer Care user (POST is not retried)', async () => {
    const box = await sandbox(2);
    const { data, response } = await client(box).POST('/users', {
      body: {
        first_name: 'Grace',
        email_id: 'grace@example.com',
        privileges: [{ teamid: 12, role: 'Team Agent' }],
      },
    });
    expect(response.status).toBe(201);
    expect(data.response.id).toBeTypeOf('number');
    expect(await all(client(box).iterateUsers())).toHaveLength(3);
  });

  it('refuses header injection in teamId and non-numeric team ids before any request', () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('{}');
    };
    expect(() =>
      createImichatClient({ tenantDomain: 'acme.imi.chat', apiKey: 'k', teamId: '12\r\nX-Evil: 1', fetch }),
    ).toThrow(InputError);
    expect(() =>
      createImichatClient({ tenantDomain: 'acme.imi.chat', apiKey: 'k', teamId: 'abc', fetch }),
    ).toThrow(/numeric/);
    expect(calls).toBe(0);
  });
});
