/**
 * Upstream port (see harness.ts): the mail-sending routes of `[Users]` —
 * `[/users.forgotPassword]`, `[/users.sendConfirmationEmail]`, `[/users.sendWelcomeEmail]`.
 * The sandbox sends no mail; what the routes answer is what these cases check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectJson, type TestUser, useServer } from './harness.js';

describe('[Users]', () => {
  const server = useServer();

  describe('[/users.forgotPassword]', () => {
    it('should return an error when "Accounts_PasswordReset" is disabled', async () => {
      server.setSetting('Accounts_PasswordReset', false);
      const res = await server.request('POST', 'users.forgotPassword', {
        body: { email: server.adminEmail },
      });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('error', 'Password reset is not enabled');
    });

    it('should send email to user (return success), when is a valid email', async () => {
      server.setSetting('Accounts_PasswordReset', true);
      const res = await server.request('POST', 'users.forgotPassword', {
        body: { email: server.adminEmail },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });

    it('should not send email to user(return error), when is a invalid email', async () => {
      const res = await server.request('POST', 'users.forgotPassword', { body: { email: 'invalidEmail' } });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });
  });

  describe('[/users.sendConfirmationEmail]', () => {
    it('should send email to user (return success), when is a valid email', async () => {
      const res = await server.request('POST', 'users.sendConfirmationEmail', {
        as: server.admin,
        body: { email: server.adminEmail },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });
    // "should not send email to user(return error), when is a invalid email": left out, see UPSTREAM.md.
  });

  describe('[/users.sendWelcomeEmail]', () => {
    let user: TestUser;

    beforeAll(async () => {
      user = await server.createUser();
      await server.createUser(); // upstream's otherUser, created and never used
    });

    it('should send Welcome Email to user', async () => {
      server.setSetting('SMTP_Host', 'localhost');
      const res = await server.request('POST', 'users.sendWelcomeEmail', {
        as: server.admin,
        body: { email: user.emails[0]?.address },
      });
      expectJson(res, 200);
      expect(res.body).toHaveProperty('success', true);
    });

    it('should fail to send Welcome Email due to SMTP settings missing', async () => {
      server.setSetting('SMTP_Host', '');
      const res = await server.request('POST', 'users.sendWelcomeEmail', {
        as: server.admin,
        body: { email: user.emails[0]?.address },
      });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body.error).toBe('SMTP is not configured [error-email-send-failed]');
    });

    it('should fail to send Welcome Email due to missing param', async () => {
      server.setSetting('SMTP_Host', '');
      const res = await server.request('POST', 'users.sendWelcomeEmail', { as: server.admin, body: {} });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('errorType', 'invalid-params');
      expect(res.body).toHaveProperty('error', "must have required property 'email' [invalid-params]");
    });

    it('should fail to send Welcome Email due missing user', async () => {
      server.setSetting('SMTP_Host', 'localhost');
      const res = await server.request('POST', 'users.sendWelcomeEmail', {
        as: server.admin,
        body: { email: 'fake_user32132131231@rocket.chat' },
      });
      expectJson(res, 400);
      expect(res.body).toHaveProperty('success', false);
      expect(res.body).toHaveProperty('errorType', 'error-invalid-user');
      expect(res.body).toHaveProperty('error', 'Invalid user [error-invalid-user]');
    });
  });
});
