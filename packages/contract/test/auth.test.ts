import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBlynkClient } from '@rosterkit/blynk';
import { cliProviders, main } from '@rosterkit/cli';
import { ApiError } from '@rosterkit/core';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { providerIds } from './generated/providers.js';

/**
 * Auth flows against servers that refuse: a refused credential is a typed `auth` error at once
 * (never a refresh that waits on itself), and the call's budget or the caller's signal ends every
 * wait for a token.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: { url: string; calls: string[]; close(): Promise<void> } | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler) {
  const calls: string[] = [];
  const srv = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  server = {
    url,
    calls,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
  return server;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Fails with "hung" instead of waiting forever (what a deadlock did). */
async function settle(promise: Promise<unknown>, ms = 10_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function drain(it: AsyncIterable<unknown>) {
  for await (const _ of it);
}

const blynk = (url: string) =>
  createBlynkClient({ baseUrl: url, clientId: 'client-1', clientSecret: 'wrong-secret-0123456789' });

describe('Blynk OAuth2 token endpoint refusing the client', () => {
  for (const status of [401, 400]) {
    it(`HTTP ${status} invalid_client is kind 'auth' at once, with one token request`, async () => {
      const srv = await serve((_req, res) =>
        json(res, status, { error: 'invalid_client', error_description: 'Client authentication failed' }),
      );
      const error = await settle(drain(blynk(srv.url).iterateUsers()));
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ kind: 'auth', status, code: 'invalid_client', retryable: false });
      expect(srv.calls.filter((c) => c.includes('/oauth2/token'))).toHaveLength(1);
      expect(srv.calls.filter((c) => !c.includes('/oauth2/token'))).toHaveLength(0);
    });
  }

  it('calls waiting together share the one refusal', async () => {
    const srv = await serve((_req, res) => json(res, 401, { error: 'invalid_client' }));
    const client = blynk(srv.url);
    const errors = await Promise.all(
      [1, 2, 3].map(() => settle(client.GET('/api/v1/organization/users', { params: { query: {} } }))),
    );
    for (const e of errors) expect(e).toMatchObject({ name: 'ApiError', kind: 'auth' });
    expect(srv.calls).toHaveLength(1);
  });

  it('a token that the API refuses again after a refresh is kind auth, after exactly one refresh', async () => {
    let tokens = 0;
    const srv = await serve((req, res) =>
      req.url?.includes('/oauth2/token')
        ? json(res, 200, { access_token: `tok-${++tokens}-abcdefgh`, token_type: 'Bearer', expires_in: 3600 })
        : json(res, 401, { error: { message: 'Unauthorized' } }),
    );
    const error = await settle(drain(blynk(srv.url).iterateUsers()));
    expect(error).toMatchObject({ name: 'ApiError', kind: 'auth', status: 401 });
    expect(tokens).toBe(2);
    expect(srv.calls.filter((c) => !c.includes('/oauth2/token'))).toHaveLength(2);
  });

  it('calls refused with an expired token share one renewal; none discards the new token', async () => {
    let tokens = 0;
    const srv = await serve((req, res) => {
      if (req.url?.includes('/oauth2/token'))
        return json(res, 200, {
          access_token: `tok-${++tokens}-abcdefgh`,
          token_type: 'Bearer',
          expires_in: 3600,
        });
      const fresh = req.headers.authorization === 'Bearer tok-2-abcdefgh';
      // Stagger the refusals so some arrive after the renewal is done.
      setTimeout(
        () =>
          fresh
            ? json(res, 200, { content: [], totalElements: 0, page: 0, size: 10 })
            : json(res, 401, { error: { message: 'token expired' } }),
        fresh ? 0 : srv.calls.length * 30,
      );
    });
    const client = blynk(srv.url);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => settle(client.GET('/api/v1/organization/users', { params: { query: {} } }))),
    );
    expect(results).toEqual(['resolved', 'resolved', 'resolved', 'resolved']);
    expect(tokens).toBe(2);
  });

  it('the CLI reports the refusal on stderr and exits non-zero', async () => {
    const srv = await serve((_req, res) => json(res, 401, { error: 'invalid_client' }));
    let stderr = '';
    let code: number | undefined;
    const outcome = await settle(
      main(['users', '--provider', 'blynk'], {
        env: {
          ROSTER_BLYNK_BASE_URL: srv.url,
          ROSTER_BLYNK_CLIENT_ID: 'client-1',
          ROSTER_BLYNK_CLIENT_SECRET: 'wrong-secret-0123456789',
        },
        cwd: process.cwd(),
        isTTY: false,
        stdout: () => {},
        stderr: (s) => {
          stderr += s;
        },
      }).then((c) => {
        code = c;
      }),
    );
    expect(outcome).toBe('resolved');
    expect(code).not.toBe(0);
    expect(stderr).toContain('blynk');
    expect(stderr).toMatch(/refused the credentials/);
    expect(stderr).not.toContain('wrong-secret');

    // `roster config check` reaches the same token endpoint: it answers, it does not hang.
    let out = '';
    let checkCode: number | undefined;
    const checked = await settle(
      main(['config', 'check'], {
        env: {
          ROSTER_BLYNK_BASE_URL: srv.url,
          ROSTER_BLYNK_CLIENT_ID: 'client-1',
          ROSTER_BLYNK_CLIENT_SECRET: 'wrong-secret-0123456789',
        },
        cwd: process.cwd(),
        isTTY: false,
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          out += t;
        },
      }).then((c) => {
        checkCode = c;
      }),
    );
    expect(checked).toBe('resolved');
    expect(checkCode).not.toBe(0);
    expect(out).toContain('blynk');
    expect(out).not.toContain('wrong-secret');
  });
});

