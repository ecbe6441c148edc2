import { createBlynkClient } from '@rosterkit/blynk';
import { cliProviders } from '@rosterkit/cli';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { type Sandbox, type SandboxProviderId, sandboxModules, startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import type { UserSource } from '@rosterkit/users';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exchange, recorder, specValidator } from './contract.js';
import { rawId, sandboxSource } from './sources.js';

let box: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ users: 30, seed: 9, moduleOptions: { blynk: { tokenTtlSeconds: 3600 } } });
});
afterAll(async () => {
  await box.close();
});

const quiet = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    () => undefined,
  );
const basePath = (b: Sandbox<SandboxProviderId>, id: SandboxProviderId) =>
  new URL(b.providers[id].baseUrl).pathname;
const common = { retry: false } as const;

/** Calls every operation of each provider, on success and failure paths; returns what was exchanged. */
const custom: Partial<Record<SandboxProviderId, () => Promise<Exchange[]>>> = {
  async rocketchat() {
    const rec = recorder(basePath(box, 'rocketchat'));
    const c = box.providers.rocketchat.credentials;
    const rc = createRocketChatClient({
      ...common,
      baseUrl: box.providers.rocketchat.baseUrl,
      userId: c['userId'] ?? '',
      authToken: c['authToken'] ?? '',
      fetch: rec.fetch,
    });
    const regular = createRocketChatClient({
      ...common,
      baseUrl: box.providers.rocketchat.baseUrl,
      userId: c['regularUserId'] ?? '',
      authToken: c['regularAuthToken'] ?? '',
      fetch: rec.fetch,
    });
    const wrong = createRocketChatClient({
      ...common,
      baseUrl: box.providers.rocketchat.baseUrl,
      userId: 'x',
      authToken: 'wrong-token',
      fetch: rec.fetch,
    });
    const { data } = await rc.GET('/api/v1/users.list', { params: { query: { count: 5 } } });
    const id = data.users[0]?._id ?? '';
    await quiet(rc.GET('/api/v1/users.list', { params: { query: { sort: 'bad' } } }));
    await quiet(regular.GET('/api/v1/users.list'));
    await quiet(regular.GET('/api/v1/users.list', { params: { query: { email: 'a@b.c' } } }));
    await quiet(wrong.GET('/api/v1/users.list'));
    await quiet(rc.GET('/api/v1/users.info', { params: { query: { userId: id } } }));
    await quiet(rc.GET('/api/v1/users.info', { params: { query: { userId: 'missing' } } }));
    const created = await rc.POST('/api/v1/users.create', {
      body: { email: 'c@example.com', name: 'C', password: 'pw', username: 'contract.c' },
    });
    await quiet(
      rc.POST('/api/v1/users.create', {
        body: { email: 'c@example.com', name: 'C', password: 'pw', username: 'contract.c' },
      }),
    );
    await quiet(
      regular.POST('/api/v1/users.create', {
        body: { email: 'd@example.com', name: 'D', password: 'pw', username: 'contract.d' },
      }),
    );
    await quiet(
      rc.POST('/api/v1/users.update', { body: { userId: created.data.user._id, data: { name: 'C2' } } }),
    );
    await quiet(rc.POST('/api/v1/users.update', { body: { userId: 'missing', data: { name: 'C2' } } }));
    await quiet(
      rc.POST('/api/v1/users.setActiveStatus', {
        body: { userId: created.data.user._id, activeStatus: false },
      }),
    );
    await quiet(regular.POST('/api/v1/users.setActiveStatus', { body: { userId: id, activeStatus: false } }));
    await quiet(rc.GET('/api/v1/users.getPresence', { params: { query: { userId: id } } }));
    await quiet(rc.GET('/api/v1/users.getPresence'));
    await quiet(rc.POST('/api/v1/users.setStatus', { body: { status: 'away', message: 'hi' } }));
    await quiet(rc.POST('/api/v1/users.setStatus', { body: {} }));
    await quiet(rc.GET('/api/v1/users.getStatus', { params: { query: { userId: id } } }));
    await quiet(rc.GET('/api/v1/users.getStatus'));
    await quiet(rc.GET('/api/v1/users.presence', { params: { query: { ids: [id] } } }));
    await quiet(rc.POST('/api/v1/users.delete', { body: { userId: created.data.user._id } }));
    await quiet(rc.POST('/api/v1/users.delete', { body: {} }));
    await quiet(regular.POST('/api/v1/users.delete', { body: { userId: id } }));
    return rec.exchanges;
  },

  async thena() {
    const rec = recorder(basePath(box, 'thena'));
    const t = createThenaClient({
      ...common,
      baseUrl: box.providers.thena.baseUrl,
      apiKey: box.providers.thena.credentials['apiKey'] ?? '',
      fetch: rec.fetch,
    });
    const wrong = createThenaClient({
      ...common,
      baseUrl: box.providers.thena.baseUrl,
      apiKey: 'wrong',
      fetch: rec.fetch,
    });
    const { data } = await t.GET('/v1/users/list');
    await quiet(wrong.GET('/v1/users/list'));
    await quiet(t.PATCH('/v1/users', { body: { name: 'App' } }));
    await quiet(t.PATCH('/v1/users', { body: { name: 42 as never } }));
    await quiet(
      t.PATCH('/v1/users/business-hours', {
        body: { timezone: 'UTC', commonSlots: [{ start: '09:00', end: '17:00' }] },
      }),
    );
    await quiet(
      t.GET('/v1/teams/{teamId}/members', {
        params: { path: { teamId: 'T1' }, query: { includeAgents: 'true' } },
      }),
    );
    await quiet(t.GET('/v1/teams/{teamId}/members', { params: { path: { teamId: 'nope' } } }));
    const u = data.data[0];
    await quiet(
      t.POST('/v1/teams/{teamId}/members', {
        params: { path: { teamId: 'T2' } },
        body: { email: u?.email ?? '', userId: u?.id ?? '', isAdmin: false },
      }),
    );
    await quiet(
      t.POST('/v1/teams/{teamId}/members', { params: { path: { teamId: 'T2' } }, body: {} as never }),
    );
    await quiet(t.GET('/v1/teams'));
    await quiet(
      t.DELETE('/v1/teams/{teamId}/members/{memberId}', {
        params: { path: { teamId: 'T2', memberId: u?.id ?? '' } },
      }),
    );
    await quiet(
      t.DELETE('/v1/teams/{teamId}/members/{memberId}', {
        params: { path: { teamId: 'T2', memberId: u?.id ?? '' } },
      }),
    );
    await quiet(
      t.GET('/v1/search/users', { params: { query: { q: '*', query_by: 'name', per_page: 5, page: 2 } } }),
    );
    await quiet(
      t.GET('/v1/search/users', { params: { query: { q: '*', query_by: 'name', per_page: 999 } } }),
    );
    return rec.exchanges;
  },

  async imichat() {
    const rec = recorder(basePath(box, 'imichat'));
    const c = box.providers.imichat.credentials;
    const opts = {
      ...common,
      baseUrl: box.providers.imichat.baseUrl,
      apiKey: c['apiKey'] ?? '',
      domainName: c['domainName'] ?? '',
      teamId: c['teamId'] ?? '',
      fetch: rec.fetch,
    };
    const i = createImichatClient(opts);
    const { data } = await i.GET('/users', { params: { query: { page: 1 } } });
    await quiet(
      i.GET('/users/{user_id}', { params: { path: { user_id: data.response.users[0]?.id ?? 0 } } }),
    );
    await quiet(i.GET('/users/{user_id}', { params: { path: { user_id: 999999 } } }));
    await quiet(
      i.POST('/users', {
        body: {
          first_name: 'G',
          email_id: 'g@example.com',
          privileges: [{ teamid: 12, role: 'Team Agent' }],
        },
      }),
    );
    await quiet(i.POST('/users', { body: {} as never }));
    await quiet(
      i.POST('/users/search', { body: { filters: [{ field: 'status', operator: 'eq', value: 'active' }] } }),
    );
    await quiet(createImichatClient({ ...opts, teamId: 99 }).GET('/users'));
    await quiet(createImichatClient({ ...opts, apiKey: 'wrong' }).GET('/users'));
    return rec.exchanges;
  },

  async blynk() {
    const rec = recorder(basePath(box, 'blynk'));
    const c = box.providers.blynk.credentials;
    const b = createBlynkClient({
      ...common,
      baseUrl: box.providers.blynk.baseUrl,
      clientId: c['clientId'] ?? '',
      clientSecret: c['clientSecret'] ?? '',
      fetch: rec.fetch,
    });
    const { data } = await b.GET('/api/v1/organization/users', {
      params: { query: { page: 0, size: 5, includeSubOrgUsers: true } },
    });
    const id = data.content[0]?.id ?? 0;
    await quiet(b.GET('/api/v1/organization/users', { params: { query: { size: 5000 } } }));
    await quiet(b.GET('/api/v1/organization/user/profile'));
    await quiet(
      createBlynkClient({
        ...common,
        baseUrl: box.providers.blynk.baseUrl,
        token: c['userToken'] ?? '',
        fetch: rec.fetch,
      }).GET('/api/v1/organization/user/profile'),
    );
    await quiet(
      b.GET('/api/v1/organization/search/users', {
        params: { query: { query: 'a', sortBy: 'Name', sortOrder: 'DESC' } },
      }),
    );
    await quiet(b.GET('/api/v1/organization/user', { params: { query: { userId: id } } }));
    await quiet(b.GET('/api/v1/organization/user', { params: { query: { userId: 424242 } } }));
    await quiet(
      b.POST('/api/v1/organization/users/create', {
        body: { email: 'new@example.com', password: 'pw', name: 'New Person' },
      }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/create', {
        body: { email: 'new@example.com', password: 'pw', name: 'New Person' },
      }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/create-in-org', {
        body: { email: 'org@example.com', password: 'pw', name: 'Org Person', orgId: 7, roleId: 2 },
      }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/create-in-org', {
        body: { email: 'org2@example.com', password: 'pw', name: 'Org Person', orgId: 99, roleId: 2 },
      }),
    );
    await quiet(b.PUT('/api/v1/organization/users/role', { params: { query: { userId: id, roleId: 2 } } }));
    await quiet(
      b.PUT('/api/v1/organization/users/role', { params: { query: { userId: 424242, roleId: 2 } } }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/invite', {
        body: { email: 'inv@example.com', name: 'Invited', roleId: 3 },
      }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/invite', {
        body: { email: 'inv@example.com', name: 'Invited', roleId: 3 },
      }),
    );
    await quiet(b.POST('/api/v1/organization/users/register', { body: { email: 'reg@example.com' } }));
    await quiet(
      b.POST('/api/v1/organization/users/transfer', { body: { userId: id, targetOrgId: 12, roleId: 3 } }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/transfer', { body: { userId: id, targetOrgId: 999, roleId: 3 } }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/send-push-notification', {
        body: { userId: id, title: 'T', body: 'B' },
      }),
    );
    await quiet(
      b.POST('/api/v1/organization/users/send-push-notification', {
        body: { userId: 424242, title: 'T', body: 'B' },
      }),
    );
    await quiet(b.POST('/api/v1/organization/users/fcm-token/register', { body: { token: 'fcm' } }));
    await quiet(
      createBlynkClient({
        ...common,
        baseUrl: box.providers.blynk.baseUrl,
        clientId: 'x',
        clientSecret: 'y',
        fetch: rec.fetch,
      }).GET('/api/v1/organization/users'),
    );
    await quiet(
      createBlynkClient({
        ...common,
        baseUrl: box.providers.blynk.baseUrl,
        token: 'revoked',
        fetch: rec.fetch,
      }).GET('/api/v1/organization/users'),
    );
    return rec.exchanges;
  },

  async rezolve() {
    const rec = recorder(basePath(box, 'rezolve'));
    const c = box.providers.rezolve.credentials;
    const opts = {
      ...common,
      baseUrl: box.providers.rezolve.baseUrl,
      token: c['token'] ?? '',
      tenantId: c['tenantId'] ?? '',
      realm: c['realm'] ?? '',
      fetch: rec.fetch,
    };
    const r = createRezolveClient(opts);
    await quiet(r.GET('/user/list', { params: { query: { type: 'agent', module: 'ticketing' } } }));
    await quiet(r.GET('/user/list', { params: { query: { type: 'agent', module: 'ticketing' } } })); // 304 → cached
    await quiet(r.GET('/user/list', { params: { query: { type: 'bogus' as never, module: 'ticketing' } } }));
    await quiet(r.GET('/user/userinfo'));
    await quiet(r.GET('/user/preference'));
    await quiet(r.GET('/queue/{queueId}/users', { params: { path: { queueId: 1 } } }));
    await quiet(r.GET('/queue/{queueId}/users', { params: { path: { queueId: 999 } } }));
    await quiet(r.GET('/queue/current'));
    await quiet(createRezolveClient({ ...opts, token: c['expiredToken'] ?? '' }).GET('/user/userinfo'));
    await quiet(
      createRezolveClient({ ...opts, tenantId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' }).GET(
        '/user/userinfo',
      ),
    );
    return rec.exchanges;
  },
};

