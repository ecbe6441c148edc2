import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderId } from '@rosterkit/users';
import { UsageError } from './command.js';
import { providerIds, providerSettings, settingsOf } from './settings.js';

/**
 * Provider settings, highest precedence first:
 *   1. environment variables (ROSTER_<PROVIDER>_<SETTING>);
 *   2. the project file: `--config <file>`, or `roster.config.json` in the working directory;
 *   3. the user file: `$XDG_CONFIG_HOME/roster/config.json`, or `~/.config/roster/config.json`
 *      when XDG_CONFIG_HOME is not set.
 * Files follow `roster.config.schema.json` (see `configSchema()`). Values are never printed, and
 * no error ever quotes a file's content.
 */
export type Settings = Partial<Record<ProviderId, Record<string, string>>>;

/** Where a setting came from, in the user's terms. */
export type Origin = { kind: 'env'; variable: string } | { kind: 'file'; path: string; key: string };

export interface LoadedSettings {
  /** Providers with at least one setting. */
  settings: Settings;
  origins: Partial<Record<ProviderId, Record<string, Origin>>>;
  /** Files that were read, highest precedence first. */
  files: string[];
}

export const SCHEMA_FILE = 'roster.config.schema.json';

/** The JSON Schema of a config file, built from the provider registry (shipped as SCHEMA_FILE). */
export function configSchema(): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  for (const id of providerIds) {
    const p = settingsOf(id);
    const properties: Record<string, unknown> = {};
    for (const [key, variable] of Object.entries(p.settings)) {
      properties[key] = {
        type: 'string',
        minLength: 1,
        description: `${p.secrets.includes(key) ? 'Credential. ' : ''}${
          p.optional?.includes(key) ? 'Optional. ' : ''
        }Overridden by the environment variable ${variable}.`,
      };
    }
    providers[id] = {
      type: 'object',
      description: `${p.label} settings.`,
      additionalProperties: false,
      properties,
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://unpkg.com/@rosterkit/cli/roster.config.schema.json',
    title: 'roster.config.json',
    description:
      'Provider settings for the roster command (@rosterkit/cli). Environment variables win over this file.',
    type: 'object',
    additionalProperties: false,
    required: ['providers'],
    properties: {
      $schema: { type: 'string', description: 'Path or URL of this schema, for editors.' },
      providers: {
        type: 'object',
        description: 'Settings per provider id.',
        additionalProperties: false,
        properties: providers,
      },
    },
  };
}

function kindOf(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `a ${typeof v}`;
}

/** Validates a parsed config file; the error names the key, never the value. */
export function validateConfig(
  data: unknown,
  path: string,
): Partial<Record<ProviderId, Record<string, string>>> {
  const fail = (msg: string) => new UsageError(`config file ${path}: ${msg}`);
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw fail(`must be an object like {"providers": {…}}, found ${kindOf(data)}`);
  const root = data as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (key === '$schema' || key === 'providers') continue;
    if ((providerIds as string[]).includes(key))
      throw fail(`"${key}" must be inside "providers": {"providers": {"${key}": {…}}}`);
    throw fail(`unknown key "${key}" (allowed: providers, $schema)`);
  }
  if (root['$schema'] !== undefined && typeof root['$schema'] !== 'string')
    throw fail(`"$schema" must be a string, found ${kindOf(root['$schema'])}`);
  if (!('providers' in root)) throw fail('missing "providers": the file must look like {"providers": {…}}');
  const providers = root['providers'];
  if (providers === null || typeof providers !== 'object' || Array.isArray(providers))
    throw fail(`"providers" must be an object, found ${kindOf(providers)}`);
  const out: Partial<Record<ProviderId, Record<string, string>>> = {};
  for (const [id, value] of Object.entries(providers)) {
    if (!(providerIds as string[]).includes(id))
      throw fail(`unknown provider "providers.${id}" (known: ${providerIds.join(', ')})`);
    const p = providerSettings[id as ProviderId];
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw fail(`"providers.${id}" must be an object, found ${kindOf(value)}`);
    const keys = Object.keys(p.settings);
    const values: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (!keys.includes(key))
        throw fail(`unknown key "providers.${id}.${key}" (allowed: ${keys.join(', ')})`);
      if (typeof v !== 'string')
        throw fail(
          `"providers.${id}.${key}" must be a string, found ${kindOf(v)}${typeof v === 'number' ? ' (quote it)' : ''}`,
        );
      if (v === '') throw fail(`"providers.${id}.${key}" is empty`);
      values[key] = v;
    }
    out[id as ProviderId] = values;
  }
  return out;
}

