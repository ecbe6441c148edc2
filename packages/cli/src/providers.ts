import { createBlynkClient } from '@rosterkit/blynk';
import type { ClientOptions } from '@rosterkit/core';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { createThenaClient } from '@rosterkit/thena';
import type { ProviderId, UserSource } from '@rosterkit/users';

/**
 * How the CLI configures each provider: the client options it needs, each read from an
 * environment variable or the config file. Secret settings are never printed.
 */
export interface CliProvider {
  label: string;
  /** Client option → environment variable. */
  settings: Record<string, string>;
  /** Settings that may be left out. */
  optional?: readonly string[];
  /** Settings that are credentials (never echoed). */
  secrets: readonly string[];
  create(settings: Record<string, string>, common: ClientOptions): UserSource;
}

export const cliProviders: Record<ProviderId, CliProvider> = {
  thena: {
    label: 'Thena',
    settings: { baseUrl: 'ROSTER_THENA_BASE_URL', apiKey: 'ROSTER_THENA_API_KEY' },
    optional: ['baseUrl'],
    secrets: ['apiKey'],
    create: (s, common) =>
      createThenaClient({
        ...common,
        ...(s['baseUrl'] ? { baseUrl: s['baseUrl'] } : {}),
        apiKey: s['apiKey'] ?? '',
      }),
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
    create: (s, common) =>
      createImichatClient({
        ...common,
        baseUrl: s['baseUrl'] ?? '',
        apiKey: s['apiKey'] ?? '',
        teamId: s['teamId'] ?? '',
        ...(s['domainName'] ? { domainName: s['domainName'] } : {}),
      }),
  },
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
  blynk: {
    label: 'Blynk',
    settings: {
      baseUrl: 'ROSTER_BLYNK_BASE_URL',
      clientId: 'ROSTER_BLYNK_CLIENT_ID',
      clientSecret: 'ROSTER_BLYNK_CLIENT_SECRET',
    },
    optional: ['baseUrl'],
    secrets: ['clientSecret'],
    create: (s, common) =>
      createBlynkClient({
        ...common,
        ...(s['baseUrl'] ? { baseUrl: s['baseUrl'] } : {}),
        clientId: s['clientId'] ?? '',
        clientSecret: s['clientSecret'] ?? '',
      }),
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
    create: (s, common) =>
      createRezolveClient({
        ...common,
        baseUrl: s['baseUrl'] ?? '',
        token: s['token'] ?? '',
        tenantId: s['tenantId'] ?? '',
        ...(s['realm'] ? { realm: s['realm'] } : {}),
      }),
  },
};
