#!/usr/bin/env node
// Scaffolds a working provider: `node scripts/new-provider.mjs <id> "<Label>" [--dry-run]`.
// It writes every piece a provider owns — and nothing in shared code but its `apis:` entry in
// redocly.yaml (Redocly reads only that file):
//   specs/<id>/openapi.yaml                 a lint-clean spec: bearer auth, cursor-paged GET /users,
//                                           GET /users/{id}, one error envelope
//   packages/<id>/                          the client package; its package.json "rosterkit" field is
//                                           the provider's registry entry (scripts/providers.mjs)
//   packages/sandbox/src/providers/<id>.ts  the emulator of that spec
//   packages/users/src/mappers/<id>.ts      raw record → common User
// Then `pnpm install && pnpm generate` wires it everywhere (CLI, facade, sandbox, docs, suites) and
// `pnpm test` passes. Rewrite each piece for the real API (CONTRIBUTING.md, "Adding a provider").
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { providers, root } from './providers.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dryRun = process.argv.includes('--dry-run');
const [id, label = id] = args;
if (!id || !/^[a-z][a-z0-9]*$/.test(id)) {
  console.error('usage: node scripts/new-provider.mjs <id: lower-case letters/digits> "<Label>"');
  process.exit(2);
}
if (existsSync(join(root, 'packages', id)) || existsSync(join(root, 'specs', id))) {
  console.error(`packages/${id} or specs/${id} already exists`);
  process.exit(1);
}
const existing = providers();
const Name = id[0].toUpperCase() + id.slice(1);
const index = Math.max(-1, ...existing.map((p) => p.index)) + 1;
const template = JSON.parse(await readFile(join(root, 'packages', existing[0].id, 'package.json'), 'utf8'));
const env = `ROSTER_${id.toUpperCase()}`;

const spec = `openapi: 3.1.0
info:
  title: ${label} API — users
  version: "1"
  x-provider-api-version: "1"
  license:
    name: Proprietary (provider API); this spec MIT
    identifier: MIT
  description: |
    The user endpoints of the ${label} API. Scaffolded by \`scripts/new-provider.mjs\`: replace every
    operation, schema and example with what the provider documents (and mark doc bugs with
    \`x-doc-bug\`, unknowns with \`x-unverified\` + \`x-assumption\`).

    **Auth.** \`Authorization: Bearer <token>\`.

    **Paging.** \`GET /users\` pages by an opaque \`cursor\`; \`next_cursor\` is null on the last page.
servers:
  - url: "{base_url}"
    description: ${label} API
    variables:
      base_url:
        default: https://api.${id}.invalid
        description: API base URL
security:
  - bearerAuth: []
tags:
  - name: users
    description: The users of the account.
paths:
  /users:
    get:
      operationId: listUsers
      tags: [users]
      summary: List users
      description: Every user of the account, \`limit\` at a time, in a stable order.
      parameters:
        - name: cursor
          in: query
          required: false
          description: The \`next_cursor\` of the previous page; absent for the first page.
          schema:
            type: string
          example: c100
        - name: limit
          in: query
          required: false
          description: Users per page, 1–100. Default 100.
          schema:
            type: integer
            minimum: 1
            maximum: 100
            default: 100
          example: 100
      responses:
        "200":
          description: One page of users.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/UserPage"
              example:
                data:
                  - id: u_1
                    name: Ada Lovelace
                    email: ada.lovelace@example.com
                    status: active
                    created_at: "2024-01-01T00:00:00Z"
                next_cursor: null
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "429":
          $ref: "#/components/responses/RateLimited"
  /users/{id}:
    get:
      operationId: getUser
      tags: [users]
      summary: Get a user
      description: One user by id.
      parameters:
        - name: id
          in: path
          required: true
          description: The user's id.
          schema:
            type: string
          example: u_1
      responses:
        "200":
          description: The user.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/User"
              example:
                id: u_1
                name: Ada Lovelace
                email: ada.lovelace@example.com
                status: active
                created_at: "2024-01-01T00:00:00Z"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
        "429":
          $ref: "#/components/responses/RateLimited"
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      description: An API token.
  schemas:
    User:
      type: object
      description: A user of the account.
      required: [id, name, status]
      properties:
        id:
          type: string
          description: Stable id.
        name:
          type: string
          description: Full name.
        email:
          type: string
          description: Primary email address.
        status:
          type: string
          enum: [active, inactive, invited]
          description: Account state.
        created_at:
          type: string
          format: date-time
          description: When the account was created.
    UserPage:
      type: object
      description: One page of users.
      required: [data, next_cursor]
      properties:
        data:
          type: array
          items:
            $ref: "#/components/schemas/User"
        next_cursor:
          type: [string, "null"]
          description: Cursor of the next page; null on the last page.
    Error:
      type: object
      description: Every error answer.
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code:
              type: string
              description: Machine-readable code.
            message:
              type: string
              description: Human-readable message.
  responses:
    BadRequest:
      description: A parameter is out of range.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error:
              code: invalid_parameter
              message: limit must be between 1 and 100
    Unauthorized:
      description: Missing or invalid token.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error:
              code: unauthorized
              message: Invalid token
    NotFound:
      description: No such user.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error:
              code: not_found
              message: User not found
    RateLimited:
      description: Too many requests; retry after \`Retry-After\` seconds.
      headers:
        Retry-After:
          description: Seconds to wait.
          schema:
            type: integer
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error:
              code: rate_limited
              message: Too many requests
`;

