import type { FaultKind, SandboxOptions } from '@rosterkit/sandbox';
import type { ProviderId } from '@rosterkit/users';
import { EXIT, type FlagValues, type Io, intFlag, UsageError } from './command.js';
import { settingsOf } from './settings.js';

/** Sandbox settings shared by `roster sandbox` and `--sandbox`. */
export async function sandboxOptions(
  values: FlagValues,
  command: string,
): Promise<SandboxOptions<ProviderId>> {
  const seed = intFlag(values, 'seed', 1, {}, command);
  const options: SandboxOptions<ProviderId> = {
    users: intFlag(values, 'users', 25, { max: 10_000_000 }, command),
    seed,
    latencyMs: intFlag(values, 'latency-ms', 0, { max: 600_000 }, command),
  };
  const faults = values['faults'] as string | undefined;
  if (faults === undefined) {
    if (values['fault-seed'] !== undefined || values['fault-kinds'] !== undefined)
      throw new UsageError('--fault-seed and --fault-kinds need --faults <rate>', command);
    return options;
  }
  const rate = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(faults) ? Number(faults) : Number.NaN;
  if (!(rate >= 0 && rate <= 1))
    throw new UsageError(`--faults must be a number from 0 to 1, got "${faults}"`, command);
  const { FAULT_KINDS } = await import('@rosterkit/sandbox');
  const kinds = (values['fault-kinds'] as string | undefined)?.split(',').map((k) => k.trim()) ?? [];
  for (const k of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(k))
      throw new UsageError(`unknown fault kind "${k}" (known: ${FAULT_KINDS.join(', ')})`, command);
  }
  options.faults = {
    rate,
    seed: intFlag(values, 'fault-seed', seed, {}, command),
    ...(kinds.length ? { kinds: [...new Set(kinds)] as FaultKind[] } : {}),
  };
  return options;
}

export async function runSandbox(values: FlagValues, io: Io): Promise<number> {
  const options = await sandboxOptions(values, 'sandbox');
  const port = intFlag(values, 'port', 0, { max: 65_535 }, 'sandbox');
  const { startSandbox } = await import('@rosterkit/sandbox');
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({ ...options, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${port} is in use on 127.0.0.1: choose another with --port`);
    if (code === 'EACCES')
      throw new Error(`port ${port} needs privileges: choose one above 1023 with --port`);
    throw error;
  }
  io.stdout(`rosterkit sandbox on ${sandbox.origin} (sandbox credentials, not secrets)\n`);
  const f = options.faults;
  if (f) {
    const kinds = f.kinds?.join(', ') ?? 'every kind';
    io.stdout(`fault injection: ${f.rate * 100}% of requests fail (${kinds}), seed ${f.seed}\n`);
  }
  io.stdout('\n');
  for (const [id, info] of Object.entries(sandbox.providers)) {
    const p = settingsOf(id as ProviderId);
    io.stdout(`${p.label} (${id})\n  ${p.settings['baseUrl' as keyof typeof p.settings]}=${info.baseUrl}\n`);
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
