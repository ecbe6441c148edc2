// The provider registry, for every repo script (generate, docs build, size budgets, release e2e,
// bench, new-provider). A provider declares itself once, in its own package.json:
//
//   "rosterkit": {
//     "provider": "acme",                 // the id: package dir, sandbox mount, facade provider id
//     "label": "Acme",                    // human name (CLI, docs; "docsLabel" overrides it on the site)
//     "index": 5,                         // fixed, unique: registry order and the seeded-people window
//     "factory": "createAcmeClient",      // the client factory; its middle ("Acme") names the rest:
//                                         //   AcmeUser (raw record type), mapAcmeUser, acmeSources and
//                                         //   acmeCapabilities (packages/users/src/mappers/acme.ts),
//                                         //   acme() (packages/sandbox/src/providers/acme.ts)
//     "settings": { "baseUrl": {}, "token": { "secret": true } },   // client options the CLI reads;
//                                         //   env ROSTER_<ID>_<OPTION_SNAKE> unless "env" names the suffix
//     "sizeBudget": 10000,                // min+gz bytes (scripts/size.mjs)
//     "managedHeader": "X-Api-Key",       // optional: a header its client sets itself (the contract
//                                         //   tests check callers cannot override it); default Authorization
//     "hostile": { "listings": { … } },   // its user listings on the wire, for the hostile suite
//                                         //   (packages/contract/test/hostile/cases.mjs says what each key means)
//     "providerApiVersion": "1", "spec": "specs/acme/openapi.yaml"
//   }
//
// Everything else is derived here, and `pnpm generate` writes the registries the packages import
// (see GENERATED below), so a provider missing a piece fails at compile time or here, loudly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the generated registry modules go (all committed, drift-checked by `generate --check`). */
export const GENERATED = {
  sandbox: 'packages/sandbox/src/generated/providers.ts',
  sandboxOperations: 'packages/sandbox/src/generated/routes.ts',
  users: 'packages/users/src/generated/providers.ts',
  cliSettings: 'packages/cli/src/generated/settings.ts',
  cliClients: 'packages/cli/src/generated/clients.ts',
  usersTest: 'packages/users/test/generated/clients.ts',
  contractTest: 'packages/contract/test/generated/providers.ts',
};

/** Packages that depend on every provider package (kept in sync by `pnpm generate`). */
export const CONSUMERS = [
  { dir: 'packages/users', field: 'dependencies' },
  { dir: 'packages/cli', field: 'dependencies' },
  { dir: 'packages/contract', field: 'devDependencies' },
  { dir: 'packages/docs', field: 'dependencies' },
  { dir: '.', field: 'devDependencies' },
];

/** `authToken` → `AUTH_TOKEN`. */
export const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The one rule for environment variable names: ROSTER_<ID>_<OPTION_SNAKE> (or the declared suffix). */
export const envName = (id, option, setting = {}) =>
  `ROSTER_${id.toUpperCase()}_${setting.env ?? snake(option)}`;

function fail(message) {
  throw new Error(`provider registry: ${message}`);
}

/**
 * Every provider, in registry order (by `index`), each with its declaration and the derived names.
 * Throws on a malformed or incomplete declaration.
 */
export function providers() {
  const redocly = parse(readFileSync(join(root, 'redocly.yaml'), 'utf8'));
  const list = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const decl = pkg.rosterkit;
    if (!decl?.provider) continue;
    const id = decl.provider;
    const where = `packages/${dir}/package.json "rosterkit"`;
    if (id !== dir) fail(`${where}: provider "${id}" must equal its directory name "${dir}"`);
    if (!/^[a-z][a-z0-9]*$/.test(id)) fail(`${where}: id "${id}" must be lower-case letters and digits`);
    if (pkg.name !== `@rosterkit/${id}`) fail(`${where}: package name must be @rosterkit/${id}`);
    for (const key of ['label', 'factory', 'settings', 'providerApiVersion', 'spec']) {
      if (decl[key] === undefined) fail(`${where}: "${key}" is missing`);
    }
    if (!Number.isInteger(decl.index) || decl.index < 0) fail(`${where}: "index" must be an integer ≥ 0`);
    if (!Number.isInteger(decl.sizeBudget) || decl.sizeBudget <= 0)
      fail(`${where}: "sizeBudget" (min+gz bytes) must be a positive integer`);
    const m = /^create([A-Z][A-Za-z0-9]*)Client$/.exec(decl.factory);
    if (!m) fail(`${where}: "factory" must look like create<Name>Client`);
    const name = m[1];
    const api = redocly.apis?.[id];
    if (!api) fail(`redocly.yaml has no apis.${id} entry (node scripts/new-provider.mjs adds it)`);
    if (api.root !== decl.spec)
      fail(`redocly.yaml apis.${id}.root is ${api.root}, package.json says ${decl.spec}`);
    const output = `packages/${id}/src/generated/schema.ts`;
    if (api['x-openapi-ts']?.output !== output)
      fail(`redocly.yaml apis.${id}.x-openapi-ts.output must be ${output}`);
    const settings = Object.entries(decl.settings).map(([option, s]) => ({
      option,
      env: envName(id, option, s),
      optional: s.optional === true,
      secret: s.secret === true,
    }));
    if (!settings.some((s) => s.option === 'baseUrl')) fail(`${where}: settings must include baseUrl`);
    if (!settings.some((s) => s.secret)) fail(`${where}: settings must mark its credential "secret": true`);
    if (decl.managedHeader !== undefined && typeof decl.managedHeader !== 'string')
      fail(`${where}: "managedHeader" must be a header name`);
    for (const [piece, path] of [
      ['sandbox module', `packages/sandbox/src/providers/${id}.ts`],
      ['mapper', `packages/users/src/mappers/${id}.ts`],
    ]) {
      if (!existsSync(join(root, path))) fail(`${id} has no ${piece} (${path})`);
    }
    list.push({
      id,
      name,
      label: decl.label,
      docsLabel: decl.docsLabel ?? decl.label,
      index: decl.index,
      packageName: pkg.name,
      dir: join(root, 'packages', dir),
      factory: decl.factory,
      rawUserType: `${name}User`,
      mapper: `map${name}User`,
      sources: `${id}Sources`,
      capabilities: `${id}Capabilities`,
      sandboxModule: id,
      settings,
      sizeBudget: decl.sizeBudget,
      managedHeader: decl.managedHeader ?? 'Authorization',
      hostile: decl.hostile,
      errorDecoder: `decode${name}Error`,
      errorBodyCheck: `is${name}ErrorBody`,
      providerApiVersion: decl.providerApiVersion,
      spec: decl.spec,
    });
  }
  list.sort((a, b) => a.index - b.index);
  for (let i = 1; i < list.length; i++) {
    if (list[i].index === list[i - 1].index)
      fail(
        `${list[i - 1].id} and ${list[i].id} share "index" ${list[i].index} (each provider needs its own)`,
      );
  }
  for (const id of Object.keys(redocly.apis ?? {})) {
    if (!list.some((p) => p.id === id))
      fail(`redocly.yaml lists ${id}, but packages/${id}/package.json declares no "rosterkit".provider`);
  }
  return list;
}

/** Provider ids in registry order. */
export const providerIds = () => providers().map((p) => p.id);
