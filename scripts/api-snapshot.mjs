#!/usr/bin/env node
// Signature-level API reports, one per published package, written by API Extractor from the
// built `.d.ts` files and committed as `packages/<id>/etc/<name>.api.md` (every exported
// declaration with its parameter, return and field types; for a provider package that includes
// the generated `paths`/`components` of its spec).
//
//   node scripts/api-snapshot.mjs --check   (in `pnpm check:packages`, after `pnpm build`)
//       1. fails when a built package's report differs from the committed one (run `pnpm api:update`);
//       2. fails when a committed report differs from the report of the package's last release
//          (sealed in .changeset/api-reports.json) and no pending changeset bumps that package at
//          least minor — major from 1.0.0 on when a released declaration changed or disappeared.
//   node scripts/api-snapshot.mjs --update  rewrites the committed reports from the build.
//   node scripts/api-snapshot.mjs --seal    records every package's report as released at its
//       current version; part of `pnpm version-packages`, right after `changeset version`.
//   --root <dir>   check another copy of the repository (the tests use temp copies).
//
// Why a seal and not a git diff: CI checks a clean clone where the change is already committed
// (often shallow, without tags), so "the report changed in this branch" cannot be computed
// reliably there. The seal is written by the same step that consumes the changesets and is
// committed with the versions, so "the API changed since the last release and nothing pending
// says so" is a question the working tree alone answers, on any checkout.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { publicPackages, root as repoRoot } from './packages.mjs';

const require = createRequire(import.meta.url);

/** Where a package's committed report lives. */
export const reportFile = (pkg) => join(pkg.dir, 'etc', `${pkg.name.replace(/^@[^/]+\//, '')}.api.md`);
export const sealFile = (base) => join(base, '.changeset', 'api-reports.json');

/** The API report text API Extractor writes for a built package (dist/index.d.ts). */
export function buildReport(pkg) {
  const { Extractor, ExtractorConfig, ExtractorLogLevel } = require('@microsoft/api-extractor');
  const entry = join(pkg.dir, pkg.json.exports?.['.']?.types ?? 'dist/index.d.ts');
  if (!existsSync(entry))
    throw new Error(`${pkg.name}: ${relative(pkg.dir, entry)} is missing (run \`pnpm build\`)`);
  const out = mkdtempSync(join(tmpdir(), 'rosterkit-api-'));
  try {
    const none = { logLevel: ExtractorLogLevel.None };
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: pkg.dir,
        mainEntryPointFilePath: entry,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'ES2022',
              lib: ['ES2022', 'DOM', 'DOM.Iterable'],
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              strict: true,
              // Published types stand alone: no @types/node (the release e2e checks a consumer too).
              types: [],
            },
            include: [entry],
          },
          skipLibCheck: false,
        },
        apiReport: {
          enabled: true,
          reportFolder: out,
          reportTempFolder: out,
          reportFileName: '<unscopedPackageName>.api.md',
          includeForgottenExports: true,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: 'lf',
        messages: {
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
          // Findings such as an exported signature naming an unexported type are written into
          // the report (so they are reviewed) instead of failing the run.
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
            'ae-missing-release-tag': none,
            'ae-unresolved-link': none,
            'ae-undocumented': none,
          },
          tsdocMessageReporting: { default: none },
        },
      },
      configObjectFullPath: join(pkg.dir, 'api-extractor.json'),
      packageJsonFullPath: join(pkg.dir, 'package.json'),
    });
    const errors = [];
    const invoke = () =>
      Extractor.invoke(config, {
        localBuild: true,
        typescriptCompilerFolder: dirname(require.resolve('typescript/package.json', { paths: [repoRoot] })),
        messageCallback: (m) => {
          if (m.logLevel === ExtractorLogLevel.Error) errors.push(m.formatMessageWithLocation(pkg.dir));
          m.handled = true;
        },
      });
    let result;
    try {
      result = invoke();
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
    if (!result?.succeeded || errors.length) {
      const node = errors.some((e) => /NodeJS|Buffer|'node:|"node:|@types\/node/.test(e));
      throw new Error(
        `${pkg.name}: API Extractor failed:\n  ${errors.join('\n  ')}${
          node
            ? '\n  (the published types refer to Node.js types; they must type-check without @types/node: use web-standard or own types in exported signatures)'
            : ''
        }`,
      );
    }
    const text = readFileSync(
      join(
        out,
        readdirSync(out).find((f) => f.endsWith('.api.md')),
      ),
      'utf8',
    );
    // Findings name the .d.ts file, not the line: a comment added above would move it.
    return text.replace(/\r\n/g, '\n').replace(/^(\/\/ [^\s:]+\.d\.ts):\d+:\d+ - /gm, '$1 - ');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * A report's declarations (the blocks between blank lines) without API Extractor's comment lines
 * ("// @public (undocumented)", warnings), as short hashes: documentation-only edits do not count
 * as API changes, and after 1.0 a released declaration that is gone (changed or removed) is major.
 */
function declarations(text) {
  const body = text.replace(/^[\s\S]*?```ts\n/, '').replace(/\n```[\s\S]*$/, '');
  const blocks = body
    .split(/\n\s*\n/)
    .map((b) =>
      b
        .split('\n')
        .filter((l) => !/^\s*\/\//.test(l))
        .join('\n')
        .trim(),
    )
    .filter(Boolean);
  return [...new Set(blocks.map((b) => createHash('sha256').update(b).digest('hex').slice(0, 16)))].sort();
}
/** What the release policy compares: the declarations, not the comments around them. */
const sha = (text) => createHash('sha256').update(declarations(text).join('\n')).digest('hex');

/** Pending changesets: package name → highest bump ('patch' | 'minor' | 'major') and files. */
export function pendingBumps(base) {
  const dir = join(base, '.changeset');
  const rank = { none: 0, patch: 1, minor: 2, major: 3 };
  const bumps = new Map();
  if (!existsSync(dir)) return bumps;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, f), 'utf8'))?.[1];
    if (front === undefined) continue;
    for (const [name, type] of Object.entries(parseYaml(front) ?? {})) {
      const prev = bumps.get(name);
      if (!prev || rank[type] > rank[prev.type])
        bumps.set(name, { type, files: [...(prev?.files ?? []), f] });
      else prev.files.push(f);
    }
  }
  return bumps;
}

