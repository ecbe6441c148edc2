#!/usr/bin/env node
// Scaffolds a new provider package: `node scripts/new-provider.mjs <id> "<Label>"`.
// Creates packages/<id>/ (package.json, tsconfigs, src/client.ts, src/index.ts, test/, README),
// a sandbox module stub, a mapper stub, and adds the API to redocly.yaml. Then: write the spec,
// `pnpm install && pnpm generate`, and fill in the TODOs (see CONTRIBUTING.md).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [id, label = id] = process.argv.slice(2);
if (!id || !/^[a-z][a-z0-9]*$/.test(id)) {
  console.error('usage: node scripts/new-provider.mjs <id: lower-case letters/digits> "<Label>"');
  process.exit(2);
}
const pkgDir = join(root, 'packages', id);
if (existsSync(pkgDir)) {
  console.error(`packages/${id} already exists`);
  process.exit(1);
}
const Pascal = id[0].toUpperCase() + id.slice(1);
const template = JSON.parse(await readFile(join(root, 'packages/rocketchat/package.json'), 'utf8'));

const files = {
  [`packages/${id}/package.json`]: `${JSON.stringify(
    {
      ...template,
      name: `@rosterkit/${id}`,
      version: '0.0.0',
      description: `Typed client for the ${label} user API, generated from a hand-written OpenAPI 3.1 spec.`,
      keywords: [id, 'openapi', 'api-client', 'users'],
      repository: { ...template.repository, directory: `packages/${id}` },
      rosterkit: { provider: id, providerApiVersion: 'TODO', spec: `specs/${id}/openapi.yaml` },
    },
    null,
    2,
  )}\n`,
  [`packages/${id}/tsconfig.json`]: await readFile(join(root, 'packages/rocketchat/tsconfig.json'), 'utf8'),
  [`packages/${id}/tsconfig.build.json`]: await readFile(
    join(root, 'packages/rocketchat/tsconfig.build.json'),
    'utf8',
  ),
  [`packages/${id}/src/client.ts`]: `import { type ApiClient, type ClientOptions, createApiClient, type ProviderDefinition, requireHeaderValue } from '@rosterkit/core';
import { operations } from './generated/operations.js';
import type { components, paths } from './generated/schema.js';

export type ${Pascal}User = components['schemas']['User'];

/** How ${label} differs: TODO error envelope, rate-limit header, redirects. */
export const ${id}Provider: ProviderDefinition = {
  id: '${id}',
  operations,
  decodeError: (body) => (typeof body === 'object' && body !== null && 'message' in body ? { message: String(body.message) } : {}),
  // TODO: how the provider's error envelope looks inside a 2xx body, and any safe-to-repeat POSTs.
  isErrorBody: (body) => typeof body === 'object' && body !== null && 'error' in body,
};

export interface ${Pascal}ClientOptions extends ClientOptions {
  baseUrl: string;
  token: string;
}

export interface ${Pascal}Client extends ApiClient<paths> {}

export function create${Pascal}Client(options: ${Pascal}ClientOptions): ${Pascal}Client {
  const token = requireHeaderValue('${id}', 'token', options.token);
  return createApiClient<paths>(${id}Provider, options.baseUrl, {
    apply: (request) => request.headers.set('Authorization', \`Bearer \${token}\`),
    secrets: () => [token],
  }, options);
}
`,
  [`packages/${id}/src/index.ts`]: `export { ApiError, InputError, isApiError } from '@rosterkit/core';
export * from './client.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, paths } from './generated/schema.js';
`,
  [`packages/${id}/test/client.test.ts`]: `import { describe, it } from 'vitest';

describe('${label} client', () => {
  it.todo('lists 0, 1, one page and 1,000 sandbox users, each once');
});
`,
  [`packages/${id}/README.md`]: `# @rosterkit/${id}\n\nTyped client for the ${label} user API.\n`,
  [`packages/sandbox/src/providers/${id}.ts`]: `import { json } from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';

/** ${label} emulator. TODO: every operation of specs/${id}/openapi.yaml. */
export function ${id}(options: ModuleOptions): SandboxModule {
  void options;
  return {
    id: '${id}',
    basePath: '',
    credentials: { token: 'sandbox-token' },
    // TODO: the provider's own 429 (with its rate-limit headers) and server-error bodies.
    faultResponses: {
      rateLimited: (resetAt) => json(429, { error: 'rate limited' }, { 'retry-after': String(Math.ceil((resetAt - Date.now()) / 1000)) }),
      serverError: (status) => json(status, { error: 'server error' }),
    },
    count: () => 0,
    handle: () => json(404, {}),
  };
}
`,
  [`packages/users/src/mappers/${id}.ts`]: `import { buildUser, record, requireId, text } from '../map-helpers.js';

/** ${label} → common User. TODO: register in model.ts (RawUsers) and map.ts. */
export function map${Pascal}User(raw: unknown) {
  const r = record('${id}', 'id', raw);
  const remoteId = requireId('${id}', 'id', r['id']);
  return { remoteId, name: text(r['name']), buildUser };
}
`,
};

for (const [file, content] of Object.entries(files)) {
  const path = join(root, file);
  if (existsSync(path)) continue;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  console.log(`created ${file}`);
}
const redocly = await readFile(join(root, 'redocly.yaml'), 'utf8');
if (!redocly.includes(`\n  ${id}:\n`)) {
  await writeFile(
    join(root, 'redocly.yaml'),
    `${redocly.trimEnd()}\n  ${id}:\n    root: specs/${id}/openapi.yaml\n    x-openapi-ts:\n      output: packages/${id}/src/generated/schema.ts\n`,
  );
  console.log('added to redocly.yaml');
}
console.log(
  `\nNext: write specs/${id}/openapi.yaml, then \`pnpm install && pnpm generate\` (CONTRIBUTING.md).`,
);
