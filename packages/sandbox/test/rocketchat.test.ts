// biome-ignore-all lint/suspicious/noExplicitAny: raw JSON answers
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RocketChatSandboxModule,
  type Sandbox,
  type SandboxProviderId,
  startSandbox,
} from '../src/index.js';

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

describe('rocketchat sandbox: the differences from the real server found when its own tests ran', () => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${box.providers.rocketchat.baseUrl}/api/v1/${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
  };
  const c = () => box.providers.rocketchat.credentials;

  it('answers with Content-Type exactly application/json, as the server does', async () => {
    for (const r of [
      await call('GET', 'users.list'),
      await call('GET', 'users.info'),
      await call('POST', 'nope', {}),
    ])
      expect(r.type).toBe('application/json');
  });

  it('refuses reserved usernames on create and rename', async () => {
    for (const name of ['admin', 'administrator', 'system', 'user']) {
      const created = await call('POST', 'users.create', {
        email: `${name}@x.org`,
        name,
        password: 'p',
        username: name,
      });
      expect(created.body.error).toBe(`${name} is blocked and can't be used! [error-blocked-username]`);
    }
    const { body } = await call('GET', `users.info?userId=${c()['regularUserId']}`);
    const renamed = await call('POST', 'users.update', {
      userId: body.user._id,
      data: { username: 'system' },
    });
    expect(renamed.body.error).toBe('Could not save user identity [error-could-not-save-identity]');
  });

  it('refuses nickname over 120 and bio over 260 characters, and unknown fields in data', async () => {
    const userId = c()['regularUserId'];
    expect(
      (await call('POST', 'users.update', { userId, data: { nickname: 'n'.repeat(121) } })).body.error,
    ).toBe('Nickname size exceeds 120 characters [error-nickname-size-exceeded]');
    expect((await call('POST', 'users.update', { userId, data: { bio: 'b'.repeat(261) } })).body.error).toBe(
      'Bio size exceeds 260 characters [error-bio-size-exceeded]',
    );
    expect((await call('POST', 'users.update', { userId, data: { shoeSize: 44 } })).body).toEqual({
      success: false,
      error: 'must NOT have additional properties [invalid-params]',
      errorType: 'invalid-params',
    });
  });

  it('the caller is a real user: users.info on yourself, users.list lists you, your setStatus is stored', async () => {
    const me = c()['userId'];
    expect((await call('GET', `users.info?userId=${me}`)).body.user).toMatchObject({
      _id: me,
      canViewAllInfo: true,
    });
    const all = (await call('GET', 'users.list?count=0')).body.users as { _id: string }[];
    expect(all.map((u) => u._id)).toContain(me);
    expect((await call('POST', 'users.setStatus', { status: 'busy', message: 'Focus' })).status).toBe(200);
    expect((await call('GET', 'users.getStatus')).body).toMatchObject({
      _id: me,
      status: 'busy',
      statusSource: 'manual',
    });
  });

  it('the rocket.cat bot exists', async () => {
    expect((await call('GET', 'users.info?username=rocket.cat')).body.user).toMatchObject({
      _id: 'rocket.cat',
      type: 'bot',
    });
  });

  it('users.presence lists only users who are not offline, and honours from', async () => {
    const full = (await call('GET', 'users.presence')).body;
    expect(full.full).toBe(true);
    expect(full.users.every((u: { status?: string }) => u.status && u.status !== 'offline')).toBe(true);
    const from = new Date(Date.now() - 1000).toISOString();
    await call('POST', 'users.setStatus', { status: 'away', username: 'rocket.cat' });
    const recent = (await call('GET', `users.presence?from=${encodeURIComponent(from)}`)).body;
    expect(recent.full).toBe(false);
    expect(recent.users.map((u: { _id: string }) => u._id)).toEqual(['rocket.cat']);
  });
});

describe('rocketchat sandbox: what the API never sends', () => {
  it('pending email-verification tokens stay out of answers (they are only in mails)', async () => {
    const h = { ...headers, 'content-type': 'application/json' };
    const base = `${box.providers.rocketchat.baseUrl}/api/v1`;
    const created = (await (
      await fetch(`${base}/users.create`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({
          email: 'pending@example.org',
          name: 'P',
          password: 'pw',
          username: 'pending.one',
        }),
      })
    ).json()) as { user: { _id: string } };
    await fetch(`${base}/users.sendConfirmationEmail`, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ email: 'pending@example.org' }),
    });
    const updated = await (
      await fetch(`${base}/users.update`, {
        method: 'POST',
        headers: h,
        body: JSON.stringify({ userId: created.user._id, data: { bio: 'x' } }),
      })
    ).text();
    const mod = box.module('rocketchat') as RocketChatSandboxModule;
    const token = mod.outbox.find((m) => m.to === 'pending@example.org')?.token ?? '';
    expect(token).not.toBe('');
    expect(updated).not.toContain(token);
    expect(updated).not.toContain('verificationTokens');
  });
});
