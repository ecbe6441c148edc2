#!/usr/bin/env node
// Release end to end, on a scratch copy of the repository, against a real local registry:
//   1. start verdaccio on 127.0.0.1 with its own storage in a temp folder;
//   2. in a scratch copy of the repository (a git repository with a bare "origin" beside it), add
//      a patch changeset for every package (so there is always something to release, also right
//      after a release) and run the commands of CONTRIBUTING.md's "Cutting a release" section
//      verbatim: they apply the pending changesets, commit, build and publish to that registry (through pnpm, so
//      `workspace:^` becomes a real range) and push the tags. Then check: every version is the
//      one `changeset status` announced, every package has a CHANGELOG entry for it, the API
//      reports are sealed at the new versions (so the release policy passes with no changeset
//      pending), the tags reached origin, and the registry serves every version;
//   3. types that stand alone: a strict consumer with no @types/node anywhere in it imports every
//      published package and type-checks (skipLibCheck false; module nodenext and bundler), then
//      runs against the sandbox — installed once with npm, once with pnpm; the npm consumer runs
//      again on Node 22 (the `node` package from the npm registry): clients use web-standard APIs;
//   4. installable as documented: for each package, a fresh project runs the exact install
//      command of the package's README, then the README's first example — TypeScript examples
//      against a sandbox (a client's connection options become the sandbox's; `https://…` example
//      hosts point at it), the CLI's shell lines with the globally installed `roster`.
// Nothing is published anywhere else; the registry is stopped and the temp folder removed.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyProblems } from './api-snapshot.mjs';
import { publicPackages, root } from './packages.mjs';
import { providerIds, providers } from './providers.mjs';

const bin = (name) => join(root, 'node_modules/.bin', name);
const tmp = mkdtempSync(join(tmpdir(), 'rosterkit-release-'));
const started = Date.now();
const log = (...a) => console.log(`[release-e2e ${Math.round((Date.now() - started) / 1000)}s]`, ...a);
let registry;

/** Connection options of each provider's client, from the sandbox's credentials (its registry settings). */
const SANDBOX_OPTIONS = Object.fromEntries(
  providers().map((p) => [p.id, p.settings.map((s) => s.option).filter((o) => o !== 'baseUrl')]),
);

/** The ROSTER_* variable of each provider setting, as `roster sandbox` prints them (README examples read them). */
const ENV_NAMES = Object.fromEntries(
  providers().map((p) => [p.id, Object.fromEntries(p.settings.map((s) => [s.option, s.env]))]),
);

function run(cmd, args, cwd, env = {}, input = undefined) {
  try {
    return execFileSync(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      input,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    }).toString();
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout}\n${e.stderr}`);
  }
}
const sh = (command, cwd, env = {}) => run('sh', ['-c', command], cwd, env);

/** Like `sh` but asynchronous, so independent installs can overlap. */
function shAsync(command, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`\`${command}\` exited ${code} in ${cwd}:\n${out}`)),
    );
  });
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
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
  return {
    url,
    port,
    token,
    output: () => output,
    exited: () => child.exitCode,
    stop: () => child.kill('SIGTERM'),
  };
}

/** The registry's document for a package (retried: a kept-alive socket may have been closed). */
async function registryDocument(name) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(`${registry.url}${name.replace('/', '%2f')}`)).json();
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

const npmrc = (reg) => `@rosterkit:registry=${reg.url}\n//127.0.0.1:${reg.port}/:_authToken=${reg.token}\n`;