const client = `import {
  type ApiClient,
  type ClientOptions,
  type Credential,
  createApiClient,
  createCredential,
  cursorPages,
  headerAuth,
  optionalInteger,
  type PaginateOptions,
  type ProviderDefinition,
} from '@rosterkit/core';
import { decode${Name}Error, is${Name}ErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths } from './generated/schema.js';

export type ${Name}User = components['schemas']['User'];
type UserPage = components['schemas']['UserPage'];

/** How ${label} differs: its error envelope. */
export const ${id}Provider: ProviderDefinition = {
  id: '${id}',
  operations,
  decodeError: decode${Name}Error,
  isErrorBody: is${Name}ErrorBody,
};

export interface ${Name}ClientOptions extends ClientOptions {
  /** API base URL. */
  baseUrl: string;
  /**
   * API token, sent as \`Authorization: Bearer <token>\`; or a function returning one (called when
   * first needed, and again when ${label} answers 401: a rotated token).
   */
  token: Credential;
}

export interface ${Name}UserQuery {
  /** Users per request, 1–100. Default 100. */
  pageSize?: number;
}

export interface ${Name}Client extends ApiClient<paths> {
  readonly provider: '${id}';
  /** Every user from \`GET /users\`, page by page (\`next_cursor\`), each once; stops on \`break\`. */
  iterateUsers(query?: ${Name}UserQuery, options?: PaginateOptions): AsyncGenerator<${Name}User, void, undefined>;
}

export function create${Name}Client(options: ${Name}ClientOptions): ${Name}Client {
  const token = createCredential('${id}', 'token', options.token);
  const api = createApiClient<paths>(
    ${id}Provider,
    options.baseUrl,
    headerAuth(
      token,
      (request, value) => request.headers.set('Authorization', \`Bearer \${value}\`),
      (error) => error.status === 401,
    ),
    options,
  );

  function iterateUsers(query: ${Name}UserQuery = {}, paging: PaginateOptions = {}) {
    const limit = optionalInteger('${id}', 'pageSize', query.pageSize, 1, 100) ?? 100;
    return api.pages(
      'GET /users',
      cursorPages<UserPage, ${Name}User>({
        fetch: async (cursor, signal) =>
          (await api.GET('/users', { params: { query: { limit, ...(cursor ? { cursor } : {}) } }, signal })).data,
        items: (page) => page?.data,
        nextCursor: (page) => page.next_cursor,
        key: (u) => u.id,
        noun: 'users',
      }, { pageSize: limit }),
      paging,
    );
  }

  return Object.assign(api, { provider: '${id}' as const, iterateUsers });
}
`;

