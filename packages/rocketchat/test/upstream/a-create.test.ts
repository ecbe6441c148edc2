/**
 * Upstream `[Users]` › `[/users.create]` and `[/users.register]` (see harness.ts for the source
 * and commit this port follows). Titles are upstream's; the code is ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJson, reservedWords, type TestUser, unique, useServer } from './harness.js';

const customFieldText = { type: 'text', required: true, minLength: 2, maxLength: 10 };
const apiUsername = unique('api.user.test-');
const apiEmail = `${unique('api.user.test-')}@rocket.chat`;

describe('[Users]', () => {
  const rc = useServer();
  const setCustomFields = (fields: unknown) =>
    rc.setSetting('Accounts_CustomFields', fields ? JSON.stringify(fields) : '');

  describe('[/users.create]', () => {
    beforeAll(() => setCustomFields(null));
    afterAll(() => setCustomFields(null));

    it('should create a new user with custom fields', async () => {
      setCustomFields({ customFieldText });
      const username = `customField_${apiUsername}`;
      const email = `customField_${apiEmail}`;
      const res = await rc.request('POST', 'users.create', {
        as: rc.admin,
        body: {
          email,
          name: username,
          username,
          password: rc.password,
          active: true,
          roles: ['user'],
          joinDefaultChannels: true,
          verified: true,
          customFields: { customFieldText: 'success' },
        },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.username', username);
      expect(res.body).toHaveProperty('user.emails[0].address', email);
      expect(res.body).toHaveProperty('user.active', true);
      expect(res.body).toHaveProperty('user.name', username);
      expect(res.body).toHaveProperty('user.customFields.customFieldText', 'success');
      expect(res.body).not.toHaveProperty('user.e2e');
      await rc.deleteUser(res.body.user);
    });

    for (const field of [
      { name: 'customFieldText', value: '', reason: 'is required and missing' },
      { name: 'customFieldText', value: '0', reason: 'length is less than minLength' },
      { name: 'customFieldText', value: '0123456789-0', reason: 'length is more than maxLength' },
    ]) {
      it(`should not create a user if a custom field ${field.reason}`, async () => {
        setCustomFields({ customFieldText });
        const res = await rc.request('POST', 'users.create', {
          as: rc.admin,
          body: {
            email: `customField_fail_${apiEmail}`,
            name: `customField_fail_${apiUsername}`,
            username: `customField_fail_${apiUsername}`,
            password: rc.password,
            active: true,
            roles: ['user'],
            joinDefaultChannels: true,
            verified: true,
            customFields: { [field.name]: field.value },
          },
        });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
        expect(res.body).toHaveProperty('errorType', 'error-user-registration-custom-field');
      });
    }

    for (const name of reservedWords) {
      it(`should not create a new user if username is the reserved word ${name}`, async () => {
        const res = await rc.request('POST', 'users.create', {
          as: rc.admin,
          body: {
            email: `create_user_fail_${apiEmail}`,
            name: `create_user_fail_${apiUsername}`,
            username: name,
            password: rc.password,
            active: true,
            roles: ['user'],
            joinDefaultChannels: true,
            verified: true,
          },
        });
        expectJson(res, 400);
        expect(res.body).toHaveProperty('success', false);
        expect(res.body).toHaveProperty(
          'error',
          `${name} is blocked and can't be used! [error-blocked-username]`,
        );
      });
    }

    // Upstream suffixes these names with Date.now(); ours add random hex too, so the two cases
    // cannot collide when they run within one millisecond (the sandbox answers that fast).
    describe('users default roles configuration', () => {
      const users: TestUser[] = [];
      beforeAll(() => rc.setSetting('Accounts_Registration_Users_Default_Roles', 'user,admin'));
      afterAll(async () => {
        rc.setSetting('Accounts_Registration_Users_Default_Roles', 'user');
        await Promise.all(users.map((user) => rc.deleteUser(user)));
      });

      it('should create a new user with default roles', async () => {
        const username = `defaultUserRole_${apiUsername}${unique('')}`;
        const email = `defaultUserRole_${apiEmail}${unique('')}`;
        const res = await rc.request('POST', 'users.create', {
          as: rc.admin,
          body: { email, name: username, username, password: rc.password },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('user.username', username);
        expect(res.body).toHaveProperty('user.emails[0].address', email);
        expect(res.body).toHaveProperty('user.active', true);
        expect(res.body).toHaveProperty('user.name', username);
        expect([...res.body.user.roles].sort()).toEqual(['admin', 'user']);
        users.push(res.body.user);
      });

      it('should create a new user with only the role provided', async () => {
        const username = `defaultUserRole_${apiUsername}${unique('')}`;
        const email = `defaultUserRole_${apiEmail}${unique('')}`;
        const res = await rc.request('POST', 'users.create', {
          as: rc.admin,
          body: { email, name: username, username, password: rc.password, roles: ['guest'] },
        });
        expectJson(res, 200);
        expect(res.body).toHaveProperty('success', true);
        expect(res.body).toHaveProperty('user.username', username);
        expect(res.body).toHaveProperty('user.emails[0].address', email);
        expect(res.body).toHaveProperty('user.active', true);
        expect(res.body).toHaveProperty('user.name', username);
        expect(res.body.user.roles).toEqual(['guest']);
        users.push(res.body.user);
      });
    });
  });

  describe('[/users.register]', () => {
    const email = `email@email${Date.now()}.com`;
    const username = `myusername${Date.now()}`;
    let user: TestUser | undefined;
    afterAll(() => rc.deleteUser(user));

    const register = (data: Record<string, unknown>) =>
      rc.request('POST', 'users.register', { body: { email, pass: 'test', ...data } });

    it('should register new user', async () => {
      const res = await register({ name: 'name', username });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
      expect(res.body).toHaveProperty('user.username', username);
      expect(res.body).toHaveProperty('user.active', true);
      expect(res.body).toHaveProperty('user.name', 'name');
      user = res.body.user;
    });

    it('should return an error when trying register new user with an invalid username', async () => {
      const res = await register({ name: 'name', username: 'test$username<>' });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe('The username provided is not valid');
    });

    it('should return an error when trying register new user with an existing username', async () => {
      const res = await register({ name: 'name', username });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe('Username is already in use');
    });

    it("should return an error when registering a user's name with invalid characters: >, <, /, or \\", async () => {
      const res = await register({ name: '</\\name>', username });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe('Name contains invalid characters');
    });
  });
});
