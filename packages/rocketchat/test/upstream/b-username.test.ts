/**
 * Upstream port (see harness.ts): `[/users.getUsernameSuggestion]` and
 * `[/users.checkUsernameAvailability]` of `[Users]`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();

  describe('[/users.getUsernameSuggestion]', () => {
    const testUsername = `test${Date.now()}`;
    let userCredentials: Credentials;

    beforeAll(async () => {
      const targetUser = await server.registerUser(
        {
          email: `${testUsername}.@test.com`,
          username: `${testUsername}test`,
          name: testUsername,
          pass: server.password,
        },
        server.admin,
      );
      userCredentials = await server.login(targetUser.username);
    });

    it('should return an username suggestion', async () => {
      const res = await server.request('GET', 'users.getUsernameSuggestion', { as: userCredentials });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toBeDefined();
    });
  });

  describe('[/users.checkUsernameAvailability]', () => {
    let targetUser: TestUser;
    let userCredentials: Credentials;

    beforeAll(async () => {
      targetUser = await server.registerUser({}, server.admin);
      userCredentials = await server.login(targetUser.username);
    });

    it('should return 401 unauthorized when user is not logged in', async () => {
      const res = await server.request('GET', 'users.checkUsernameAvailability');
      expectJson(res, 401);
      expect(res.body).toHaveProperty('message');
    });

    it('should return true if the username is the same user username set', async () => {
      const res = await server.request('GET', 'users.checkUsernameAvailability', {
        as: userCredentials,
        query: { username: targetUser.username },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.result).toBe(true);
    });

    it('should return true if the username is available', async () => {
      const res = await server.request('GET', 'users.checkUsernameAvailability', {
        as: userCredentials,
        query: { username: `${targetUser.username}-${Date.now()}` },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.result).toBe(true);
    });

    it('should return an error when the username is invalid', async () => {
      const res = await server.request('GET', 'users.checkUsernameAvailability', {
        as: userCredentials,
        query: {},
      });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
    });
  });
});
