import { readFileSync } from 'node:fs';
import {
  type Command,
  didYouMean,
  EXIT,
  EXIT_HELP,
  type FlagSpec,
  type Io,
  parseFlags,
  UsageError,
} from './command.js';
import { SCHEMA_FILE } from './config.js';
import { FLAGS, pick } from './flags.js';
import { providerSettings } from './settings.js';
import { oneLine } from './text.js';

// This module is what `roster --help` and `roster --version` load: keep its static imports light.
// Clients, the facade and the sandbox are imported by a command's `run`, when it runs.

export { EXIT, type Io } from './command.js';

const LIST_NOTE = `Output order: table, json and csv are sorted (provider, then remote id), so the same data
gives the same bytes; ndjson streams each user as it arrives (providers interleave).
csv neutralises spreadsheet formulas: a cell starting with = + - @ tab or CR gets a leading '
(turn off with --no-formula-escape). Control characters in provider data are shown escaped.`;

const CREDENTIALS_NOTE = () => `Credentials come from environment variables or config files, never from flags
(precedence: environment, then --config or ./roster.config.json, then
$XDG_CONFIG_HOME/roster/config.json or ~/.config/roster/config.json; schema: ${SCHEMA_FILE}):
${Object.entries(providerSettings)
  .map(([id, p]) => `  ${id.padEnd(11)} ${Object.values(p.settings).join(', ')}`)
  .join('\n')}`;

const LIST_FLAGS = [
  'sandbox',
  'provider',
  'format',
  'config',
  'users',
  'seed',
  'latency-ms',
  'faults',
  'fault-seed',
  'fault-kinds',
  'no-formula-escape',
  'quiet',
  'verbose',
] as const;

const users: Command = {
  name: ['users'],
  summary: 'List users of one or more providers as common User records',
  flags: pick(...LIST_FLAGS, 'fields', 'status', 'raw'),
  notes: () => `${LIST_NOTE}\n\n${CREDENTIALS_NOTE()}\n\n${EXIT_HELP}`,
  examples: [
    'roster users --sandbox',
    'roster users --provider rocketchat --format csv --fields remoteId,displayName,email,status',
    'roster users --sandbox --format ndjson --status inactive',
  ],
  run: async ({ values, io }) => (await import('./list-run.js')).runList('users', values, io),
};

const directory: Command = {
  name: ['directory'],
  summary: 'People merged across providers by email, one column per provider',
  flags: pick(...LIST_FLAGS, 'only-inconsistent'),
  notes: () => `${LIST_NOTE}\n\n${CREDENTIALS_NOTE()}\n\n${EXIT_HELP}`,
  examples: [
    'roster directory --sandbox --only-inconsistent',
    'roster directory --format json > people.json',
  ],
  run: async ({ values, io }) => (await import('./list-run.js')).runList('directory', values, io),
};

const sandbox: Command = {
  name: ['sandbox'],
  summary: 'Run the local sandbox of every provider API on 127.0.0.1',
  flags: pick('port', 'users', 'seed', 'latency-ms', 'faults', 'fault-seed', 'fault-kinds'),
  notes: async () => {
    const { FAULT_KINDS } = await import('@rosterkit/sandbox');
    return `Fault kinds: ${FAULT_KINDS.join(', ')}\nIt prints each provider's base URL and sandbox credentials as ROSTER_* variables.`;
  },
  examples: [
    'roster sandbox --port 4010 --users 100',
    'roster sandbox --faults 0.2 --fault-seed 7 --fault-kinds reset,status-503',
  ],
  run: async ({ values, io }) => (await import('./sandbox-run.js')).runSandbox(values, io),
};

const configCheck: Command = {
  name: ['config', 'check'],
  summary: 'Show which providers are configured and reachable (no secrets printed)',
  flags: pick('config', 'verbose'),
  notes: () =>
    `${CREDENTIALS_NOTE()}\n\nExit codes: 0 every configured provider answered; 1 nothing configured, a provider\nincomplete or unreachable; 4 a provider refused the credentials.`,
  examples: ['roster config check', 'roster config check --config ./roster.config.json'],
  run: async ({ values, io }) => (await import('./config-run.js')).runConfigCheck(values, io),
};

const completion: Command = {
  name: ['completion'],
  summary: 'Print a shell completion script: bash, zsh or fish',
  args: '<bash|zsh|fish>',
  positionals: ['bash', 'zsh', 'fish'],
  flags: {},
  notes: () =>
    'Install: bash  roster completion bash > ~/.local/share/bash-completion/completions/roster\n' +
    '         zsh   roster completion zsh > "$' +
    '{fpath[1]}/_roster"\n' +
    '         fish  roster completion fish > ~/.config/fish/completions/roster.fish',
  examples: ['roster completion bash', 'source <(roster completion bash)'],
  run: async ({ positionals, io }) => {
    const shell = positionals[0];
    if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish')
      throw new UsageError(
        shell === undefined
          ? 'which shell? bash, zsh or fish'
          : `unknown shell "${shell}"${didYouMean(shell, ['bash', 'zsh', 'fish'])}`,
        'completion',
      );
    const { completionScript } = await import('./completion.js');
    io.stdout(completionScript(shell, COMMANDS));
    return EXIT.ok;
  },
};

