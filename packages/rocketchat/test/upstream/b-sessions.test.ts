/**
 * Upstream port (see harness.ts): the session routes of `[Users]` — `[/users.logoutOtherClients]`,
 * `[/users.removeOtherTokens]` and `[/users.logout]`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionEnds } from './b-helpers.js';
import { type Credentials, expectJson, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();

  describe('[/users.logoutOtherClients]', () => {
    let userCredentials: Credentials;
    let newCredentials: Credentials;

    beforeAll(async () => {
      const user = await server.createUser({ joinDefaultChannels: false });
      userCredentials = await server.login(user.username);
      newCredentials = await server.login(user.username);
    });

    it('should invalidate all active sesions', { timeout: 25_000 }, async () => {
      const res = await server.request('POST', 'users.logoutOtherClients', { as: newCredentials });
      expect(res.status).toBe(200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('token');
      expect(typeof res.body.token).toBe('string');
      expect(res.body).toHaveProperty('tokenExpires');
      expect(typeof res.body.tokenExpires).toBe('string');
      expect(await sessionEnds(server, userCredentials), 'Session did not invalidate in time').toBe(true);
    });
  });

  describe('[/users.removeOtherTokens]', () => {
    let userCredentials: Credentials;
    let newCredentials: Credentials;

    beforeAll(async () => {
      const user = await server.createUser();
      userCredentials = await server.login(user.username);
      newCredentials = await server.login(user.username);
    });

    it('should invalidate all active sesions', { timeout: 25_000 }, async () => {
      const res = await server.request('POST', 'users.removeOtherTokens', { as: newCredentials });
      expect(res.status).toBe(200);
      expect(await sessionEnds(server, userCredentials), 'Session did not invalidate in time').toBe(true);
    });
  });

  describe('[/users.logout]', () => {
    let otherUser: TestUser;
    let userCredentials: Credentials;

    beforeAll(async () => {
      const user = await server.createUser();
      otherUser = await server.createUser();
      userCredentials = await server.login(user.username);
    });

    it('should throw unauthorized error to user w/o "logout-other-user" permission', async () => {
      server.setPermission('logout-other-user', []);
      const res = await server.request('POST', 'users.logout', {
        as: server.admin,
        body: { userId: otherUser._id },
      });
      expectJson(res, 403);
    });

    it('should logout other user', async () => {
      server.setPermission('logout-other-user', ['admin']);
      const res = await server.request('POST', 'users.logout', {
        as: server.admin,
        body: { userId: otherUser._id },
      });
      expectJson(res, 200);
    });

    it('should logout the requester', async () => {
      server.setPermission('logout-other-user', []);
      const res = await server.request('POST', 'users.logout', { as: userCredentials });
      expectJson(res, 200);
    });
  });
});
