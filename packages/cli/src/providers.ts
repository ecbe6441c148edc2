import type { ClientOptions } from '@rosterkit/core';
import type { ProviderId, UserSource } from '@rosterkit/users';
import { clientFactories } from './generated/clients.js';
import { generatedSettings } from './generated/settings.js';

/**
 * How the CLI configures each provider: the client options it needs, each read from an
 * environment variable or the config file. Secret settings are never printed. Generated from the
 * provider registry (each provider package.json's "rosterkit" field) by `pnpm generate`.
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

const settings: Record<ProviderId, Omit<CliProvider, 'create'>> = generatedSettings;

export const cliProviders = Object.fromEntries(
  (Object.keys(settings) as ProviderId[]).map((id) => [id, { ...settings[id], create: clientFactories[id] }]),
) as Record<ProviderId, CliProvider>;
