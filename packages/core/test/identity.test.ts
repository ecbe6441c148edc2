import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createApiClient, isApiError, Redactor } from '../src/index.js';
import { scriptedServer } from './server.js';

// A second, separate instance of core's modules, as a consumer gets with two installed versions
// or a bundled copy beside the package.
const second = '../src/errors.js?second-copy';
const copy = (await import(/* @vite-ignore */ second)) as typeof import('../src/errors.js');

describe('isApiError across copies of @rosterkit/core', () => {
  it('recognises an ApiError built by another copy, where instanceof does not', () => {
    const foreign = new copy.ApiError(
      { provider: 'x', operation: 'op', kind: 'http', message: 'm' },
      new Redactor(() => []),
    );
    expect(foreign instanceof ApiError).toBe(false);
    expect(isApiError(foreign)).toBe(true);
    expect(
      copy.isApiError(
        new ApiError({ provider: 'x', operation: 'op', kind: 'http', message: 'm' }, new Redactor(() => [])),
      ),
    ).toBe(true);
  });

  it('is not fooled by look-alikes', () => {
    expect(isApiError({ name: 'ApiError', kind: 'http' })).toBe(false);
    expect(isApiError(new Error('ApiError'))).toBe(false);
    expect(isApiError(null)).toBe(false);
  });
});

describe('ApiError.headers', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>>;
  const SECRET = 'sk-live-0123456789abcdef';
  beforeAll(async () => {
    server = await scriptedServer((_req, res) => {
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-request-id': 'req-7',
        'x-echo': `token=${SECRET}`,
        'set-cookie': `session=${SECRET}`,
      });
      res.end('{"error":"forbidden"}');
    });
  });
  afterAll(() => server.close());

  it('carries the failed answer’s headers, redacted, without cookies', async () => {
    const client = createApiClient<Record<string, never>>(
      { id: 'demo', operations: {}, decodeError: () => ({}) },
      server.url,
      { apply: (r) => r.headers.set('x-api-key', SECRET), secrets: () => [SECRET] },
      { retry: false },
    );
    const error = await (client.GET as (p: string) => Promise<unknown>)('/thing').catch((e: unknown) => e);
    expect(isApiError(error)).toBe(true);
    const headers = (error as ApiError).headers ?? {};
    expect(headers['x-request-id']).toBe('req-7');
    expect(headers['x-echo']).not.toContain(SECRET);
    expect(headers['set-cookie']).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(SECRET.slice(3));
  });
});