/** The shell commands of CONTRIBUTING.md's "Cutting a release" steps, in order. */
function releaseSteps(contributing) {
  const section = /^## Cutting a release\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(contributing)?.[1];
  if (!section) throw new Error('CONTRIBUTING.md has no "## Cutting a release" section');
  const steps = [...section.matchAll(/^\d+\.\s+`([^`]+)`/gm)].map((m) => m[1]);
  if (!steps.length) throw new Error('"Cutting a release" lists no numbered `command` steps');
  return steps;
}

/** A README's install commands (the first ```sh block's) and its first TypeScript example. */
function readmeExample(readme) {
  const blocks = [...readme.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], code: m[2] }));
  const isInstall = (l) => /^(npm|pnpm|yarn) (install|i|add)\b/.test(l);
  const shBlocks = blocks
    .filter((b) => b.lang === 'sh')
    .map((b) =>
      b.code
        .split('\n')
        .map((l) => l.replace(/\s+#.*$/, '').trim())
        .filter(Boolean),
    );
  const lines = shBlocks[0] ?? [];
  const install = lines.filter(isInstall);
  if (!install.length) throw new Error('no install command in the first ```sh block');
  const ts = blocks.find((b) => b.lang === 'ts');
  // The commands to try: beside the install command, or in the block right after it.
  const rest = lines.filter((l) => !isInstall(l));
  return { install, ts: ts?.code, shellLines: rest.length ? rest : (shBlocks[1] ?? []) };
}

async function main() {
  registry = await startRegistry();
  log(`verdaccio on ${registry.url}`);

  // A scratch copy of the repository (tracked and new files), as a git repository with an origin.
  const repo = join(tmp, 'repo');
  const files = run('git', ['ls-files', '-co', '--exclude-standard'], root).split('\n').filter(Boolean);
  for (const f of files)
    if (existsSync(join(root, f))) cpSync(join(root, f), join(repo, f), { recursive: true });
  writeFileSync(join(repo, '.npmrc'), npmrc(registry));
  const gitEnv = {
    GIT_AUTHOR_NAME: 'release-e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'release-e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
  };
  const env = { TURBO_TELEMETRY_DISABLED: '1', CI: '1', ...gitEnv };
  run('git', ['init', '-q', '--bare', join(tmp, 'origin.git')], tmp);
  run('git', ['init', '-q', '-b', 'main'], repo);
  writeFileSync(join(repo, '.git/info/exclude'), '.npmrc\nnode_modules\n');
  run('git', ['add', '-A'], repo);
  run('git', ['commit', '-qm', 'scratch copy'], repo, gitEnv);
  run('git', ['remote', 'add', 'origin', join(tmp, 'origin.git')], repo);
  run('git', ['push', '-q', '-u', 'origin', 'main'], repo);

  // A changeset of its own, so the steps always have something to release (also right after a
  // release, when none is pending) and its text must reach every CHANGELOG.
  const marker = `Release check ${Date.now().toString(36)}: installs from a registry.`;
  writeFileSync(
    join(repo, '.changeset/release-e2e-check.md'),
    `---\n${publicPackages()
      .map((p) => `"${p.name}": patch`)
      .join('\n')}\n---\n\n${marker}\n`,
  );
  run('git', ['add', '-A'], repo);
  run('git', ['commit', '-qm', 'release check changeset'], repo, gitEnv);

  log('pnpm install (scratch copy)');
  run(bin('pnpm'), ['install', '--frozen-lockfile', '--prefer-offline'], repo, env);
  run(bin('changeset'), ['status', '--output', 'release-plan.json'], repo, env);
  const plan = JSON.parse(readFileSync(join(repo, 'release-plan.json'), 'utf8'));
  rmSync(join(repo, 'release-plan.json'));
  const expected = Object.fromEntries(publicPackages().map((p) => [p.name, p.version]));
  for (const r of plan.releases) if (r.name in expected) expected[r.name] = r.newVersion;

  for (const step of releaseSteps(readFileSync(join(repo, 'CONTRIBUTING.md'), 'utf8'))) {
    log(`CONTRIBUTING: ${step}`);
    sh(step, repo, env);
  }

  // What the steps did.
  const pending = run('git', ['status', '--porcelain'], repo).trim();
  if (pending) throw new Error(`the release steps left uncommitted changes:\n${pending}`);
  const released = publicPackages(join(repo));
  const tags = run('git', ['ls-remote', '--tags', 'origin'], repo);
  for (const pkg of released) {
    if (pkg.version !== expected[pkg.name])
      throw new Error(
        `${pkg.name} is ${pkg.version} after the release steps; changeset status said ${expected[pkg.name]}`,
      );
    const changelog = readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8');
    if (!changelog.includes(`## ${pkg.version}\n`) || !changelog.includes(marker))
      throw new Error(`${pkg.name}: CHANGELOG.md has no ${pkg.version} entry with the pending changesets`);
    if (!tags.includes(`refs/tags/${pkg.name}@${pkg.version}`))
      throw new Error(`${pkg.name}: tag ${pkg.name}@${pkg.version} did not reach origin`);
    const doc = await registryDocument(pkg.name);
    if (doc['dist-tags']?.latest !== pkg.version)
      throw new Error(
        `${pkg.name}: the registry's latest is ${doc['dist-tags']?.latest}, expected ${pkg.version}`,
      );
  }
  const policy = policyProblems(repo, released);
  if (policy.length)
    throw new Error(`after the release steps, the API report policy fails:\n${policy.join('\n')}`);
  log('published', JSON.stringify(Object.fromEntries(released.map((p) => [p.name, p.version]))));

  const versions = Object.fromEntries(released.map((p) => [p.name, p.version]));
  for (const manager of ['npm', 'pnpm']) consumer(manager, versions);
  await readmes(released, versions);
  log(`ok in ${Math.round((Date.now() - started) / 1000)} s: CONTRIBUTING's release steps, versions, CHANGELOGs, tags,
  sealed API reports; types without @types/node (nodenext, bundler; npm and pnpm installs); runs on Node 20 and 22;
  every README's install command and example`);
}

function consumer(manager, versions) {
  const dir = join(tmp, `consumer-${manager}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.npmrc'), npmrc(registry));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: `consumer-${manager}`, private: true, type: 'module', dependencies: versions },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'main.ts'),
    `import { type BlynkUser, createBlynkClient } from '@rosterkit/blynk';
import { cliProviders, EXIT, type Io } from '@rosterkit/cli';
import { ApiError as CoreApiError, createTransport, InputError } from '@rosterkit/core';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { ApiError, createRocketChatClient, type RocketChatUser } from '@rosterkit/rocketchat';
import { startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import { listUsers, type User } from '@rosterkit/users';

const io: Pick<Io, 'env' | 'cwd'> = { env: { HOME: '/home/someone' }, cwd: '/' };
const status: CoreApiError['status'] = 418;
void [io, status, EXIT.ok, Object.keys(cliProviders), createTransport, InputError];

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
  // Every published provider runs, not only those named above: each one the published registry
  // (the CLI's providers) knows lists its sandbox users through its published client.
  const registry = Object.keys(cliProviders).sort();
  if (JSON.stringify(registry) !== JSON.stringify(${JSON.stringify(providerIds().sort())}))
    throw new Error(\`the published registry lists \${registry.join(', ')}\`);
  for (const id of registry as (keyof typeof p & keyof typeof cliProviders)[]) {
    let listed = 0;
    const source = cliProviders[id].create({ baseUrl: p[id].baseUrl, ...p[id].credentials }, {});
    for await (const _ of source.iterateUsers()) listed++;
    if (listed < 42) throw new Error(\`\${id}: listed \${listed} users through its published client, expected at least 42\`);
  }
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
  // No @types/node: only the standard library and the DOM's web APIs (fetch, URL, AbortSignal).
  const strict = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
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

  log(`${manager}: install every package`);
  if (manager === 'npm') run('npm', ['install', '--no-audit', '--no-fund'], dir);
  else run(bin('pnpm'), ['install'], dir);
  const typesNode =
    manager === 'npm' ? join(dir, 'node_modules/@types/node') : join(dir, 'node_modules/.pnpm');
  if (manager === 'npm' ? existsSync(typesNode) : run('ls', [typesNode], dir).includes('@types+node'))
    throw new Error(`${manager}: @types/node was installed into the consumer; the check would prove nothing`);
  for (const [name, version] of Object.entries(versions)) {
    const installed = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
    if (installed.version !== version)
      throw new Error(`${manager}: ${name} installed ${installed.version}, expected ${version}`);
    if (!readFileSync(join(dir, 'node_modules', name, 'CHANGELOG.md'), 'utf8').includes(`## ${version}`))
      throw new Error(`${manager}: ${name}'s published CHANGELOG.md has no ${version} entry`);
  }
  log(`${manager}: tsc without @types/node (nodenext, bundler)`);
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

/** Each README: its install command, verbatim, in a fresh project; then its first example. */
async function readmes(released, versions) {
  // A few at a time (each is an npm install); every README is tried, and every failure reported.
  const failures = [];
  for (let i = 0; i < released.length; i += 3) {
    const batch = released.slice(i, i + 3);
    const settled = await Promise.allSettled(batch.map((pkg) => readme(pkg, versions)));
    settled.forEach((r, j) => {
      if (r.status === 'fulfilled') log(`README ${r.value}`);
      else failures.push(`${batch[j].name}: ${r.reason instanceof Error ? r.reason.message : r.reason}`);
    });
  }
  if (failures.length)
    throw new Error(`${failures.length} README(s) do not work as written:\n\n${failures.join('\n\n')}`);
}

async function readme(pkg, versions) {
  const { install, ts, shellLines } = readmeExample(readFileSync(join(pkg.dir, 'README.md'), 'utf8'));
  const dir = join(tmp, `readme-${pkg.id}`);
  const prefix = join(dir, 'global'); // where `npm install -g` goes
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.npmrc'), npmrc(registry));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `readme-${pkg.id}`, private: true, type: 'module' }),
  );
  // npm reads a project's .npmrc but not in global mode: the registry goes in the user config.
  const env = {
    npm_config_userconfig: join(dir, '.npmrc'),
    npm_config_prefix: prefix,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  for (const command of install) await shAsync(command, dir, env);
  const own = install.find((c) => c.split(/\s+/).includes(pkg.name));
  if (!own)
    throw new Error(`the README's install commands do not install ${pkg.name}: ${install.join('; ')}`);
  const global = /\s(-g|--global)\b/.test(own);
  const where = global ? join(prefix, 'lib/node_modules') : join(dir, 'node_modules');
  const installed = JSON.parse(readFileSync(join(where, pkg.name, 'package.json'), 'utf8')).version;
  if (installed !== versions[pkg.name])
    throw new Error(`\`${own}\` installed ${installed}, expected ${versions[pkg.name]}`);

  if (global) {
    // A command-line package: its README's shell lines, with the installed command on the PATH.
    const path = `${join(prefix, 'bin')}:${process.env.PATH}`;
    const lines = shellLines.filter((l) => !/^\w+ sandbox\b/.test(l)); // `roster sandbox` serves until Ctrl-C
    if (!lines.length) throw new Error("the README's install block shows no command to run");
    for (const line of lines) {
      const out = await shAsync(line, dir, { PATH: path });
      if (!out.trim()) throw new Error(`\`${line}\` printed nothing`);
    }
    return `${pkg.name}: \`${install.join('; ')}\`, then ${lines.map((l) => `\`${l}\``).join(', ')}`;
  }
  if (!ts) throw new Error('the README has no TypeScript example');
  writeFileSync(join(dir, 'example.mjs'), bindToSandbox(pkg.name, ts));
  // The example's own packages come from the README's command; the harness adds the sandbox.
  if (!existsSync(join(dir, 'node_modules/@rosterkit/sandbox')))
    await shAsync(`npm install --no-save @rosterkit/sandbox@${versions['@rosterkit/sandbox']}`, dir, env);
  await shAsync(`"${process.execPath}" example.mjs`, dir);
  return `${pkg.name}: \`${install.join('; ')}\`, then its example`;
}

/**
 * A README's TypeScript example as a program that runs against a sandbox: types stripped
 * (esbuild); every `createXClient({...})` gets the sandbox's connection options for X instead of
 * the README's placeholders; `https://…example.com` URLs point at the sandbox; the example's own
 * code runs unchanged between starting and closing the sandbox.
 */
function bindToSandbox(name, ts) {
  let code = ts;
  let bound = 0;
  const selfContained = /\bstartSandbox\(/.test(ts); // the example starts its own sandbox
  while (!selfContained) {
    const m = /\bcreate(\w+)Client\(/.exec(code.slice(bound));
    if (!m) break;
    const id = m[1].toLowerCase();
    if (!SANDBOX_OPTIONS[id])
      throw new Error(`${name}: the README creates a client the release e2e cannot bind: ${m[0]}`);
    const open = bound + m.index + m[0].length;
    let depth = 1;
    let i = open;
    for (; i < code.length && depth > 0; i++) depth += code[i] === '(' ? 1 : code[i] === ')' ? -1 : 0;
    const replacement = `__sandboxOptions(${JSON.stringify(id)})`;
    code = `${code.slice(0, open)}${replacement}${code.slice(i - 1)}`;
    bound = open + replacement.length;
  }
  code = code.replace(
    /(['"`])https:\/\/(?:[\w-]+\.)*example\.com([^'"`]*)\1/g,
    (_, _q, path) => `(__sandboxOrigin + ${JSON.stringify(path)})`,
  );
  const js = run(bin('esbuild'), ['--loader=ts', '--format=esm', '--log-level=error'], root, {}, code);
  const imports = js.match(/^import [\s\S]*?;$/gm) ?? [];
  let body = js;
  for (const i of imports) body = body.replace(i, '');
  return `${imports.join('\n')}
import { startSandbox as __startSandbox } from '@rosterkit/sandbox';
const __sandbox = ${selfContained ? 'undefined' : 'await __startSandbox({ users: 25, seed: 1 })'};
const __sandboxOrigin = __sandbox ? new URL(__sandbox.providers.rocketchat.baseUrl).origin : '';
const __options = ${JSON.stringify(SANDBOX_OPTIONS)};
// The ROSTER_* variables examples read, as \`roster sandbox\` prints them.
for (const [id, names] of Object.entries(${JSON.stringify(ENV_NAMES)})) {
  const p = __sandbox?.providers[id];
  if (!p) continue;
  const values = { baseUrl: p.baseUrl, ...p.credentials };
  for (const [key, variable] of Object.entries(names)) if (values[key] !== undefined) process.env[variable] = values[key];
}
function __sandboxOptions(id) {
  const p = __sandbox.providers[id];
  return { baseUrl: p.baseUrl, ...Object.fromEntries(__options[id].map((k) => [k, p.credentials[k]])) };
}
try {
${body}
} finally {
  await __sandbox?.close();
}
`;
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
  if (error?.cause) console.error('  cause:', error.cause);
  if (registry?.exited() !== null || error?.cause)
    console.error(`verdaccio (exit ${registry?.exited()}):\n${registry?.output()}`);
  process.exitCode = 1;
} finally {
  registry?.stop();
  rmSync(tmp, { recursive: true, force: true });
}
