import { InputError } from '@rosterkit/core';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListUsersError, listUsers, type User } from '../src/index.js';
import { clientFor } from './sources.js';

let box: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ users: 250, seed: 11 });
});
afterAll(() => box.close());

/** A fetch that lets `n` requests through to the sandbox, then fails like a dead network. */
const dyingAfter = (n: number) => {
  let calls = 0;
  return (req: Request) => (++calls > n ? Promise.reject(new TypeError('fetch failed')) : fetch(req));
};

function rocketchat(fetchImpl?: (req: Request) => Promise<Response>) {
  const { baseUrl, credentials } = box.providers.rocketchat;
  return createRocketChatClient({
    baseUrl,
    userId: credentials['userId'] ?? '',
    authToken: credentials['authToken'] ?? '',
    retry: { maxAttempts: 2, baseDelayMs: 1 },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

describe('listUsers', () => {
  it('the same provider given twice is an InputError naming sources, before any request', async () => {
    let requests = 0;
    const counting = (req: Request) => {
      requests++;
      return fetch(req);
    };
    const error = await listUsers([rocketchat(counting), rocketchat(counting)])
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ provider: 'users', field: 'sources' });
    expect((error as Error).message).toContain('rocketchat is listed twice');
    expect(requests).toBe(0);
  });

  it('streams every user of every source as a common User', async () => {
    const users: User[] = [];
    const progress: number[] = [];
    for await (const u of listUsers([rocketchat()], { onProgress: (p) => progress.push(p.usersRead) }))
      users.push(u);
    // 250 seeded people + the sandbox's two callers and the rocket.cat bot, who are users too.
    expect(users).toHaveLength(253);
    expect(new Set(users.map((u) => u.id)).size).toBe(253);
    expect(progress.at(-1)).toBe(253);
  });

  it('a provider failing mid-listing: every read user is yielded, then a ListUsersError names it and its count', async () => {
    const users: User[] = [];
    let error: unknown;
    try {
      for await (const u of listUsers([rocketchat(dyingAfter(2))])) users.push(u);
    } catch (e) {
      error = e;
    }
    expect(users).toHaveLength(200);
    expect(error).toBeInstanceOf(ListUsersError);
    const failure = (error as ListUsersError).failures[0];
    expect(failure).toMatchObject({ provider: 'rocketchat', usersRead: 200 });
    expect(failure?.error.message).toContain('users.list');
    expect(JSON.stringify(error)).toContain('"usersRead":200');
  });

  it('one provider failing mid-listing does not stop the others; the aggregate error names it and its count', async () => {
    const counts = new Map<string, number>();
    let error: unknown;
    try {
      for await (const u of listUsers(
        [
          clientFor(box, 'thena'),
          rocketchat(dyingAfter(1)),
          clientFor(box, 'blynk'),
          clientFor(box, 'rezolve'),
        ],
        { concurrency: 2 },
      )) {
        counts.set(u.provider, (counts.get(u.provider) ?? 0) + 1);
      }
    } catch (e) {
      error = e;
    }
    expect(Object.fromEntries(counts)).toEqual({ thena: 250, rocketchat: 100, blynk: 250, rezolve: 250 });
    expect(error).toBeInstanceOf(ListUsersError);
    expect((error as ListUsersError).failures.map((f) => [f.provider, f.usersRead])).toEqual([
      ['rocketchat', 100],
    ]);
    expect((error as ListUsersError).usersRead).toBe(850);
    expect((error as Error).message).toMatch(/rocketchat failed after 100 user/);
  });

  it('stops reading when the consumer breaks early', async () => {
    const before = box.requests['rocketchat'] ?? 0;
    for await (const u of listUsers([rocketchat()], { bufferSize: 10 })) if (u) break;
    await new Promise((r) => setTimeout(r, 50));
    expect((box.requests['rocketchat'] ?? 0) - before).toBeLessThanOrEqual(2);
  });
});
