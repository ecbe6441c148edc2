import { cliProviders } from '@rosterkit/cli';
import type { ClientOptions } from '@rosterkit/core';
import type { Sandbox, SandboxProviderId } from '@rosterkit/sandbox';
import type { UserSource } from '@rosterkit/users';

/** A provider's client configured for the sandbox the way `roster users --sandbox` does it. */
export function sandboxSource(
  box: Sandbox<SandboxProviderId>,
  id: SandboxProviderId,
  options: ClientOptions = {},
  credentials: Record<string, string> = {},
): UserSource {
  const info = box.providers[id];
  return cliProviders[id].create({ baseUrl: info.baseUrl, ...info.credentials, ...credentials }, options);
}

/** The identity of a raw user record, whatever the provider calls its id field. */
export function rawId(id: SandboxProviderId, user: unknown): string {
  const r = user as Record<string, unknown>;
  return String(id === 'rocketchat' ? r['_id'] : r['id']);
}
