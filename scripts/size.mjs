#!/usr/bin/env node
// Size budgets: each client package and the facade bundled for the browser with esbuild
// (ESM, minified, all dependencies included), gzipped. Compared with openapi-fetch alone.
// Budgets: each provider's in its package.json ("rosterkit".sizeBudget, read through the provider
// registry), the other packages' in size-budgets.json. Every provider package is measured: one
// without a budget fails loudly, never skipped.
// `--check` fails when a package is over its budget; `--json` prints JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { publicPackages, root } from './packages.mjs';
import { providers } from './providers.mjs';

const budgets = { ...JSON.parse(readFileSync(join(root, 'size-budgets.json'), 'utf8')).packages };
for (const p of providers()) {
  if (p.packageName in budgets)
    throw new Error(
      `size: ${p.packageName} has a budget in size-budgets.json; it belongs in its package.json ("rosterkit".sizeBudget)`,
    );
  budgets[p.packageName] = p.sizeBudget;
}
const BROWSER = new Set(Object.keys(budgets));

export async function measure(entry, resolveDir = root) {
  const result = await build({
    stdin: { contents: `export * from '${entry}';`, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

const rows = [];
const baseline = await measure('openapi-fetch', join(root, 'packages/core'));
rows.push({ name: 'openapi-fetch (baseline)', ...baseline, budget: null });
for (const pkg of publicPackages().filter((p) => BROWSER.has(p.name))) {
  rows.push({ name: pkg.name, ...(await measure(pkg.name, pkg.dir)), budget: budgets[pkg.name] });
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('package                        min+gz   minified   budget (gz)   × openapi-fetch');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(30)} ${String(r.gzipped).padStart(7)}  ${String(r.minified).padStart(9)}  ${String(r.budget ?? '—').padStart(12)}   ${(r.gzipped / baseline.gzipped).toFixed(2)}`,
    );
  }
}
if (process.argv.includes('--check')) {
  const over = rows.filter((r) => r.budget !== null && r.gzipped > r.budget);
  for (const r of over)
    console.error(`✗ ${r.name} is ${r.gzipped} B min+gz, over its budget of ${r.budget} B`);
  if (over.length) process.exit(1);
  console.log('all packages within their size budgets');
}
