// CONTRIBUTING's "Adding a provider", run as CI runs it: in a scratch copy of the repo, scaffold a
// sixth provider ("acme": bearer auth, cursor-paged GET /users, GET /users/{id}), wire it with
// `pnpm install && pnpm generate`, and prove the tree is green for it: spec lint, drift check,
// build, type checks of every package that now names it, its own tests, the facade's
// field-mapping test (which lists it through its mapper and the sandbox) and lint.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
const SKIP = new Set(['node_modules', '.git', '.turbo', 'site', '.tmp', '.artifacts']);
const CONSUMERS = ['packages/users', 'packages/cli', 'packages/contract', 'packages/docs'];

/** How often each source file (not installed or built ones) contains `word`, by repo-relative path. */
function mentions(
  dir: string,
  word: string,
  base = dir,
  out = new Map<string, number>(),
): Map<string, number> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) mentions(path, word, base, out);
    else {
      const n = readFileSync(path, 'utf8').split(word).length - 1;
      if (n > 0) out.set(relative(base, path), n);
    }
  }
  return out;
}
let before = new Map<string, number>();
let copy = '';

function run(cmd: string, args: string[], cwd = copy): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 32 * 1024 * 1024,
    }).toString();
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${relative(repo, cmd)} ${args.join(' ')} failed:\n${err.stdout}\n${err.stderr}`);
  }
}
const pnpm = (...args: string[]) => run(bin('pnpm'), args);
const inPackage = (pkg: string, cmd: string, ...args: string[]) =>
  run(bin(cmd), args, join(copy, 'packages', pkg));

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'rosterkit-scaffold-'));
  // The working tree without installed or generated-by-build folders (built dist/ is kept, so only
  // the packages the new provider touches need building again).
  cpSync(repo, copy, {
    recursive: true,
    filter: (src) => !SKIP.has(src.split('/').pop() ?? ''),
  });
  before = mentions(copy, 'acme');
  pnpm('install', '--offline', '--frozen-lockfile'); // as a fresh clone would
  run(process.execPath, ['scripts/new-provider.mjs', 'acme', 'Acme']);
  run(process.execPath, ['scripts/generate.mjs']);
  pnpm('install', '--offline', '--no-frozen-lockfile');
}, 240_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
}, 60_000);

describe('a scaffolded provider gives a green tree', () => {
  it('names the provider in no shared file but redocly.yaml and the lockfile (the rest is generated)', () => {
    const own = [
      'specs/acme/',
      'packages/acme/',
      'packages/sandbox/src/providers/acme.ts',
      'packages/users/src/mappers/acme.ts',
    ];
    // Files that name it more often than before (other words may contain "acme" already).
    const naming = [...mentions(copy, 'acme')]
      .filter(([f, n]) => n > (before.get(f) ?? 0))
      .map(([f]) => f)
      .filter((f) => !own.some((o) => f.startsWith(o)) && !f.includes('/generated/'));
    // Consumers' dependencies on every provider package are written by `pnpm generate` too.
    const manifests = ['package.json', ...CONSUMERS.map((c) => `${c}/package.json`)];
    expect(naming.filter((f) => !manifests.includes(f)).sort()).toEqual(['pnpm-lock.yaml', 'redocly.yaml']);
    expect(readFileSync(join(copy, 'redocly.yaml'), 'utf8')).toContain(
      '  acme:\n    root: specs/acme/openapi.yaml',
    );
    for (const generated of [
      'packages/sandbox/src/generated/providers.ts',
      'packages/users/src/generated/providers.ts',
      'packages/cli/src/generated/clients.ts',
      'packages/cli/src/generated/settings.ts',
    ]) {
      expect(readFileSync(join(copy, generated), 'utf8'), generated).toContain('acme');
    }
    expect(readFileSync(join(copy, 'packages/cli/src/generated/settings.ts'), 'utf8')).toContain(
      'ROSTER_ACME_TOKEN',
    );
  });

  it('lints its spec, and the generated files are current', () => {
    run(bin('redocly'), ['lint', '--format=stylish', 'acme']);
    run(process.execPath, ['scripts/generate.mjs', '--check']);
  }, 120_000);

  it('builds and type-checks every package that names it', () => {
    pnpm(...['acme', 'sandbox', 'users', 'cli'].flatMap((p) => ['--filter', `@rosterkit/${p}`]), 'build');
    for (const pkg of ['acme', 'users', 'cli', 'contract'])
      inPackage(pkg, 'tsc', '-p', 'tsconfig.json', '--noEmit');
  }, 300_000);

  it("passes its own tests, the facade's field-mapping test and the spec contract test", () => {
    expect(inPackage('acme', 'vitest', 'run')).toMatch(/Tests\s+\S*\d+ passed/);
    const fields = inPackage('users', 'vitest', 'run', 'test/fields.test.ts', '-t', 'acme');
    expect(fields).toMatch(/1 passed/);
    const contract = inPackage('contract', 'vitest', 'run', 'test/contract.test.ts', '-t', 'acme');
    expect(contract).toMatch(/1 passed/);
  }, 180_000);

  it('is covered by the suites that iterate the registry, with no row written for it', () => {
    // Error decoders (2), client and listing options (2), credential functions (5), the bounded wait
    // for a credential (2), one JSON parse per request on each of the three wires (3).
    const suites = inPackage(
      'contract',
      'vitest',
      'run',
      'test/decoders.test.ts',
      'test/options.test.ts',
      'test/credentials.test.ts',
      'test/auth.test.ts',
      'test/parse-once.test.ts',
      '-t',
      'acme',
    );
    expect(suites).not.toMatch(/failed/);
    expect(suites).toMatch(/Tests\s+14 passed/);
    // The hostile suite plays every scenario that fits a cursor listing against it.
    const hostile = join(copy, 'packages/contract/test/hostile');
    const table = JSON.parse(run(process.execPath, ['run.mjs', '--list'], hostile)) as Record<
      string,
      string[]
    >;
    const scenarios = Object.keys(table).filter((s) => table[s]?.includes('acme.list'));
    expect(scenarios).toEqual(
      expect.arrayContaining(['null', 'oversized', 'prototype-keys', 'endless', 'trickle', 'hang']),
    );
    expect(scenarios).toEqual(
      expect.arrayContaining(['gzip-bomb', 'auth-refused', 'redirect-cross-origin', 'redirect-loop']),
    );
    expect(JSON.parse(run(process.execPath, ['run.mjs', '--sized'], hostile))).toContain('acme.list');
    const outcome = (scenario: string) =>
      JSON.parse(
        run(process.execPath, ['run.mjs', scenario, 'acme.list'], hostile).trim().split('\n').pop() ?? '',
      ).outcomes[0];
    // A null record on the first page: three users, then a typed error saying so.
    expect(outcome('null')).toMatchObject({
      listing: 'acme.list',
      state: 'error',
      items: 3,
      error: { apiError: true, kind: 'invalid-response', itemsRead: 3 },
    });
    expect(outcome('auth-refused')).toMatchObject({ state: 'error', error: { kind: 'http', status: 401 } });
  }, 300_000);

  it('is lint-clean and within a size budget', () => {
    run(bin('biome'), ['check', 'packages/acme', 'packages/sandbox/src', 'packages/users/src', 'scripts']);
    expect(run(process.execPath, ['scripts/size.mjs', '--check'])).toContain('@rosterkit/acme');
  }, 120_000);
});
