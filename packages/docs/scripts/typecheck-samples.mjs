#!/usr/bin/env node
// Type-checks every TypeScript sample of the site (site/samples.json) against the built packages:
// each sample becomes one module of a throw-away project under node_modules/.cache (so
// `@rosterkit/*` resolve to this workspace's packages, through their `exports` and .d.ts), compiled
// by tsc with the repository's compiler settings. A sample that stops compiling is an error.
// The client's GET/POST accept any string as a path (an unknown one is untyped, not an error), so
// each checked file also names the sample's path and method in the package's generated `paths`:
// a sample whose operation left the spec fails too.
//   node scripts/typecheck-samples.mjs      (after `pnpm docs:build`)
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = resolve(here, '..');
const repoRoot = resolve(pkgRoot, '../..');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');

/** File name for one sample: `<api>/<operationId>.ts`. */
export const sampleFile = (api, operationId) => `${api}/${operationId.replace(/[^\w.-]/g, '_')}.ts`;

/** `export type` lines that fail to compile unless every `client.METHOD('/path'` the sample makes exists in its package's `paths`. */
export function operationGuard(source) {
  const pkg = source.match(/^import \{ create\w+Client \} from '([^']+)';/m)?.[1];
  const calls = [...source.matchAll(/\bclient\.(GET|POST|PUT|PATCH|DELETE)\('([^']+)'/g)];
  if (!pkg || calls.length === 0) return '';
  return [
    '',
    `import type { paths as __Paths } from '${pkg}';`,
    ...calls.map(
      ([, method, path], i) => `export type __Operation${i} = __Paths['${path}']['${method.toLowerCase()}'];`,
    ),
    '',
  ].join('\n');
}

/**
 * Compiles the given samples ({ api: { operationId: { TypeScript } } }) and returns
 * `{ files, errors }`: the files written and, per file, tsc's diagnostics.
 */
export async function typecheckSamples(samples) {
  const cache = join(pkgRoot, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'samples-'));
  try {
    const files = [];
    for (const [api, ops] of Object.entries(samples)) {
      for (const [operationId, langs] of Object.entries(ops)) {
        if (typeof langs.TypeScript !== 'string')
          throw new Error(`no TypeScript sample for ${api} ${operationId}`);
        const file = sampleFile(api, operationId);
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await writeFile(join(dir, file), `${langs.TypeScript}${operationGuard(langs.TypeScript)}`);
        files.push(file);
      }
    }
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: relative(dir, join(repoRoot, 'tsconfig.base.json')),
        compilerOptions: {
          noEmit: true,
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules/@types')],
        },
        include: ['**/*.ts'],
      }),
    );
    const output = await new Promise((done) =>
      execFile(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir }, (_, stdout, stderr) =>
        done(`${stdout}${stderr}`),
      ),
    );
    const errors = {};
    for (const line of output.split('\n')) {
      const file =
        line.match(/^(.+?\.ts)\(\d+,\d+\): error /)?.[1] ?? (/error TS\d+/.test(line) ? '(project)' : '');
      if (file) errors[file] = [...(errors[file] ?? []), line];
    }
    return { files, errors };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const samples = JSON.parse(await readFile(join(pkgRoot, 'site/samples.json'), 'utf8'));
  const { files, errors } = await typecheckSamples(samples);
  const bad = Object.entries(errors);
  for (const [file, lines] of bad) console.error(`${file}:\n  ${lines.join('\n  ')}`);
  console.log(`docs: ${files.length} TypeScript samples, ${bad.length} failing to compile`);
  process.exitCode = bad.length ? 1 : 0;
}