/** The bump a change from the sealed report to `text` needs. */
function requiredBump(pkg, sealed, text) {
  const major = Number(pkg.version.split('.')[0]);
  if (major < 1 || !sealed) return 'minor';
  const now = new Set(declarations(text));
  return sealed.declarations.every((d) => now.has(d)) ? 'minor' : 'major';
}

/** Problems of the release policy: a report that moved since its release needs a changeset. */
export function policyProblems(base, packages) {
  const seal = existsSync(sealFile(base)) ? JSON.parse(readFileSync(sealFile(base), 'utf8')) : {};
  const bumps = pendingBumps(base);
  const rank = { patch: 1, minor: 2, major: 3 };
  const problems = [];
  for (const pkg of packages) {
    const file = reportFile(pkg);
    if (!existsSync(file)) continue; // reported by the report check
    const text = readFileSync(file, 'utf8');
    const sealed = seal[pkg.name];
    if (sealed && sealed.version === pkg.version && sealed.sha256 === sha(text)) continue;
    if (sealed && sealed.version !== pkg.version) {
      problems.push(
        `${pkg.name} is at ${pkg.version} but its API report was sealed at ${sealed.version}: versions are set by \`pnpm version-packages\`, which seals the reports`,
      );
      continue;
    }
    const need = requiredBump(pkg, sealed, text);
    const have = bumps.get(pkg.name);
    if (!have || rank[have.type] < rank[need]) {
      const what = sealed
        ? `the API report ${relative(base, file)} changed since its release ${sealed.version}`
        : 'it has never been released';
      problems.push(
        `${pkg.name}: ${what}, and ${
          have
            ? `the pending changesets only bump it ${have.type} (${have.files.join(', ')})`
            : 'no pending changeset bumps it'
        }: add one (\`pnpm changeset\`) that bumps "${pkg.name}" ${need}${need === 'major' ? '' : ' or more'}`,
      );
    }
  }
  return problems;
}

function lineDiff(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const inB = new Set(b);
  const inA = new Set(a);
  return [
    ...a.filter((l) => !inB.has(l)).map((l) => `-  ${l}`),
    ...b.filter((l) => !inA.has(l)).map((l) => `+  ${l}`),
  ]
    .filter((l) => l.trim().length > 1)
    .slice(0, 40);
}

function main(argv) {
  const mode = argv.includes('--update') ? 'update' : argv.includes('--seal') ? 'seal' : 'check';
  const at = argv.indexOf('--root');
  const base = at >= 0 ? resolve(argv[at + 1]) : repoRoot;
  const packages = publicPackages(base);
  let failed = 0;

  if (mode === 'seal') {
    const seal = {};
    for (const pkg of packages) {
      const text = readFileSync(reportFile(pkg), 'utf8');
      seal[pkg.name] = { version: pkg.version, sha256: sha(text), declarations: declarations(text) };
    }
    writeFileSync(sealFile(base), `${JSON.stringify(seal, null, 2)}\n`);
    console.log(`sealed the API reports of ${packages.map((p) => `${p.name}@${p.version}`).join(', ')}`);
    return 0;
  }

  for (const pkg of packages) {
    const file = reportFile(pkg);
    const next = buildReport(pkg);
    const prev = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (prev === next) continue;
    if (mode === 'update') {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, next);
      console.log(`updated ${relative(base, file)}`);
      continue;
    }
    failed++;
    console.error(
      `✗ ${pkg.name}: the built types differ from ${relative(base, file)}${prev ? '' : ' (missing)'}; run \`pnpm api:update\`, review the diff, and add a changeset`,
    );
    if (prev) for (const l of lineDiff(prev, next)) console.error(`    ${l}`);
  }
  for (const p of policyProblems(base, packages)) {
    if (mode === 'update') {
      console.log(`note: ${p}`);
      continue;
    }
    failed++;
    console.error(`✗ ${p}`);
  }
  if (failed) return 1;
  if (mode === 'check') console.log(`API reports match the built types of ${packages.length} packages`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    console.error(`✗ ${e instanceof Error ? e.message : e}`);
    process.exitCode = 1;
  }
}