/**
 * A provider without a hand-written exercise: every GET operation of its spec, through the client
 * the registry makes (as `roster` does) — path parameters filled with the first listed user's id —
 * then with an unknown id and with wrong credentials. Operations this cannot answer (writes, required
 * query parameters) are named by the check below: give that provider a hand-written exercise.
 */
async function readExercise(id: SandboxProviderId): Promise<Exchange[]> {
  const rec = recorder(basePath(box, id));
  type Reader = UserSource & { GET(path: string, init?: object): Promise<unknown> };
  const client = sandboxSource(box, id, { ...common, fetch: rec.fetch }) as Reader;
  const wrong = Object.fromEntries(cliProviders[id].secrets.map((s) => [s, 'wrong-credential']));
  const intruder = sandboxSource(box, id, { ...common, fetch: rec.fetch }, wrong) as Reader;
  let first: unknown;
  for await (const user of client.iterateUsers()) {
    first = user;
    break;
  }
  const userId = first === undefined ? 'missing' : rawId(id, first);
  const { operations } = await specValidator(id);
  for (const op of operations) {
    const [method = '', path = ''] = op.split(' ');
    if (method.toUpperCase() !== 'GET') continue;
    const params = (value: string) => ({
      params: { path: Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1], value])) },
    });
    await quiet(client.GET(path, params(userId)));
    if (path.includes('{')) await quiet(client.GET(path, params('missing')));
    await quiet(intruder.GET(path, params(userId)));
  }
  return rec.exchanges;
}
const exercises = Object.fromEntries(
  (Object.keys(sandboxModules) as SandboxProviderId[]).map((id) => [
    id,
    custom[id] ?? (() => readExercise(id)),
  ]),
) as Record<SandboxProviderId, () => Promise<Exchange[]>>;

