/**
 * Every example in README.md, CONTRIBUTING.md and packages/*\/README.md, run as written, so the
 * docs cannot rot (run by `vitest.examples.config.ts`, after the build; `test:examples`):
 *
 * - ```ts blocks are type-checked together (tsc) and each is run with a fresh sandbox whose
 *   settings are in the ROSTER_* environment variables — the same ones `roster sandbox` prints.
 * - ```sh blocks run line by line from the repository root, with `roster` on the PATH and no
 *   global pnpm (as on a fresh machine). Each line must exit 0; a `--format json` command must
 *   print only JSON. `npm install` lines of rosterkit packages are checked (the packages exist and
 *   are published), not run.
 * - ```json blocks that name the roster config schema are validated against it.
 * - `<!-- example: skip — reason -->` before a block skips it (the reason is required and shown);
 *   `<!-- example: server -->` runs it until it prints its address, then stops it with Ctrl-C.
 * - The README's package table lists every published package, and its size table matches
 *   size-budgets.json. No inline `pnpm …` command assumes a global pnpm.
 */
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliProviders } from '@rosterkit/cli';
import { startSandbox } from '@rosterkit/sandbox';
import type { ProviderId } from '@rosterkit/users';
import Ajv2020 from 'ajv/dist/2020.js';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const here = fileURLToPath(new URL('..', import.meta.url));

interface Example {
  doc: string;
  line: number;
  lang: string;
  code: string;
  marker: { kind: 'skip'; reason: string } | { kind: 'server' } | undefined;
}

function documents(): string[] {
  const packages = readdirSync(join(root, 'packages'))
    .map((p) => join('packages', p, 'README.md'))
    .filter((p) => existsSync(join(root, p)));
  return ['README.md', 'CONTRIBUTING.md', ...packages];
}

function extract(doc: string): Example[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] as string).startsWith('```'); i++) body.push(lines[i] as string);
    let prev = start - 1;
    while (prev >= 0 && (lines[prev] as string).trim() === '') prev--;
    const m = /^<!-- example: (skip|server)(?:\s*[—-]\s*(.*?))?\s*-->$/.exec((lines[prev] ?? '').trim());
    const marker =
      m?.[1] === 'skip'
        ? { kind: 'skip' as const, reason: m[2] ?? '' }
        : m?.[1] === 'server'
          ? { kind: 'server' as const }
          : undefined;
    out.push({
      doc,
      line: start + 1,
      lang: (open[1] as string).toLowerCase(),
      code: body.join('\n'),
      marker,
    });
  }
  return out;
}

const examples = documents().flatMap(extract);
const TS = ['ts', 'typescript'];
const SH = ['sh', 'bash', 'shell', 'console'];
const name = (e: Example) => `${e.doc}:${e.line}`;

/** ROSTER_* variables for a running sandbox, as `roster sandbox` prints them. */
async function sandboxEnv() {
  const sandbox = await startSandbox({ users: 25, seed: 1 });
  const env: Record<string, string> = {};
  for (const [id, info] of Object.entries(sandbox.providers)) {
    const values: Record<string, string | undefined> = { baseUrl: info.baseUrl, ...info.credentials };
    for (const [key, variable] of Object.entries(cliProviders[id as ProviderId].settings))
      if (values[key] !== undefined) env[variable] = values[key] as string;
  }
  return { env, close: () => sandbox.close() };
}

function exec(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { ...options, maxBuffer: 64 * 1024 * 1024, timeout: options.timeout ?? 300_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'rosterkit-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A PATH like a fresh machine after `npm install -g @rosterkit/cli`: `roster`, node and npx, no pnpm.
const bin = join(work, 'bin');
mkdirSync(bin);
symlinkSync(join(root, 'packages/cli/dist/bin.js'), join(bin, 'roster'));
const systemPath = (process.env['PATH'] ?? '')
  .split(':')
  .filter((d) => !d.includes('node_modules') && !existsSync(join(d, 'pnpm')));
const shellEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  HOME: process.env['HOME'],
  TMPDIR: work,
  PATH: [bin, ...systemPath].join(':'),
  TURBO_TELEMETRY_DISABLED: '1',
  ...extra,
});

