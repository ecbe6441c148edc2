// The workflow checks pass on the repository's workflows and catch what would break a release.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { root } from '../packages.mjs';
import { workflowProblems } from '../workflows.mjs';

const tmps = [];
after(() => {
  for (const t of tmps) rmSync(t, { recursive: true, force: true });
});

/** A copy of package.json and .github with one workflow edited. */
function withEdit(file, from, to) {
  const base = mkdtempSync(join(tmpdir(), 'rosterkit-wf-'));
  tmps.push(base);
  cpSync(join(root, '.github'), join(base, '.github'), { recursive: true });
  cpSync(join(root, 'package.json'), join(base, 'package.json'));
  const path = join(base, '.github/workflows', file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${file} contains ${from}`);
  writeFileSync(path, text.replace(from, to));
  return base;
}

test('the repository workflows pass', () => {
  assert.deepEqual(workflowProblems(), []);
});

test('a schema error is caught by the validator', () => {
  const problems = workflowProblems(withEdit('ci.yml', 'runs-on:', 'runs_on:'));
  assert.match(problems.join('\n'), /ci\.yml: not a valid workflow/);
});

test('a misspelt permission is caught by the validator', () => {
  const problems = workflowProblems(withEdit('release.yml', 'id-token: write', 'id-tokens: write'));
  assert.match(problems.join('\n'), /release\.yml: not a valid workflow/);
  assert.match(problems.join('\n'), /needs permissions id-token: write/);
});

test('publishing without provenance is refused', () => {
  const problems = workflowProblems(
    withEdit('release.yml', 'NPM_CONFIG_PROVENANCE: "true"', 'NPM_CONFIG_PROVENANCE: "false"'),
  );
  assert.deepEqual(problems, ['release.yml: the publish step must set NPM_CONFIG_PROVENANCE: true']);
});

test("the version step must be the root script, not pnpm's built-in `version`", () => {
  const problems = workflowProblems(withEdit('release.yml', 'run version-packages', 'version'));
  assert.match(
    problems.join('\n'),
    /changesets\/action's version must run the root script "version-packages"/,
  );
});

test('CI must run .ci/run with the pinned pnpm', () => {
  assert.match(
    workflowProblems(withEdit('ci.yml', 'run: bash .ci/run', 'run: npx pnpm test')).join('\n'),
    /no step runs \.ci\/run/,
  );
  assert.match(
    workflowProblems(withEdit('release.yml', 'pnpm@10.34.9 install', 'pnpm@9.0.0 install')).join('\n'),
    /runs pnpm@9\.0\.0, the repository pins pnpm@10\.34\.9/,
  );
});
