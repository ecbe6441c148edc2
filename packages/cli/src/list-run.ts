import type { ClientOptions, TransportEvent } from '@rosterkit/core';
import {
  buildDirectory,
  isInconsistent,
  isListUsersError,
  listUsers,
  type ProviderFailure,
  type ProviderId,
  USER_FIELDS,
  type User,
  type UserSource,
} from '@rosterkit/users';
import { apiLog, isVerbose } from './api-log.js';
import { EXIT, type FlagValues, type Io, UsageError } from './command.js';
import { type LoadedSettings, loadSettings, missingSettings } from './config.js';
import { directoryRow, FORMATS, type Format, RowWriter, sortUsers, toRecord } from './format.js';
import { cliProviders } from './providers.js';
import { sandboxOptions } from './sandbox-run.js';
import { providerIds } from './settings.js';
import { oneLine } from './text.js';

const DEFAULT_FIELDS = ['provider', 'remoteId', 'displayName', 'email', 'status', 'roles'];
const SANDBOX_ONLY = ['users', 'seed', 'latency-ms', 'faults', 'fault-seed', 'fault-kinds'] as const;

/** `roster users` and `roster directory`. */
export async function runList(command: 'users' | 'directory', values: FlagValues, io: Io): Promise<number> {
  const format = (values['format'] ?? 'table') as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values['format']}"`, command);
  if (values['raw'] && format !== 'json' && format !== 'ndjson')
    throw new UsageError(`--raw applies to --format json or ndjson, not ${format}`, command);
  if (values['no-formula-escape'] && format !== 'csv')
    throw new UsageError(`--no-formula-escape applies to --format csv only`, command);
  if (!values['sandbox']) {
    for (const f of SANDBOX_ONLY)
      if (values[f] !== undefined) throw new UsageError(`--${f} applies only with --sandbox`, command);
  } else if (values['config'] !== undefined) {
    throw new UsageError(
      '--config does not apply with --sandbox (the sandbox brings its own settings)',
      command,
    );
  }
  const requested = (values['provider'] as string[] | undefined) ?? [];
  for (const p of requested) {
    if (!providerIds.includes(p as ProviderId))
      throw new UsageError(`unknown --provider "${p}" (known: ${providerIds.join(', ')})`, command);
  }
  const statuses = new Set((values['status'] as string[] | undefined) ?? []);
  let fields: string[] | undefined;
  if (typeof values['fields'] === 'string') {
    fields = [...new Set(values['fields'].split(',').map((f) => f.trim()))];
    for (const f of fields) {
      if (!(USER_FIELDS as readonly string[]).includes(f))
        throw new UsageError(`unknown field "${f}" in --fields (known: ${USER_FIELDS.join(', ')})`, command);
    }
  }

  let stopSandbox: (() => Promise<void>) | undefined;
  let loaded: LoadedSettings;
  if (values['sandbox']) {
    const ids = (requested.length ? requested : providerIds) as ProviderId[];
    const options = await sandboxOptions(values, command);
    const { startSandbox } = await import('@rosterkit/sandbox');
    const sandbox = await startSandbox({ ...options, providers: ids });
    stopSandbox = () => sandbox.close();
    loaded = { settings: {}, origins: {}, files: [] };
    for (const id of ids) {
      const info = sandbox.providers[id];
      loaded.settings[id] = { baseUrl: info.baseUrl, ...info.credentials } as Record<string, string>;
    }
  } else {
    loaded = await loadSettings(io.env, values['config'] as string | undefined, io.cwd);
  }

  try {
    // Registry order, whatever order --provider was given in: the output does not depend on it.
    const ids = providerIds.filter((id) =>
      requested.length ? requested.includes(id) : loaded.settings[id] !== undefined,
    );
    if (ids.length === 0) {
      throw new UsageError(
        'no provider is configured: set ROSTER_* environment variables (roster config check lists them), use --config, or try --sandbox',
        command,
      );
    }
    const verbose = isVerbose(values, io);
    const progress = io.isTTY && !values['quiet'] && !verbose;
    const sources: UserSource[] = [];
    for (const id of ids) {
      const s = loaded.settings[id];
      const missing = missingSettings(id, loaded);
      if (!s) throw new UsageError(`provider ${id} is not configured (set ${missing.join(', ')})`, command);
      if (missing.length)
        throw new UsageError(`provider ${id} is incomplete: missing ${missing.join(', ')}`, command);
      const common: ClientOptions = verbose
        ? { onEvent: apiLog(id, io) }
        : progress
          ? { onEvent: (e) => io.stderr(describeEvent(id, e)) }
          : {};
      sources.push(cliProviders[id].create(s, common));
    }

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

    let failures: ProviderFailure[] = [];
    const collected: User[] = [];
    const writerOptions = { columns: io.columns, escapeFormulas: !values['no-formula-escape'] };
    const columns = command === 'users' ? (fields ?? DEFAULT_FIELDS) : ['person', 'email', ...ids];
    const writer = new RowWriter(format, columns, io.stdout, writerOptions);
    const withRaw = values['raw'] === true;
    const emit = (user: User) =>
      writer.write(
        toRecord(user, withRaw, fields),
        columns.map((f) => user[f as keyof User]),
      );
    try {
      for await (const user of listUsers(sources, onProgress ? { onProgress } : {})) {
        if (command === 'users' && !keep(user)) continue;
        // ndjson streams in arrival order; every other format is sorted at the end.
        if (command === 'users' && format === 'ndjson') emit(user);
        else collected.push(user);
      }
    } catch (error) {
      if (!isListUsersError(error)) throw error;
      failures = error.failures;
    }
    if (progress) io.stderr('\n');
    sortUsers(collected, ids);
    if (command === 'users') {
      for (const user of collected) emit(user);
    } else {
      const people = buildDirectory(collected);
      const shown = values['only-inconsistent'] ? people.filter((p) => isInconsistent(p, ids)) : people;
      for (const person of shown) {
        const row = directoryRow(person, ids);
        writer.write(row.record, row.cells);
      }
    }
    writer.end();
    for (const f of failures) {
      const what = f.usersRead ? `incomplete after ${f.usersRead} user(s)` : 'failed';
      io.stderr(`roster: ${f.provider}: ${what}: ${oneLine(f.error.message)}\n`);
    }
    return exitFor(failures, ids.length);
  } finally {
    await stopSandbox?.();
  }
}

/** Whether a provider refused the credentials. */
export function isAuthFailure(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  const kind = (error as { kind?: unknown } | null)?.kind;
  return kind === 'auth' || (kind === 'http' && (status === 401 || status === 403));
}

export function exitFor(failures: readonly { error: unknown }[], total: number): number {
  if (failures.length === 0) return EXIT.ok;
  if (failures.some((f) => isAuthFailure(f.error))) return EXIT.auth;
  return failures.length >= total ? EXIT.failure : EXIT.partial;
}

function describeEvent(provider: string, e: TransportEvent): string {
  if (e.type === 'rate-limit')
    return `\n${provider}: rate limited, waiting ${Math.ceil(e.delayMs / 1000)} s\n`;
  if (e.type === 'retry')
    return `\n${provider}: ${oneLine(e.reason, 120)}, retrying in ${Math.round(e.delayMs)} ms (attempt ${e.attempt + 1})\n`;
  return '';
}
