import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { ApiError, InputError } from '@rosterkit/core';
import {
  collect,
  type RocketChatSandboxModule,
  rejection,
  type Sandbox,
  type SandboxProviderId,
  startSandbox,
} from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRocketChatClient, type RocketChatClient, type RocketChatClientOptions } from '../src/index.js';

/** One test per operation added with the whole users API, over HTTP against the sandbox. */

let box: Sandbox<SandboxProviderId>;
let mod: RocketChatSandboxModule;
let admin: RocketChatClient;
let anon: RocketChatClient;
const PASS = 'operations-test-pass';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function client(overrides: Partial<RocketChatClientOptions> = {}): RocketChatClient {
  const { baseUrl, credentials } = box.providers.rocketchat;
  return createRocketChatClient({
    baseUrl,
    userId: credentials['userId'] ?? '',
    authToken: credentials['authToken'] ?? '',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

async function loginAs(user: string): Promise<RocketChatClient> {
  const res = await fetch(`${box.providers.rocketchat.baseUrl}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password: PASS }),
  });
  const { data } = (await res.json()) as { data: { userId: string; authToken: string } };
  return client({ userId: data.userId, authToken: data.authToken });
}

let counter = 0;
async function newUser(extra: Record<string, unknown> = {}) {
  const username = `op.user.${++counter}`;
  const { data } = await admin.POST('/api/v1/users.create', {
    body: {
      email: `${username}@example.com`,
      name: `Op User ${counter}`,
      password: PASS,
      username,
      ...extra,
    },
  });
  return { id: data.user._id, username, client: await loginAs(username) };
}

beforeAll(async () => {
  box = await startSandbox({
    providers: ['rocketchat'],
    users: 20,
    seed: 5,
    moduleOptions: { rocketchat: { createTokensSecret: 'op-secret' } },
  });
  mod = box.module('rocketchat') as RocketChatSandboxModule;
  admin = client();
  const { baseUrl } = box.providers.rocketchat;
  anon = createRocketChatClient({ baseUrl, retry: false });
});
afterAll(() => box.close());

const failure = (p: Promise<unknown>) => rejection(p, ApiError);
const refused = (p: Promise<unknown>) => rejection(p, InputError);

describe('anonymous and self-service operations', () => {
  it('users.register creates an account without a login', async () => {
    const { data } = await anon.POST('/api/v1/users.register', {
      body: { username: 'self.made', email: 'self.made@example.com', pass: PASS, name: 'Self Made' },
    });
    expect(data.user).toMatchObject({ username: 'self.made', name: 'Self Made', active: true });
    const err = await failure(
      anon.POST('/api/v1/users.register', {
        body: { username: 'self.made', email: 'x@example.com', pass: PASS },
      }),
    );
    expect(err).toMatchObject({
      status: 400,
      message: expect.stringContaining('Username is already in use'),
    });
  });

  it('users.updateOwnBasicInfo changes your profile; the password is needed for the email', async () => {
    const u = await newUser();
    const { data } = await u.client.POST('/api/v1/users.updateOwnBasicInfo', {
      body: { data: { nickname: 'Nick', bio: 'Bio' } },
    });
    expect(data.user).toMatchObject({ nickname: 'Nick', bio: 'Bio' });
    const { data: moved } = await u.client.POST('/api/v1/users.updateOwnBasicInfo', {
      body: { data: { email: 'moved@example.com', currentPassword: sha(PASS) } },
    });
    expect(moved.user.emails?.[0]).toEqual({ address: 'moved@example.com', verified: false });
  });

  it('users.forgotPassword answers success and mails only known addresses', async () => {
    await anon.POST('/api/v1/users.forgotPassword', { body: { email: 'self.made@example.com' } });
    await anon.POST('/api/v1/users.forgotPassword', { body: { email: 'nobody@example.com' } });
    expect(mod.outbox.filter((m) => m.kind === 'password-reset').map((m) => m.to)).toEqual([
      'self.made@example.com',
    ]);
  });

  it('users.sendConfirmationEmail and users.verifyEmail verify an address', async () => {
    await anon.POST('/api/v1/users.sendConfirmationEmail', { body: { email: 'self.made@example.com' } });
    const token = mod.outbox.find((m) => m.kind === 'confirmation')?.token ?? '';
    await anon.POST('/api/v1/users.verifyEmail', { body: { token } });
    const { data } = await admin.GET('/api/v1/users.info', { params: { query: { username: 'self.made' } } });
    expect(data.user.emails?.[0]?.verified).toBe(true);
    expect(await failure(anon.POST('/api/v1/users.verifyEmail', { body: { token } }))).toMatchObject({
      status: 404,
    });
  });

  it('users.deleteOwnAccount needs the setting and the SHA-256 of the password', async () => {
    const u = await newUser();
    expect(
      await failure(u.client.POST('/api/v1/users.deleteOwnAccount', { body: { password: sha(PASS) } })),
    ).toMatchObject({ status: 400, code: 'error-not-allowed' });
    mod.setSetting('Accounts_AllowDeleteOwnAccount', true);
    await u.client.POST('/api/v1/users.deleteOwnAccount', { body: { password: sha(PASS) } });
    mod.setSetting('Accounts_AllowDeleteOwnAccount', false);
    const err = await failure(admin.GET('/api/v1/users.info', { params: { query: { userId: u.id } } }));
    expect(err.status).toBe(400);
  });

  it('users.getUsernameSuggestion and users.checkUsernameAvailability', async () => {
    const { data } = await admin.GET('/api/v1/users.getUsernameSuggestion');
    expect(data.result).toMatch(/^[a-z0-9._-]+$/);
    const free = await admin.GET('/api/v1/users.checkUsernameAvailability', {
      params: { query: { username: 'not.taken.yet' } },
    });
    const taken = await admin.GET('/api/v1/users.checkUsernameAvailability', {
      params: { query: { username: 'self.made' } },
    });
    expect([free.data.result, taken.data.result]).toEqual([true, false]);
  });

  it('users.requestDataDownload queues one export per kind', async () => {
    const first = await admin.GET('/api/v1/users.requestDataDownload', {
      params: { query: { fullExport: 'true' } },
    });
    const again = await admin.GET('/api/v1/users.requestDataDownload', {
      params: { query: { fullExport: 'true' } },
    });
    expect(first.data).toMatchObject({ requested: true, exportOperation: { fullExport: true } });
    expect(again.data.requested).toBe(false);
  });

  it('users.sendWelcomeEmail needs SMTP and a known address', async () => {
    expect(
      await failure(
        admin.POST('/api/v1/users.sendWelcomeEmail', { body: { email: 'self.made@example.com' } }),
      ),
    ).toMatchObject({ code: 'error-email-send-failed' });
    mod.setSetting('SMTP_Host', 'smtp.example.org');
    await admin.POST('/api/v1/users.sendWelcomeEmail', { body: { email: 'self.made@example.com' } });
    expect(mod.outbox.some((m) => m.kind === 'welcome')).toBe(true);
  });
});

describe('avatars', () => {
  const png = () =>
    new Blob(
      [
        Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
          'base64',
        ),
      ],
      { type: 'image/png' },
    );

  it('users.setAvatar uploads multipart through the client, users.getAvatar follows its 307 to the image', async () => {
    const u = await newUser();
    await u.client.setAvatar(png());
    const image = await admin.getAvatar({ username: u.username });
    expect(image.type).toBe('image/svg+xml');
    expect(await image.text()).toContain('data:image/png;base64,');
  });

  it('users.setAvatar by URL; private addresses refused; users.resetAvatar', async () => {
    await admin.POST('/api/v1/users.setAvatar', { body: { avatarUrl: 'https://images.example.org/me.png' } });
    const err = await failure(
      admin.POST('/api/v1/users.setAvatar', { body: { avatarUrl: 'http://10.0.0.1/x.png' } }),
    );
    expect(err.status).toBe(400);
    await admin.POST('/api/v1/users.resetAvatar', { body: { username: 'self.made' } });
  });

  it('users.getAvatarSuggestion', async () => {
    expect((await admin.GET('/api/v1/users.getAvatarSuggestion')).data.suggestions).toEqual({});
  });

  it('refuses before sending: an empty file, a non-image, one over maxAvatarBytes', async () => {
    const before = box.requests['rocketchat'] ?? 0;
    expect((await refused(admin.setAvatar(new Blob([])))).field).toBe('image');
    expect((await refused(admin.setAvatar(new Blob(['hello'], { type: 'text/plain' })))).message).toContain(
      'not an image',
    );
    expect((await refused(admin.setAvatar(new Blob(['no magic bytes here'])))).message).toContain(
      'not an image',
    );
    expect((await refused(client({ maxAvatarBytes: 10 }).setAvatar(png()))).message).toContain(
      'maxAvatarBytes',
    );
    expect(box.requests['rocketchat'] ?? 0).toBe(before);
    // A typeless file is accepted when its first bytes are an image's.
    await admin.setAvatar(new Blob([await png().arrayBuffer()]));
  });

  it('an upload is never retried (a POST), and the token never shows in the error', async () => {
    const faulty = await startSandbox({
      providers: ['rocketchat'],
      users: 1,
      faults: { rate: 1, kinds: ['status-503'] },
    });
    try {
      const { baseUrl, credentials } = faulty.providers.rocketchat;
      const token = credentials['authToken'] ?? '';
      const c = createRocketChatClient({
        baseUrl,
        userId: credentials['userId'] ?? '',
        authToken: token,
        retry: { baseDelayMs: 1 },
      });
      const err = await failure(c.setAvatar(png()));
      expect(err.status).toBe(503);
      expect(faulty.requests['rocketchat']).toBe(1);
      for (const s of [err.message, JSON.stringify(err), inspect(err, { depth: 8 })])
        expect(s).not.toContain(token);
    } finally {
      await faulty.close();
    }
  });
});

describe('tokens and sessions', () => {
  it('personal access tokens: generate (usable as X-Auth-Token), list, regenerate, remove', async () => {
    const u = await newUser();
    const token = await u.client.generatePersonalAccessToken('ci', { bypassTwoFactor: true });
    const viaPat = client({ userId: u.id, authToken: token });
    expect((await viaPat.GET('/api/v1/users.getStatus')).data._id).toBe(u.id);
    expect(await u.client.listPersonalAccessTokens()).toEqual([
      expect.objectContaining({ name: 'ci', lastTokenPart: token.slice(-6), bypassTwoFactor: true }),
    ]);
    const { data } = await u.client.POST('/api/v1/users.regeneratePersonalAccessToken', {
      body: { tokenName: 'ci' },
    });
    expect(data.token).not.toBe(token);
    expect((await failure(viaPat.GET('/api/v1/users.getStatus'))).status).toBe(401);
    await u.client.POST('/api/v1/users.removePersonalAccessToken', { body: { tokenName: 'ci' } });
    expect(await u.client.listPersonalAccessTokens()).toEqual([]);
  });

  it('users.createToken needs the server secret', async () => {
    const u = await newUser();
    const { data } = await admin.POST('/api/v1/users.createToken', {
      body: { userId: u.id, secret: 'op-secret' },
    });
    expect((await client(data.data).GET('/api/v1/users.getStatus')).data._id).toBe(u.id);
    expect(
      await failure(admin.POST('/api/v1/users.createToken', { body: { userId: u.id, secret: 'wrong' } })),
    ).toMatchObject({ status: 400, code: 'error-not-authorized' });
  });

  it('users.logoutOtherClients and users.removeOtherTokens keep only the current session', async () => {
    const u = await newUser();
    const second = await loginAs(u.username);
    const { data } = await second.POST('/api/v1/users.logoutOtherClients');
    expect(data.tokenExpires).toMatch(/^\d{4}-/);
    expect((await failure(u.client.GET('/api/v1/users.getStatus'))).status).toBe(401);
    const third = await loginAs(u.username);
    await third.POST('/api/v1/users.removeOtherTokens');
    expect((await failure(second.GET('/api/v1/users.getStatus'))).status).toBe(401);
  });

  it('users.logout logs a user out everywhere', async () => {
    const u = await newUser();
    const { data } = await admin.POST('/api/v1/users.logout', { body: { userId: u.id } });
    expect(data.message).toBe(`User ${u.id} has been logged out!`);
    expect((await failure(u.client.GET('/api/v1/users.getStatus'))).status).toBe(401);
  });
});

describe('preferences, security, teams', () => {
  it('users.setPreferences then users.getPreferences (with language)', async () => {
    const u = await newUser();
    expect((await failure(u.client.GET('/api/v1/users.getPreferences'))).status).toBe(400);
    await u.client.POST('/api/v1/users.setPreferences', {
      body: { data: { useEmojis: false, language: 'de' } },
    });
    expect((await u.client.GET('/api/v1/users.getPreferences')).data.preferences).toEqual({
      useEmojis: false,
      language: 'de',
    });
  });

  it('users.2fa.enableEmail needs verified emails; users.2fa.disableEmail; users.2fa.sendEmailCode', async () => {
    const u = await newUser({ verified: false });
    expect(await failure(u.client.POST('/api/v1/users.2fa.enableEmail'))).toMatchObject({
      code: 'error-invalid-user',
    });
    await admin.POST('/api/v1/users.2fa.enableEmail');
    await admin.POST('/api/v1/users.2fa.disableEmail');
    await anon.POST('/api/v1/users.2fa.sendEmailCode', { body: { emailOrUsername: u.username } });
    expect(mod.outbox.some((m) => m.kind === '2fa-code' && m.to === `${u.username}@example.com`)).toBe(true);
  });

  it('users.resetE2EKey and users.resetTOTP: own always, another user with the permission', async () => {
    const u = await newUser();
    await u.client.POST('/api/v1/users.resetE2EKey', { body: {} });
    await u.client.POST('/api/v1/users.resetTOTP', { body: {} });
    expect(
      await failure(u.client.POST('/api/v1/users.resetTOTP', { body: { username: 'self.made' } })),
    ).toMatchObject({ code: 'error-not-allowed' });
    await admin.POST('/api/v1/users.resetTOTP', { body: { username: u.username } });
    await admin.POST('/api/v1/users.resetE2EKey', { body: { username: u.username } });
  });

  it('users.listTeams (teams are not emulated: none)', async () => {
    const u = await newUser();
    expect(
      (await admin.GET('/api/v1/users.listTeams', { params: { query: { userId: u.id } } })).data.teams,
    ).toEqual([]);
  });

  it('users.deactivateIdle deactivates by last login and role', async () => {
    const before = (await collect(admin.iterateUsersByStatus({ status: 'active' }))).length;
    const { data } = await admin.POST('/api/v1/users.deactivateIdle', { body: { daysIdle: 0, role: 'bot' } });
    const after = (await collect(admin.iterateUsersByStatus({ status: 'active' }))).length;
    expect(data.count).toBeGreaterThan(0);
    expect(before - after).toBe(data.count);
  });
});

describe('listings', () => {
  it('iterateUsersByStatus pages users.listByStatus (offset/total) and follows filters', async () => {
    const requests: string[] = [];
    const c = client({
      fetch: (req) => {
        requests.push(new URL(req.url).search);
        return fetch(req);
      },
    });
    const all = await collect(c.iterateUsersByStatus({ pageSize: 7 }));
    const { data } = await admin.GET('/api/v1/users.listByStatus', { params: { query: { count: 0 } } });
    expect(all.map((u) => u._id)).toEqual(data.users.map((u) => u._id));
    expect(new Set(all.map((u) => u._id)).size).toBe(data.total);
    expect(requests.length).toBe(Math.ceil(data.total / 7));
    const bots = await collect(admin.iterateUsersByStatus({ 'roles[]': ['bot'] }));
    expect(bots.length).toBeGreaterThan(0);
    expect(bots.every((u) => u.roles?.includes('bot'))).toBe(true);
  });

  it('autocomplete returns at most 10 matches, JSON-encoding the selector', async () => {
    const items = await admin.autocomplete({ term: '', exceptions: ['rocket.cat'] });
    expect(items.length).toBeLessThanOrEqual(10);
    expect(items.map((i) => i.username)).not.toContain('rocket.cat');
    const exact = await admin.autocomplete({ term: 'self.made' });
    expect(exact.map((i) => i.username)).toEqual(['self.made']);
  });
});

describe('bad input is refused before anything is sent', () => {
  const cases: [string, (c: RocketChatClient) => Promise<unknown>, string][] = [
    [
      'register',
      (c) => c.POST('/api/v1/users.register', { body: { username: '', email: 'a@b.c', pass: 'x' } }),
      'body.username',
    ],
    [
      'register',
      (c) => c.POST('/api/v1/users.register', { body: { username: 'a', email: 'nope', pass: 'x' } }),
      'body.email',
    ],
    [
      'updateOwnBasicInfo',
      (c) => c.POST('/api/v1/users.updateOwnBasicInfo', { body: { data: { email: 'a@b.c' } } }),
      'body.data.currentPassword',
    ],
    [
      'updateOwnBasicInfo',
      (c) =>
        c.POST('/api/v1/users.updateOwnBasicInfo', {
          body: { data: { newPassword: 'n', currentPassword: 'plain' } },
        }),
      'body.data.currentPassword',
    ],
    [
      'setAvatar',
      (c) => c.POST('/api/v1/users.setAvatar', { body: { avatarUrl: 'ftp://x/y.png' } }),
      'body.avatarUrl',
    ],
    ['getAvatar', (c) => c.GET('/api/v1/users.getAvatar', { params: { query: {} } }), 'params.query.userId'],
    ['resetAvatar', (c) => c.POST('/api/v1/users.resetAvatar', { body: {} }), 'body.userId'],
    [
      'deactivateIdle',
      (c) => c.POST('/api/v1/users.deactivateIdle', { body: { daysIdle: -1 } }),
      'body.daysIdle',
    ],
    [
      'deleteOwnAccount',
      (c) => c.POST('/api/v1/users.deleteOwnAccount', { body: { password: 'my password' } }),
      'body.password',
    ],
    [
      'createToken',
      (c) => c.POST('/api/v1/users.createToken', { body: { userId: 'u', secret: '' } }),
      'body.secret',
    ],
    [
      'setPreferences',
      (c) => c.POST('/api/v1/users.setPreferences', { body: { data: null as never } }),
      'body.data',
    ],
    ['forgotPassword', (c) => c.POST('/api/v1/users.forgotPassword', { body: { email: '' } }), 'body.email'],
    [
      'checkUsernameAvailability',
      (c) => c.GET('/api/v1/users.checkUsernameAvailability', { params: { query: { username: ' ' } } }),
      'params.query.username',
    ],
    ['generatePersonalAccessToken', (c) => c.generatePersonalAccessToken(''), 'body.tokenName'],
    [
      'regeneratePersonalAccessToken',
      (c) => c.POST('/api/v1/users.regeneratePersonalAccessToken', { body: { tokenName: '  ' } }),
      'body.tokenName',
    ],
    [
      'removePersonalAccessToken',
      (c) => c.POST('/api/v1/users.removePersonalAccessToken', { body: { tokenName: '' } }),
      'body.tokenName',
    ],
    [
      'autocomplete',
      (c) => c.GET('/api/v1/users.autocomplete', { params: { query: { selector: '{term:' } } }),
      'params.query.selector',
    ],
    ['resetE2EKey', (c) => c.POST('/api/v1/users.resetE2EKey', { body: { userId: '' } }), 'body.userId'],
    ['resetTOTP', (c) => c.POST('/api/v1/users.resetTOTP', { body: { username: '' } }), 'body.username'],
    [
      'listTeams',
      (c) => c.GET('/api/v1/users.listTeams', { params: { query: { userId: '' } } }),
      'params.query.userId',
    ],
    ['logout', (c) => c.POST('/api/v1/users.logout', { body: { userId: '' } }), 'body.userId'],
    [
      'sendWelcomeEmail',
      (c) => c.POST('/api/v1/users.sendWelcomeEmail', { body: { email: 'x' } }),
      'body.email',
    ],
    [
      'sendConfirmationEmail',
      (c) => c.POST('/api/v1/users.sendConfirmationEmail', { body: { email: '' } }),
      'body.email',
    ],
    ['verifyEmail', (c) => c.POST('/api/v1/users.verifyEmail', { body: { token: '' } }), 'body.token'],
    [
      'listByStatus',
      (c) => c.GET('/api/v1/users.listByStatus', { params: { query: { count: -1 } } }),
      'params.query.count',
    ],
    [
      'listByStatus',
      (c) => c.GET('/api/v1/users.listByStatus', { params: { query: { status: 'gone' as never } } }),
      'params.query.status',
    ],
    [
      '2fa.sendEmailCode',
      (c) => c.POST('/api/v1/users.2fa.sendEmailCode', { body: { emailOrUsername: '' } }),
      'body.emailOrUsername',
    ],
  ];
  for (const [op, call, field] of cases) {
    it(`users.${op}: ${field}`, async () => {
      const before = box.requests['rocketchat'] ?? 0;
      const err = await refused(call(admin));
      expect(err).toMatchObject({ provider: 'rocketchat', field });
      expect(box.requests['rocketchat'] ?? 0).toBe(before);
    });
  }

  it('credentials come both or not at all', () => {
    const { baseUrl } = box.providers.rocketchat;
    expect(() => createRocketChatClient({ baseUrl, userId: 'u' })).toThrow(InputError);
    expect(() => createRocketChatClient({ baseUrl, authToken: 't' })).toThrow(InputError);
    expect(() => createRocketChatClient({ baseUrl, maxAvatarBytes: 0 })).toThrow(InputError);
  });
});