describe('every sandbox response matches its spec', () => {
  for (const [provider, exercise] of Object.entries(exercises) as [
    SandboxProviderId,
    () => Promise<Exchange[]>,
  ][]) {
    it(`${provider}: every operation answered, every answer valid (status, headers, body)`, async () => {
      const { operations, check } = await specValidator(provider);
      const exchanges = await exercise();
      const errors: string[] = [];
      const ok = new Set<string>();
      const seen = new Set<string>();
      for (const x of exchanges) {
        const result = check(x);
        errors.push(...result.errors);
        if (result.operation) {
          seen.add(result.operation);
          if (x.status < 300) ok.add(result.operation);
        }
      }
      expect(errors).toEqual([]);
      expect([...ok].sort()).toEqual([...operations].sort());
      expect(new Set(exchanges.map((x) => x.status)).size).toBeGreaterThan(2);
      expect(seen.size).toBe(operations.length);
    });
  }
});

describe("rate limiting speaks each provider's own dialect", () => {
  it('every operation: the 429 (the limiter and fault injection share it) is the documented 429', async () => {
    const storm = await startSandbox({ users: 1, faults: { rate: 1, kinds: ['rate-limit'] } });
    try {
      for (const provider of Object.keys(exercises) as SandboxProviderId[]) {
        const { operations, check } = await specValidator(provider);
        const base = storm.providers[provider].baseUrl;
        const errors: string[] = [];
        for (const op of operations) {
          const [method = '', template = ''] = op.split(' ');
          const path = template.replace(/\{[^}]+\}/g, 'x1');
          const res = await fetch(`${base}${path}`, { method });
          const x = {
            method: method.toLowerCase(),
            path,
            status: res.status,
            headers: res.headers,
            body: await res.text(),
          };
          expect(x.status, `${provider} ${op}`).toBe(429);
          errors.push(...check(x).errors);
        }
        expect(errors).toEqual([]);
      }
    } finally {
      await storm.close();
    }
  });
});
