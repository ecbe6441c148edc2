/**
 * Upstream `[Users]` › `[/users.setPreferences]` and `[/users.getPreferences]` (see harness.ts for
 * the source and commit this port follows). Titles are upstream's; the code is ours. As upstream,
 * getPreferences reads what the last setPreferences case stored for the admin.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useServer } from './harness.js';

/** The preference set upstream stores (a Community Edition server: no `omnichannelTranscriptPDF`). */
const preferences = {
  newRoomNotification: 'door',
  newMessageNotification: 'chime',
  muteFocusedConversations: true,
  clockMode: 1,
  useEmojis: true,
  convertAsciiEmoji: true,
  saveMobileBandwidth: true,
  collapseMediaByDefault: false,
  autoImageLoad: true,
  emailNotificationMode: 'mentions',
  unreadAlert: true,
  notificationsSoundVolume: 100,
  desktopNotifications: 'default',
  pushNotifications: 'default',
  enableAutoAway: true,
  highlights: [],
  desktopNotificationRequireInteraction: false,
  hideUsernames: false,
  hideRoles: false,
  displayAvatars: true,
  hideFlexTab: false,
  sendOnEnter: 'normal',
  idleTimeLimit: 3600,
  notifyCalendarEvents: false,
  enableMobileRinging: false,
};

describe('[Users]', () => {
  const rc = useServer();
  const setPreferences = (userId: string, data: Record<string, unknown>) =>
    rc.request('POST', 'users.setPreferences', { as: rc.admin, body: { userId, data } });

  describe('[/users.setPreferences]', () => {
    afterAll(() => rc.setPermission('edit-other-user-info', ['admin']));

    it('should return an error when the user try to update info of another user and does not have the necessary permission', async () => {
      rc.setPermission('edit-other-user-info', []);
      const res = await setPreferences('rocket.cat', { ...preferences });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', 'Editing user is not allowed [error-action-not-allowed]');
      expect(res.body).toHaveProperty('errorType', 'error-action-not-allowed');
    });

    it('should return an error when the user try to update info of an nonexistent user', async () => {
      rc.setPermission('edit-other-user-info', ['admin', 'user']);
      const res = await setPreferences('invalid-id', { ...preferences });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty(
        'error',
        'The optional "userId" param provided does not match any users [error-invalid-user]',
      );
      expect(res.body).toHaveProperty('errorType', 'error-invalid-user');
    });

    it('should set some preferences of another user successfully', async () => {
      rc.setPermission('edit-other-user-info', ['admin', 'user']);
      const res = await setPreferences('rocket.cat', { ...preferences });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.user).toHaveProperty('settings');
      expect(res.body.user.settings).toHaveProperty('preferences');
      expect(res.body.user._id).toBe('rocket.cat');
      expect(res.body).toHaveProperty('success', true);
    });

    it('should set some preferences by user when execute successfully', async () => {
      const res = await setPreferences(rc.admin.userId, { ...preferences });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.user).toHaveProperty('settings');
      expect(res.body.user.settings).toHaveProperty('preferences');
      expect(res.body).toHaveProperty('success', true);
    });

    it('should set some preferences and language preference by user when execute successfully', async () => {
      const res = await setPreferences(rc.admin.userId, { ...preferences, language: 'en' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.user.settings.preferences).toHaveProperty('language', 'en');
    });
  });

  describe('[/users.getPreferences]', () => {
    it('should return all preferences when execute successfully', async () => {
      const res = await rc.request('GET', 'users.getPreferences', { as: rc.admin });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.body.preferences).toStrictEqual({ ...preferences, language: 'en' });
      expect(res.body).toHaveProperty('success', true);
    });
  });
});
