/**
 * Upstream port (see harness.ts): `[/users.getStatus]` and `[/users.setStatus]` of `[Users]`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectJson, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();

  /** Upstream's getUserStatus: `users.getStatus?userId=` as the admin, 200 JSON expected. */
  const getUserStatus = async (userId: string) => {
    const res = await server.request('GET', 'users.getStatus', { as: server.admin, query: { userId } });
    expectJson(res, 200);
    return res.body as { status: string; message?: string; _id?: string };
  };

  describe('[/users.getStatus]', () => {
    it('should return my own status', async () => {
      const res = await server.request('GET', 'users.getStatus', { as: server.admin });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('status');
      expect(res.body._id).toBe(server.admin.userId);
    });
    it('should return other user status', async () => {
      const res = await server.request('GET', 'users.getStatus', {
        as: server.admin,
        query: { userId: 'rocket.cat' },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('status');
      expect(res.body._id).toBe('rocket.cat');
    });
  });

  describe('[/users.setStatus]', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await server.createUser();
    });

    const setStatus = (body: Record<string, unknown>) =>
      server.request('POST', 'users.setStatus', { as: server.admin, body });

    // 'should return an error when the setting "Accounts_AllowUserStatusMessageChange" is disabled':
    // left out, see UPSTREAM.md.
    it('should update my own status', async () => {
      server.setSetting('Accounts_AllowUserStatusMessageChange', true);
      const res = await setStatus({ status: 'busy', message: 'test' });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      // Upstream checks this in a promise it does not wait for; here it is awaited.
      expect((await getUserStatus(server.admin.userId)).status).toBe('busy');
    });
    it('should return an error when trying to update other user status without the required permission', async () => {
      server.setPermission('edit-other-user-info', []);
      const res = await setStatus({ status: 'busy', message: 'test', userId: user._id });
      expectJson(res, 403);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe('unauthorized');
    });
    it('should update another user status succesfully', async () => {
      server.setPermission('edit-other-user-info', ['admin']);
      const res = await setStatus({ status: 'busy', message: 'test', userId: user._id });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      // Upstream's unawaited follow-up reads the admin's status (busy since the case before) and
      // `message`, which users.getStatus never returns — that half fails against the real server
      // too, unnoticed because nobody awaits it. The status half is awaited here.
      expect((await getUserStatus(server.admin.userId)).status).toBe('busy');
    });
    // 'should return an error when the user try to update user status with an invalid status':
    // left out, see UPSTREAM.md.
    it('should return an error when user changes status to offline and "Accounts_AllowInvisibleStatusOption" is disabled', async () => {
      server.setSetting('Accounts_AllowInvisibleStatusOption', false);
      const res = await setStatus({ status: 'offline' });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.errorType).toBe('error-status-not-allowed');
      expect(res.body.error).toBe('Invisible status is disabled [error-status-not-allowed]');
      server.setSetting('Accounts_AllowInvisibleStatusOption', true);
    });
    it('should return an error when the payload is missing all supported fields', async () => {
      const res = await setStatus({});
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe(
        'Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation',
      );
    });
  });
});
