#!/usr/bin/env node
// What the next release will say, before it is cut.
//   node scripts/release-notes.mjs pending   every pending changeset, grouped by package (to fold
//                                            them into one entry per package before a release)
//   node scripts/release-notes.mjs preview   runs the real `changeset version` in a scratch copy of
//                                            the repository and prints each package's new version
//                                            and CHANGELOG section; nothing here is changed
// Both flag wording that narrates development instead of describing the package ("now", "no
// longer", "before", size budgets, …) and exit 1 when they find any.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { publicPackages, root } from './packages.mjs';

/** Phrases a changelog reader cannot use: they describe how the code got here, not what it does. */
export const DIARY = [
  /\bnow\b/i,
  /\bno longer\b/i,
  /\bbefore,/i,
  /\bpreviously\b/i,
  /\bused to\b/i,
  /\banymore\b/i,
  /\bsize budgets?\b/i,
  /\bbudget\b/i,
  /\bmin\+gz\b/i,
];
export const diaryWords = (text) => DIARY.map((re) => re.exec(text)?.[0]).filter((w) => w !== undefined);

function pendingChangesets(base) {
  const dir = join(base, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
      return { file, releases: parseYaml(m?.[1] ?? '') ?? {}, summary: (m?.[2] ?? '').trim() };
    });
}

function pending() {
  const sets = pendingChangesets(root);
  let flagged = 0;
  for (const pkg of publicPackages()) {
    const mine = sets.filter((c) => pkg.name in c.releases);
    if (!mine.length) continue;
    console.log(`\n## ${pkg.name} (${pkg.version})`);
    for (const c of mine) {
      const words = diaryWords(c.summary);
      flagged += words.length ? 1 : 0;
      console.log(
        `\n- ${c.file} (${c.releases[pkg.name]}${words.length ? `; reads like a diary: ${words.join(', ')}` : ''})`,
      );
      console.log(c.summary.replace(/^/gm, '  '));
    }
  }
  return flagged;
}

function preview() {
  const tmp = mkdtempSync(join(tmpdir(), 'rosterkit-notes-'));
  try {
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root })
      .toString()
      .split('\n')
      .filter(Boolean);
    for (const f of files) if (existsSync(join(root, f))) cpSync(join(root, f), join(tmp, f));
    symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'));
    // changeset version reads the commit that added each changeset: give the copy a history.
    const git = (...args) =>
      execFileSync('git', args, {
        cwd: tmp,
        stdio: 'pipe',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'preview',
          GIT_AUTHOR_EMAIL: 'preview@example.com',
          GIT_COMMITTER_NAME: 'preview',
          GIT_COMMITTER_EMAIL: 'preview@example.com',
        },
      });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'preview');
    execFileSync(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: tmp, stdio: 'pipe' });
    let flagged = 0;
    for (const pkg of publicPackages(tmp)) {
      const before = publicPackages().find((p) => p.name === pkg.name);
      if (before?.version === pkg.version) continue;
      const log = readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8');
      const section = log.slice(log.indexOf(`## ${pkg.version}`)).split(/\n## /)[0];
      const words = diaryWords(section);
      flagged += words.length ? 1 : 0;
      console.log(
        `\n# ${pkg.name}: ${before?.version} → ${pkg.version}${words.length ? `  (reads like a diary: ${words.join(', ')})` : ''}\n`,
      );
      console.log(section.trim());
    }
    return flagged;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const command = process.argv[2];
const direct = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (direct && command !== 'pending' && command !== 'preview') {
  console.error('usage: node scripts/release-notes.mjs pending|preview');
  process.exit(2);
}
const flagged = !direct ? 0 : command === 'pending' ? pending() : preview();
if (flagged) {
  console.error(
    `\n${flagged} entr${flagged === 1 ? 'y reads' : 'ies read'} like a development diary: describe what the package does for its user`,
  );
  process.exitCode = 1;
}
