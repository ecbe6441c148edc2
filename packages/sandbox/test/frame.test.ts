import { describe, expect, it } from 'vitest';
import { frameModule, json, type SandboxRequest, serve } from '../src/index.js';

const operations = {
  'GET /users': 'listUsers',
  'GET /users/{id}': 'getUser',
  'GET /users/me': 'getMe',
} as const;

function module(options: { rateLimit?: { limit: number; windowMs: number } }) {
  return frameModule(
    { users: 0, seed: 1, providerIndex: 0, rateLimit: options.rateLimit },
    {
      id: 'framed',
      operations,
      credentials: { token: 't' },
      count: () => 0,
      authenticate: (req: SandboxRequest) =>
        req.headers['authorization'] === 'Bearer t' ? 'caller' : json(401, { error: 'who?' }),
      faultResponses: {
        rateLimited: (resetAt) => json(429, { error: 'slow down' }, { 'x-reset': String(resetAt) }),
        serverError: (status) => json(status, { error: 'boom' }),
      },
      notFound: (req) => json(404, { error: `no ${req.method} ${req.path}` }),
      routes: {
        listUsers: () => json(200, { op: 'listUsers' }),
        getUser: (_req, { id }) => json(200, { op: 'getUser', id }),
        getMe: () => json(200, { op: 'getMe' }),
      },
    },
  );
}

async function call(path: string, rateLimit?: { limit: number; windowMs: number }, token = 't') {
  const box = await serve({ framed: () => module(rateLimit ? { rateLimit } : {}) });
  try {
    const results = [];
    for (const p of [path, path]) {
      const res = await fetch(`${box.providers.framed.baseUrl}${p}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      results.push({ status: res.status, body: await res.json() });
    }
    return results;
  } finally {
    await box.close();
  }
}

describe('the sandbox frame: routes by operationId, auth and rate limiting as hooks', () => {
  it("routes each request to its operation's handler, literal paths before templates", async () => {
    expect((await call('/users'))[0]).toEqual({ status: 200, body: { op: 'listUsers' } });
    expect((await call('/users/me'))[0]).toEqual({ status: 200, body: { op: 'getMe' } });
    expect((await call('/users/a%2Fb'))[0]).toEqual({ status: 200, body: { op: 'getUser', id: 'a/b' } });
    expect((await call('/teams'))[0]).toEqual({ status: 404, body: { error: 'no GET /teams' } });
  });

  it('authenticates before routing', async () => {
    expect((await call('/users', undefined, 'wrong'))[0]).toEqual({ status: 401, body: { error: 'who?' } });
  });

  it("rate-limits per caller with the provider's own 429", async () => {
    const [first, second] = await call('/users', { limit: 1, windowMs: 60_000 });
    expect(first?.status).toBe(200);
    expect(second).toEqual({ status: 429, body: { error: 'slow down' } });
  });
});
