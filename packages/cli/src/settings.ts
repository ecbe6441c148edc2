import type { ProviderId } from '@rosterkit/users';

/**
 * How the CLI configures each provider, as plain data (no client code, so `--help` stays fast):
 * the client options it needs, each read from an environment variable or a config file.
 * Keyed by the facade's provider registry: a provider missing here fails to compile.
 */
export interface ProviderSettings {
  label: string;
  /** Client option (config file key) → environment variable. */
  settings: Record<string, string>;
  /** Settings that may be left out. */
  optional?: readonly string[];
  /** Settings that are credentials (never echoed). */
  secrets: readonly string[];
}

export const providerSettings = {
  thena: {
    label: 'Thena',
    settings: { baseUrl: 'ROSTER_THENA_BASE_URL', apiKey: 'ROSTER_THENA_API_KEY' },
    optional: ['baseUrl'],
    secrets: ['apiKey'],
  },
  imichat: {
    label: 'imi.chat',
    settings: {
      baseUrl: 'ROSTER_IMICHAT_BASE_URL',
      apiKey: 'ROSTER_IMICHAT_API_KEY',
      teamId: 'ROSTER_IMICHAT_TEAM_ID',
      domainName: 'ROSTER_IMICHAT_DOMAIN',
    },
    optional: ['domainName'],
    secrets: ['apiKey'],
  },
  rocketchat: {
    label: 'Rocket.Chat',
    settings: {
      baseUrl: 'ROSTER_ROCKETCHAT_BASE_URL',
      userId: 'ROSTER_ROCKETCHAT_USER_ID',
      authToken: 'ROSTER_ROCKETCHAT_TOKEN',
    },
    secrets: ['authToken'],
  },
  blynk: {
    label: 'Blynk',
    settings: {
      baseUrl: 'ROSTER_BLYNK_BASE_URL',
      clientId: 'ROSTER_BLYNK_CLIENT_ID',
      clientSecret: 'ROSTER_BLYNK_CLIENT_SECRET',
    },
    optional: ['baseUrl'],
    secrets: ['clientSecret'],
  },
  rezolve: {
    label: 'Rezolve.ai',
    settings: {
      baseUrl: 'ROSTER_REZOLVE_BASE_URL',
      token: 'ROSTER_REZOLVE_TOKEN',
      tenantId: 'ROSTER_REZOLVE_TENANT_ID',
      realm: 'ROSTER_REZOLVE_REALM',
    },
    optional: ['realm'],
    secrets: ['token'],
  },
} as const satisfies Record<ProviderId, ProviderSettings>;

/** Provider ids in registry order. */
export const providerIds = Object.keys(providerSettings) as ProviderId[];

export function settingsOf(id: ProviderId): ProviderSettings {
  return providerSettings[id];
}
