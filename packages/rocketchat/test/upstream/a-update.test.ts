/**
 * Upstream `[Users]` › `[/users.update]` (see harness.ts for the source and commit this port
 * follows). Titles are upstream's; the code is ours. The cases run in upstream's order: each edits
 * the same target user, as upstream's do.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Credentials, expectJson, reservedWords, type TestUser, unique, useServer } from './harness.js';

const MAX_BIO_LENGTH = 260;
const MAX_NICKNAME_LENGTH = 120;
const apiUsername = unique('api.user.test-');
const apiEmail = `${unique('api.user.test-')}@rocket.chat`;
/** `n` random hex characters (upstream's `Random.hexString`). */
const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n);

const SETTINGS = [
  'Accounts_AllowUserProfileChange',
  'Accounts_AllowUsernameChange',
  'Accounts_AllowRealNameChange',
  'Accounts_AllowUserStatusMessageChange',
  'Accounts_AllowEmailChange',
  'Accounts_AllowPasswordChange',
];

describe('[Users]', () => {
  const rc = useServer();
  let targetUser: { _id: string; username: string };

  // Upstream's top-level `before`: an active, verified user.
  beforeAll(async () => {
    const user = await rc.createTargetUser();
    targetUser = { _id: user._id, username: user.username };
  });
  afterAll(() => rc.deleteUser(targetUser));

  describe('[/users.update]', () => {
    const allowEverything = () => {
      for (const id of SETTINGS) rc.setSetting(id, true);
      rc.setPermission('edit-other-user-info', ['admin']);
    };
    beforeAll(allowEverything);
    afterAll(allowEverything);

    /** `users.update` of the target user as the admin. */
    const update = (data: Record<string, unknown>, userId: string = targetUser._id, as = rc.admin) =>
      rc.request('POST', 'users.update', { as, body: { userId, data } });

    it("should update a user's info by userId", async () => {
      const res = await update({
        email: apiEmail,
        name: `edited${apiUsername}`,
        username: `edited${apiUsername}`,
        password: rc.password,
        active: true,
        roles: ['user'],
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.username', `edited${apiUsername}`);
      expect(res.body).toHaveProperty('user.emails[0].address', apiEmail);
      expect(res.body).toHaveProperty('user.active', true);
      expect(res.body).toHaveProperty('user.name', `edited${apiUsername}`);
      expect(res.body).not.toHaveProperty('user.e2e');
    });

    it("should update a user's email by userId", async () => {
      const res = await update({ email: `edited${apiEmail}` });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.emails[0].address', `edited${apiEmail}`);
      expect(res.body).toHaveProperty('user.emails[0].verified', false);
      expect(res.body).not.toHaveProperty('user.e2e');
    });

    it("should update a user's bio by userId", async () => {
      const res = await update({ bio: 'edited-bio-test' });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.bio', 'edited-bio-test');
      expect(res.body).not.toHaveProperty('user.e2e');
    });

    it("should update a user's nickname by userId", async () => {
      const res = await update({ nickname: 'edited-nickname-test' });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.nickname', 'edited-nickname-test');
      expect(res.body).not.toHaveProperty('user.e2e');
    });

    it(`should return an error when trying to set a nickname longer than ${MAX_NICKNAME_LENGTH} characters`, async () => {
      const res = await update({ nickname: hex(MAX_NICKNAME_LENGTH + 1) });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty(
        'error',
        `Nickname size exceeds ${MAX_NICKNAME_LENGTH} characters [error-nickname-size-exceeded]`,
      );
    });

    it(`should return an error when trying to set a bio longer than ${MAX_BIO_LENGTH} characters`, async () => {
      const res = await update({ bio: hex(MAX_BIO_LENGTH + 1) });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty(
        'error',
        `Bio size exceeds ${MAX_BIO_LENGTH} characters [error-bio-size-exceeded]`,
      );
    });

    it('should return an error when trying to upsert a user by sending an empty userId', async () => {
      const res = await update({}, '');
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('errorType', 'invalid-params');
      expect(res.body).toHaveProperty('error', 'must NOT have fewer than 1 characters [invalid-params]');
    });

    it('should return an error when trying to use the joinDefaultChannels param, which is not intended for updates', async () => {
      const res = await update({ joinDefaultChannels: true });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('errorType', 'invalid-params');
      expect(res.body).toHaveProperty('error', 'must NOT have additional properties [invalid-params]');
    });

    it("should update a bot's email", async () => {
      const res = await update({ email: 'nouser@rocket.cat' }, 'rocket.cat');
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });

    it("should verify user's email by userId", async () => {
      const res = await update({ verified: true });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.emails[0].verified', true);
      expect(res.body).not.toHaveProperty('user.e2e');
    });

    /** Upstream's pairs: a setting off, the permission held by someone else or by the admin. */
    const refusedThenAllowed = (
      what: { refused: string; allowed: string },
      setting: string,
      permission: string,
      data: { refused: Record<string, unknown>; allowed: () => Record<string, unknown> },
    ) => {
      it(what.refused, async () => {
        rc.setPermission(permission, ['user']);
        rc.setSetting(setting, false);
        const res = await update(data.refused);
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
      });
      it(what.allowed, async () => {
        rc.setPermission(permission, ['admin']);
        rc.setSetting(setting, false);
        const res = await update(data.allowed());
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
      });
    };

    refusedThenAllowed(
      {
        refused: 'should return an error when trying update username and it is not allowed',
        allowed: 'should update the user name when the required permission is applied',
      },
      'Accounts_AllowUsernameChange',
      'edit-other-user-info',
      { refused: { username: 'fake.name' }, allowed: () => ({ username: `fake.name.${Date.now()}` }) },
    );
    refusedThenAllowed(
      {
        refused: 'should return an error when trying update user real name and it is not allowed',
        allowed: 'should update user real name when the required permission is applied',
      },
      'Accounts_AllowRealNameChange',
      'edit-other-user-info',
      { refused: { name: 'Fake name' }, allowed: () => ({ name: 'Fake name' }) },
    );
    refusedThenAllowed(
      {
        refused: 'should return an error when trying update user status message and it is not allowed',
        allowed: 'should update user status message when the required permission is applied',
      },
      'Accounts_AllowUserStatusMessageChange',
      'edit-other-user-info',
      // Upstream's "allowed" step sends `name` (not `statusMessage`); kept as it is.
      { refused: { statusMessage: 'a new status' }, allowed: () => ({ name: 'a new status' }) },
    );
    refusedThenAllowed(
      {
        refused: 'should return an error when trying update user email and it is not allowed',
        allowed: 'should update user email when the required permission is applied',
      },
      'Accounts_AllowEmailChange',
      'edit-other-user-info',
      { refused: { email: 'itsnotworking@email.com' }, allowed: () => ({ email: apiEmail }) },
    );
    refusedThenAllowed(
      {
        refused: 'should return an error when trying update user password and it is not allowed',
        allowed: 'should update user password when the required permission is applied',
      },
      'Accounts_AllowPasswordChange',
      'edit-other-user-password',
      { refused: { password: 'itsnotworking' }, allowed: () => ({ password: 'itsnotworking' }) },
    );
    refusedThenAllowed(
      {
        refused: 'should return an error when trying update profile and it is not allowed',
        allowed: 'should update profile when the required permission is applied',
      },
      'Accounts_AllowUserProfileChange',
      'edit-other-user-info',
      { refused: { verified: true }, allowed: () => ({ verified: true }) },
    );

    // mocha runs a suite's own tests before its child suites; registering these first keeps that order.
    for (const name of reservedWords) {
      it(`should not update an user if the new username is the reserved word ${name}`, async () => {
        const res = await update({ username: name });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
        expect(res.body).toHaveProperty(
          'error',
          'Could not save user identity [error-could-not-save-identity]',
        );
      });
    }

    describe('email verification', () => {
      let admin: TestUser;
      let userToUpdate: TestUser;
      let userCredentials: Credentials;

      beforeEach(async () => {
        admin = await rc.createUser({ roles: ['admin'] });
        userToUpdate = await rc.createUser();
        userCredentials = await rc.login(admin.username);
      });
      afterEach(async () => {
        await rc.deleteUser(userToUpdate);
        await rc.deleteUser(admin);
      });

      it("should update user's email verified correctly", async () => {
        const res = await update({ verified: true }, userToUpdate._id, userCredentials);
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('user.emails[0].verified', true);
        expect(res.body).not.toHaveProperty('user.e2e');
      });

      it("should update user's email verified even if email is not changed", async () => {
        const res = await update(
          { email: userToUpdate.emails[0]?.address, verified: true },
          userToUpdate._id,
          userCredentials,
        );
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('user.emails[0].verified', true);
        expect(res.body).not.toHaveProperty('user.e2e');
      });
    });
  });
});