const errors = `/** ${label}'s error body \`{error: {code, message}}\` → code + message. */
export function decode${Name}Error(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  const error = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)['error'] : undefined;
  if (error === null || typeof error !== 'object') return {};
  const { code, message } = error as Record<string, unknown>;
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/** An error envelope inside a 2xx body. */
export const is${Name}ErrorBody = (body: unknown): boolean =>
  body !== null && typeof body === 'object' && typeof (body as Record<string, unknown>)['error'] === 'object';
`;

const indexTs = `export { ApiError, InputError, isApiError } from '@rosterkit/core';
export * from './client.js';
export * from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, paths } from './generated/schema.js';
`;

const test = `import { ApiError, InputError } from '@rosterkit/core';
import { collect, rejection, type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { create${Name}Client, type ${Name}ClientOptions } from '../src/index.js';

const boxes: Sandbox<SandboxProviderId>[] = [];
afterAll(() => Promise.all(boxes.map((b) => b.close())));
async function sandbox(users: number, extra: Parameters<typeof startSandbox>[0] = {}) {
  const box = await startSandbox({ providers: ['${id}'], users, seed: 3, ...extra });
  boxes.push(box);
  return box;
}
function client(box: Sandbox<SandboxProviderId>, o: Partial<${Name}ClientOptions> = {}) {
  const info = box.providers['${id}'];
  return create${Name}Client({
    baseUrl: info.baseUrl,
    token: info.credentials['token'] ?? '',
    retry: { baseDelayMs: 1 },
    ...o,
  });
}

describe('${id} iterateUsers (cursor)', () => {
  for (const [n, pageSize] of [
    [0, 100],
    [1, 100],
    [100, 100],
    [1000, 100],
    [7, 3],
  ] as const) {
    it(\`lists \${n} users \${pageSize} at a time, each once\`, async () => {
      const users = await collect(client(await sandbox(n)).iterateUsers({ pageSize }));
      expect(users).toHaveLength(n);
      expect(new Set(users.map((u) => u.id)).size).toBe(n);
    });
  }

  it('refuses a page size out of range before any request', () => {
    const c = create${Name}Client({ baseUrl: 'https://api.${id}.invalid', token: 't' });
    expect(() => c.iterateUsers({ pageSize: 101 })).toThrow(InputError);
  });
});

describe('${id} errors', () => {
  it('a wrong token is a typed auth error that never shows the token', async () => {
    const box = await sandbox(3);
    const err = await rejection(collect(client(box, { token: 'not-the-token' }).iterateUsers()), ApiError);
    expect(err).toMatchObject({ status: 401, kind: 'http', code: 'unauthorized' });
    expect(JSON.stringify(err) + String(err.stack)).not.toContain('not-the-token');
  });

  it('an unknown user is a 404 with the provider code', async () => {
    const err = await rejection(
      client(await sandbox(1)).GET('/users/{id}', { params: { path: { id: 'nobody' } } }),
      ApiError,
    );
    expect(err).toMatchObject({ status: 404, code: 'not_found', operation: 'getUser' });
  });

  it('reads one user by id', async () => {
    const c = client(await sandbox(2));
    const [first] = await collect(c.iterateUsers());
    const { data } = await c.GET('/users/{id}', { params: { path: { id: first?.id ?? '' } } });
    expect(data).toEqual(first);
  });

  it('waits out a 429 and finishes the listing', async () => {
    const box = await sandbox(250, { rateLimit: { limit: 2, windowMs: 200 } });
    expect(await collect(client(box).iterateUsers())).toHaveLength(250);
  });
});
`;

