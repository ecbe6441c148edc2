import type { ClientOptions } from '@rosterkit/core';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import type { ProviderId, UserSource } from '@rosterkit/users';

/**
 * How the CLI configures each provider: the client options it needs, each read from an
 * environment variable or the config file. Secret settings are never printed.
 */
export interface CliProvider {
  label: string;
  /** Client option → environment variable. `baseUrl` is always one of them. */
  settings: Record<string, string>;
  /** Settings that are credentials (never echoed). */
  secrets: readonly string[];
  /** Settings with a default (e.g. a public SaaS host). */
  defaults?: Record<string, string>;
  create(settings: Record<string, string>, common: ClientOptions): UserSource;
}

export const cliProviders: Record<ProviderId, CliProvider> = {
  rocketchat: {
    label: 'Rocket.Chat',
    settings: {
      baseUrl: 'ROSTER_ROCKETCHAT_BASE_URL',
      userId: 'ROSTER_ROCKETCHAT_USER_ID',
      authToken: 'ROSTER_ROCKETCHAT_TOKEN',
    },
    secrets: ['authToken'],
    create: (s, common) =>
      createRocketChatClient({
        ...common,
        baseUrl: s['baseUrl'] ?? '',
        userId: s['userId'] ?? '',
        authToken: s['authToken'] ?? '',
      }),
  },
};
