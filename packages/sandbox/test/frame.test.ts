import { describe, expect, it } from 'vitest';
import { type FrameRateLimit, frameModule, json, type SandboxRequest, serve } from '../src/index.js';

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

describe('the sandbox frame: what real providers declare', () => {
  const ops = {
    'POST /token': 'getToken',
    'GET /users': 'listUsers',
    'GET /users/{id}': 'getUser',
  } as const;
  type Caller = 'app' | undefined;

  /** A provider with a public token call, limited per path (or per caller), with window headers. */
  async function provider(rateLimit: FrameRateLimit<Caller>) {
    const seen: string[] = [];
    const box = await serve({
      framed: (options) =>
        frameModule<(typeof ops)[keyof typeof ops], Caller>(
          { ...options, rateLimit: { limit: 2, windowMs: 60_000 } },
          {
            id: 'framed',
            operations: ops,
            credentials: {},
            count: () => 0,
            onRequest: (req) => {
              seen.push(`${req.method} ${req.path}`);
            },
            authenticate(req, op) {
              if (op === 'getToken') return undefined;
              return req.headers['authorization'] === 'Bearer t' ? 'app' : json(401, { error: 'who?' });
            },
            rateLimit,
            faultResponses: {
              rateLimited: (resetAt) =>
                json(429, { error: 'slow down' }, { 'x-left': 'none', 'x-reset': String(resetAt) }),
              serverError: (status) => json(status, { error: 'boom' }),
            },
            notFound: (req, caller) => json(404, { error: `no ${req.method} ${req.path}`, caller }),
            routes: {
              getToken: (_req, _params, caller) => json(200, { token: 't', caller: caller ?? null }),
              listUsers: (_req, _params, caller) => json(200, { caller }, { 'x-left': 'mine' }),
              getUser: async (_req, { id }) => json(200, { id }),
            },
          },
        ),
    });
    const call = async (method: string, path: string, token?: string) => {
      const res = await fetch(`${box.providers.framed.baseUrl}${path}`, {
        method,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: res.status, left: res.headers.get('x-left'), body: await res.json() };
    };
    return { box, seen, call };
  }

  it('tells authentication the operation: a public one runs without a caller, the others get theirs', async () => {
    const { box, call } = await provider({ key: () => undefined });
    try {
      expect(await call('POST', '/token')).toMatchObject({ status: 200, body: { token: 't', caller: null } });
      expect(await call('GET', '/users')).toMatchObject({ status: 401, body: { error: 'who?' } });
      expect(await call('GET', '/users', 't')).toMatchObject({ status: 200, body: { caller: 'app' } });
      expect(await call('GET', '/token', 't')).toMatchObject({
        status: 404,
        body: { error: 'no GET /token', caller: 'app' },
      });
    } finally {
      await box.close();
    }
  });

  it('sees every request first, refused ones too', async () => {
    const { box, seen, call } = await provider({ key: () => undefined });
    try {
      await call('GET', '/users');
      await call('GET', '/users/7', 't');
      expect(seen).toEqual(['GET /users', 'GET /users/7']);
    } finally {
      await box.close();
    }
  });

  it('counts calls under the key the provider chooses; undefined is not counted', async () => {
    const perPath = await provider({ key: (req) => req.path });
    try {
      expect((await perPath.call('GET', '/users', 't')).status).toBe(200);
      expect((await perPath.call('GET', '/users/1', 't')).status).toBe(200);
      expect((await perPath.call('GET', '/users', 't')).status).toBe(200);
      expect(await perPath.call('GET', '/users', 't')).toMatchObject({
        status: 429,
        body: { error: 'slow down' },
      });
    } finally {
      await perPath.box.close();
    }
    const bypass = await provider({ key: (_req, caller) => (caller === 'app' ? undefined : 'anonymous') });
    try {
      for (let i = 0; i < 4; i++) expect((await bypass.call('GET', '/users', 't')).status).toBe(200);
      expect((await bypass.call('POST', '/token')).status).toBe(200);
      expect((await bypass.call('POST', '/token')).status).toBe(200);
      expect((await bypass.call('POST', '/token')).status).toBe(429);
    } finally {
      await bypass.box.close();
    }
  });

  it('counts refused calls too when the provider limits before authentication', async () => {
    const after = await provider({ key: () => 'all' });
    try {
      for (let i = 0; i < 3; i++) expect((await after.call('GET', '/users')).status).toBe(401);
      expect((await after.call('GET', '/users', 't')).status).toBe(200);
    } finally {
      await after.box.close();
    }
    const before = await provider({ key: () => 'all', beforeAuth: true });
    try {
      expect((await before.call('GET', '/users')).status).toBe(401);
      expect((await before.call('POST', '/token')).status).toBe(200);
      expect((await before.call('GET', '/users', 't')).status).toBe(429);
    } finally {
      await before.box.close();
    }
  });

  it("puts the window's headers on every counted answer: the answer's own win, except on the 429", async () => {
    const { box, call } = await provider({
      key: () => 'all',
      headers: (state) => ({ 'x-left': String(state.remaining) }),
    });
    try {
      expect(await call('POST', '/token')).toMatchObject({ status: 200, left: '1' });
      expect(await call('GET', '/users', 't')).toMatchObject({ status: 200, left: 'mine' });
      expect(await call('GET', '/users/3', 't')).toMatchObject({ status: 429, left: '0' });
    } finally {
      await box.close();
    }
  });

  it('decorates answers of asynchronous routes too', async () => {
    const { box, call } = await provider({
      key: (req) => req.path,
      headers: (state) => ({ 'x-left': String(state.remaining) }),
    });
    try {
      expect(await call('GET', '/users/9', 't')).toMatchObject({ status: 200, left: '1', body: { id: '9' } });
    } finally {
      await box.close();
    }
  });
});
