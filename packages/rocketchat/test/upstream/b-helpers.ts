/**
 * Helpers the part-B files of the upstream port need beyond `harness.ts` (ours, written for this
 * repository): upstream's `registerUser` (tests/data/users.helper) and the "is this session gone"
 * polling its logoutOtherClients/removeOtherTokens cases do against `/api/v1/me`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Credentials, Server, TestUser } from './harness.js';

/**
 * `users.register` sent with the admin's headers (upstream registers that way), with upstream's
 * defaults: username `user.test.<time>`, e-mail `<username>@rocket.chat`, name = username and the
 * shared test password. Returns the `user` of the answer.
 */
export async function registerUser(
  server: Server,
  data: { username?: string; email?: string; name?: string; pass?: string } = {},
): Promise<TestUser> {
  const username = data.username || `user.test.${Date.now()}`;
  const email = data.email || `${username}@rocket.chat`;
  const res = await server.request('POST', 'users.register', {
    as: server.admin,
    body: { email, name: username, username, pass: server.password, ...data },
  });
  return res.body.user;
}

/**
 * Upstream's check after `logoutOtherClients`/`removeOtherTokens`: within 20 tries one second
 * apart, a request to a route that needs a login (`GET /api/v1/me`) with the old credentials is
 * answered 401. Resolves true as soon as it is, false when it never was.
 */
export async function sessionEnds(server: Server, old: Credentials, tries = 20): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (i > 0) await sleep(1000);
    if ((await server.request('GET', 'me', { as: old })).status === 401) return true;
  }
  return false;
}
