/**
 * Upstream port (see harness.ts): `[/users.setActiveStatus]` and `[/users.deactivateIdle]` of
 * `[Users]`. The livechat-agent cases and the "last owner cases" are left out (UPSTREAM.md), and so
 * is the livechat agent their `before` made.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, NO_PERMISSION, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();
  let targetUser: TestUser;

  // Upstream's `[Users]` before: the user the blocks act on.
  beforeAll(async () => {
    targetUser = await server.createTargetUser();
  });

  describe('[/users.setActiveStatus]', () => {
    let user: TestUser;
    let userCredentials: Credentials;

    beforeAll(async () => {
      user = await server.createUser();
      userCredentials = await server.login(user.username);
      server.setPermission('edit-other-user-active-status', ['admin', 'user']);
      server.setPermission('manage-moderation-actions', ['admin']);
    });

    const setActive = (as: Credentials, userId: string, activeStatus: boolean) =>
      server.request('POST', 'users.setActiveStatus', { as, body: { activeStatus, userId } });

    it('should set other user active status to false when the logged user has the necessary permission(edit-other-user-active-status)', async () => {
      const res = await setActive(userCredentials, targetUser._id, false);
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.active', false);
    });
    it('should set other user active status to true when the logged user has the necessary permission(edit-other-user-active-status)', async () => {
      const res = await setActive(userCredentials, targetUser._id, true);
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.active', true);
    });

    it('should return an error when trying to set other user active status and has not the necessary permission(edit-other-user-active-status)', async () => {
      server.setPermission('edit-other-user-active-status', []);
      const res = await setActive(userCredentials, targetUser._id, false);
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', NO_PERMISSION);
    });
    it('should return an error when trying to set user own active status and has not the necessary permission(edit-other-user-active-status)', async () => {
      const res = await setActive(userCredentials, user._id, false);
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', NO_PERMISSION);
    });
    it('should set user own active status to false when the user has the necessary permission(edit-other-user-active-status)', async () => {
      server.setPermission('edit-other-user-active-status', ['admin']);
      const res = await setActive(userCredentials, user._id, false);
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', NO_PERMISSION);
    });
    it('users should retain their roles when they are deactivated', async () => {
      const testUser = await server.createUser({ roles: ['user', 'livechat-agent'] });

      const res = await setActive(server.admin, testUser._id, false);
      expectJson(res, 200);

      const found = await server.getUserByUsername(testUser.username);
      expect(found).toHaveProperty('roles');
      expect(found.roles).toBeInstanceOf(Array);
      expect(found.roles).toHaveLength(2);
      // chai's `include('user', 'livechat-agent')` checks 'user' (its second argument is a message).
      expect(found.roles).toContain('user');

      await server.deleteUser(testUser);
    });
  });

  describe('[/users.deactivateIdle]', () => {
    const testRoleId = 'guest';

    // Upstream creates the user and then adds the role with `roles.addUserToRole` (not a users
    // route); here the user is created holding it: roles ['user', 'guest'] either way.
    beforeAll(async () => {
      await server.createUser({ roles: ['user', testRoleId] });
    });

    const deactivate = (body: Record<string, unknown>) =>
      server.request('POST', 'users.deactivateIdle', { as: server.admin, body });

    it('should fail to deactivate if user doesnt have edit-other-user-active-status permission', async () => {
      server.setPermission('edit-other-user-active-status', []);
      const res = await deactivate({ daysIdle: 0 });
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', NO_PERMISSION);
    });
    it('should deactivate no users when no users in time range', async () => {
      server.setPermission('edit-other-user-active-status', ['admin']);
      const res = await deactivate({ daysIdle: 999999 });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count', 0);
    });
    it('should deactivate the test user when given its role and daysIdle = 0', async () => {
      server.setPermission('edit-other-user-active-status', ['admin']);
      const res = await deactivate({ daysIdle: 0, role: testRoleId });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count', 1);
    });
    it('should not deactivate the test user again when given its role and daysIdle = 0', async () => {
      server.setPermission('edit-other-user-active-status', ['admin']);
      const res = await deactivate({ daysIdle: 0, role: testRoleId });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count', 0);
    });
  });
});
