#!/usr/bin/env node
// Package quality gate for every published package: publint, @arethetypeswrong/cli (ESM-only
// profile), and the tarball's contents (no tests, fixtures, sources maps or TypeScript sources;
// README and LICENSE-relevant fields present); and the GitHub workflows (scripts/workflows.mjs).
// Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { publicPackages, root } from './packages.mjs';
import { workflowProblems } from './workflows.mjs';

const bin = (name) => join(root, 'node_modules/.bin', name);
const REQUIRED_FIELDS = [
  'name',
  'version',
  'description',
  'license',
  'repository',
  'engines',
  'exports',
  'files',
  'sideEffects',
  'type',
];
let problems = 0;
const fail = (pkg, msg) => {
  problems++;
  console.error(`✗ ${pkg}: ${msg}`);
};

for (const pkg of publicPackages()) {
  for (const field of REQUIRED_FIELDS)
    if (pkg.json[field] === undefined) fail(pkg.name, `package.json has no "${field}"`);
  const dot = pkg.json.exports?.['.'];
  if (!dot || Object.keys(dot)[0] !== 'types') fail(pkg.name, 'exports["."] must list "types" first');
  if (pkg.json.type !== 'module') fail(pkg.name, 'must be ESM ("type": "module")');

  try {
    execFileSync(bin('publint'), ['--strict'], { cwd: pkg.dir, stdio: 'pipe' });
  } catch (e) {
    fail(pkg.name, `publint:\n${e.stdout}${e.stderr}`);
  }
  try {
    execFileSync(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii'], {
      cwd: pkg.dir,
      stdio: 'pipe',
    });
  } catch (e) {
    fail(pkg.name, `attw:\n${e.stdout}`);
  }
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: pkg.dir,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString(),
  );
  const files = packed.files.map((f) => f.path);
  for (const f of files) {
    if (/(^|\/)(test|tests|__tests__|fixtures?)\//.test(f) || /\.test\.[cm]?[jt]s$/.test(f))
      fail(pkg.name, `tarball contains test file ${f}`);
    if (f.endsWith('.map')) fail(pkg.name, `tarball contains source map ${f}`);
    if (/^src\//.test(f)) fail(pkg.name, `tarball contains source file ${f}`);
  }
  if (!files.includes('README.md')) fail(pkg.name, 'tarball has no README.md');
  if (!files.includes('package.json')) fail(pkg.name, 'tarball has no package.json');
  console.log(`✓ ${pkg.name}: ${files.length} files, ${(packed.size / 1024).toFixed(1)} kB packed`);
}
for (const p of workflowProblems()) fail('.github/workflows', p);
if (!problems)
  console.log('✓ .github/workflows: valid, CI runs .ci/run, releases through changesets with provenance');
if (problems) {
  console.error(`${problems} package problem(s)`);
  process.exit(1);
}
