import { parseArgs } from 'node:util';
import type { ClientOptions, TransportEvent } from '@rosterkit/core';
import { FAULT_KINDS, type FaultKind, type SandboxOptions, startSandbox } from '@rosterkit/sandbox';
import {
  providers as allProviders,
  buildDirectory,
  isInconsistent,
  isListUsersError,
  listUsers,
  type ProviderId,
  USER_FIELDS,
  type User,
  type UserSource,
} from '@rosterkit/users';
import { loadSettings, missingSettings, type Settings, UsageError } from './config.js';
import { cellText, directoryRow, FORMATS, type Format, RowWriter, toRecord } from './format.js';
import { isLifecycleCommand, runLifecycle } from './lifecycle.js';
import { cliProviders } from './providers.js';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Whether stderr is a terminal (progress output). */
  isTTY: boolean;
  /** Resolves when the user asks to stop (Ctrl-C) — used by `roster sandbox`. */
  untilInterrupted?: () => Promise<void>;
}

/** Exit codes. */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

const USAGE = `Usage: roster <command> [options]

Commands:
  users              List users of one or more providers as common User records
  directory          People merged across providers by email, one column per provider
  sandbox            Run the local sandbox of every provider API on 127.0.0.1
  config check       Show which providers are configured and reachable (no secrets printed)
  offboard <email>   Plan (and with --yes apply) removing a person's access everywhere; see roster offboard --help
  onboard <email>    Plan (and with --yes apply) creating a person's accounts; see roster onboard --help

Options for users and directory:
  --sandbox                  Use an in-process sandbox instead of real servers
  --provider <id>            A provider to read (repeatable; default: every configured one)
                             ids: ${allProviders.join(', ')}
  --format <f>               table | json | ndjson | csv (default: table)
  --fields <a,b,...>         Columns for users (default: provider,remoteId,displayName,email,status,roles)
  --status <s>               Only users with this status: active | inactive | invited | unknown (repeatable)
  --raw                      Include the provider's raw record (json, ndjson)
  --only-inconsistent        directory: people active somewhere and inactive or missing elsewhere
  --config <file>            Provider settings file (default: ./roster.config.json)
  --users <n>                Sandbox: users per provider (default 25)
  --seed <n>                 Sandbox: seed (default 1)
  --faults <rate>            Sandbox: share of requests that fail (0–1), see below
  --quiet                    No progress output

Options for sandbox:
  --port <n>  --users <n>  --seed <n>  --latency-ms <n>
  --faults <rate>            Share of requests that fail (0–1), drawn from the fault kinds
  --fault-seed <n>           Seed of the fault sequence (default: --seed)
  --fault-kinds <a,b,...>    Only these kinds: ${FAULT_KINDS.join(', ')}

Credentials come from environment variables or the config file, never from flags:
${Object.entries(cliProviders)
  .map(([id, p]) => `  ${id.padEnd(11)} ${Object.values(p.settings).join(', ')}`)
  .join('\n')}
`;

const DEFAULT_FIELDS = ['provider', 'remoteId', 'displayName', 'email', 'status', 'roles'];
const STATUSES = ['active', 'inactive', 'invited', 'unknown'];

export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    if (isLifecycleCommand(argv)) return await runLifecycle(argv, io);
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`roster: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    io.stderr(`roster: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        sandbox: { type: 'boolean' },
        provider: { type: 'string', multiple: true },
        format: { type: 'string' },
        fields: { type: 'string' },
        status: { type: 'string', multiple: true },
        raw: { type: 'boolean' },
        'only-inconsistent': { type: 'boolean' },
        config: { type: 'string' },
        users: { type: 'string' },
        seed: { type: 'string' },
        port: { type: 'string' },
        'latency-ms': { type: 'string' },
        faults: { type: 'string' },
        'fault-seed': { type: 'string' },
        'fault-kinds': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

type Parsed = ReturnType<typeof parse>['values'];

