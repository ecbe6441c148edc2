import { createBlynkClient } from '@rosterkit/blynk';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import type { Sandbox, SandboxProviderId } from '@rosterkit/sandbox';
import { listUsers, mapUser, type ProviderId, type User, type UserSource } from '../src/index.js';
import { clientFactories } from './generated/clients.js';

/** A configured client for each provider, pointed at the sandbox (the registry's client factories). */
export function clientFor(box: Sandbox<SandboxProviderId>, provider: ProviderId): UserSource {
  const { baseUrl, credentials } = box.providers[provider];
  return clientFactories[provider]({ baseUrl, ...credentials }, {});
}

/** Every user of the provider's listing, plus the richer single-user records where the API has them. */
export async function* sourcesFor(
  box: Sandbox<SandboxProviderId>,
  provider: ProviderId,
): AsyncIterable<User> {
  const listed: User[] = [];
  for await (const u of listUsers([clientFor(box, provider)])) {
    listed.push(u);
    yield u;
  }
  const { baseUrl, credentials: c } = box.providers[provider];
  const s = (k: string) => c[k] ?? '';
  if (provider === 'rocketchat') {
    const rc = createRocketChatClient({ baseUrl, userId: s('userId'), authToken: s('authToken') });
    for (const u of listed.slice(0, 10)) {
      const { data } = await rc.GET('/api/v1/users.info', { params: { query: { userId: u.remoteId } } });
      yield mapUser('rocketchat', data.user);
    }
  }
  if (provider === 'blynk') {
    const b = createBlynkClient({ baseUrl, clientId: s('clientId'), clientSecret: s('clientSecret') });
    for (const u of listed.slice(0, 10)) {
      const { data } = await b.GET('/api/v1/organization/user', {
        params: { query: { userId: Number(u.remoteId) } },
      });
      yield mapUser('blynk', data);
    }
  }
  if (provider === 'rezolve') {
    const r = createRezolveClient({ baseUrl, token: s('token'), tenantId: s('tenantId'), realm: s('realm') });
    const { data } = await r.GET('/user/userinfo');
    yield mapUser('rezolve', data.data);
  }
}