describe('the docs', () => {
  it('have examples, and every skip says why', () => {
    expect(examples.filter((e) => TS.includes(e.lang)).length).toBeGreaterThan(5);
    expect(examples.filter((e) => SH.includes(e.lang)).length).toBeGreaterThan(5);
    const skipped = examples.filter((e) => e.marker?.kind === 'skip');
    for (const e of skipped)
      expect(e.marker && 'reason' in e.marker && e.marker.reason.length, name(e)).toBeGreaterThan(3);
    // Visible in the log: what is not run, and why.
    console.log(
      `examples not run:\n${skipped.map((e) => `  ${name(e)}: ${(e.marker as { reason: string }).reason}`).join('\n')}`,
    );
  });

  it('use no bare `pnpm …` (there is no global pnpm on a fresh machine)', () => {
    const bare: string[] = [];
    for (const doc of documents()) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const m of text.matchAll(/`(pnpm [^`]*)`/g)) bare.push(`${doc}: ${m[1]}`);
      for (const e of extract(doc).filter((x) => SH.includes(x.lang) && !x.marker))
        for (const line of e.code.split('\n'))
          if (/(^|[;&|(]\s*)pnpm\s/.test(line)) bare.push(`${name(e)}: ${line}`);
    }
    expect(bare).toEqual([]);
  });

  it('the README lists every published package, and the size budgets', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const dir of readdirSync(join(root, 'packages'))) {
      const file = join(root, 'packages', dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean };
      if (!pkg.private) expect(readme, pkg.name).toContain(`[\`${pkg.name}\`](packages/${dir})`);
    }
    // Budgets as scripts/size.mjs reads them: size-budgets.json, plus each provider package's own
    // (`"rosterkit".sizeBudget` in its package.json).
    const budgets: Record<string, number> = {
      ...(
        JSON.parse(readFileSync(join(root, 'size-budgets.json'), 'utf8')) as {
          packages: Record<string, number>;
        }
      ).packages,
    };
    for (const dir of readdirSync(join(root, 'packages'))) {
      const file = join(root, 'packages', dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        rosterkit?: { sizeBudget?: number };
      };
      if (pkg.rosterkit?.sizeBudget !== undefined) budgets[pkg.name] = pkg.rosterkit.sizeBudget;
    }
    const table = Object.fromEntries(
      [...readme.matchAll(/^\| `(@rosterkit\/[\w-]+)`\s*\| ([\d,]+)\s*\|$/gm)].map((m) => [
        m[1],
        Number(m[2]?.replace(/,/g, '')),
      ]),
    );
    expect(table).toEqual(budgets);
  });
});