function intOption(
  values: Parsed,
  name: 'users' | 'seed' | 'port' | 'latency-ms' | 'fault-seed',
  fallback: number,
  min = 0,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

/** Sandbox settings shared by `roster sandbox` and `--sandbox`. */
function sandboxOptions(values: Parsed): SandboxOptions<ProviderId> {
  const seed = intOption(values, 'seed', 1);
  const options: SandboxOptions<ProviderId> = {
    users: intOption(values, 'users', 25),
    seed,
    latencyMs: intOption(values, 'latency-ms', 0),
  };
  if (values.faults === undefined) {
    if (values['fault-seed'] !== undefined || values['fault-kinds'] !== undefined)
      throw new UsageError('--fault-seed and --fault-kinds need --faults <rate>');
    return options;
  }
  const rate = Number(values.faults);
  if (values.faults.trim() === '' || !(rate >= 0 && rate <= 1))
    throw new UsageError(`--faults must be a number from 0 to 1, got "${values.faults}"`);
  const kinds = values['fault-kinds']?.split(',').map((k) => k.trim()) ?? [];
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw new UsageError(`unknown fault kind "${k}" (known: ${FAULT_KINDS.join(', ')})`);
  }
  options.faults = {
    rate,
    seed: intOption(values, 'fault-seed', seed),
    ...(kinds.length ? { kinds: kinds as FaultKind[] } : {}),
  };
  return options;
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, sub, ...extra] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  if (command === 'sandbox') return runSandbox(values, io);
  if (command === 'config') {
    if (sub !== 'check' || extra.length)
      throw new UsageError(`unknown config command: ${[sub, ...extra].join(' ') || '(none)'}`);
    return configCheck(values, io);
  }
  if (command !== 'users' && command !== 'directory') throw new UsageError(`unknown command: ${command}`);
  if (sub !== undefined) throw new UsageError(`unexpected argument: ${sub}`);

  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  const requested = (values.provider ?? []) as string[];
  for (const p of requested) {
    if (!allProviders.includes(p as ProviderId))
      throw new UsageError(`unknown --provider "${p}" (known: ${allProviders.join(', ')})`);
  }
  for (const s of values.status ?? []) {
    if (!STATUSES.includes(s))
      throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, got "${s}"`);
  }
  const fields = values.fields ? values.fields.split(',').map((f) => f.trim()) : DEFAULT_FIELDS;
  for (const f of fields) {
    if (!(USER_FIELDS as readonly string[]).includes(f))
      throw new UsageError(`unknown field "${f}" in --fields (known: ${USER_FIELDS.join(', ')})`);
  }

  let stopSandbox: (() => Promise<void>) | undefined;
  let settings: Settings;
  if (values.sandbox) {
    const ids = (requested.length ? requested : allProviders) as ProviderId[];
    const sandbox = await startSandbox({ ...sandboxOptions(values), providers: ids });
    stopSandbox = () => sandbox.close();
    settings = {};
    for (const id of ids) {
      const info = sandbox.providers[id];
      settings[id] = { baseUrl: info.baseUrl, ...info.credentials };
    }
  } else {
    settings = await loadSettings(io.env, values.config, io.cwd);
  }

  try {
    const ids = (requested.length ? requested : Object.keys(settings)) as ProviderId[];
    if (ids.length === 0) {
      throw new UsageError(
        'no provider is configured: set the environment variables below, use --config, or try --sandbox',
      );
    }
    const progress = io.isTTY && !values.quiet;
    const sources: UserSource[] = [];
    for (const id of ids) {
      const s = settings[id];
      if (!s)
        throw new UsageError(`provider ${id} is not configured (set ${missingSettings(id, {}).join(', ')})`);
      const missing = missingSettings(id, s);
      if (missing.length) throw new UsageError(`provider ${id} is missing ${missing.join(', ')}`);
      const common: ClientOptions = progress ? { onEvent: (e) => io.stderr(describeEvent(id, e)) } : {};
      sources.push(cliProviders[id].create(s, common));
    }

    const statuses = new Set(values.status ?? []);
    const keep = (u: User) => statuses.size === 0 || statuses.has(u.status);
    const counts = new Map<string, number>();
    const onProgress = progress
      ? (p: { provider: string; usersRead: number; done: boolean }) => {
          counts.set(p.provider, p.usersRead);
          if (p.done || p.usersRead % 100 === 0) {
            io.stderr(`\r${[...counts].map(([k, v]) => `${k}: ${v}`).join('  ')}${p.done ? '' : ' …'}\x1b[K`);
          }
        }
      : undefined;

    let failure: string | undefined;
    const collected: User[] = [];
    const writer = command === 'users' ? new RowWriter(format, fields, io.stdout) : undefined;
    try {
      for await (const user of listUsers(sources, onProgress ? { onProgress } : {})) {
        if (writer) {
          if (keep(user))
            writer.write(
              toRecord(user, values.raw === true),
              fields.map((f) => user[f as keyof User]),
            );
        } else collected.push(user);
      }
    } catch (error) {
      if (!isListUsersError(error)) throw error;
      failure = error.failures
        .map((f) => `roster: ${f.provider}: incomplete after ${f.usersRead} user(s): ${f.error.message}`)
        .join('\n');
    }
    if (progress) io.stderr('\n');
    if (writer) writer.end();
    else {
      const people = buildDirectory(collected);
      const shown = values['only-inconsistent'] ? people.filter((p) => isInconsistent(p, ids)) : people;
      const dir = new RowWriter(format, ['person', 'email', ...ids], io.stdout);
      for (const person of shown) {
        const row = directoryRow(person, ids);
        dir.write(row.record, row.cells);
      }
      dir.end();
    }
    if (failure) {
      io.stderr(`${failure}\n`);
      return EXIT.partial;
    }
    return EXIT.ok;
  } finally {
    await stopSandbox?.();
  }
}

function describeEvent(provider: string, e: TransportEvent): string {
  if (e.type === 'rate-limit')
    return `\n${provider}: rate limited, waiting ${Math.ceil(e.delayMs / 1000)} s\n`;
  if (e.type === 'retry')
    return `\n${provider}: ${e.reason}, retrying in ${Math.round(e.delayMs)} ms (attempt ${e.attempt + 1})\n`;
  return '';
}

async function runSandbox(values: Parsed, io: Io): Promise<number> {
  const options = sandboxOptions(values);
  const sandbox = await startSandbox({ ...options, port: intOption(values, 'port', 0) });
  io.stdout(`rosterkit sandbox on ${sandbox.origin} (sandbox credentials, not secrets)\n`);
  const f = options.faults;
  if (f) {
    const kinds = f.kinds?.join(', ') ?? 'every kind';
    io.stdout(`fault injection: ${f.rate * 100}% of requests fail (${kinds}), seed ${f.seed}\n`);
  }
  io.stdout('\n');
  for (const [id, info] of Object.entries(sandbox.providers)) {
    const p = cliProviders[id as ProviderId];
    io.stdout(`${p.label} (${id})\n  ${p.settings['baseUrl']}=${info.baseUrl}\n`);
    for (const [key, variable] of Object.entries(p.settings)) {
      if (key !== 'baseUrl' && info.credentials[key] !== undefined)
        io.stdout(`  ${variable}=${info.credentials[key]}\n`);
    }
    io.stdout('\n');
  }
  io.stdout('Press Ctrl-C to stop.\n');
  await (io.untilInterrupted?.() ?? Promise.resolve());
  await sandbox.close();
  return EXIT.ok;
}

async function configCheck(values: Parsed, io: Io): Promise<number> {
  const settings = await loadSettings(io.env, values.config, io.cwd);
  let bad = 0;
  for (const id of allProviders) {
    const s = settings[id];
    const p = cliProviders[id];
    if (!s) {
      io.stdout(`${id.padEnd(11)} not configured (${Object.values(p.settings).join(', ')})\n`);
      continue;
    }
    const missing = missingSettings(id, s);
    if (missing.length) {
      bad++;
      io.stdout(`${id.padEnd(11)} incomplete: missing ${missing.join(', ')}\n`);
      continue;
    }
    try {
      const source = p.create(s, { timeoutMs: 15_000, retry: { maxAttempts: 2 } });
      for await (const _ of source.iterateUsers(undefined, {})) break;
      io.stdout(`${id.padEnd(11)} ok: ${cellText(s['baseUrl'])} reachable, credentials accepted\n`);
    } catch (error) {
      bad++;
      io.stdout(`${id.padEnd(11)} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return bad ? EXIT.failure : EXIT.ok;
}
