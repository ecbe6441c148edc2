/**
 * Upstream `[Users]` › `Avatars` (`[/users.setAvatar]`, `[/users.resetAvatar]`, `[/users.getAvatar]`,
 * `[/users.getAvatarSuggestion]`); see harness.ts for the source and commit this port follows.
 * Titles are upstream's; the code is ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, PNG, type TestUser, useServer } from './harness.js';

/** Upstream's `.attach('image', imgURL)` plus `.field(...)`: a multipart body, image first. */
function imageForm(fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('image', new Blob([PNG], { type: 'image/png' }), 'avatar.png');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

describe('[Users]', () => {
  const rc = useServer();

  describe('Avatars', () => {
    let user: TestUser;
    let userCredentials: Credentials;

    beforeAll(async () => {
      user = await rc.createUser();
      userCredentials = await rc.login(user.username);
      rc.setSetting('Accounts_AllowUserAvatarChange', true);
      rc.setPermission('edit-other-user-avatar', ['admin', 'user']);
    });
    afterAll(async () => {
      rc.setSetting('Accounts_AllowUserAvatarChange', true);
      rc.setPermission('edit-other-user-avatar', ['admin']);
      await rc.deleteUser(user);
    });

    describe('[/users.setAvatar]', () => {
      it('should set the avatar of the logged user by a local image', async () => {
        const res = await rc.request('POST', 'users.setAvatar', { as: userCredentials, form: imageForm() });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it('should update the avatar of another user by userId when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
        const res = await rc.request('POST', 'users.setAvatar', {
          as: userCredentials,
          form: imageForm({ userId: rc.admin.userId }),
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it('should set the avatar of another user by username and local image when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
        const res = await rc.request('POST', 'users.setAvatar', {
          as: rc.admin,
          form: imageForm({ username: rc.adminUsername }),
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it("should prevent from updating someone else's avatar when the logged user doesn't have the necessary permission(edit-other-user-avatar)", async () => {
        rc.setPermission('edit-other-user-avatar', []);
        const res = await rc.request('POST', 'users.setAvatar', {
          as: userCredentials,
          form: imageForm({ userId: rc.admin.userId }),
        });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });

      it('should allow users with the edit-other-user-avatar permission to update avatars when the Accounts_AllowUserAvatarChange setting is off', async () => {
        rc.setSetting('Accounts_AllowUserAvatarChange', false);
        rc.setPermission('edit-other-user-avatar', ['admin']);
        const res = await rc.request('POST', 'users.setAvatar', {
          as: rc.admin,
          form: imageForm({ userId: userCredentials.userId }),
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it('should prevent users from passing server-side request forgery (SSRF) payloads as avatarUrl', async () => {
        const res = await rc.request('POST', 'users.setAvatar', {
          as: rc.admin,
          body: { userId: userCredentials.userId, avatarUrl: 'http://169.254.169.254/' },
        });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });
    });

    describe('[/users.resetAvatar]', () => {
      beforeAll(() => {
        rc.setSetting('Accounts_AllowUserAvatarChange', true);
        rc.setPermission('edit-other-user-avatar', ['admin', 'user']);
      });

      it('should set the avatar of the logged user by a local image', async () => {
        const res = await rc.request('POST', 'users.setAvatar', { as: userCredentials, form: imageForm() });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it('should reset the avatar of the logged user', async () => {
        const res = await rc.request('POST', 'users.resetAvatar', {
          as: userCredentials,
          body: { userId: userCredentials.userId },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it('should reset the avatar of another user by userId when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
        const res = await rc.request('POST', 'users.resetAvatar', {
          as: userCredentials,
          body: { userId: rc.admin.userId },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it('should reset the avatar of another user by username and local image when the logged user has the necessary permission (edit-other-user-avatar)', async () => {
        const res = await rc.request('POST', 'users.resetAvatar', {
          as: rc.admin,
          body: { username: rc.adminUsername },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });

      it("should prevent from resetting someone else's avatar when the logged user doesn't have the necessary permission(edit-other-user-avatar)", async () => {
        rc.setPermission('edit-other-user-avatar', []);
        const res = await rc.request('POST', 'users.resetAvatar', {
          as: userCredentials,
          body: { userId: rc.admin.userId },
        });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });

      it('should allow users with the edit-other-user-avatar permission to reset avatars when the Accounts_AllowUserAvatarChange setting is off', async () => {
        rc.setSetting('Accounts_AllowUserAvatarChange', false);
        rc.setPermission('edit-other-user-avatar', ['admin']);
        const res = await rc.request('POST', 'users.resetAvatar', {
          as: rc.admin,
          body: { userId: userCredentials.userId },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });
    });

    describe('[/users.getAvatar]', () => {
      it('should get the url of the avatar of the logged user via userId', async () => {
        const res = await rc.request('GET', 'users.getAvatar', {
          as: userCredentials,
          query: { userId: userCredentials.userId },
        });
        expect(res.status).toBe(307);
      });

      it('should get the url of the avatar of the logged user via username', async () => {
        const res = await rc.request('GET', 'users.getAvatar', {
          as: userCredentials,
          query: { username: user.username },
        });
        expect(res.status).toBe(307);
      });
    });

    describe('[/users.getAvatarSuggestion]', () => {
      it('should return 401 unauthorized when user is not logged in', async () => {
        const res = await rc.request('GET', 'users.getAvatarSuggestion');
        expectJson(res, 401);
      });

      it('should get avatar suggestion of the logged user via userId', async () => {
        const res = await rc.request('GET', 'users.getAvatarSuggestion', {
          as: userCredentials,
          query: { userId: userCredentials.userId },
        });
        expect(res.status).toBe(200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('suggestions');
        expect(Object.prototype.toString.call(res.body.suggestions)).toBe('[object Object]'); // chai's an('object')
      });
    });
  });
});
