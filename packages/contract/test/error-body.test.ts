/**
 * Error bodies typed per operation: `client.isErrorOf(error, method, path)` narrows `error.body` to
 * the error schema the spec documents for that operation, over HTTP against the sandbox.
 */
import { createRocketChatClient, type RocketChatClient } from '@rosterkit/rocketchat';
import { type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';

let box: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ providers: ['rocketchat'], users: 5 });
});
afterAll(() => box.close());

const rc = (authToken: string, regular = false): RocketChatClient =>
  createRocketChatClient({
    baseUrl: box.providers.rocketchat.baseUrl,
    userId: box.providers.rocketchat.credentials[regular ? 'regularUserId' : 'userId'] ?? '',
    authToken,
    retry: false,
  });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('isErrorOf: the documented error body of one operation', () => {
  it('narrows a 401 of users.list to the spec’s 401/400/403 bodies', async () => {
    const client = rc('not-the-token-abcdef');
    const error = await failure(client.GET('/api/v1/users.list', { params: { query: { count: 1 } } }));
    expect(client.isErrorOf(error, 'GET', '/api/v1/users.list')).toBe(true);
    if (!client.isErrorOf(error, 'GET', '/api/v1/users.list')) return;
    const body = error.body;
    expectTypeOf(body).not.toBeUnknown();
    // Every documented variant has a message somewhere: `error` (current) or `message` (legacy).
    const text = body && ('error' in body ? body.error : 'message' in body ? body.message : undefined);
    expectTypeOf(text).toEqualTypeOf<string | undefined>();
    expect(error.status).toBe(401);
    expect(typeof text).toBe('string');
    expect(JSON.stringify(body)).not.toContain('not-the-token-abcdef');
  });

  it('is false for another operation, another provider’s error, or anything that is not an ApiError', async () => {
    const client = rc('not-the-token-abcdef');
    const error = await failure(client.GET('/api/v1/users.list', { params: { query: { count: 1 } } }));
    expect(client.isErrorOf(error, 'GET', '/api/v1/users.info')).toBe(false);
    expect(client.isErrorOf(new Error('x'), 'GET', '/api/v1/users.list')).toBe(false);
    expect(client.isErrorOf({ ...(error as object) }, 'GET', '/api/v1/users.list')).toBe(false);
  });
});
