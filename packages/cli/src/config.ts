import { readFile } from 'node:fs/promises';
import type { ProviderId } from '@rosterkit/users';
import { cliProviders } from './providers.js';

/**
 * Provider settings come from environment variables (ROSTER_<PROVIDER>_<SETTING>) or a JSON
 * config file (`roster.config.json` in the working directory, or `--config`):
 *   { "providers": { "rocketchat": { "baseUrl": "...", "userId": "...", "authToken": "..." } } }
 * Environment variables win over the file. Values are never printed.
 */
export type Settings = Partial<Record<ProviderId, Record<string, string>>>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export async function loadSettings(
  env: Readonly<Record<string, string | undefined>>,
  configPath: string | undefined,
  cwd: string,
): Promise<Settings> {
  let file: Record<string, Record<string, unknown>> = {};
  const path = configPath ?? `${cwd}/roster.config.json`;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as {
      providers?: Record<string, Record<string, unknown>>;
    };
    file = parsed.providers ?? {};
  } catch (error) {
    if (configPath !== undefined || (error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UsageError(`cannot read config file ${path}: ${(error as Error).message}`);
    }
  }
  const settings: Settings = {};
  for (const [id, provider] of Object.entries(cliProviders) as [
    ProviderId,
    (typeof cliProviders)[ProviderId],
  ][]) {
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(file[id] ?? {}))
      if (typeof value === 'string') values[key] = value;
    for (const [key, variable] of Object.entries(provider.settings)) {
      const v = env[variable];
      if (v !== undefined && v !== '') values[key] = v;
    }
    const configured = provider.secrets.some((k) => values[k] !== undefined);
    if (configured) settings[id] = values;
  }
  return settings;
}

/** Settings that are missing for a provider, as the variables that would set them. */
export function missingSettings(id: ProviderId, values: Record<string, string>): string[] {
  const provider = cliProviders[id];
  return Object.entries(provider.settings)
    .filter(([key]) => !provider.optional?.includes(key))
    .filter(([key]) => values[key] === undefined || values[key] === '')
    .map(([, variable]) => variable);
}
