/**
 * What production users reach for first, over HTTP against the sandbox: middleware (`use`) that
 * never sees a credential unless it asks, per-attempt request/response events and a ready-made
 * logger, per-call retry policies, and pacing before a provider's announced limit.
 */
import { type ClientMiddleware, isApiError, requestLogger, type TransportEvent } from '@rosterkit/core';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let box: Sandbox<SandboxProviderId>;
let failing: Sandbox<SandboxProviderId>;
let limited: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ providers: ['rocketchat'], users: 120 });
  failing = await startSandbox({
    providers: ['rocketchat'],
    users: 5,
    faults: { rate: 1, kinds: ['status-503'] },
  });
  limited = await startSandbox({
    providers: ['rocketchat'],
    users: 230,
    rateLimit: { limit: 3, windowMs: 300 },
  });
});
afterAll(async () => {
  await box.close();
  await failing.close();
  await limited.close();
});

const client = (
  sandbox: Sandbox<SandboxProviderId>,
  extra: Record<string, unknown> = {},
  regular = false,
) => {
  const info = sandbox.providers.rocketchat;
  return createRocketChatClient({
    baseUrl: info.baseUrl,
    userId: info.credentials[regular ? 'regularUserId' : 'userId'] ?? '',
    authToken: info.credentials[regular ? 'regularAuthToken' : 'authToken'] ?? '',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
};
const token = (sandbox: Sandbox<SandboxProviderId>) =>
  sandbox.providers.rocketchat.credentials['authToken'] ?? '';

describe('use(): openapi-fetch middleware', () => {
  it('runs on every call, may add headers, and never sees a credential', async () => {
    const seen: string[] = [];
    const rc = client(box);
    const tracing: ClientMiddleware = {
      onRequest: ({ request }) => {
        seen.push(`request ${[...request.headers].map(([k, v]) => `${k}=${v}`).join(';')}`);
        request.headers.set('x-trace-id', 'trace-1');
      },
      onResponse: ({ request, response }) => {
        seen.push(
          `response ${response.status} ${request.url} ${[...request.headers].map(([k, v]) => `${k}=${v}`).join(';')}`,
        );
      },
    };
    rc.use(tracing);
    const { data } = await rc.GET('/api/v1/users.list', { params: { query: { count: 2 } } });
    expect(data.users).toHaveLength(2);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toContain('response 200');
    expect(seen[1]).toContain('x-trace-id=trace-1');
    expect(seen[1]).toContain('x-auth-token=[REDACTED]');
    expect(seen.join('\n')).not.toContain(token(box));
    rc.eject(tracing);
    await rc.GET('/api/v1/users.list', { params: { query: { count: 1 } } });
    expect(seen).toHaveLength(2);
  });

  it('hands the real request only to middleware that asks for it', async () => {
    const rc = client(box);
    let header: string | null = null;
    rc.use({
      unredacted: true,
      onResponse: ({ request }) => {
        header = request.headers.get('x-auth-token');
      },
    });
    await rc.GET('/api/v1/users.list', { params: { query: { count: 1 } } });
    expect(header).toBe(token(box));
  });
});

describe('request/response events and requestLogger', () => {
  it('reports every attempt with operation, redacted URL, status and duration', async () => {
    const events: TransportEvent[] = [];
    const lines: string[] = [];
    const log = requestLogger((line) => lines.push(line));
    const rc = client(failing, {
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      onEvent: (e: TransportEvent) => {
        events.push(e);
        log(e);
      },
    });
    const error = await rc
      .GET('/api/v1/users.info', { params: { query: { username: 'x' } } })
      .catch((e) => e);
    expect(isApiError(error) && error.status).toBe(503);
    expect(events.map((e) => e.type)).toEqual(['request', 'response', 'retry', 'request', 'response']);
    const last = events[4] as Extract<TransportEvent, { type: 'response' }>;
    expect(last).toMatchObject({ operation: 'users.info', method: 'GET', status: 503, attempt: 2 });
    expect(last.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/rocketchat\/api\/v1\/users\.info\?username=x - 503 in \d+ ms \(users\.info\)$/,
    );
    expect(lines.join('\n')).not.toContain(token(failing));
  });
});

describe('per-call retry policy', () => {
  it('overrides the client policy for one call', async () => {
    const rc = client(failing, { retry: { maxAttempts: 4, baseDelayMs: 1 } });
    const count = async (init: Record<string, unknown>) => {
      const before = failing.requests['rocketchat'] ?? 0;
      await rc.GET('/api/v1/users.info', { params: { query: { username: 'x' } }, ...init }).catch(() => {});
      return (failing.requests['rocketchat'] ?? 0) - before;
    };
    expect(await count({})).toBe(4);
    expect(await count({ retry: false })).toBe(1);
    expect(await count({ retry: { maxAttempts: 2 } })).toBe(2);
  });
});

describe('pacing before the limit', () => {
  it('slows a listing down when X-RateLimit-Remaining reaches 0, instead of running into 429s', async () => {
    const events: TransportEvent[] = [];
    const rc = client(limited, { onEvent: (e: TransportEvent) => events.push(e) }, true);
    const names: string[] = [];
    for await (const u of rc.iterateUsers({ pageSize: 20 })) names.push(String(u.username));
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(230);
    const statuses = events.flatMap((e) => (e.type === 'response' ? [e.status] : []));
    expect(statuses).not.toContain(429);
    expect(events.some((e) => e.type === 'rate-limit' && e.paced)).toBe(true);
  });

  it('onRateLimit may refuse to wait: the call fails at once with the 429', async () => {
    const seen: string[] = [];
    const rc = client(
      limited,
      {
        onRateLimit: (info: { reason: string }) => {
          seen.push(info.reason);
          return false;
        },
      },
      true,
    );
    let error: unknown;
    for (let i = 0; i < 6 && !error; i++)
      error = await rc.GET('/api/v1/users.info', { params: { query: { username: 'nobody' } } }).then(
        () => undefined,
        (e) => (isApiError(e) && e.status === 429 ? e : undefined),
      );
    expect(isApiError(error) && error.status).toBe(429);
    expect(seen).toContain('429');
  });
});
