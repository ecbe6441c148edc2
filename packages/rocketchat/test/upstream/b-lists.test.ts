/**
 * Upstream port (see harness.ts): the querying routes of `[Users]` — `[/users.requestDataDownload]`,
 * `[/users.autocomplete]` and `[/users.listByStatus]`. The autocomplete case that needs a shared
 * room is left out (UPSTREAM.md), and so is the room its `before` made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, NO_PERMISSION, type TestUser, useServer } from './harness.js';

const DEFAULT_VIEW_OUTSIDE_ROOM = ['admin', 'owner', 'moderator', 'user'];

describe('[Users]', () => {
  const server = useServer();

  describe('[/users.requestDataDownload]', () => {
    const requestDownload = (query?: Record<string, unknown>) =>
      server.request('GET', 'users.requestDataDownload', { as: server.admin, ...(query ? { query } : {}) });
    const expectExport = (body: Record<string, unknown>, fullExport: boolean) => {
      expect(body).toHaveProperty('success', true);
      expect(body).toHaveProperty('requested');
      expect(body).toHaveProperty('exportOperation');
      // chai's `an('object')`: a plain object (not null, not an array)
      expect(Object.prototype.toString.call(body['exportOperation'])).toBe('[object Object]');
      expect(body['exportOperation']).toHaveProperty('fullExport', fullExport);
    };

    it('should return the request data with fullExport false when no query parameter was send', async () => {
      const res = await requestDownload();
      expectJson(res, 200);
      expectExport(res.body, false);
    });
    it('should return the request data with fullExport false when the fullExport query parameter is false', async () => {
      const res = await requestDownload({ fullExport: 'false' });
      expectJson(res, 200);
      expectExport(res.body, false);
    });
    it('should return the request data with fullExport true when the fullExport query parameter is true', async () => {
      const res = await requestDownload({ fullExport: 'true' });
      expectJson(res, 200);
      expectExport(res.body, true);
    });
  });

  describe('[/users.autocomplete]', () => {
    afterAll(() => server.setPermission('view-outside-room', DEFAULT_VIEW_OUTSIDE_ROOM));
    const autocomplete = (as: Credentials, query: Record<string, unknown>) =>
      server.request('GET', 'users.autocomplete', { as, query });

    describe('[without permission]', () => {
      let userCredentials: Credentials;

      beforeAll(async () => {
        const user = await server.createUser({ joinDefaultChannels: false });
        const user2 = await server.createUser({ joinDefaultChannels: false });
        userCredentials = await server.login(user.username);
        await server.login(user2.username); // upstream logs user2 in for the left-out room case
        server.setPermission('view-outside-room', []);
      });

      it('should return an empty list when the user does not have any subscription', async () => {
        const res = await autocomplete(userCredentials, { selector: '{}' });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('items');
        expect(res.body.items).toBeInstanceOf(Array);
        expect(res.body.items).toHaveLength(0);
      });
      // 'should return users that are subscribed to the same rooms as the requester': left out.
    });

    describe('[with permission]', () => {
      beforeAll(() => server.setPermission('view-outside-room', ['admin', 'user']));

      // Upstream fires this request without waiting for it (its checks never gate the case); here
      // the same checks are awaited.
      it('should return an error when the required parameter "selector" is not provided', async () => {
        const res = await autocomplete(server.admin, {});
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });
      it('should return the users to fill auto complete', async () => {
        const res = await autocomplete(server.admin, { selector: '{}' });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('items');
        expect(res.body.items).toBeInstanceOf(Array);
      });

      it('should filter results when using allowed operators', async () => {
        const selector = { conditions: { $and: [{ active: false }, { status: 'online' }] } };
        const res = await autocomplete(server.admin, { selector: JSON.stringify(selector) });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('items');
        expect(res.body.items).toBeInstanceOf(Array);
        expect(res.body.items).toHaveLength(0);
      });

      it('should return an error when using forbidden operators', async () => {
        const selector = {
          conditions: { $nor: [{ username: { $exists: false } }, { status: { $exists: false } }] },
        };
        const res = await autocomplete(server.admin, { selector: JSON.stringify(selector) });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });
    });
  });

  describe('[/users.listByStatus]', () => {
    let user: TestUser;
    let otherUserCredentials: Credentials;

    beforeAll(async () => {
      user = await server.createUser();
      const otherUser = await server.createUser();
      otherUserCredentials = await server.login(otherUser.username);
    });

    const listByStatus = (as: Credentials, query: Record<string, unknown>) =>
      server.request('GET', 'users.listByStatus', { as, query });
    const ids = (body: { users: { _id: string }[] }) => body.users.map((u) => u._id);
    const expectUsers = (body: Record<string, unknown>) => {
      expect(body).toHaveProperty('success', true);
      expect(body).toHaveProperty('users');
    };

    it('should list pending users', async () => {
      const res = await listByStatus(server.admin, { hasLoggedIn: false, type: 'user', count: 50 });
      expectJson(res, 200);
      expectUsers(res.body);
      expect(ids(res.body)).toContain(user._id);
    });

    it('should list all users', async () => {
      const res = await listByStatus(server.admin, { searchTerm: user.name });
      expectJson(res, 200);
      expectUsers(res.body);
      expect(ids(res.body)).toContain(user._id);
    });

    it('should list active users', async () => {
      await server.login(user.username);
      const res = await listByStatus(server.admin, {
        hasLoggedIn: true,
        status: 'active',
        searchTerm: user.name,
      });
      expectJson(res, 200);
      expectUsers(res.body);
      expect(ids(res.body)).toContain(user._id);
    });

    it('should filter users by role', async () => {
      await server.login(user.username);
      const res = await listByStatus(server.admin, { 'roles[]': 'admin' });
      expectJson(res, 200);
      expectUsers(res.body);
      expect(ids(res.body)).not.toContain(user._id);
    });

    it('should list deactivated users', async () => {
      await server.request('POST', 'users.setActiveStatus', {
        as: server.admin,
        body: { userId: user._id, activeStatus: false, confirmRelinquish: false },
      });
      const res = await listByStatus(server.admin, { hasLoggedIn: true, status: 'deactivated' });
      expectJson(res, 200);
      expectUsers(res.body);
      expect(ids(res.body)).toContain(user._id);
    });

    it('should filter users by username', async () => {
      const res = await listByStatus(server.admin, { searchTerm: user.username });
      expectJson(res, 200);
      expectUsers(res.body);
      expect(ids(res.body)).toContain(user._id);
    });

    it('should return error for invalid status params', async () => {
      const res = await listByStatus(server.admin, { status: 'abcd' });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.errorType).toBe('invalid-params');
      expect(res.body.error).toBe('must be equal to one of the allowed values [invalid-params]');
    });

    it('should throw unauthorized error to user without "view-d-room" permission', async () => {
      server.setPermission('view-d-room', ['admin']);
      const res = await listByStatus(otherUserCredentials, { status: 'active' });
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe(NO_PERMISSION);
    });

    it('should throw unauthorized error to user without "view-outside-room" permission', async () => {
      server.setPermission('view-outside-room', ['admin']);
      const res = await listByStatus(otherUserCredentials, { status: 'active' });
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe(NO_PERMISSION);
    });
  });
});
