/**
 * Credentials that rotate, over HTTP against the sandbox: every client takes its credential as a
 * value or as an async function. The function is called lazily, once for any number of concurrent
 * calls, again when the provider refuses (or expires) what it returned — and nothing it returned
 * ever shows in an error, even after it was replaced.
 */
import { createBlynkClient } from '@rosterkit/blynk';
import { cliProviders } from '@rosterkit/cli';
import { type Credential, InputError, isApiError } from '@rosterkit/core';
import { collect, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProviderId, providerIds } from './generated/providers.js';

let box: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({
    users: 30,
    moduleOptions: { blynk: { tokenTtlSeconds: 1 }, imichat: { tokenTtlMs: 800 } },
  });
});
afterAll(() => box.close());

type Lister = { iterateUsers(): AsyncIterable<unknown> };
const cred = (id: SandboxProviderId, name: string) => box.providers[id].credentials[name] ?? '';
const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };

/**
 * Every provider in the registry: its rotating credential (the setting it declares secret), the
 * valid value, and a client built around a function — made by the registry's client factory from
 * the sandbox's settings, so a new provider is covered here without a row of its own.
 */
type Rotating = ProviderId;
const providers = Object.fromEntries(
  providerIds.map((id) => {
    const field = cliProviders[id].secrets[0] as string;
    const client = (fn: Credential) =>
      cliProviders[id].create(
        { baseUrl: box.providers[id].baseUrl, ...box.providers[id].credentials, [field]: fn as string },
        fast,
      ) as Lister;
    return [id, { field, valid: () => cred(id, field), client }];
  }),
) as Record<Rotating, { field: string; valid: () => string; client: (fn: Credential) => Lister }>;

/** Everything an error can show: message, stack, cause chain, JSON form, body, headers. */
function shown(error: unknown): string {
  const e = error as Error & { cause?: unknown; body?: unknown; headers?: unknown };
  const parts = [String(e), e.message, e.stack, JSON.stringify(e), JSON.stringify(e.body ?? null)];
  parts.push(JSON.stringify(e.headers ?? null));
  for (let c = e.cause as Error | undefined, n = 0; c && n < 5; c = c.cause as Error | undefined, n++)
    parts.push(String(c), c.message, String(c.stack));
  return parts.join('\n');
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe.each(Object.keys(providers) as Rotating[])('%s: a credential function', (id) => {
  const p = providers[id];

  it('is called lazily, once for concurrent listings', async () => {
    let calls = 0;
    const client = p.client(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return p.valid();
    });
    expect(calls).toBe(0);
    const lists = await Promise.all([1, 2, 3, 4].map(() => collect(client.iterateUsers())));
    for (const users of lists) expect(users.length).toBeGreaterThan(0);
    expect(calls).toBe(1);
    await collect(client.iterateUsers());
    expect(calls).toBe(1);
  });

  it('is called again when the sandbox refuses what it returned, and the call succeeds', async () => {
    const stale = `stale-${id}-Qx7rT2vW9kLm4`;
    const returned: string[] = [];
    const client = p.client(async () => {
      const value = returned.length === 0 ? stale : p.valid();
      returned.push(value);
      return value;
    });
    const users = await collect(client.iterateUsers());
    expect(users.length).toBeGreaterThan(0);
    expect(returned).toEqual([stale, p.valid()]);
  });

  it('a value refused twice is kind auth, and no value it returned shows in the error', async () => {
    const returned: string[] = [];
    const client = p.client(async () => {
      const value = `revoked-${id}-${returned.length}-Hk29sPq8Zt`;
      returned.push(value);
      return value;
    });
    const error = await failure(collect(client.iterateUsers()));
    expect(isApiError(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'auth' });
    expect(returned).toHaveLength(2);
    const text = shown(error);
    for (const value of returned) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(btoa(value).slice(0, 16));
    }
  });

  it('a function that throws is kind auth; a replaced value in its message is redacted', async () => {
    const stale = `replaced-${id}-Wm3nB8vC1xZa`;
    let calls = 0;
    const client = p.client(async () => {
      if (calls++ === 0) return stale;
      throw new Error(`vault: ${stale} was revoked and nothing replaced it`);
    });
    const error = await failure(collect(client.iterateUsers()));
    expect(error).toMatchObject({ name: 'ApiError', kind: 'auth' });
    expect(calls).toBe(2);
    expect(String((error as Error).message)).toContain(`${p.field} function failed`);
    expect(shown(error)).toContain('was revoked');
    expect(shown(error)).not.toContain(stale);
  });

  it('a returned value that cannot travel in a header is an InputError that does not echo it', async () => {
    const bad = `bad-${id}-Yt5\r\nx-injected: 1`;
    const client = p.client(async () => bad);
    const error = await failure(collect(client.iterateUsers()));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ field: `${p.field}()` });
    expect(shown(error)).not.toContain('Yt5');
  });
});

describe('expiry', () => {
  it('Blynk token function: called again once the sandbox expires the token it returned', async () => {
    const info = box.providers.blynk;
    let calls = 0;
    const client = createBlynkClient({
      baseUrl: info.baseUrl,
      token: async () => {
        calls++;
        const basic = btoa(`${cred('blynk', 'clientId')}:${cred('blynk', 'clientSecret')}`);
        const res = await fetch(`${info.baseUrl}/oauth2/token?grant_type=client_credentials`, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}` },
        });
        return ((await res.json()) as { access_token: string }).access_token;
      },
      ...fast,
    });
    expect((await collect(client.iterateUsers())).length).toBe(30);
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 1_100)); // the sandbox's token lifetime is 1 s
    expect((await collect(client.iterateUsers())).length).toBe(30);
    expect(calls).toBe(2);
  });

  it('imi.chat: an expired access token is renewed through /authorize without asking for the key again', async () => {
    let calls = 0;
    const client = providers.imichat.client(async () => {
      calls++;
      return providers.imichat.valid();
    });
    await collect(client.iterateUsers());
    const before = box.requests['imichat'] ?? 0;
    await new Promise((r) => setTimeout(r, 900)); // the sandbox's token lifetime is 0.8 s
    expect((await collect(client.iterateUsers())).length).toBe(30);
    expect(calls).toBe(1);
    expect((box.requests['imichat'] ?? 0) - before).toBeGreaterThan(3); // refused, authorize, pages
  });

  it('a static credential is checked at creation and never renewed', () => {
    expect(() => providers.thena.client('')).toThrow(InputError);
    expect(() => providers.rocketchat.client('a\nb')).toThrow(InputError);
  });
});