async function readConfig(
  path: string,
  required: boolean,
): Promise<Partial<Record<ProviderId, Record<string, string>>> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read config file ${path} (${code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's message quotes the file around the error, which may be a secret: never show it.
    throw new UsageError(`config file ${path} is not valid JSON${jsonErrorLocation(text)}`);
  }
  return validateConfig(data, path);
}

/** "at line L, column C" of the first syntax error, found without quoting any content. */
function jsonErrorLocation(text: string): string {
  // Longest prefix that is still a valid beginning of JSON: bisect on "prefix + closers parses".
  let lo = 0;
  let hi = text.length;
  const canStart = (n: number) => {
    const prefix = text.slice(0, n);
    try {
      JSON.parse(prefix);
      return true;
    } catch (e) {
      // Incomplete (not wrong) when the parser ran off the end of the prefix.
      const msg = (e as Error).message;
      const at = /at position (\d+)/.exec(msg);
      return /end of JSON input/.test(msg) || (at !== null && Number(at[1]) >= n);
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (canStart(mid)) lo = mid;
    else hi = mid - 1;
  }
  const before = text.slice(0, lo);
  const line = before.split('\n').length;
  const column = lo - before.lastIndexOf('\n');
  return ` (syntax error at line ${line}, column ${column}; content not shown, it may hold secrets)`;
}

/** The user-level config file path (it may not exist). */
export function userConfigPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg?.startsWith('/')) return join(xdg, 'roster', 'config.json');
  const home = env['HOME'];
  return home ? join(home, '.config', 'roster', 'config.json') : undefined;
}

export async function loadSettings(
  env: Readonly<Record<string, string | undefined>>,
  configPath: string | undefined,
  cwd: string,
): Promise<LoadedSettings> {
  const projectPath = configPath ?? join(cwd, 'roster.config.json');
  const userPath = userConfigPath(env);
  const layers: { path: string; data: Partial<Record<ProviderId, Record<string, string>>> }[] = [];
  // Lowest precedence first.
  if (userPath) {
    const data = await readConfig(userPath, false);
    if (data) layers.push({ path: userPath, data });
  }
  const project = await readConfig(projectPath, configPath !== undefined);
  if (project) layers.push({ path: projectPath, data: project });

  const settings: Settings = {};
  const origins: LoadedSettings['origins'] = {};
  for (const id of providerIds) {
    const values: Record<string, string> = {};
    const from: Record<string, Origin> = {};
    for (const layer of layers) {
      for (const [key, value] of Object.entries(layer.data[id] ?? {})) {
        values[key] = value;
        from[key] = { kind: 'file', path: layer.path, key: `providers.${id}.${key}` };
      }
    }
    for (const [key, variable] of Object.entries(settingsOf(id).settings)) {
      const v = env[variable];
      if (v !== undefined && v !== '') {
        values[key] = v;
        from[key] = { kind: 'env', variable };
      }
    }
    if (Object.keys(values).length) {
      settings[id] = values;
      origins[id] = from;
    }
  }
  return { settings, origins, files: layers.map((l) => l.path).reverse() };
}

/**
 * Required settings a provider lacks, named the way the user configures it: file keys when any of
 * its settings came from a file, otherwise environment variables.
 */
export function missingSettings(id: ProviderId, loaded: LoadedSettings): string[] {
  const p = settingsOf(id);
  const values = loaded.settings[id] ?? {};
  const from = Object.values(loaded.origins[id] ?? {});
  const file = from.find((o): o is Extract<Origin, { kind: 'file' }> => o.kind === 'file');
  return Object.entries(p.settings)
    .filter(([key]) => !p.optional?.includes(key))
    .filter(([key]) => values[key] === undefined || values[key] === '')
    .map(([key, variable]) =>
      file ? `"providers.${id}.${key}" in ${file.path} (or ${variable})` : variable,
    );
}
