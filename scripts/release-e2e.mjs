#!/usr/bin/env node
// Release end to end, on a scratch copy of the repo, against a real local registry:
//   1. start verdaccio on 127.0.0.1 with its own storage in a temp folder;
//   2. add a changeset, run the real `changeset version`, build, and `changeset publish` (through
//      pnpm, so workspace:^ becomes real ranges) to that registry only;
//   3. in fresh consumer projects, install from it — once with npm, once with pnpm — type-check a
//      strict TypeScript file that uses a client, the facade and the sandbox (moduleResolution
//      nodenext and bundler), run it against the sandbox, and check the installed versions are the
//      bumped ones and the CHANGELOG entries are there; the npm project's program runs again on
//      Node 22 (the `node` package from the npm registry), since clients promise web-standard APIs only.
// Nothing is published anywhere else; the registry is stopped and the temp folder removed.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicPackages, root } from './packages.mjs';

const bin = (name) => join(root, 'node_modules/.bin', name);
const tmp = mkdtempSync(join(tmpdir(), 'rosterkit-release-'));
const log = (...a) => console.log('[release-e2e]', ...a);
let registry;

function run(cmd, args, cwd, env = {}) {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    }).toString();
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout}\n${e.stderr}`);
  }
}

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startRegistry() {
  const port = await freePort();
  const storage = join(tmp, 'registry');
  mkdirSync(storage, { recursive: true });
  writeFileSync(
    join(storage, 'config.yaml'),
    `storage: ${join(storage, 'storage')}
auth:
  htpasswd:
    file: ${join(storage, 'htpasswd')}
    max_users: 10
uplinks: {}
packages:
  '@rosterkit/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
log: { type: stdout, format: pretty, level: warn }
`,
  );
  const child = spawn(
    process.execPath,
    [
      join(root, 'node_modules/verdaccio/bin/verdaccio'),
      '--config',
      join(storage, 'config.yaml'),
      '--listen',
      `127.0.0.1:${port}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
    if (i === 99) throw new Error(`verdaccio did not start:\n${output}`);
  }
  const res = await fetch(`${url}-/user/org.couchdb.user:rosterkit`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'rosterkit',
      password: 'release-e2e-password',
      email: 'e2e@example.com',
      type: 'user',
    }),
  });
  const { token } = await res.json();
  if (!token) throw new Error(`could not create a registry user (HTTP ${res.status})`);
  return { url, port, token, stop: () => child.kill('SIGTERM') };
}

const npmrc = (reg) => `@rosterkit:registry=${reg.url}\n//127.0.0.1:${reg.port}/:_authToken=${reg.token}\n`;

async function main() {
  registry = await startRegistry();
  log(`verdaccio on ${registry.url}`);

  // A scratch copy of the repo (tracked and new files, no build output or node_modules).
  const repo = join(tmp, 'repo');
  const files = run('git', ['ls-files', '-co', '--exclude-standard'], root).split('\n').filter(Boolean);
  for (const f of files) {
    try {
      cpSync(join(root, f), join(repo, f), { recursive: true });
    } catch {}
  }
  writeFileSync(join(repo, '.npmrc'), npmrc(registry));
  const marker = `Release check ${Date.now().toString(36)}: the facade and the Rocket.Chat client install from a registry.`;
  writeFileSync(
    join(repo, '.changeset/release-e2e-check.md'),
    `---\n"@rosterkit/rocketchat": patch\n"@rosterkit/users": patch\n---\n\n${marker}\n`,
  );

  const pnpm = bin('pnpm');
  const env = { TURBO_TELEMETRY_DISABLED: '1', CI: '1' };
  log('pnpm install (scratch copy)');
  run(pnpm, ['install', '--frozen-lockfile', '--prefer-offline'], repo, env);
  log('pnpm run version (changeset version + lockfile refresh)');
  run(pnpm, ['run', 'version'], repo, env);
  log('pnpm run release (build + changeset publish)');
  run(pnpm, ['run', 'release'], repo, env);

  const bumped = {};
  for (const pkg of publicPackages()) {
    const json = JSON.parse(readFileSync(join(repo, 'packages', pkg.id, 'package.json'), 'utf8'));
    bumped[json.name] = json.version;
    if (json.version === pkg.version)
      throw new Error(`${json.name} was not bumped by changeset version (${json.version})`);
    const changelog = readFileSync(join(repo, 'packages', pkg.id, 'CHANGELOG.md'), 'utf8');
    if (!changelog.includes(`## ${json.version}`))
      throw new Error(`${json.name} CHANGELOG has no ${json.version} entry`);
    if (
      (json.name === '@rosterkit/rocketchat' || json.name === '@rosterkit/users') &&
      !changelog.includes(marker)
    ) {
      throw new Error(`${json.name} CHANGELOG lacks the changeset text`);
    }
  }
  log('published', JSON.stringify(bumped));

  for (const manager of ['npm', 'pnpm']) await consumer(manager, bumped);
  log(
    'ok: versions, CHANGELOGs, installs (npm, pnpm), type checks (nodenext, bundler) and runs against the sandbox (Node 20 and 22)',
  );
}

