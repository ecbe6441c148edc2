import type { FlagSpec } from './command.js';
import { FORMATS } from './format.js';
import { providerIds } from './settings.js';

/** Flags shared by several commands; a command lists the ones it accepts. */
export const FLAGS = {
  sandbox: { type: 'boolean', help: 'Use an in-process sandbox instead of real servers' },
  provider: {
    type: 'string',
    multiple: true,
    value: '<id>',
    help: `A provider to read (repeatable; default: every configured one): ${providerIds.join(', ')}`,
    choices: providerIds,
  },
  format: {
    type: 'string',
    value: '<f>',
    help: 'table | json | ndjson | csv (default: table)',
    choices: FORMATS,
  },
  fields: {
    type: 'string',
    value: '<a,b,…>',
    help: 'Columns (table, csv) or keys (json, ndjson) (default: provider,remoteId,displayName,email,status,roles; json/ndjson: every field)',
  },
  status: {
    type: 'string',
    multiple: true,
    value: '<s>',
    help: 'Only users with this status: active | inactive | invited | unknown (repeatable)',
    choices: ['active', 'inactive', 'invited', 'unknown'],
  },
  raw: { type: 'boolean', help: "Include the provider's raw record (json, ndjson only)" },
  'only-inconsistent': {
    type: 'boolean',
    help: 'People active somewhere and inactive or missing elsewhere',
  },
  'no-formula-escape': {
    type: 'boolean',
    help: "csv: do not prefix cells starting with = + - @ tab CR with ' (spreadsheet formula neutralisation)",
  },
  config: {
    type: 'string',
    value: '<file>',
    help: 'Project settings file (default: ./roster.config.json)',
  },
  users: { type: 'string', value: '<n>', help: 'Sandbox: users per provider (default 25)' },
  seed: { type: 'string', value: '<n>', help: 'Sandbox: seed of the generated data (default 1)' },
  port: { type: 'string', value: '<n>', help: 'Port on 127.0.0.1, 0–65535 (default 0: any free port)' },
  'latency-ms': { type: 'string', value: '<n>', help: 'Sandbox: added latency per request (default 0)' },
  faults: {
    type: 'string',
    value: '<rate>',
    help: 'Sandbox: share of requests that fail (0–1), drawn from the fault kinds',
  },
  'fault-seed': {
    type: 'string',
    value: '<n>',
    help: 'Sandbox: seed of the fault sequence (default: --seed)',
  },
  'fault-kinds': { type: 'string', value: '<a,b,…>', help: 'Sandbox: only these fault kinds' },
  quiet: { type: 'boolean', short: 'q', help: 'No progress output' },
  verbose: {
    type: 'boolean',
    help: 'Log each API request on stderr (method, URL, status, time; never a credential); ROSTER_DEBUG=api does the same',
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

export function pick(...names: FlagName[]): Record<string, FlagSpec> {
  return Object.fromEntries(names.map((n) => [n, FLAGS[n]]));
}
