// The API reports catch signature changes, and the release policy demands a changeset for them.
// Runs on temp copies of the built @rosterkit/core (after `pnpm build`); the repository is untouched.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { policyProblems, reportFile } from '../api-snapshot.mjs';
import { publicPackages, root } from '../packages.mjs';

const script = join(root, 'scripts/api-snapshot.mjs');
const pkgNamed = (name) => publicPackages().find((p) => p.name === name);
const core = pkgNamed('@rosterkit/core');
let tmp;

/** A one-package repository: a built package (core unless told), its committed report, its node_modules, no changesets. */
function copyRepo(name, pkg = core) {
  const base = join(tmp, name);
  const dir = join(base, 'packages', pkg.id);
  mkdirSync(join(base, '.changeset'), { recursive: true });
  mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'dist', 'etc'])
    cpSync(join(pkg.dir, f), join(dir, f), { recursive: true });
  symlinkSync(join(pkg.dir, 'node_modules'), join(dir, 'node_modules'));
  return base;
}
const pkgAt = (base) => publicPackages(base)[0];
const changeset = (base, file, bump) =>
  writeFileSync(join(base, '.changeset', file), `---\n"@rosterkit/core": ${bump}\n---\n\nA change.\n`);
const seal = (base) => execFileSync(process.execPath, [script, '--seal', '--root', base], { stdio: 'pipe' });
function check(base) {
  try {
    execFileSync(process.execPath, [script, '--check', '--root', base], { stdio: 'pipe' });
    return { code: 0, stderr: '' };
  } catch (e) {
    return { code: e.status, stderr: `${e.stderr}` };
  }
}
function setVersion(base, version) {
  const file = join(base, 'packages/core/package.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), version }, null, 2));
}
function editReport(base, from, to) {
  const file = reportFile(pkgAt(base));
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `the report has ${from}`);
  writeFileSync(file, text.replace(from, to));
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'rosterkit-api-test-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('API report check', () => {
  test('passes on an unchanged copy, fails when ApiError.status becomes a string in the built .d.ts', () => {
    const base = copyRepo('retyped');
    changeset(base, 'release.md', 'minor');
    assert.deepEqual(check(base), { code: 0, stderr: '' });

    const dts = join(base, 'packages/core/dist/errors.d.ts');
    const text = readFileSync(dts, 'utf8');
    assert.match(text, /readonly status: number;/);
    writeFileSync(dts, text.replace('readonly status: number;', 'readonly status: string;'));
    const { code, stderr } = check(base);
    assert.equal(code, 1);
    assert.match(stderr, /@rosterkit\/core: the built types differ from packages\/core\/etc\/core\.api\.md/);
    assert.match(stderr, /-\s+readonly status: number;/);
    assert.match(stderr, /\+\s+readonly status: string;/);
  });

  test('fails when a parameter type changes', () => {
    const base = copyRepo('param');
    changeset(base, 'release.md', 'minor');
    const dts = join(base, 'packages/core/dist/paginate.d.ts');
    const text = readFileSync(dts, 'utf8');
    const changed = text.replace(
      /export declare function paginate<([^>]*)>\(ctx: [^,]+,/,
      'export declare function paginate<$1>(ctx: string,',
    );
    assert.notEqual(changed, text, 'paginate() found in the built types');
    writeFileSync(dts, changed);
    const { code, stderr } = check(base);
    assert.equal(code, 1);
    assert.match(stderr, /\+\s+export function paginate<.*>\(ctx: string,/);
  });
});

test('published types that need @types/node fail (the CLI once exposed NodeJS.ProcessEnv)', () => {
  const cli = pkgNamed('@rosterkit/cli');
  const base = copyRepo('node-types', cli);
  writeFileSync(join(base, '.changeset/release.md'), '---\n"@rosterkit/cli": minor\n---\n\nA change.\n');
  assert.deepEqual(check(base), { code: 0, stderr: '' });
  // What the CLI's Io once declared (env: NodeJS.ProcessEnv), exported from its entry point.
  const dts = join(base, 'packages/cli/dist/index.d.ts');
  writeFileSync(dts, `${readFileSync(dts, 'utf8')}export declare const env: NodeJS.ProcessEnv;\n`);
  const { code, stderr } = check(base);
  assert.equal(code, 1);
  assert.match(stderr, /@rosterkit\/cli: API Extractor failed/);
  assert.match(stderr, /must type-check without @types\/node/);
});

describe('release policy (a report that changed since its release needs a changeset)', () => {
  test('never released: a changeset bumping the package at least minor is required', () => {
    const base = copyRepo('first');
    assert.match(
      policyProblems(base, publicPackages(base)).join('\n'),
      /it has never been released, and no pending changeset bumps it/,
    );
    changeset(base, 'fix.md', 'patch');
    assert.match(
      policyProblems(base, publicPackages(base)).join('\n'),
      /only bump it patch \(fix\.md\).*bumps "@rosterkit\/core" minor or more/,
    );
    changeset(base, 'release.md', 'minor');
    assert.deepEqual(policyProblems(base, publicPackages(base)), []);
  });

  test('after a release (sealed): unchanged needs nothing; a changed report needs minor before 1.0', () => {
    const base = copyRepo('sealed');
    setVersion(base, '0.1.0');
    seal(base);
    assert.deepEqual(policyProblems(base, publicPackages(base)), []);
    // Documentation-only differences are not API changes.
    editReport(base, '// @public', '// @public (undocumented)');
    assert.deepEqual(policyProblems(base, publicPackages(base)), []);
    editReport(base, 'readonly status: number;', 'readonly status: string;');
    assert.match(
      policyProblems(base, publicPackages(base)).join('\n'),
      /changed since its release 0\.1\.0, and no pending changeset bumps it/,
    );
    changeset(base, 'fix.md', 'patch');
    assert.equal(policyProblems(base, publicPackages(base)).length, 1);
    changeset(base, 'feature.md', 'minor');
    assert.deepEqual(policyProblems(base, publicPackages(base)), []);
  });

  test('from 1.0: a changed declaration needs major, an added one minor', () => {
    const base = copyRepo('stable');
    setVersion(base, '1.2.0');
    seal(base);
    editReport(base, '```ts\n', '```ts\n\n// @public\nexport const addedLater: 1;\n');
    changeset(base, 'feature.md', 'minor');
    assert.deepEqual(policyProblems(base, publicPackages(base)), [], 'an addition is minor');
    editReport(base, 'readonly status: number;', 'readonly status: string;');
    assert.match(
      policyProblems(base, publicPackages(base)).join('\n'),
      /only bump it minor \(feature\.md\).*bumps "@rosterkit\/core" major/,
    );
    changeset(base, 'breaking.md', 'major');
    assert.deepEqual(policyProblems(base, publicPackages(base)), []);
  });

  test('a version set by hand (not by version-packages, which seals) is refused', () => {
    const base = copyRepo('by-hand');
    setVersion(base, '0.1.0');
    seal(base);
    setVersion(base, '0.2.0');
    assert.match(
      policyProblems(base, publicPackages(base)).join('\n'),
      /is at 0\.2\.0 but its API report was sealed at 0\.1\.0/,
    );
  });
});
