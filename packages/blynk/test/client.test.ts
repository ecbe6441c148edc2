import { ApiError } from '@rosterkit/core';
import { collect, rejection, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { type BlynkClientOptions, createBlynkClient } from '../src/index.js';

const boxes: Sandbox<SandboxProviderId>[] = [];
afterAll(() => Promise.all(boxes.map((b) => b.close())));
async function sandbox(users: number, extra: Parameters<typeof startSandbox>[0] = {}) {
  const box = await startSandbox({ providers: ['blynk'], users, seed: 6, ...extra });
  boxes.push(box);
  return box;
}
function client(box: Sandbox<SandboxProviderId>, o: Partial<BlynkClientOptions> = {}) {
  const c = box.providers.blynk.credentials;
  return createBlynkClient({
    baseUrl: box.providers.blynk.baseUrl,
    clientId: c['clientId'] ?? '',
    clientSecret: c['clientSecret'] ?? '',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...o,
  });
}
const all = collect;
const failure = (call: Promise<unknown>) => rejection(call, ApiError);
const recording = (urls: string[]) => (req: Request) => {
  urls.push(`${req.method} ${new URL(req.url).pathname}${new URL(req.url).search}`);
  return fetch(req);
};

describe('blynk iterateUsers (0-based page, size, totalElements)', () => {
  for (const [n, size] of [
    [0, 1000],
    [1, 1000],
    [1000, 1000],
    [1000, 100],
  ] as const) {
    it(`lists ${n} users in pages of ${size}, each once (sub-organizations included)`, async () => {
      const users = await all(client(await sandbox(n)).iterateUsers({ pageSize: size }));
      expect(users).toHaveLength(n);
      expect(new Set(users.map((u) => u.id)).size).toBe(n);
    });
  }

  it('fetches pages ahead concurrently in the same order', async () => {
    const box = await sandbox(1000);
    const serial = await all(client(box).iterateUsers({ pageSize: 50 }));
    const concurrent = await all(client(box).iterateUsers({ pageSize: 50 }, { concurrency: 8 }));
    expect(concurrent.map((u) => u.id)).toEqual(serial.map((u) => u.id));
  });

  it('without includeSubOrgUsers only the own organization is listed', async () => {
    const box = await sandbox(50);
    expect((await all(client(box).iterateUsers({ includeSubOrgUsers: false }))).length).toBeLessThan(50);
  });
});

describe('blynk OAuth2', () => {
  it('fetches one token for many calls, and refreshes it (single-use refresh token) before expiry', async () => {
    const box = await sandbox(5, { moduleOptions: { blynk: { tokenTtlSeconds: 1 } } });
    const urls: string[] = [];
    const c = client(box, { fetch: recording(urls) });
    await c.GET('/api/v1/organization/users');
    await c.GET('/api/v1/organization/users');
    expect(urls.filter((u) => u.includes('/oauth2/token'))).toEqual([
      'POST /blynk/oauth2/token?grant_type=client_credentials',
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    await c.GET('/api/v1/organization/users');
    const tokens = urls.filter((u) => u.includes('/oauth2/token'));
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toContain('grant_type=refresh_token');
  });

  it('wrong client credentials: a typed error with the OAuth code and no secret in it', async () => {
    const err = await failure(
      client(await sandbox(1), { clientSecret: 'not-the-secret-42' }).GET('/api/v1/organization/users'),
    );
    expect(err).toMatchObject({
      provider: 'blynk',
      operation: 'getToken',
      status: 400,
      code: 'invalid_client',
    });
    expect(JSON.stringify(err) + err.message + String(err.stack)).not.toContain('not-the-secret-42');
  });

  it('an access token the server no longer accepts (401) is replaced once', async () => {
    const box = await sandbox(3);
    const c = createBlynkClient({ baseUrl: box.providers.blynk.baseUrl, token: 'revoked-token-123' });
    const err = await failure(c.GET('/api/v1/organization/users'));
    expect(err.status).toBe(401);
  });
});

describe('blynk errors, limits and region redirects', () => {
  it('not found is a 404 with the documented message', async () => {
    const err = await failure(
      client(await sandbox(1)).GET('/api/v1/organization/user', { params: { query: { userId: 424242 } } }),
    );
    expect(err).toMatchObject({
      status: 404,
      message: expect.stringContaining('User not found or access denied'),
    });
  });

  it('a 429 is retried', async () => {
    const box = await sandbox(3, { rateLimit: { limit: 2, windowMs: 500 } });
    const events: string[] = [];
    const users = await all(
      client(box, {
        retry: { baseDelayMs: 200, maxDelayMs: 500, maxAttempts: 6 },
        onEvent: (e) => events.push(e.type),
      }).iterateUsers({ pageSize: 1 }),
    );
    expect(users).toHaveLength(3);
    expect(events).toContain('rate-limit');
  });

  it('follows a 308 region redirect to an allowed host, with the token', async () => {
    const box = await sandbox(4, { moduleOptions: { blynk: { regionHost: 'localhost' } } });
    const urls: string[] = [];
    const users = await all(
      client(box, { allowedRedirectHosts: ['localhost'], fetch: recording(urls) }).iterateUsers(),
    );
    expect(users).toHaveLength(4);
    expect(urls.some((u) => u.startsWith('GET /blynk/api/v1/organization/users'))).toBe(true);
  });

  it('never sends the token to a host that is not a Blynk host', async () => {
    const box = await sandbox(2, { moduleOptions: { blynk: { regionHost: 'localhost' } } });
    const before = box.requests['blynk'] ?? 0;
    const err = await failure(client(box).GET('/api/v1/organization/users'));
    expect(err.kind).toBe('redirect');
    // The token request and the redirected call; nothing reached the other host.
    expect((box.requests['blynk'] ?? 0) - before).toBe(2);
  });
});
