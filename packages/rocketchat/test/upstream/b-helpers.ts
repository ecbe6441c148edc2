/**
 * A helper the part-B files of the upstream port need beyond `harness.ts` (ours, written for this
 * repository): the "is this session gone" polling upstream's logoutOtherClients/removeOtherTokens
 * cases do against `/api/v1/me`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Credentials, Server } from './harness.js';

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