/**
 * Every command. To add one, write a `Command` (its flags, help, examples and a `run` that imports
 * its implementation lazily) and list it here; parsing, `--help`, "did you mean", refusing flags
 * that do not apply, and shell completion follow from it.
 */
export const COMMANDS: Command[] = [
  users,
  directory,
  sandbox,
  configCheck,
  completion,
  ...lifecycleCommands(),
];

/** `roster offboard|onboard` (src/lifecycle.ts) parse their own arguments and print their own help. */
function lifecycleCommands(): Command[] {
  return (
    [
      ['offboard', "Plan (and with --yes apply) removing a person's access everywhere"],
      ['onboard', "Plan (and with --yes apply) creating a person's accounts"],
    ] as const
  ).map(([name, summary]) => ({
    name: [name],
    summary,
    args: '<email>',
    flags: {},
    examples: [`roster ${name} --help`],
    raw: async (argv: readonly string[], io: Io) =>
      (await import('./lifecycle.js')).runLifecycle([name, ...argv], io),
    run: async () => EXIT.usage,
  }));
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name.join(' ')}${c.args ? ` ${c.args}` : ''}`.length));
  return `Usage: roster <command> [options]

Commands:
${COMMANDS.map((c) => `  ${`${c.name.join(' ')}${c.args ? ` ${c.args}` : ''}`.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     Show help (roster <command> --help for a command's options)
  --version      Print the version

${EXIT_HELP}

Run 'roster <command> --help' for a command's options and examples.
`;
}

function flagLine(name: string, f: FlagSpec): string {
  const left = `${f.short ? `-${f.short}, ` : ''}--${name}${f.value ? ` ${f.value}` : ''}`;
  return `  ${left.padEnd(26)} ${f.help}`;
}

async function commandHelp(c: Command): Promise<string> {
  const name = c.name.join(' ');
  const flags = Object.entries(c.flags).map(([k, f]) => flagLine(k, f));
  flags.push(flagLine('help', { type: 'boolean', short: 'h', help: 'Show this help' }));
  const notes = c.notes ? `\n${await c.notes()}\n` : '';
  return `Usage: roster ${name}${c.args ? ` ${c.args}` : ''}${Object.keys(c.flags).length ? ' [options]' : ''}

${c.summary}.

Options:
${flags.join('\n')}
${notes}
Examples:
${c.examples.map((e) => `  ${e}`).join('\n')}
`;
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const c of [...COMMANDS].sort((a, b) => b.name.length - a.name.length)) {
    if (c.name.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(c.name.length) };
  }
  return undefined;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let hint = 'roster --help';
  try {
    const first = argv[0];
    if (first === undefined) {
      io.stderr(usage());
      return EXIT.usage;
    }
    if (first === '--version' || first === '-v' || first === '-V') {
      io.stdout(`${version()}\n`);
      return EXIT.ok;
    }
    if (first === '--help' || first === '-h') {
      io.stdout(usage());
      return EXIT.ok;
    }
    if (first === 'help') {
      const found = findCommand(argv.slice(1));
      io.stdout(found ? await commandHelp(found.command) : usage());
      return EXIT.ok;
    }
    const found = findCommand(argv);
    if (!found) {
      if (first.startsWith('-')) throw new UsageError(`a command comes first, got ${first}`);
      const group = COMMANDS.filter((c) => c.name.length > 1 && c.name[0] === first);
      if (group.length) {
        const sub = argv[1];
        const subs = group.map((c) => c.name.slice(1).join(' '));
        if (sub === '--help' || sub === '-h' || sub === undefined) {
          io[sub === undefined ? 'stderr' : 'stdout'](
            `Usage: roster ${first} <${subs.join('|')}>\n${group.map((c) => `  ${c.name.join(' ')}  ${c.summary}`).join('\n')}\n`,
          );
          return sub === undefined ? EXIT.usage : EXIT.ok;
        }
        throw new UsageError(`unknown command: ${first} ${sub}${didYouMean(sub, subs)}`);
      }
      const names = [...new Set(COMMANDS.map((c) => c.name[0] as string))];
      throw new UsageError(`unknown command: ${first}${didYouMean(first, names)}`);
    }
    const { command, rest } = found;
    hint = `roster ${command.name.join(' ')} --help`;
    if (command.raw) return await command.raw(rest, io);
    // Every flag any command knows: one that exists elsewhere "does not apply" here.
    const allFlags: Record<string, FlagSpec> = Object.assign({ ...FLAGS }, ...COMMANDS.map((c) => c.flags));
    const { values, positionals } = parseFlags(command, rest, allFlags);
    if (values['help']) {
      io.stdout(await commandHelp(command));
      return EXIT.ok;
    }
    const allowed = command.positionals ?? [];
    const extra = allowed.length ? positionals.slice(1) : positionals;
    if (extra.length) throw new UsageError(`unexpected argument: ${extra[0]}`);
    return await command.run({ values, positionals, io });
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.command) hint = `roster ${error.command} --help`;
      io.stderr(`roster: ${oneLine(error.message, 400)}\nRun '${hint}' for usage.\n`);
      return EXIT.usage;
    }
    io.stderr(`roster: ${oneLine(error instanceof Error ? error.message : String(error), 400)}\n`);
    return EXIT.failure;
  }
}
