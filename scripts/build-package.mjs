#!/usr/bin/env node
// Builds the package in the current directory: `tsc` writes the declarations (dist/**/*.d.ts, what
// API Extractor and editors read), and esbuild bundles each JavaScript entry point the package.json
// names (`exports`, `bin`) into one ES module, from src/<name>.ts to dist/<name>.js.
//
// One module per entry point, because Node's ES module loader pays for every file it resolves,
// reads and links: importing a client used to load 21 files (about 10 ms of CPU on a cold start);
// now it loads three (the client, @rosterkit/core, openapi-fetch). Nothing else changes: every
// import of another package (`@rosterkit/*`, `openapi-fetch`, `node:*`) stays an import, the code
// is not minified, and the package keeps `"sideEffects": false` for browser bundlers.
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

/** Every dist/*.js file the package.json points at: its exports' `default`s and its bins. */
function entryPoints() {
  const targets = new Set();
  const walk = (value) => {
    if (typeof value === 'string') {
      if (/^\.\/dist\/.+\.js$/.test(value)) targets.add(value);
    } else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  walk(pkg.exports);
  walk(typeof pkg.bin === 'string' ? { bin: pkg.bin } : pkg.bin);
  if (targets.size === 0) throw new Error(`build-package: ${pkg.name} names no ./dist/*.js entry point`);
  return [...targets].map((target) => ({
    in: join(dir, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')),
    out: target.replace(/^\.\/dist\//, '').replace(/\.js$/, ''),
  }));
}

rmSync(join(dir, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], {
  cwd: dir,
  stdio: 'inherit',
});
const entries = entryPoints();
await build({
  entryPoints: entries,
  outdir: join(dir, 'dist'),
  bundle: true,
  packages: 'external',
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  splitting: entries.length > 1,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
for (const bin of Object.values(typeof pkg.bin === 'string' ? { bin: pkg.bin } : (pkg.bin ?? {})))
  chmodSync(join(dir, bin), 0o755);