describe('imi.chat /authorize refusing the key', () => {
  for (const [status, code] of [
    [401, 2004],
    [401, 2001],
  ] as const) {
    it(`HTTP ${status} status_code ${code} is kind 'auth' at once`, async () => {
      const srv = await serve((_req, res) =>
        json(res, status, { status_code: code, description: 'refused', response: null }),
      );
      const client = createImichatClient({ baseUrl: `${srv.url}/v3.1`, apiKey: 'k'.repeat(32), teamId: 7 });
      const error = await settle(drain(client.iterateUsers()));
      expect(error).toMatchObject({ name: 'ApiError', kind: 'auth', code: String(code) });
      expect(srv.calls).toEqual(['GET /v3.1/authorize']);
    });
  }
});

describe('Rezolve token function', () => {
  const tenantId = '0b0e9f5c-4a8e-4c1e-9a47-2d3f3c1f1a10';
  it('a token function that never returns ends with the call budget (timeout)', async () => {
    const srv = await serve((_req, res) => json(res, 200, {}));
    const client = createRezolveClient({
      baseUrl: srv.url,
      tenantId,
      token: () => new Promise<string>(() => {}),
      timeoutMs: 300,
    });
    const error = await settle(drain(client.iterateUsers()));
    expect(error).toMatchObject({ name: 'ApiError', kind: 'timeout' });
    expect(srv.calls).toHaveLength(0);
  });

  it("the caller's signal ends the wait for a token", async () => {
    const srv = await serve((_req, res) => json(res, 200, {}));
    const client = createRezolveClient({
      baseUrl: srv.url,
      tenantId,
      token: () => new Promise<string>(() => {}),
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await settle(drain(client.iterateUsers({}, { signal: controller.signal })));
    expect(error).toMatchObject({ name: 'ApiError', kind: 'aborted' });
  });

  it('a token refused twice is kind auth after one renewal, the function called twice', async () => {
    let calls = 0;
    const srv = await serve((_req, res) =>
      json(res, 401, { success: false, error: { code: 'TOKEN_EXPIRED', message: 'expired' } }),
    );
    const client = createRezolveClient({
      baseUrl: srv.url,
      tenantId,
      token: () => `token-${++calls}-abcdefgh`,
    });
    const error = await settle(drain(client.iterateUsers()));
    expect(error).toMatchObject({ name: 'ApiError', kind: 'auth' });
    expect(calls).toBe(2);
    expect(srv.calls).toHaveLength(2);
  });
});

describe('every provider: the wait for a credential function is bounded', () => {
  // Valid settings of every kind (ids, team and tenant ids) from the sandbox; requests go to `serve`.
  let box: Sandbox<SandboxProviderId>;
  beforeAll(async () => {
    box = await startSandbox({ users: 1 });
  });
  afterAll(() => box.close());

  /** A client of the provider at `url` whose credential (its secret setting) never comes. */
  const pending = (id: SandboxProviderId, url: string, options: { timeoutMs?: number } = {}) => {
    const field = cliProviders[id].secrets[0] as string;
    const never = () => new Promise<string>(() => {});
    return cliProviders[id].create(
      { ...box.providers[id].credentials, baseUrl: url, [field]: never as unknown as string },
      options,
    );
  };

  for (const id of providerIds) {
    it(`${id}: a credential function that never returns ends with the call budget (timeout), nothing sent`, async () => {
      const srv = await serve((_req, res) => json(res, 200, {}));
      const error = await settle(drain(pending(id, srv.url, { timeoutMs: 300 }).iterateUsers()));
      expect(error).toMatchObject({ name: 'ApiError', kind: 'timeout' });
      expect(srv.calls).toHaveLength(0);
    });

    it(`${id}: the caller's signal ends the wait for the credential`, async () => {
      const srv = await serve((_req, res) => json(res, 200, {}));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await settle(
        drain(pending(id, srv.url).iterateUsers(undefined, { signal: controller.signal })),
      );
      expect(error).toMatchObject({ name: 'ApiError', kind: 'aborted' });
      expect(srv.calls).toHaveLength(0);
    });
  }
});
