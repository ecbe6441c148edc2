import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);

/** npm's own command list (commands and aliases), from the npm that ships with this Node. */
function npmBuiltins(): string[] {
  const require = createRequire(import.meta.url);
  const list = require(join(dirname(process.execPath), '../lib/node_modules/npm/lib/utils/cmd-list.js')) as {
    commands: string[];
    aliases: Record<string, string>;
  };
  return [...list.commands, ...Object.keys(list.aliases)];
}

/** pnpm's commands and their short forms, from `pnpm help -a` of the pinned pnpm. */
function pnpmBuiltins(): string[] {
  const help = execFileSync(process.execPath, [join(root, 'node_modules/pnpm/bin/pnpm.cjs'), 'help', '-a'], {
    encoding: 'utf8',
  });
  const names: string[] = [];
  const start = help.indexOf('Manage your dependencies:');
  for (const line of help.slice(start, help.indexOf('\nOptions:', start)).split('\n')) {
    const m = /^ {0,6}(?:(\S+), )?([a-z][\w-]*) {2,}/.exec(line);
    if (m) names.push(...[m[1], m[2]].filter((x): x is string => x !== undefined));
  }
  return names;
}

// Built-ins that exist to run the script of the same name (`pnpm test` runs scripts.test).
const RUNS_THE_SCRIPT = new Set(['test', 'start', 'stop', 'restart']);

describe('root scripts', () => {
  it('none shares a name with a pnpm or npm built-in (pnpm <name> would not run it)', () => {
    const npm = npmBuiltins();
    const pnpm = pnpmBuiltins();
    expect(npm).toContain('version');
    expect(pnpm).toContain('install');
    expect(pnpm.length).toBeGreaterThan(30);
    const builtins = new Set([...npm, ...pnpm]);
    const shadowed = scripts.filter((s) => builtins.has(s) && !RUNS_THE_SCRIPT.has(s));
    expect(shadowed).toEqual([]);
  });
});
