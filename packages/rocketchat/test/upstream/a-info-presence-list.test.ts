/**
 * Upstream `[Users]` › `[/users.info]`, `[/users.getPresence]`, `[/users.presence]` and
 * `[/users.list]` (see harness.ts for the source and commit this port follows). Titles are
 * upstream's; the code is ours. Cases that need rooms are listed in ../UPSTREAM.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, type TestUser, unique, useServer } from './harness.js';

const customFieldText = { type: 'text', required: true, minLength: 2, maxLength: 10 };
const apiUsername = unique('api.user.test-');
const apiEmail = `${unique('api.user.test-')}@rocket.chat`;
const sortedKeys = (o: object | undefined) => Object.keys(o ?? {}).sort();
const PRESENCE_KEYS = ['_id', 'avatarETag', 'name', 'status', 'username', 'utcOffset'];

describe('[Users]', () => {
  const rc = useServer();
  let targetUser: { _id: string; username: string };

  // Upstream's top-level `before`: an active, verified user.
  beforeAll(async () => {
    const user = await rc.createTargetUser();
    targetUser = { _id: user._id, username: user.username };
  });
  afterAll(() => rc.deleteUser(targetUser));

  describe('[/users.info]', () => {
    afterAll(() => {
      rc.setPermission('view-other-user-channels', ['admin']);
      rc.setPermission('view-full-other-user-info', ['admin']);
    });

    it('should return an error when the user does not exist', async () => {
      const res = await rc.request('GET', 'users.info', {
        as: rc.admin,
        query: { username: 'invalid-username' },
      });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error');
    });

    it('should query information about a user by userId', async () => {
      const res = await rc.request('GET', 'users.info', { as: rc.admin, query: { userId: targetUser._id } });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.username', targetUser.username);
      expect(res.body).toHaveProperty('user.active', true);
      expect(res.body).toHaveProperty('user.name', targetUser.username);
      expect(res.body).not.toHaveProperty('user.e2e');
    });

    it('should NOT return "rooms" property when user NOT request it but the user has the necessary permission (admin, "view-other-user-channels")', async () => {
      const res = await rc.request('GET', 'users.info', { as: rc.admin, query: { userId: targetUser._id } });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).not.toHaveProperty('user.rooms');
    });

    it("should NOT return the rooms when the user request another user's rooms and he does NOT have the necessary permission", async () => {
      rc.setPermission('view-other-user-channels', []);
      const res = await rc.request('GET', 'users.info', {
        as: rc.admin,
        query: { userId: targetUser._id, fields: JSON.stringify({ userRooms: 1 }) },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).not.toHaveProperty('user.rooms');
    });

    it("should NOT return any services fields when request to another user's info even if the user has the necessary permission", async () => {
      rc.setPermission('view-full-other-user-info', ['admin']);
      const res = await rc.request('GET', 'users.info', { as: rc.admin, query: { userId: targetUser._id } });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).not.toHaveProperty('user.services.emailCode');
      expect(res.body).not.toHaveProperty('user.services');
    });

    it('should return all services fields when request for myself data even without privileged permission', async () => {
      rc.setPermission('view-full-other-user-info', []);
      const res = await rc.request('GET', 'users.info', { as: rc.admin, query: { userId: rc.admin.userId } });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.services.password');
      expect(res.body).toHaveProperty('user.services.resume');
    });

    it('should correctly route users that have `ufs` in their username', async () => {
      const ufsUsername = `ufs-${Date.now()}`;
      const user = await rc.createUser({
        email: `me-${Date.now()}@email.com`,
        name: 'testuser',
        username: ufsUsername,
        password: '1234',
      });
      const res = await rc.request('GET', 'users.info', { as: rc.admin, query: { username: ufsUsername } });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.user).toHaveProperty('type', 'user');
      expect(res.body.user).toHaveProperty('name', 'testuser');
      expect(res.body.user).toHaveProperty('username', ufsUsername);
      expect(res.body.user).toHaveProperty('active', true);
      await rc.deleteUser(user);
    });
  });

  describe('[/users.getPresence]', () => {
    it("should query a user's presence by userId", async () => {
      const res = await rc.request('GET', 'users.getPresence', {
        as: rc.admin,
        query: { userId: targetUser._id },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('presence', 'offline');
    });

    describe('Logging in with type: "resume"', () => {
      let user: TestUser;
      let userCredentials: Credentials;
      beforeAll(async () => {
        user = await rc.createUser({ joinDefaultChannels: false });
        userCredentials = await rc.login(user.username);
      });
      afterAll(() => rc.deleteUser(user));

      it('should return "offline" after a login type "resume" via REST', async () => {
        const login = await rc.request('POST', 'login', { body: { resume: userCredentials.authToken } });
        expectJson(login, 200);
        const res = await rc.request('GET', 'users.getPresence', {
          as: rc.admin,
          query: { userId: user._id },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('presence', 'offline');
      });
    });
  });

  describe('[/users.presence]', () => {
    describe('Not logged in:', () => {
      it('should return 401 unauthorized', async () => {
        const res = await rc.request('GET', 'users.presence');
        expectJson(res, 401);
        expect(res.body).toHaveProperty('message');
      });
    });

    describe('Logged in:', () => {
      it('should return online users full list', async () => {
        const res = await rc.request('GET', 'users.presence', { as: rc.admin });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('full', true);
        const cat = res.body.users.find((u: TestUser) => u.username === 'rocket.cat');
        expect(sortedKeys(cat)).toEqual(PRESENCE_KEYS);
      });

      it('should return no online users updated after now', async () => {
        const res = await rc.request('GET', 'users.presence', {
          as: rc.admin,
          query: { from: new Date().toISOString() },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('full', false);
        expect(res.body.users).toBeInstanceOf(Array);
        expect(res.body.users).toHaveLength(0);
      });

      it('should return full list of online users for more than 10 minutes in the past', async () => {
        const date = new Date();
        date.setMinutes(date.getMinutes() - 11);
        const res = await rc.request('GET', 'users.presence', {
          as: rc.admin,
          query: { from: date.toISOString() },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('full', true);
        const cat = res.body.users.find((u: TestUser) => u.username === 'rocket.cat');
        expect(sortedKeys(cat)).toEqual(PRESENCE_KEYS);
      });
    });
  });

  describe('[/users.list]', () => {
    let deactivatedUser: TestUser;
    let user: TestUser;
    let user2: TestUser;
    let user2Credentials: Credentials;
    let user3: TestUser;

    beforeAll(async () => {
      const username = `deactivated_${Date.now()}${apiUsername}`;
      const email = `deactivated_+${Date.now()}${apiEmail}`;
      deactivatedUser = await rc.createUser({
        email,
        name: username,
        username,
        password: rc.password,
        active: false,
      });
      expect(deactivatedUser).not.toBeNull();
      expect(deactivatedUser).toHaveProperty('username', username);
      expect(deactivatedUser).toHaveProperty('emails[0].address', email);
      expect(deactivatedUser).toHaveProperty('active', false);
      expect(deactivatedUser).toHaveProperty('name', username);
      expect(deactivatedUser).not.toHaveProperty('e2e');
    });

    beforeAll(async () => {
      rc.setSetting('Accounts_CustomFields', JSON.stringify({ customFieldText }));
      const username = `customField_${Date.now()}${apiUsername}`;
      const email = `customField_+${Date.now()}${apiEmail}`;
      user = await rc.createUser({
        email,
        name: username,
        username,
        password: rc.password,
        active: true,
        roles: ['user'],
        joinDefaultChannels: true,
        verified: true,
        customFields: { customFieldText: 'success' },
      });
      expect(user).not.toBeNull();
      expect(user).toHaveProperty('username', username);
      expect(user).toHaveProperty('emails[0].address', email);
      expect(user).toHaveProperty('active', true);
      expect(user).toHaveProperty('name', username);
      expect(user).toHaveProperty('customFields.customFieldText', 'success');
      expect(user).not.toHaveProperty('e2e');
    });

    beforeAll(async () => {
      user2 = await rc.createUser({ joinDefaultChannels: false });
      user2Credentials = await rc.login(user2.username);
      user3 = await rc.createUser({ joinDefaultChannels: false });
      await rc.login(user3.username);
    });

    afterAll(async () => {
      rc.setSetting('Accounts_CustomFields', '');
      rc.setPermission('view-outside-room', ['admin', 'owner', 'moderator', 'user']);
      rc.setSetting('API_Apply_permission_view-outside-room_on_users-list', false);
      await Promise.all([deactivatedUser, user, user2, user3].map((u) => rc.deleteUser(u)));
    });

    it('should query all users in the system', async () => {
      const res = await rc.request('GET', 'users.list', { as: rc.admin });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count');
      expect(res.body).toHaveProperty('total');
      const myself = res.body.users.find((u: TestUser) => u.username === rc.adminUsername);
      expect(myself).not.toHaveProperty('e2e');
    });

    it('should sort for user statuses and check if deactivated user is correctly sorted', async () => {
      const res = await rc.request('GET', 'users.list', {
        as: rc.admin,
        query: {
          fields: JSON.stringify({ username: 1, _id: 1, active: 1, status: 1 }),
          sort: JSON.stringify({ status: 1 }),
        },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count');
      expect(res.body).toHaveProperty('total');
      expect(res.body).toHaveProperty('users');
      const firstUser = res.body.users.find((u: TestUser) => u._id === deactivatedUser._id);
      expect(firstUser).toHaveProperty('active', false);
    });

    it('should query all users in the system by name', async () => {
      const res = await rc.request('GET', 'users.list', {
        as: rc.admin,
        query: { name: { $regex: 'g' }, sort: JSON.stringify({ createdAt: -1 }) },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count');
      expect(res.body).toHaveProperty('total');
    });

    it('should query all users in the system when logged as normal user and `view-outside-room` not granted', async () => {
      rc.setPermission('view-outside-room', ['admin']);
      const res = await rc.request('GET', 'users.list', { as: user2Credentials });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('count');
      expect(res.body).toHaveProperty('total');
    });

    it('should not query users when logged as normal user, `view-outside-room` not granted and temp setting enabled', async () => {
      rc.setPermission('view-outside-room', ['admin']);
      rc.setSetting('API_Apply_permission_view-outside-room_on_users-list', true);
      const res = await rc.request('GET', 'users.list', { as: user2Credentials });
      expectJson(res, 403);
    });
  });
});
