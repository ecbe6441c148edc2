/**
 * Upstream `[Users]` › `[/users.updateOwnBasicInfo]` (see harness.ts for the source and commit this
 * port follows). Titles are upstream's; the code is ours. The E2E step and the `[Password Policy]`
 * cases are listed in ../UPSTREAM.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, reservedWords, sha256, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const rc = useServer();

  describe('[/users.updateOwnBasicInfo]', () => {
    let user: TestUser;
    let userCredentials: Credentials;
    beforeAll(async () => {
      user = await rc.createUser();
      userCredentials = await rc.login(user.username);
    });
    afterAll(async () => {
      for (const id of [
        'Accounts_AllowRealNameChange',
        'Accounts_AllowUsernameChange',
        'Accounts_AllowUserStatusMessageChange',
        'Accounts_AllowEmailChange',
        'Accounts_AllowPasswordChange',
      ])
        rc.setSetting(id, true);
      await rc.deleteUser(user);
    });

    const stamp = Date.now();
    const editedUsername = `basicInfo.name${stamp}`;
    const editedName = `basic-info-test-name${stamp}`;
    const editedEmail = `test${stamp}@mail.com`;
    const newPassword = () => `${rc.password}test`;
    const updateOwn = (as: Credentials, data: Record<string, unknown>) =>
      rc.request('POST', 'users.updateOwnBasicInfo', { as, body: { data } });

    it('should update the user own basic information', async () => {
      const res = await updateOwn(userCredentials, {
        name: editedName,
        username: editedUsername,
        currentPassword: sha256(rc.password),
        newPassword: newPassword(),
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.user.username).toBe(editedUsername);
      expect(res.body.user.name).toBe(editedName);
      expect(res.body.user).not.toHaveProperty('e2e');
    });

    it('should update the user name only', async () => {
      const res = await updateOwn(userCredentials, { username: editedUsername });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.user.username).toBe(editedUsername);
      expect(res.body.user).not.toHaveProperty('e2e');
    });

    it('should throw an error when user try change email without the password', async () => {
      const res = await updateOwn(userCredentials, { email: editedEmail });
      expectJson(res, 400);
    });

    it('should throw an error when user try change password without the actual password', async () => {
      const res = await updateOwn(rc.admin, { newPassword: 'the new pass' });
      expectJson(res, 400);
    });

    it('should throw an error when the name is only whitespaces', async () => {
      const res = await updateOwn(rc.admin, { name: '  ' });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
    });

    it("should set new email as 'unverified'", async () => {
      const res = await updateOwn(userCredentials, {
        email: editedEmail,
        currentPassword: sha256(newPassword()),
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body.user.emails[0].address).toBe(editedEmail);
      expect(res.body.user.emails[0].verified).toBe(false);
      expect(res.body.user).not.toHaveProperty('e2e');
    });

    for (const name of reservedWords) {
      it(`should not update an user's basic info if the new username is the reserved word ${name}`, async () => {
        const res = await updateOwn(rc.admin, { username: name });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
        expect(res.body).toHaveProperty(
          'error',
          'Could not save user identity [error-could-not-save-identity]',
        );
      });
    }

    for (const [title, setting, data] of [
      [
        'should throw an error if not allowed to change real name',
        'Accounts_AllowRealNameChange',
        { name: 'edited name' },
      ],
      [
        'should throw an error if not allowed to change username',
        'Accounts_AllowUsernameChange',
        { username: 'edited.user.name' },
      ],
      [
        'should throw an error if not allowed to change statusText',
        'Accounts_AllowUserStatusMessageChange',
        { statusText: 'My custom status' },
      ],
      [
        'should throw an error if not allowed to change email',
        'Accounts_AllowEmailChange',
        { email: 'changed@email.com' },
      ],
      [
        'should throw an error if not allowed to change password',
        'Accounts_AllowPasswordChange',
        { newPassword: 'MyNewPassw0rd' },
      ],
    ] as const) {
      it(title, async () => {
        rc.setSetting(setting, false);
        const res = await updateOwn(rc.admin, data);
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });
    }
  });
});
