/**
 * Upstream port (see harness.ts): `Personal Access Tokens` of `[Users]` (generate, regenerate,
 * list and remove, with and without `create-personal-access-tokens`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectJson, NO_PERMISSION, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();

  describe('Personal Access Tokens', () => {
    const tokenName = `${Date.now()}token`;
    const post = (route: string, name: string) =>
      server.request('POST', route, { as: server.admin, body: { tokenName: name } });
    const list = () => server.request('GET', 'users.getPersonalAccessTokens', { as: server.admin });

    describe('successful cases', () => {
      beforeAll(() => server.setPermission('create-personal-access-tokens', ['admin']));

      describe('[/users.getPersonalAccessTokens]', () => {
        it('should return an array when the user does not have personal tokens configured', async () => {
          const res = await list();
          expectJson(res, 200);
          expect(res.body).toHaveProperty('success', true);
          expect(res.body).toHaveProperty('tokens');
          expect(res.body.tokens).toBeInstanceOf(Array);
        });
      });

      describe('[/users.generatePersonalAccessToken]', () => {
        it('should return a personal access token to user', async () => {
          const res = await post('users.generatePersonalAccessToken', tokenName);
          expectJson(res, 200);
          expect(res.body).toHaveProperty('success', true);
          expect(res.body).toHaveProperty('token');
        });
        it('should throw an error when user tries generate a token with the same name', async () => {
          const res = await post('users.generatePersonalAccessToken', tokenName);
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
        });
      });

      describe('[/users.regeneratePersonalAccessToken]', () => {
        it('should return a personal access token to user when user regenerates the token', async () => {
          const res = await post('users.regeneratePersonalAccessToken', tokenName);
          expectJson(res, 200);
          expect(res.body).toHaveProperty('success', true);
          expect(res.body).toHaveProperty('token');
        });
        it('should throw an error when user tries regenerate a token that does not exist', async () => {
          const res = await post('users.regeneratePersonalAccessToken', 'tokenthatdoesnotexist');
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
        });
      });

      describe('[/users.getPersonalAccessTokens]', () => {
        it('should return my personal access tokens', async () => {
          const res = await list();
          expectJson(res, 200);
          expect(res.body).toHaveProperty('success', true);
          expect(res.body).toHaveProperty('tokens');
          expect(res.body.tokens).toBeInstanceOf(Array);
        });
      });

      describe('[/users.removePersonalAccessToken]', () => {
        it('should return success when user remove a personal access token', async () => {
          const res = await post('users.removePersonalAccessToken', tokenName);
          expectJson(res, 200);
          expect(res.body).toHaveProperty('success', true);
        });
        it('should throw an error when user tries remove a token that does not exist', async () => {
          const res = await post('users.removePersonalAccessToken', 'tokenthatdoesnotexist');
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
        });
      });
    });

    describe('unsuccessful cases', () => {
      beforeAll(() => server.setPermission('create-personal-access-tokens', []));

      describe('should return an error when the user dont have the necessary permission "create-personal-access-tokens"', () => {
        it('/users.generatePersonalAccessToken', async () => {
          const res = await post('users.generatePersonalAccessToken', tokenName);
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
          expect(res.body.errorType).toBe('not-authorized');
        });
        it('/users.regeneratePersonalAccessToken', async () => {
          const res = await post('users.regeneratePersonalAccessToken', tokenName);
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
          expect(res.body.errorType).toBe('not-authorized');
        });
        it('/users.getPersonalAccessTokens', async () => {
          const res = await list();
          expectJson(res, 403);
          expect(res.body).toHaveProperty('success', false);
          expect(res.body.error).toBe(NO_PERMISSION);
        });
        it('/users.removePersonalAccessToken', async () => {
          const res = await post('users.removePersonalAccessToken', tokenName);
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
          expect(res.body.errorType).toBe('not-authorized');
        });
        it('should throw an error when user tries remove a token that does not exist', async () => {
          const res = await post('users.removePersonalAccessToken', 'tokenthatdoesnotexist');
          expectJson(res, 400);
          expect(res.body).toHaveProperty('success', false);
          expect(res.body.errorType).toBe('not-authorized');
        });
      });
    });
  });
});
