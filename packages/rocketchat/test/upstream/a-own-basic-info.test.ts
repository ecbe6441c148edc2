/**
 * Upstream `[Users]` › `[/users.updateOwnBasicInfo]` (see harness.ts for the source and commit this
 * port follows). Titles are upstream's; the code is ours. The E2E step is listed in
 * ../UPSTREAM.md.
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

    describe('[Password Policy]', () => {
      beforeAll(() => {
        rc.setSetting('Accounts_AllowPasswordChange', true);
        rc.setSetting('Accounts_Password_Policy_Enabled', true);
        rc.setSetting('Accounts_TwoFactorAuthentication_Enabled', false);
      });
      afterAll(() => {
        rc.setSetting('Accounts_AllowPasswordChange', true);
        rc.setSetting('Accounts_Password_Policy_Enabled', false);
        rc.setSetting('Accounts_TwoFactorAuthentication_Enabled', true);
      });
      /** The user's `updateOwnBasicInfo` with a new password; with 2FA off the stale current one passes. */
      const changePassword = (password: string) =>
        updateOwn(userCredentials, { currentPassword: sha256(rc.password), newPassword: password });

      for (const [title, password, rule, message, before] of [
        [
          'should throw an error if the password length is less than the minimum length',
          '2',
          'minLength',
          'does not meet the minimum length password policy',
        ],
        [
          'should throw an error if the password length is greater than the maximum length',
          'Abc@12345678',
          'maxLength',
          'does not meet the maximum length password policy',
          () => rc.setSetting('Accounts_Password_Policy_MaxLength', 5),
        ],
        [
          'should throw an error if the password contains repeating characters',
          'A@123aaaa',
          'repeatingCharacters',
          'contains repeating characters which is against the password policy',
        ],
        [
          'should throw an error if the password does not contain at least one lowercase character',
          'PASSWORD@123',
          'oneLowercase',
          'does not contain at least one lowercase character which is against the password policy',
        ],
        [
          'should throw an error if the password does not contain at least one uppercase character',
          'password@123',
          'oneUppercase',
          'does not contain at least one uppercase character which is against the password policy',
        ],
        [
          'should throw an error if the password does not contain at least one numerical character',
          'Password@',
          'oneNumber',
          'does not contain at least one numerical character which is against the password policy',
        ],
        [
          'should throw an error if the password does not contain at least one special character',
          'Password123',
          'oneSpecial',
          'does not contain at least one special character which is against the password policy',
        ],
      ] as [string, string, string, string, (() => void)?][]) {
        it(title, async () => {
          before?.();
          const res = await changePassword(password);
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
          expect(res.body).toHaveProperty('error');
          expect(res.body.errorType).toBe('error-password-policy-not-met');
          expect(res.body.details).toBeInstanceOf(Array);
          expect(res.body.details).toContainEqual({
            error: `error-password-policy-not-met-${rule}`,
            message: `The password ${message}.`,
          });
        });
      }

      it('should be able to update if the password meets all the validation rules', async () => {
        rc.setSetting('Accounts_Password_Policy_MaxLength', -1);
        const res = await changePassword('123Abc@!');
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('user');
      });
    });
  });
});