describe('TypeScript examples', () => {
  const blocks = examples.filter((e) => TS.includes(e.lang) && e.marker?.kind !== 'skip');
  // Under the contract package's node_modules: @rosterkit/* resolve as they do for a user who
  // installed them, and no linter or formatter of the repository sees the files.
  const dir = join(here, 'node_modules', '.examples');
  const files = blocks.map((e) => ({ e, file: join(dir, `${e.doc.replace(/[^\w]+/g, '_')}_${e.line}.mts`) }));
  beforeAll(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const { e, file } of files) writeFileSync(file, `${e.code}\nexport {};\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-check', async () => {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../../tsconfig.base.json',
        compilerOptions: {
          noEmit: true,
          types: ['node'],
          module: 'NodeNext',
          target: 'ES2022',
          noUncheckedIndexedAccess: false,
        },
        include: ['*.mts'],
      }),
    );
    const r = await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      cwd: dir,
      env: process.env,
    });
    const shown = r.stdout
      .replaceAll(dir, '')
      .replace(/\/?(\w+)_md_(\d+)\.mts/g, (_, d, l) => `${d}.md:${l}+`);
    expect(shown, 'type errors in examples (doc:line of the block)').toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  for (const { e, file } of files) {
    it(`${name(e)} runs against the sandbox`, async () => {
      const js = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const out = file.replace(/\.mts$/, '.mjs');
      writeFileSync(out, js);
      const sandbox = await sandboxEnv();
      try {
        const r = await exec(process.execPath, [out], {
          cwd: here,
          env: { ...process.env, ...sandbox.env },
          timeout: 60_000,
        });
        expect(r.code, `${name(e)}: ${r.stderr}`).toBe(0);
      } finally {
        await sandbox.close();
      }
    }, 90_000);
  }
});

describe('shell examples', () => {
  const sh = examples.filter((e) => SH.includes(e.lang) && e.marker?.kind !== 'skip');
  for (const e of sh) {
    it(`${name(e)}${e.marker?.kind === 'server' ? ' (server)' : ''}`, async () => {
      const sandbox = await sandboxEnv();
      try {
        const env = shellEnv(sandbox.env);
        const commands = e.code
          .replace(/\\\n/g, ' ')
          .split('\n')
          .map((l) => l.replace(/\s+#\s.*$/, '').trim())
          .filter((l) => l && !l.startsWith('#'));
        if (e.marker?.kind === 'server') {
          expect(commands, 'a server block holds one command').toHaveLength(1);
          await runServer(commands[0] as string, env);
          return;
        }
        const exports: string[] = [];
        for (const command of commands) {
          if (command.startsWith('export ')) {
            exports.push(command);
            continue;
          }
          const install = /^npm (?:install|i)\b(.*)$/.exec(command);
          if (install) {
            checkInstall(install[1] as string, name(e));
            continue;
          }
          const r = await exec('bash', ['-c', `set -eo pipefail\n${exports.join('\n')}\n${command}`], {
            cwd: root,
            env,
          });
          expect(r.code, `${name(e)}: ${command}\n${r.stderr.slice(-2000)}`).toBe(0);
          if (/--format json\b/.test(command) && !/[|>]/.test(command)) {
            expect(() => JSON.parse(r.stdout), `${command}: stdout is only JSON`).not.toThrow();
          }
        }
      } finally {
        await sandbox.close();
      }
    }, 600_000);
  }
});

describe('json examples', () => {
  const schema = JSON.parse(readFileSync(join(root, 'packages/cli/roster.config.schema.json'), 'utf8'));
  const validate = new Ajv2020.default({ strict: true }).compile(schema);
  for (const e of examples.filter((x) => x.lang === 'json' && x.code.includes('roster.config.schema.json'))) {
    it(`${name(e)} is a valid roster config`, () => {
      const ok = validate(JSON.parse(e.code));
      expect(validate.errors ?? [], name(e)).toEqual([]);
      expect(ok).toBe(true);
    });
  }
});

function checkInstall(args: string, where: string) {
  const names = args.split(/\s+/).filter((a) => a && !a.startsWith('-'));
  expect(names.length, where).toBeGreaterThan(0);
  for (const n of names) {
    expect(n, `${where}: only rosterkit packages are installed in examples`).toMatch(/^@rosterkit\//);
    const dir = n.replace('@rosterkit/', '');
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
    };
    expect(pkg.name).toBe(n);
    expect(pkg.private, `${n} is published`).not.toBe(true);
  }
}

/**
 * Starts a long-running command in its own process group, waits until it prints an
 * http://127.0.0.1 address, then sends Ctrl-C (SIGINT) to the whole group, as a terminal does.
 */
async function runServer(command: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn('bash', ['-c', `exec ${command}`], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const group = child.pid as number;
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  try {
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/http:\/\/127\.0\.0\.1:\d+/.test(stdout)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      void exited.then(() => resolve(false));
    });
    expect(ready, `${command} did not start: ${stderr.slice(-1500)}`).toBe(true);
    process.kill(-group, 'SIGINT');
    const { code, signal } = await exited;
    // Stopped by Ctrl-C: a clean exit, or (through npx/pnpm) the signal itself.
    expect(
      code === 0 || code === 130 || signal === 'SIGINT',
      `${command} after Ctrl-C: ${code} ${signal} ${stderr.slice(-1500)}`,
    ).toBe(true);
  } finally {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {}
  }
}
