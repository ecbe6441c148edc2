import { inspect } from 'node:util';
import { ApiError, InputError } from '@rosterkit/core';
import { collect, rejection, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRocketChatClient, type RocketChatClientOptions } from '../src/index.js';

const boxes: Sandbox<SandboxProviderId>[] = [];
async function sandbox(users: number, extra: Parameters<typeof startSandbox>[0] = {}) {
  const box = await startSandbox({ providers: ['rocketchat'], users, seed: 7, ...extra });
  boxes.push(box);
  return box;
}
afterAll(async () => {
  await Promise.all(boxes.map((b) => b.close()));
});

function client(box: Sandbox<SandboxProviderId>, overrides: Partial<RocketChatClientOptions> = {}) {
  const { baseUrl, credentials } = box.providers.rocketchat;
  return createRocketChatClient({
    baseUrl,
    userId: credentials['userId'] ?? '',
    authToken: credentials['authToken'] ?? '',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

const failure = (call: Promise<unknown>) => rejection(call, ApiError);

const all = collect;
/** Every workspace also has its two sandbox callers (real users) and the rocket.cat bot. */
const BUILT_IN = 3;

describe('iterateUsers', () => {
  for (const n of [0, 1, 99, 100, 101, 1000]) {
    it(`lists ${n} seeded users, each exactly once`, async () => {
      const box = await sandbox(n);
      const users = await all(client(box).iterateUsers());
      expect(users).toHaveLength(n + BUILT_IN);
      expect(new Set(users.map((u) => u._id)).size).toBe(n + BUILT_IN);
    });
  }

  it('follows a server that clamps the page size (asks 100, gets 100 of 250; asks 100 via pageSize 7)', async () => {
    const box = await sandbox(250);
    const requests: string[] = [];
    const c = client(box, {
      fetch: (req) => {
        requests.push(new URL(req.url).search);
        return fetch(req);
      },
    });
    const users = await all(c.iterateUsers({ pageSize: 7 }));
    expect(users).toHaveLength(250 + BUILT_IN);
    expect(requests[1]).toContain('offset=7');
    expect(new Set(users.map((u) => u._id)).size).toBe(250 + BUILT_IN);
  });

  it('lists the same users concurrently, in the same order', async () => {
    const box = await sandbox(555);
    const serial = await all(client(box).iterateUsers());
    const concurrent = await all(client(box).iterateUsers({}, { concurrency: 8 }));
    expect(concurrent.map((u) => u._id)).toEqual(serial.map((u) => u._id));
  });

  it('stops requesting pages when the caller breaks', async () => {
    const box = await sandbox(1000);
    const before = box.requests['rocketchat'] ?? 0;
    for await (const u of client(box).iterateUsers()) if (u) break;
    expect((box.requests['rocketchat'] ?? 0) - before).toBe(1);
  });

  it('sees writes: create, update, setActiveStatus and delete change what users.list returns', async () => {
    const box = await sandbox(3);
    const c = client(box);
    const { data } = await c.POST('/api/v1/users.create', {
      body: {
        email: 'new.person@example.com',
        name: 'New Person',
        password: 'pw-123456',
        username: 'new.person',
      },
    });
    const id = data.user._id;
    await c.POST('/api/v1/users.update', { body: { userId: id, data: { name: 'Renamed Person' } } });
    await c.POST('/api/v1/users.setActiveStatus', { body: { userId: id, activeStatus: false } });
    let users = await all(c.iterateUsers());
    const created = users.find((u) => u._id === id);
    expect(users).toHaveLength(4 + BUILT_IN);
    expect(created?.name).toBe('Renamed Person');
    expect(created?.active).toBe(false);
    await c.POST('/api/v1/users.delete', { body: { userId: id } });
    users = await all(c.iterateUsers());
    expect(users.map((u) => u._id)).not.toContain(id);
  });
});

describe('errors', () => {
  let box: Sandbox<SandboxProviderId>;
  beforeAll(async () => {
    box = await sandbox(5);
  });

  it('401 becomes a typed ApiError and never shows the token', async () => {
    const token = 'not-the-right-token-XYZ123';
    const err = await failure(client(box, { authToken: token }).GET('/api/v1/users.list'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ provider: 'rocketchat', operation: 'users.list', status: 401, kind: 'http' });
    expect((err as ApiError).message).toContain('You must be logged in');
    for (const s of [
      (err as Error).message,
      JSON.stringify(err),
      inspect(err, { depth: 8 }),
      String((err as Error).stack),
    ]) {
      expect(s).not.toContain(token);
    }
  });

  it('reads the legacy 401 body too', async () => {
    const legacy = await startSandbox({
      providers: ['rocketchat'],
      users: 1,
      moduleOptions: { rocketchat: { legacy401: true } },
    });
    boxes.push(legacy);
    const err = await failure(client(legacy, { authToken: 'wrong-token-value' }).GET('/api/v1/users.list'));
    expect(err.status).toBe(401);
  });

  it('403 carries the bracketed errorType as code', async () => {
    const { credentials } = box.providers.rocketchat;
    const err = await failure(
      client(box, {
        userId: credentials['regularUserId'],
        authToken: credentials['regularAuthToken'],
      }).POST('/api/v1/users.delete', { body: { userId: 'x' } }),
    );
    expect(err).toMatchObject({ status: 403, code: 'error-unauthorized' });
  });

  it('400 carries errorType', async () => {
    const err = await failure(
      client(box).GET('/api/v1/users.list', { params: { query: { sort: 'not json' } } }),
    );
    expect(err).toMatchObject({ status: 400, code: 'error-invalid-sort' });
    const notFound = await failure(
      client(box).GET('/api/v1/users.info', { params: { query: { userId: 'nope' } } }),
    );
    expect(notFound).toMatchObject({ status: 400, message: expect.stringContaining('User not found.') });
  });

  it('a 429 with X-RateLimit-Reset is waited out and retried', async () => {
    const limited = await startSandbox({
      providers: ['rocketchat'],
      users: 3,
      rateLimit: { limit: 2, windowMs: 400 },
    });
    boxes.push(limited);
    const { credentials } = limited.providers.rocketchat;
    const waits: number[] = [];
    const c = client(limited, {
      userId: credentials['regularUserId'],
      authToken: credentials['regularAuthToken'],
      onEvent: (e) => e.type === 'rate-limit' && waits.push(e.delayMs),
    });
    for (let i = 0; i < 3; i++) await c.GET('/api/v1/users.list');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBeLessThanOrEqual(450);
  });

  it('a POST is never retried', async () => {
    let calls = 0;
    const c = client(box, {
      fetch: async () => {
        calls++;
        return new Response('{"success":false,"error":"Service Unavailable"}', { status: 503 });
      },
    });
    const err = await failure(
      c.POST('/api/v1/users.create', { body: { email: 'a@b.c', name: 'A', password: 'pw', username: 'a' } }),
    );
    expect(err.status).toBe(503);
    expect(calls).toBe(1);
  });
});

describe('bad input is refused before any request', () => {
  let requests = 0;
  const counting = async () => {
    requests++;
    return new Response('{}');
  };
  afterEach(() => {
    expect(requests).toBe(0);
  });

  it('empty credentials', () => {
    expect(() =>
      createRocketChatClient({
        baseUrl: 'https://chat.example.com',
        userId: '',
        authToken: 't',
        fetch: counting,
      }),
    ).toThrow(InputError);
    expect(() =>
      createRocketChatClient({
        baseUrl: 'https://chat.example.com',
        userId: 'u',
        authToken: ' ',
        fetch: counting,
      }),
    ).toThrow(/authToken/);
  });

  it('a base URL that is not http(s), or plain http to a remote host', () => {
    expect(() =>
      createRocketChatClient({ baseUrl: 'file:///etc/passwd', userId: 'u', authToken: 't', fetch: counting }),
    ).toThrow(/http or https/);
    expect(() =>
      createRocketChatClient({
        baseUrl: 'http://chat.example.com',
        userId: 'u',
        authToken: 't',
        fetch: counting,
      }),
    ).toThrow(/plain http/);
  });

  it('header injection in credentials', () => {
    expect(() =>
      createRocketChatClient({
        baseUrl: 'https://chat.example.com',
        userId: 'u\r\nX-Evil: 1',
        authToken: 't',
        fetch: counting,
      }),
    ).toThrow(/control characters/);
  });

  it('a negative or out-of-range page size', () => {
    const c = createRocketChatClient({
      baseUrl: 'https://chat.example.com',
      userId: 'u',
      authToken: 't',
      fetch: counting,
    });
    expect(() => c.iterateUsers({ pageSize: -1 })).toThrow(InputError);
    expect(() => c.iterateUsers({ pageSize: 101 })).toThrow(InputError);
  });
});
