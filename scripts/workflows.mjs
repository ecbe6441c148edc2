// The GitHub workflows cannot run here; what can be checked offline is checked:
//   - each file against the GitHub Actions workflow schema (@action-validator/cli, from the npm
//     registry; the schema is built into it, nothing is downloaded);
//   - that CI runs .ci/run, and that the release workflow is wired as releases need: the
//     changesets action with the root scripts that exist (`version-packages`, `release`), the
//     permissions it needs (contents and pull-requests write, id-token write for npm provenance),
//     NPM_CONFIG_PROVENANCE, and the repository's pinned pnpm.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { root as repoRoot } from './packages.mjs';

const steps = (wf) => Object.values(wf?.jobs ?? {}).flatMap((j) => j?.steps ?? []);
const jobs = (wf) => Object.values(wf?.jobs ?? {});

/** Problems with the workflows of the repository at `base` (an empty list when all is well). */
export function workflowProblems(base = repoRoot) {
  const dir = join(base, '.github/workflows');
  const problems = [];
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : [];
  const pkg = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'));
  const pnpm = pkg.packageManager; // pnpm@x.y.z
  const scripts = pkg.scripts ?? {};
  const parsed = {};
  for (const f of files) {
    try {
      execFileSync(join(repoRoot, 'node_modules/.bin/action-validator'), [join(dir, f)], { stdio: 'pipe' });
    } catch (e) {
      problems.push(`${f}: not a valid workflow:\n${`${e.stdout}${e.stderr}`.trim().slice(0, 4000)}`);
    }
    parsed[f] = parseYaml(readFileSync(join(dir, f), 'utf8'));
    for (const [, version] of readFileSync(join(dir, f), 'utf8').matchAll(/pnpm@(\d+\.\d+\.\d+)/g))
      if (`pnpm@${version}` !== pnpm)
        problems.push(`${f}: runs pnpm@${version}, the repository pins ${pnpm}`);
  }

  const ci = parsed['ci.yml'];
  if (!ci) problems.push('.github/workflows/ci.yml is missing');
  else {
    if (!steps(ci).some((s) => /(^|\s)(bash\s+)?\.ci\/run\b/.test(s.run ?? '')))
      problems.push('ci.yml: no step runs .ci/run');
    const on = ci.on ?? ci[true]; // YAML 1.1 readers turn a bare `on` into true
    if (!on?.pull_request && on?.pull_request !== null)
      problems.push('ci.yml: does not run on pull requests');
  }

  const release = parsed['release.yml'];
  if (!release) problems.push('.github/workflows/release.yml is missing');
  else {
    const action = steps(release).find((s) => /^changesets\/action@/.test(s.uses ?? ''));
    if (!action) problems.push('release.yml: no step uses changesets/action');
    else {
      for (const [key, script] of [
        ['version', 'version-packages'],
        ['publish', 'release'],
      ]) {
        const command = action.with?.[key] ?? '';
        const named =
          /\brun\s+([\w:-]+)/.exec(command)?.[1] ?? /pnpm(?:@[\d.]+)?\s+([\w:-]+)$/.exec(command)?.[1];
        if (named !== script)
          problems.push(
            `release.yml: changesets/action's ${key} must run the root script "${script}" (got "${command}")`,
          );
        else if (!scripts[script])
          problems.push(`release.yml: ${key} runs "${script}", which package.json does not define`);
      }
      if (String(action.env?.NPM_CONFIG_PROVENANCE) !== 'true')
        problems.push('release.yml: the publish step must set NPM_CONFIG_PROVENANCE: true');
    }
    const job = jobs(release).find((j) => steps({ jobs: { j } }).includes(action));
    const perms = { ...(release.permissions ?? {}), ...(job?.permissions ?? {}) };
    for (const [scope, level] of [
      ['id-token', 'write'],
      ['contents', 'write'],
      ['pull-requests', 'write'],
    ])
      if (perms[scope] !== level)
        problems.push(`release.yml: the release job needs permissions ${scope}: ${level}`);
  }
  return problems;
}
