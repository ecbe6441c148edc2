/**
 * Upstream port (see harness.ts): `[/users.deleteOwnAccount]` and `[/users.delete]` of `[Users]`.
 * Their "last owner cases" need rooms and are left out (UPSTREAM.md).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, NO_PERMISSION, sha256, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();
  let targetUser: TestUser;

  // Upstream's `[Users]` before: the user the blocks act on.
  beforeAll(async () => {
    targetUser = await server.createTargetUser();
  });

  describe('[/users.deleteOwnAccount]', () => {
    let userCredentials: Credentials;

    beforeAll(async () => {
      const user = await server.registerUser({}, server.admin);
      userCredentials = await server.login(user.username);
      // Upstream's step 'Enable "Accounts_AllowDeleteOwnAccount" setting...' (settings API).
      server.setSetting('Accounts_AllowDeleteOwnAccount', true);
    });

    it('should delete user own account', async () => {
      const res = await server.request('POST', 'users.deleteOwnAccount', {
        as: userCredentials,
        body: { password: sha256(server.password) },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });

    it('should delete user own account when the SHA256 hash is in upper case', async () => {
      const user = await server.createUser();
      const createdUserCredentials = await server.login(user.username);
      const res = await server.request('POST', 'users.deleteOwnAccount', {
        as: createdUserCredentials,
        body: { password: sha256(server.password).toUpperCase() },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      await server.deleteUser(user);
    });
  });

  describe('[/users.delete]', () => {
    let newUser: TestUser;

    beforeAll(async () => {
      newUser = await server.createUser();
    });

    it('should return an error when trying delete user account without "delete-user" permission', async () => {
      server.setPermission('delete-user', ['user']);
      const res = await server.request('POST', 'users.delete', {
        as: server.admin,
        body: { userId: targetUser._id },
      });
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', NO_PERMISSION);
    });

    it('should delete user account when logged user has "delete-user" permission', async () => {
      server.setPermission('delete-user', ['admin']);
      const res = await server.request('POST', 'users.delete', {
        as: server.admin,
        body: { userId: newUser._id },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });
  });
});