const sandboxModule = `import { frameModule } from '../frame.js';
import { operations } from '../generated/routes.js';
import { header, json, type SandboxResponse } from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';

/**
 * ${label}: bearer token, \`GET /users\` paged by an opaque cursor (\`next_cursor\` null on the last
 * page), \`GET /users/{id}\`, errors as \`{error: {code, message}}\`, 429 with \`Retry-After\`.
 */
export function ${id}(options: ModuleOptions): SandboxModule {
  const rng = new Rng(hashSeed(options.seed, '${id}'));
  const token = \`${id}_\${rng.hex(32)}\`;
  const users = peopleFor(options.seed, options.providerIndex, options.users).map((p) => ({
    id: \`u_\${p.index}\`,
    name: \`\${p.firstName} \${p.lastName}\`,
    email: p.email,
    status: seededInactive(options.seed, '${id}', p) ? 'inactive' : 'active',
    created_at: new Date(p.createdAt).toISOString(),
  }));
  const byId = new Map(users.map((u) => [u.id, u]));
  const fail = (status: number, code: string, message: string, headers?: Record<string, string>) =>
    json(status, { error: { code, message } }, headers);

  return frameModule(options, {
    id: '${id}',
    operations: operations.${id},
    credentials: { token },
    count: () => users.length,
    authenticate: (req) =>
      header(req, 'authorization') === \`Bearer \${token}\` ? token : fail(401, 'unauthorized', 'Invalid token'),
    faultResponses: {
      rateLimited: (resetAt): SandboxResponse =>
        fail(429, 'rate_limited', 'Too many requests', {
          'retry-after': String(Math.max(0, Math.ceil((resetAt - Date.now()) / 1000))),
        }),
      serverError: (status) => fail(status, 'server_error', 'Internal server error'),
    },
    notFound: (req) => fail(404, 'not_found', \`no route \${req.method} \${req.path}\`),
    routes: {
      listUsers(req) {
        const limit = Number(req.query.get('limit') ?? 100);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          return fail(400, 'invalid_parameter', 'limit must be between 1 and 100');
        const cursor = req.query.get('cursor');
        const offset = cursor === null ? 0 : Number(/^c(\\d+)$/.exec(cursor)?.[1] ?? Number.NaN);
        if (!Number.isInteger(offset)) return fail(400, 'invalid_parameter', 'cursor is not valid');
        const data = users.slice(offset, offset + limit);
        const end = offset + data.length;
        return json(200, { data, next_cursor: end < users.length ? \`c\${end}\` : null });
      },
      getUser(_req, { id }) {
        const user = byId.get(id ?? '');
        return user ? json(200, user) : fail(404, 'not_found', 'User not found');
      },
    },
  });
}
`;

const mapper = `import type { FieldSources } from '../fields.js';
import { manual, none, type ProviderCapabilities } from '../lifecycle/capability.js';
import { buildUser, isoFromString, record, requireId, text } from '../map-helpers.js';
import type { RawUsers, UserOf, UserStatus } from '../model.js';

export const ${id}Sources: FieldSources = {
  remoteId: 'id',
  displayName: 'name → email → id',
  firstName: null,
  lastName: null,
  username: null,
  email: 'email',
  emails: 'email',
  status: 'status (active / inactive / invited)',
  isBot: null,
  roles: null,
  teams: null,
  title: null,
  phone: null,
  avatarUrl: null,
  timezone: null,
  utcOffsetMinutes: null,
  locale: null,
  createdAt: 'created_at',
  updatedAt: null,
  lastLoginAt: null,
};

const STATUS: Record<string, UserStatus> = { active: 'active', inactive: 'inactive', invited: 'invited' };

/** ${label}: \`id\`; \`name\` is one full-name field (never split); \`status\` as sent. */
export function map${Name}User(raw: RawUsers['${id}']): UserOf<'${id}'> {
  const r = record('${id}', 'id', raw);
  const remoteId = requireId('${id}', 'id', r['id']);
  const email = text(r['email']);
  const status = text(r['status']);
  return buildUser(
    '${id}',
    remoteId,
    {
      name: text(r['name']),
      emails: email ? [{ address: email }] : [],
      status: (status && Object.hasOwn(STATUS, status) ? STATUS[status] : undefined) ?? 'unknown',
      roles: [],
      teams: [],
      createdAt: isoFromString(r['created_at']),
    },
    raw,
  );
}

/** What lifecycle writes ${label} supports: its spec documents reads only, so every write is manual. */
export const ${id}Capabilities: ProviderCapabilities = {
  create: manual('${label} admin console › Users: add the person'),
  invite: manual('${label} admin console › Users: invite the person'),
  deactivate: manual('${label} admin console › Users: deactivate the user'),
  reactivate: manual('${label} admin console › Users: reactivate the user'),
  removeFromTeams: none('the ${label} API as specified has no teams'),
  setRole: manual('${label} admin console › Users: change the role'),
  delete: manual('${label} admin console › Users: delete the user'),
};
`;

