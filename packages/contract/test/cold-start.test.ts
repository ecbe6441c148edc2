import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { providers } from '@rosterkit/users';
import { describe, expect, it } from 'vitest';

/**
 * Importing a package loads one module per package: its own entry point and those of the packages
 * it depends on, nothing else. Node's ES module loader pays for every file it resolves, reads and
 * links (a client used to load 21 files: ~10 ms of CPU on every cold start); each package's build
 * bundles its source into one module per entry point (scripts/build-package.mjs). Speed itself is
 * measured in bench/, section 8.
 */
const here = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(here, '../..');

// Reports every file: URL the loader loads, on stderr.
const trace = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function load(url, context, next) {
  if (url.startsWith('file:')) process._rawDebug('LOADED ' + url);
  return next(url, context);
}\`));`)}`;

function loadedFiles(dir: string, specifier: string): string[] {
  const out = spawnSync(
    process.execPath,
    ['--import', trace, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`],
    { cwd: dir, encoding: 'utf8' },
  );
  expect(out.status, out.stderr).toBe(0);
  return out.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => fileURLToPath(l.slice('LOADED '.length)));
}

/** The file a package's `import` of its name resolves to (its package.json `exports['.']`). */
function entryOf(file: string): string {
  let dir = dirname(file);
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const main = pkg.exports?.['.'];
      const target = typeof main === 'string' ? main : (main?.import ?? main?.default);
      return join(dir, typeof target === 'string' ? target : (pkg.module ?? pkg.main));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
      dir = dirname(dir);
    }
  }
}

describe('cold start: one module per package', () => {
  const packages = ['core', ...providers, 'users', 'sandbox'];
  it.each(packages)('importing @rosterkit/%s loads only package entry points', (id) => {
    const files = loadedFiles(join(packagesDir, id), `@rosterkit/${id}`);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => f !== entryOf(f))).toEqual([]);
  });
});