async function consumer(manager, bumped) {
  const dir = join(tmp, `consumer-${manager}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.npmrc'), npmrc(registry));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `consumer-${manager}`,
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(
          ['blynk', 'imichat', 'rezolve', 'rocketchat', 'sandbox', 'thena', 'users'].map((p) => [
            `@rosterkit/${p}`,
            bumped[`@rosterkit/${p}`],
          ]),
        ),
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'main.ts'),
    `import { type BlynkUser, createBlynkClient } from '@rosterkit/blynk';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { ApiError, createRocketChatClient, type RocketChatUser } from '@rosterkit/rocketchat';
import { startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import { listUsers, type User } from '@rosterkit/users';

const sandbox = await startSandbox({ users: 42, seed: 3 });
try {
  const p = sandbox.providers;
  const c = (id: keyof typeof p, k: string): string => p[id].credentials[k] ?? '';
  const rc = createRocketChatClient({ baseUrl: p.rocketchat.baseUrl, userId: c('rocketchat', 'userId'), authToken: c('rocketchat', 'authToken') });
  const sources = [
    rc,
    createThenaClient({ baseUrl: p.thena.baseUrl, apiKey: c('thena', 'apiKey') }),
    createImichatClient({ baseUrl: p.imichat.baseUrl, apiKey: c('imichat', 'apiKey'), domainName: c('imichat', 'domainName'), teamId: c('imichat', 'teamId') }),
    createBlynkClient({ baseUrl: p.blynk.baseUrl, clientId: c('blynk', 'clientId'), clientSecret: c('blynk', 'clientSecret') }),
    createRezolveClient({ baseUrl: p.rezolve.baseUrl, token: c('rezolve', 'token'), tenantId: c('rezolve', 'tenantId') }),
  ];
  const first: RocketChatUser[] = [];
  for await (const u of rc.iterateUsers({ pageSize: 10 })) first.push(u);
  const users: User[] = [];
  for await (const u of listUsers(sources)) users.push(u);
  const rcUsers = users.filter((u): u is User<'rocketchat'> => u.provider === 'rocketchat');
  const blynk = users.find((u): u is User<'blynk'> => u.provider === 'blynk');
  const blynkRaw: BlynkUser | undefined = blynk?.raw;
  // Rocket.Chat's workspace also holds the sandbox's two callers and the rocket.cat bot (+3).
  if (users.length !== 5 * 42 + 3 || blynkRaw === undefined) throw new Error(\`expected 213 users, got \${users.length}\`);
  const raw: RocketChatUser = rcUsers[0]!.raw;
  try {
    await rc.GET('/api/v1/users.info', { params: { query: { userId: 'does-not-exist' } } });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 400) throw e;
  }
  console.log(JSON.stringify({ listed: first.length, mapped: rcUsers.length, firstId: raw._id }));
} finally {
  await sandbox.close();
}
`,
  );
  const strict = {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    skipLibCheck: false,
    types: [],
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { ...strict, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out' },
      files: ['main.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'Bundler', noEmit: true },
      files: ['main.ts'],
    }),
  );

  log(`${manager} install`);
  if (manager === 'npm') run('npm', ['install', '--no-audit', '--no-fund'], dir);
  else run(bin('pnpm'), ['install'], dir);
  for (const [name, version] of Object.entries(bumped)) {
    if (
      !(
        name in
        { '@rosterkit/rocketchat': 1, '@rosterkit/users': 1, '@rosterkit/sandbox': 1, '@rosterkit/core': 1 }
      )
    )
      continue;
    const resolved = manager === 'npm' ? join(dir, 'node_modules', name) : join(dir, 'node_modules', name);
    if (name === '@rosterkit/core') continue; // a transitive dependency: checked through the clients
    const installed = JSON.parse(readFileSync(join(resolved, 'package.json'), 'utf8')).version;
    if (installed !== version)
      throw new Error(`${manager}: ${name} installed ${installed}, expected ${version}`);
    readFileSync(join(resolved, 'CHANGELOG.md'), 'utf8');
  }
  log(`${manager}: tsc (nodenext) and tsc (bundler)`);
  run(bin('tsc'), ['-p', 'tsconfig.json'], dir);
  run(bin('tsc'), ['-p', 'tsconfig.bundler.json'], dir);
  const out = JSON.parse(run(process.execPath, ['out/main.js'], dir));
  if (out.listed !== 42 + 3 || out.mapped !== 42 + 3 || typeof out.firstId !== 'string')
    throw new Error(`${manager}: unexpected run result ${JSON.stringify(out)}`);
  log(`${manager}: ran against the sandbox: ${JSON.stringify(out)}`);
  if (manager === 'npm') {
    // The clients use web-standard APIs only: the same program on the next Node major.
    const node22 = nodeBinary(22);
    const again = JSON.parse(run(node22, ['out/main.js'], dir));
    if (JSON.stringify(again) !== JSON.stringify(out))
      throw new Error(`node 22: unexpected run result ${JSON.stringify(again)}`);
    log(`${manager}: ran again on Node ${run(node22, ['--version'], dir).trim()}`);
  }
}

/** A Node binary of another major version, from the npm registry's `node` package (scratch folder). */
function nodeBinary(major) {
  const dir = join(tmp, `node${major}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}');
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--registry', 'https://registry.npmjs.org/', `node@${major}`],
    dir,
  );
  const binary = join(dir, 'node_modules', '.bin', 'node');
  const version = run(binary, ['--version'], dir).trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`node@${major} installed ${version}`);
  return binary;
}

try {
  await main();
} catch (error) {
  console.error(`[release-e2e] FAILED: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  registry?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
