import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxProviderId, startSandbox } from '../src/index.js';

let box: Sandbox<SandboxProviderId>;
let headers: Record<string, string>;
beforeAll(async () => {
  box = await startSandbox({ providers: ['rocketchat'], users: 230, seed: 3 });
  const c = box.providers.rocketchat.credentials;
  headers = { 'x-user-id': c['userId'] ?? '', 'x-auth-token': c['authToken'] ?? '' };
});
afterAll(() => box.close());

const list = async (query: string) => {
  const res = await fetch(`${box.providers.rocketchat.baseUrl}/api/v1/users.list${query}`, { headers });
  return {
    status: res.status,
    body: (await res.json()) as {
      users: { _id: string; username: string }[];
      count: number;
      offset: number;
      total: number;
    },
  };
};

describe('rocketchat sandbox: the pagination algorithm of the reference sheet', () => {
  it('defaults to 50, clamps at 100, treats count=0 as everything', async () => {
    expect((await list('')).body).toMatchObject({ count: 50, offset: 0, total: 233 }); // 230 seeded + the two callers + rocket.cat
    expect((await list('?count=500')).body.count).toBe(100);
    expect((await list('?count=0')).body.count).toBe(233);
    expect((await list('?count=0&offset=200')).body.count).toBe(33);
    expect((await list('?count=10&offset=225')).body).toMatchObject({ count: 8, offset: 225, total: 233 });
  });

  it('sorts by username by default and by a JSON sort', async () => {
    const asc = (await list('?count=0')).body.users.map((u) => u.username);
    expect(asc).toEqual([...asc].sort());
    const desc = (await list(`?count=0&sort=${encodeURIComponent('{"username":-1}')}`)).body.users.map(
      (u) => u.username,
    );
    expect(desc).toEqual([...asc].reverse());
    const bad = await list('?sort=username');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, errorType: 'error-invalid-sort' });
  });

  it('is deterministic per seed', async () => {
    const other = await startSandbox({ providers: ['rocketchat'], users: 230, seed: 3 });
    try {
      const c = other.providers.rocketchat.credentials;
      const res = await fetch(`${other.providers.rocketchat.baseUrl}/api/v1/users.list?count=0`, {
        headers: { 'x-user-id': c['userId'] ?? '', 'x-auth-token': c['authToken'] ?? '' },
      });
      const body = (await res.json()) as { users: unknown[] };
      expect(body.users).toEqual((await list('?count=0')).body.users);
    } finally {
      await other.close();
    }
  });

  it('checks the header pair together', async () => {
    const res = await fetch(`${box.providers.rocketchat.baseUrl}/api/v1/users.list`, {
      headers: { 'x-auth-token': headers['x-auth-token'] ?? '' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      success: false,
      error: 'You must be logged in to do this.',
      status: 'error',
      message: 'You must be logged in to do this.',
    });
  });
});
