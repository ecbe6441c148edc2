import { parseArgs } from 'node:util';

/**
 * The command framework: every command declares its flags, and the parser refuses a flag the
 * command does not declare. Add a command by writing a `Command` and listing it in `main.ts`.
 */

/** Exit codes, listed in `roster --help`. */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3, auth: 4 } as const;

export const EXIT_HELP = `Exit codes:
  0  success: every provider answered in full
  1  failure: nothing could be listed (every provider failed), or a check failed
  2  usage error (unknown command or flag, bad value, nothing configured)
  3  partial: some providers failed (one line each on stderr); the rest was printed
  4  a provider refused the credentials (401/403, token refused); takes precedence over 1 and 3`;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Whether stderr is a terminal (progress output). */
  isTTY: boolean;
  /** Width of the terminal stdout writes to, when it is one (tables are fitted to it). */
  columns?: number | undefined;
  /** Resolves when the user asks to stop (Ctrl-C) — used by `roster sandbox`. */
  untilInterrupted?: () => Promise<void>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` the hint points to. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface FlagSpec {
  type: 'boolean' | 'string';
  multiple?: boolean;
  short?: string;
  /** Value placeholder shown in help, e.g. `<n>`. */
  value?: string;
  help: string;
  /** Values offered by shell completion. */
  choices?: readonly string[] | (() => readonly string[]);
}

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface Command {
  /** The words that select it: `['users']`, `['config', 'check']`. */
  name: readonly string[];
  summary: string;
  /** Arguments after the name, for the usage line (e.g. `<shell>`). */
  args?: string;
  /** Positional arguments accepted (default none); completion offers them. */
  positionals?: readonly string[];
  /** Every flag the command accepts (`--help` is implicit). */
  flags: Record<string, FlagSpec>;
  /** Extra help text (notes, exit codes). */
  notes?: () => string | Promise<string>;
  examples: readonly string[];
  run(ctx: { values: FlagValues; positionals: string[]; io: Io }): Promise<number>;
  /** A command that parses its own arguments (and prints its own `--help`): gets them unparsed. */
  raw?: (argv: readonly string[], io: Io) => Promise<number>;
}

export const HELP_FLAG: FlagSpec = { type: 'boolean', short: 'h', help: 'Show help' };

/** Edit distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

export function didYouMean(input: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(input, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(input.length / 3))
    ? ` (did you mean ${best}?)`
    : '';
}

/**
 * Parses `argv` (after the command words) against one command's flags. A value that starts with
 * `-` (`--users -5`) is taken as the value, so the validator can say what is wrong with it.
 */
export function parseFlags(
  command: Command,
  argv: readonly string[],
  allFlags: Record<string, FlagSpec>,
): { values: FlagValues; positionals: string[] } {
  const name = command.name.join(' ');
  const flags: Record<string, FlagSpec> = { ...command.flags, help: HELP_FLAG };
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const spec = a.startsWith('--') && !a.includes('=') ? flags[a.slice(2)] : undefined;
    const next = argv[i + 1];
    if (spec?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`${a}=${next}`);
      i++;
    } else args.push(a);
  }
  const options: Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }> = {};
  for (const [k, f] of Object.entries(flags))
    options[k] = {
      type: f.type,
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  let tokens: ReturnType<typeof parseArgs>['tokens'];
  try {
    tokens = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true }).tokens;
  } catch (error) {
    throw new UsageError((error as Error).message, name);
  }
  const values: FlagValues = {};
  const positionals: string[] = [];
  const names = Object.keys(flags).map((k) => `--${k}`);
  for (const t of tokens ?? []) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    if (t.kind !== 'option') continue;
    const spec = flags[t.name];
    if (!spec) {
      const shown = t.rawName.startsWith('--') ? t.rawName : t.rawName;
      if (allFlags[t.name]) throw new UsageError(`${shown} does not apply to roster ${name}`, name);
      throw new UsageError(`unknown option ${shown}${didYouMean(shown, names)}`, name);
    }
    if (spec.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value`, name);
      values[t.name] = true;
    } else {
      if (t.value === undefined)
        throw new UsageError(`${t.rawName} needs a value ${spec.value ?? ''}`.trim(), name);
      if (spec.multiple) {
        const list = (values[t.name] as string[] | undefined) ?? [];
        // The same value given twice is read once.
        if (!list.includes(t.value)) list.push(t.value);
        values[t.name] = list;
      } else {
        if (values[t.name] !== undefined && values[t.name] !== t.value)
          throw new UsageError(`${t.rawName} given twice with different values`, name);
        values[t.name] = t.value;
      }
    }
  }
  return { values, positionals };
}

/** A whole number written in decimal digits only (no 1e3, 0x10, -5, 2.0, spaces). */
export function intFlag(
  values: FlagValues,
  flag: string,
  fallback: number,
  range: { min?: number; max?: number } = {},
  command?: string,
): number {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const text = String(raw);
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const limit = range.max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be a whole number ${limit}, got "${text}"`, command);
  }
  return n;
}
