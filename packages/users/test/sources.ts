import { createRocketChatClient } from '@rosterkit/rocketchat';
import type { Sandbox, SandboxProviderId } from '@rosterkit/sandbox';
import { listUsers, mapUser, type ProviderId, type User, type UserSource } from '../src/index.js';

/** A configured client for each provider, pointed at the sandbox. */
export function clientFor(box: Sandbox<SandboxProviderId>, provider: ProviderId): UserSource {
  const { baseUrl, credentials: c } = box.providers[provider];
  switch (provider) {
    case 'rocketchat':
      return createRocketChatClient({ baseUrl, userId: c['userId'] ?? '', authToken: c['authToken'] ?? '' });
  }
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
  if (provider === 'rocketchat') {
    const rc = createRocketChatClient({
      baseUrl,
      userId: c['userId'] ?? '',
      authToken: c['authToken'] ?? '',
    });
    for (const u of listed.slice(0, 10)) {
      const { data } = await rc.GET('/api/v1/users.info', { params: { query: { userId: u.remoteId } } });
      yield mapUser('rocketchat', data.user);
    }
  }
}
