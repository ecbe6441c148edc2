import { createBlynkClient } from '@rosterkit/blynk';
import type { ClientOptions } from '@rosterkit/core';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { createThenaClient } from '@rosterkit/thena';
import type { ProviderId, UserSource } from '@rosterkit/users';
import { type ProviderSettings, providerSettings } from './settings.js';

/**
 * How the CLI configures each provider: its settings (see `settings.ts`, each read from an
 * environment variable or a config file) and how a client is made from them. Secret settings are
 * never printed.
 */
export interface CliProvider extends ProviderSettings {
  create(settings: Record<string, string>, common: ClientOptions): UserSource;
}

const create: Record<ProviderId, CliProvider['create']> = {
  thena: (s, common) =>
    createThenaClient({
      ...common,
      ...(s['baseUrl'] ? { baseUrl: s['baseUrl'] } : {}),
      apiKey: s['apiKey'] ?? '',
    }),
  imichat: (s, common) =>
    createImichatClient({
      ...common,
      baseUrl: s['baseUrl'] ?? '',
      apiKey: s['apiKey'] ?? '',
      teamId: s['teamId'] ?? '',
      ...(s['domainName'] ? { domainName: s['domainName'] } : {}),
    }),
  rocketchat: (s, common) =>
    createRocketChatClient({
      ...common,
      baseUrl: s['baseUrl'] ?? '',
      userId: s['userId'] ?? '',
      authToken: s['authToken'] ?? '',
    }),
  blynk: (s, common) =>
    createBlynkClient({
      ...common,
      ...(s['baseUrl'] ? { baseUrl: s['baseUrl'] } : {}),
      clientId: s['clientId'] ?? '',
      clientSecret: s['clientSecret'] ?? '',
    }),
  rezolve: (s, common) =>
    createRezolveClient({
      ...common,
      baseUrl: s['baseUrl'] ?? '',
      token: s['token'] ?? '',
      tenantId: s['tenantId'] ?? '',
      ...(s['realm'] ? { realm: s['realm'] } : {}),
    }),
};

export const cliProviders = Object.fromEntries(
  (Object.keys(providerSettings) as ProviderId[]).map((id) => [
    id,
    { ...providerSettings[id], create: create[id] },
  ]),
) as unknown as Record<ProviderId, CliProvider>;
