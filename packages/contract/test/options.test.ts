import { createBlynkClient } from '@rosterkit/blynk';
import { cliProviders } from '@rosterkit/cli';
import { type ClientOptions, InputError } from '@rosterkit/core';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { type Sandbox, type SandboxProviderId, sandboxModules, startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import { listUsers } from '@rosterkit/users';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { managedHeaders } from './generated/providers.js';

/**
 * Callers' mistakes: every option is checked once, when the client (or listing) is created, and a
 * bad one is an InputError naming the field — before any request, and without the value.
 */
const PROVIDERS = Object.keys(sandboxModules) as SandboxProviderId[]; // every provider in the registry
let box: Sandbox<SandboxProviderId>;
let requests = 0;
const counting = (req: Request) => {
  requests++;
  return globalThis.fetch(req);
};
beforeAll(async () => {
  box = await startSandbox({ users: 5, seed: 1 });
});
afterAll(() => box.close());

function create(
  id: SandboxProviderId,
  options: Record<string, unknown>,
  settings: Record<string, unknown> = {},
) {
  const info = box.providers[id];
  return cliProviders[id].create(
    { baseUrl: info.baseUrl, ...info.credentials, ...settings } as Record<string, string>,
    { fetch: counting, ...options } as ClientOptions,
  );
}

/** A header each client sets itself (the registry's "managedHeader", default `Authorization`). */
const managed = (id: SandboxProviderId) => managedHeaders[id];

const bad: [string, Record<string, unknown>, string][] = [
  ['maxAttempts Infinity', { retry: { maxAttempts: Number.POSITIVE_INFINITY } }, 'retry.maxAttempts'],
  ['maxAttempts NaN', { retry: { maxAttempts: Number.NaN } }, 'retry.maxAttempts'],
  ['maxAttempts 0', { retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
  [
    'maxRetryAfterMs Infinity',
    { retry: { maxRetryAfterMs: Number.POSITIVE_INFINITY } },
    'retry.maxRetryAfterMs',
  ],
  ['retry a string', { retry: 'yes' }, 'retry'],
  ['maxResponseBytes NaN', { maxResponseBytes: Number.NaN }, 'maxResponseBytes'],
  ['timeoutMs -1', { timeoutMs: -1 }, 'timeoutMs'],
  ['timeoutMs NaN', { timeoutMs: Number.NaN }, 'timeoutMs'],
  ['timeoutMs Infinity', { timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs'],
  ['timeoutMs "100"', { timeoutMs: '100' }, 'timeoutMs'],
  ['timeoutMs beyond a timer', { timeoutMs: 2 ** 31 }, 'timeoutMs'],
  ['idleTimeoutMs 0', { idleTimeoutMs: 0 }, 'idleTimeoutMs'],
  ['a header value with CR/LF', { headers: { 'X-Trace': 'a\r\nX-Evil: 1' } }, 'headers.X-Trace'],
  ['a header name with CR/LF', { headers: { 'X-A\r\nX-Evil': '1' } }, 'headers'],
  ['allowInsecureHttp "false"', { allowInsecureHttp: 'false' }, 'allowInsecureHttp'],
  ['signal not a signal', { signal: {} }, 'signal'],
];

describe('bad client options are InputError at creation, before any request', () => {
  for (const id of PROVIDERS) {
    it(id, () => {
      requests = 0;
      const cases: [string, Record<string, unknown>, string, Record<string, unknown>?][] = [
        ...bad,
        [
          `a headers entry overriding ${managed(id)}`,
          { headers: { [managed(id)]: 'other' } },
          `headers.${managed(id)}`,
        ],
        [
          'a non-Latin-1 credential',
          {},
          cliProviders[id].secrets[0] as string,
          { [cliProviders[id].secrets[0] as string]: 'sécret-€-0123456789' },
        ],
      ];
      for (const [what, options, field, settings] of cases) {
        let error: unknown;
        try {
          create(id, options, settings);
        } catch (e) {
          error = e;
        }
        expect(error, what).toBeInstanceOf(InputError);
        expect((error as InputError).field, what).toBe(field);
        expect((error as Error).message, what).not.toContain('sécret');
      }
      expect(requests).toBe(0);
    });
  }
});

describe('bad listing options are InputError before any request', () => {
  for (const id of PROVIDERS) {
    it(id, async () => {
      requests = 0;
      const source = create(id, {});
      for (const concurrency of [Number.POSITIVE_INFINITY, Number.NaN, 0]) {
        const it = source.iterateUsers(undefined, { concurrency } as never)[Symbol.asyncIterator]();
        await expect(it.next()).rejects.toBeInstanceOf(InputError);
      }
      for (const concurrency of [Number.POSITIVE_INFINITY, Number.NaN, 0]) {
        await expect(listUsers([source], { concurrency }).next()).rejects.toMatchObject({
          name: 'InputError',
          field: 'concurrency',
        });
      }
      expect(requests).toBe(0);
    });
  }
});

describe('provider-specific mistakes', () => {
  it('Thena and Blynk: baseUrl null is refused, not silently the production URL', () => {
    const thena = () => createThenaClient({ baseUrl: null as never, apiKey: 'key-0123456789' });
    const blynk = () =>
      createBlynkClient({ baseUrl: null as never, clientId: 'id', clientSecret: 'secret-0123456789' });
    for (const make of [thena, blynk]) {
      expect(make).toThrow(InputError);
      expect(make).toThrow(/baseUrl/);
    }
  });

  it('imi.chat: a bad baseUrl without domainName is an InputError that does not carry the URL', () => {
    let error: unknown;
    try {
      createImichatClient({
        baseUrl: 'https://user:p4ssw0rd-secret@[bad',
        apiKey: 'k'.repeat(32),
        teamId: 1,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('baseUrl');
    expect(JSON.stringify(error)).not.toContain('p4ssw0rd');
    expect(String((error as Error).stack)).not.toContain('p4ssw0rd');
  });

  it('a per-call retry policy is checked when the call is made, before any request', async () => {
    requests = 0;
    const info = box.providers.rezolve;
    const client = createRezolveClient({
      baseUrl: info.baseUrl,
      tenantId: info.credentials['tenantId'] as string,
      token: info.credentials['token'] as string,
      fetch: counting,
    });
    await expect(
      client.GET('/user/list', {
        params: { query: { type: 'agent', module: 'ticketing' } },
        retry: { maxAttempts: Number.POSITIVE_INFINITY },
      }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'retry.maxAttempts' });
    expect(requests).toBe(0);
  });

  it('Rezolve: a per-call x-tenantid header is checked like the option, before any request', async () => {
    requests = 0;
    const info = box.providers.rezolve;
    const client = createRezolveClient({
      baseUrl: info.baseUrl,
      tenantId: info.credentials['tenantId'] as string,
      token: info.credentials['token'] as string,
      fetch: counting,
    });
    await expect(
      client.GET('/user/list', {
        params: { query: { type: 'agent', module: 'ticketing' }, header: { 'x-tenantid': 'not-a-uuid' } },
      }),
    ).rejects.toMatchObject({ name: 'InputError', field: 'params.header.x-tenantid' });
    expect(requests).toBe(0);
  });
});