const files = {
  [`specs/${id}/openapi.yaml`]: spec,
  [`packages/${id}/package.json`]: `${JSON.stringify(
    {
      name: `@rosterkit/${id}`,
      version: '0.0.0',
      description: `Typed client for the ${label} user API, generated from a hand-written OpenAPI 3.1 spec.`,
      license: template.license,
      type: 'module',
      sideEffects: false,
      exports: template.exports,
      files: template.files,
      engines: template.engines,
      repository: { ...template.repository, directory: `packages/${id}` },
      keywords: [id, 'openapi', 'api-client', 'users'],
      rosterkit: {
        provider: id,
        label,
        index,
        factory: `create${Name}Client`,
        settings: { baseUrl: {}, token: { secret: true } },
        sizeBudget: 13500,
        providerApiVersion: '1',
        spec: `specs/${id}/openapi.yaml`,
        // Where its listing's records are on the wire, for the hostile suite (cursor paging: no page
        // parameter to replay; \`size\`: the page size the query asks for).
        hostile: {
          listings: {
            list: { primary: true, query: { pageSize: 10 }, request: 'GET /users', items: 'data', size: 10 },
          },
        },
      },
      scripts: template.scripts,
      dependencies: { '@rosterkit/core': 'workspace:^' },
      devDependencies: { '@rosterkit/sandbox': 'workspace:^' },
    },
    null,
    2,
  )}\n`,
  [`packages/${id}/tsconfig.json`]: await readFile(
    join(root, 'packages', existing[0].id, 'tsconfig.json'),
    'utf8',
  ),
  [`packages/${id}/tsconfig.build.json`]: await readFile(
    join(root, 'packages', existing[0].id, 'tsconfig.build.json'),
    'utf8',
  ),
  [`packages/${id}/src/client.ts`]: client,
  [`packages/${id}/src/errors.ts`]: errors,
  [`packages/${id}/src/index.ts`]: indexTs,
  [`packages/${id}/test/client.test.ts`]: test,
  [`packages/${id}/README.md`]: `# @rosterkit/${id}

Typed client for the ${label} user API.

\`\`\`ts
import { create${Name}Client } from '@rosterkit/${id}';

const ${id} = create${Name}Client({ baseUrl: process.env.${env}_BASE_URL!, token: process.env.${env}_TOKEN! });
for await (const user of ${id}.iterateUsers()) console.log(user.id);
\`\`\`

The \`roster\` CLI reads \`${env}_BASE_URL\` and \`${env}_TOKEN\`.
`,
  [`packages/sandbox/src/providers/${id}.ts`]: sandboxModule,
  [`packages/users/src/mappers/${id}.ts`]: mapper,
};

if (dryRun) {
  for (const file of Object.keys(files)) console.log(`would create ${file}`);
  process.exit(0);
}
for (const [file, content] of Object.entries(files)) {
  const path = join(root, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  console.log(`created ${file}`);
}
// Formatted the way `pnpm lint` wants (ids of any length change line breaks).
execFileSync(join(root, 'node_modules/.bin/biome'), ['check', '--write', ...Object.keys(files)], {
  cwd: root,
  stdio: 'ignore',
});
const redocly = await readFile(join(root, 'redocly.yaml'), 'utf8');
await writeFile(
  join(root, 'redocly.yaml'),
  `${redocly.trimEnd()}\n  ${id}:\n    root: specs/${id}/openapi.yaml\n    x-openapi-ts:\n      output: packages/${id}/src/generated/schema.ts\n`,
);
console.log('added to redocly.yaml (apis)');
console.log(
  `\nNext: \`pnpm install && pnpm generate && pnpm build\`, then make each piece the real API (CONTRIBUTING.md).`,
);
