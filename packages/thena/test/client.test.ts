import { ApiError, InputError } from '@rosterkit/core';
import { collect, rejection, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { createThenaClient, type ThenaClientOptions } from '../src/index.js';

const boxes: Sandbox<SandboxProviderId>[] = [];
afterAll(() => Promise.all(boxes.map((b) => b.close())));
async function sandbox(users: number, extra: Parameters<typeof startSandbox>[0] = {}) {
  const box = await startSandbox({ providers: ['thena'], users, seed: 4, ...extra });
  boxes.push(box);
  return box;
}
const client = (box: Sandbox<SandboxProviderId>, o: Partial<ThenaClientOptions> = {}) =>
  createThenaClient({
    baseUrl: box.providers.thena.baseUrl,
    apiKey: box.providers.thena.credentials['apiKey'] ?? '',
    retry: { baseDelayMs: 1 },
    ...o,
  } as ThenaClientOptions);
const all = collect;
const failure = (call: Promise<unknown>) => rejection(call, ApiError);

describe('thena iterateUsers', () => {
  for (const n of [0, 1, 1000]) {
    it(`lists ${n} users from /v1/users/list (one response), each once`, async () => {
      const users = await all(client(await sandbox(n)).iterateUsers());
      expect(users).toHaveLength(n);
      expect(new Set(users.map((u) => u.id)).size).toBe(n);
    });
  }

  it('pages the users search by page/per_page: exactly one page, and 1,000 users in pages of 250', async () => {
    const one = await all(client(await sandbox(250)).iterateUsers({ search: { perPage: 250 } }));
    expect(one).toHaveLength(250);
    const box = await sandbox(1000);
    const serial = await all(client(box).iterateUsers({ search: { perPage: 250 } }));
    const concurrent = await all(client(box).iterateUsers({ search: { perPage: 250 } }, { concurrency: 4 }));
    expect(serial).toHaveLength(1000);
    expect(new Set(serial.map((u) => u.id)).size).toBe(1000);
    expect(concurrent.map((u) => u.id)).toEqual(serial.map((u) => u.id));
  });

  it('refuses a per_page outside 1–250 before any request', async () => {
    expect(() =>
      client({
        providers: { thena: { baseUrl: 'https://platform.thena.ai', credentials: { apiKey: 'k' } } },
      } as never).iterateUsers({ search: { perPage: 251 } }),
    ).toThrow(InputError);
  });
});

describe('thena auth, errors and limits', () => {
  it('accepts the older bearer + x-org-id pair', async () => {
    const box = await sandbox(3);
    const c = box.providers.thena.credentials;
    const users = await all(
      createThenaClient({
        baseUrl: box.providers.thena.baseUrl,
        token: c['token'] ?? '',
        orgId: c['orgId'] ?? '',
      }).iterateUsers(),
    );
    expect(users).toHaveLength(3);
  });

  it('a wrong API key is a 401 ApiError without the key in it', async () => {
    const err = await failure(
      client(await sandbox(1), { apiKey: 'thena_wrong_key_123456' }).GET('/v1/users/list'),
    );
    expect(err).toMatchObject({ provider: 'thena', operation: 'listUsers', status: 401 });
    expect(JSON.stringify(err) + err.message).not.toContain('thena_wrong_key_123456');
  });

  it('an unknown team is a 404 carrying the NestJS error name as code', async () => {
    const err = await failure(
      client(await sandbox(1)).GET('/v1/teams/{teamId}/members', { params: { path: { teamId: 'nope' } } }),
    );
    expect(err).toMatchObject({
      status: 404,
      code: 'Not Found',
      message: expect.stringContaining('Team not found'),
    });
  });

  it('validation errors join the message list', async () => {
    const err = await failure(
      client(await sandbox(1)).GET('/v1/search/users', {
        params: { query: { q: '*', query_by: 'name', per_page: 999 } },
      }),
    );
    expect(err).toMatchObject({ status: 400, code: 'Bad Request' });
  });

  it('a 429 is waited out until X-RateLimit-Reset (UNIX seconds)', async () => {
    const box = await sandbox(2, { rateLimit: { limit: 1, windowMs: 1500 } });
    const waits: number[] = [];
    const c = client(box, { onEvent: (e) => e.type === 'rate-limit' && waits.push(e.delayMs) });
    await c.GET('/v1/users/list');
    const { data } = await c.GET('/v1/users/list');
    expect(data.data).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it('writes: rename yourself, set working hours, add a team member', async () => {
    const box = await sandbox(5);
    const c = client(box);
    expect((await c.PATCH('/v1/users', { body: { name: 'Renamed App' } })).data.name).toBe('Renamed App');
    const hours = await c.PATCH('/v1/users/business-hours', {
      body: { timezone: 'Europe/London', commonSlots: [{ start: '09:00', end: '17:00' }] },
    });
    expect(hours.data.data.timezone).toBe('Europe/London');
    const [user] = await all(c.iterateUsers());
    const added = await c.POST('/v1/teams/{teamId}/members', {
      params: { path: { teamId: 'T2' } },
      body: { email: user?.email ?? '', userId: user?.id ?? '', isAdmin: true },
    });
    expect(added.response.status).toBe(201);
    expect(added.data.teamId).toBe('T2');
  });
});

describe('thena team membership', () => {
  it('removes a member (removeTeamMember): gone from listTeamMembers and from the user, 404 the second time', async () => {
    const box = await sandbox(40);
    const t = client(box, { retry: false });
    const users = await all(t.iterateUsers());
    const user = users.find((u) => (u.teams ?? []).length > 0);
    const teamId = user?.teams?.[0]?.id ?? '';
    const members = async () =>
      (
        await t.GET('/v1/teams/{teamId}/members', {
          params: { path: { teamId }, query: { includeAgents: 'true' } },
        })
      ).data.data.map((m) => m.id);
    expect(await members()).toContain(user?.id);
    const { data } = await t.DELETE('/v1/teams/{teamId}/members/{memberId}', {
      params: { path: { teamId, memberId: user?.id ?? '' } },
    });
    expect(data.status).toBe(true);
    expect(data.data).toEqual({ id: user?.id, teamId });
    expect(await members()).not.toContain(user?.id);
    const again = (await all(t.iterateUsers())).find((u) => u.id === user?.id);
    expect(again?.teams?.map((x) => x.id)).not.toContain(teamId);
    const second = await failure(
      t.DELETE('/v1/teams/{teamId}/members/{memberId}', {
        params: { path: { teamId, memberId: user?.id ?? '' } },
      }),
    );
    expect(second.status).toBe(404);
    expect(second.operation).toBe('removeTeamMember');
  });

  it('lists the caller’s teams (listMyTeams)', async () => {
    const { data } = await client(await sandbox(1)).GET('/v1/teams');
    expect(data.data.map((x) => x.id)).toEqual(['T1', 'T2', 'T3']);
  });
});
