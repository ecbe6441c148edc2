/**
 * The harness our port of Rocket.Chat's own users end-to-end tests runs on.
 *
 * The port follows `apps/meteor/tests/end-to-end/api/users.ts` (and the helpers it uses from
 * `apps/meteor/tests/data/`) in RocketChat/Rocket.Chat at commit
 * 78da2ffbabc4d5aa21ef2d7aa2ad4dbc4725e164: every portable case keeps its upstream describe/it
 * titles and checks the same status codes and body properties, in the same order. The code — this
 * harness and the tests — is ours, written for this repository; no upstream code is copied.
 *
 * Everything goes over real HTTP (`fetch`) to a sandbox started by the test file. Where upstream
 * changes a setting (`settings/:id`) or a permission (`permissions.update`), we use the sandbox
 * module's admin controls `setSetting`/`setPermission`, which do the same to the emulated server.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type RocketChatSandboxModule,
  type Sandbox,
  type SandboxProviderId,
  startSandbox,
} from '@rosterkit/sandbox';
import { afterAll, beforeAll, expect } from 'vitest';

/** A caller: the pair Rocket.Chat reads from `X-User-Id` / `X-Auth-Token`. */
export interface Credentials {
  userId: string;
  authToken: string;
}

export interface Reply {
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  /** The parsed JSON body (`{}` when the body is empty or not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: server answers are read like upstream reads them, untyped
  body: any;
  /** The raw body text. */
  text: string;
}

export interface RequestOptions {
  /** Who calls; omitted means no auth headers. */
  as?: Credentials | undefined;
  /** Query parameters; `undefined` values are left out; arrays and objects nest as `key[i]`, `key[name]` (as supertest sends them). */
  query?: Record<string, unknown>;
  /** JSON body (sent as `application/json`). */
  body?: unknown;
  /** Multipart body instead of JSON. */
  form?: FormData;
  headers?: Record<string, string>;
}

/** A user as `users.create` returns it (what the tests read from it). */
export interface TestUser {
  _id: string;
  username: string;
  name: string;
  emails: { address: string; verified?: boolean }[];
  // biome-ignore lint/suspicious/noExplicitAny: the rest of the record, read as upstream reads it
  [key: string]: any;
}

/** The usernames Rocket.Chat refuses (`reservedWords` in upstream's tests/data/api-data). */
/** The server's text for a route-level permission refusal (403). */
export const NO_PERMISSION =
  'User does not have the permissions required for this action [error-unauthorized]';

export const reservedWords = ['admin', 'administrator', 'system', 'user'] as const;

/** A name no other test in this process uses: `prefix` + time + random hex. */
export function unique(prefix = 'user.test.'): string {
  return `${prefix}${Date.now()}.${randomBytes(4).toString('hex')}`;
}

/** A unique e-mail address at rocket.chat (the domain upstream's tests use). */
export const uniqueEmail = (prefix = 'user.test.') => `${unique(prefix)}@rocket.chat`;

/** A 1×1 PNG, the kind of image upstream uploads as an avatar. */
export const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

/** One running sandbox and the admin's view of it. */
export interface Server {
  readonly baseUrl: string;
  /** The workspace admin (upstream's `credentials`). */
  readonly admin: Credentials;
  readonly adminUsername: string;
  readonly adminEmail: string;
  /** The password of the admin and of every user `createUser` makes (upstream's `password`). */
  readonly password: string;
  readonly module: RocketChatSandboxModule;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  /** `users.create` as the admin with upstream's defaults (`email`, `name`, `username`, `password`). */
  createUser(data?: Record<string, unknown>): Promise<TestUser>;
  /** Upstream's top-level `before` user: active, verified, role `user`, joined to default channels. */
  createTargetUser(): Promise<TestUser>;
  /** `users.register` (anonymous unless `as` is given) with upstream's defaults → the new user. */
  registerUser(data?: Record<string, unknown>, as?: Credentials): Promise<TestUser>;
  /** `POST /api/v1/login` → the caller's credentials. */
  login(username: string, password?: string): Promise<Credentials>;
  /** `users.delete` as the admin. */
  deleteUser(user: { _id: string } | undefined, extra?: Record<string, unknown>): Promise<Reply | undefined>;
  /** `users.info?username=` as the admin → the user. */
  getUserByUsername(username: string): Promise<TestUser>;
  /** Upstream's `updateSetting`. */
  setSetting(id: string, value: unknown): void;
  /** Upstream's `updatePermission`. */
  setPermission(id: string, roles: readonly string[]): void;
  close(): Promise<void>;
}

/** Starts a Rocket.Chat sandbox with `users` seeded people and finds out who the admin is. */
export async function startServer(options: { users?: number; seed?: number } = {}): Promise<Server> {
  const box: Sandbox<SandboxProviderId> = await startSandbox({
    providers: ['rocketchat'],
    users: options.users ?? 5,
    seed: options.seed ?? 14,
  });
  const { baseUrl, credentials } = box.providers.rocketchat;
  const mod = box.module('rocketchat') as RocketChatSandboxModule;
  const admin: Credentials = {
    userId: credentials['userId'] ?? '',
    authToken: credentials['authToken'] ?? '',
  };

  const request = async (method: string, path: string, o: RequestOptions = {}): Promise<Reply> => {
    // `baseUrl` carries the provider's prefix (`…/rocketchat`): paths are appended to it.
    const url = new URL(`${baseUrl}${path.startsWith('/') ? path : `/api/v1/${path}`}`);
    const add = (key: string, v: unknown): void => {
      if (v === undefined) return;
      if (Array.isArray(v)) for (const [i, x] of v.entries()) add(`${key}[${i}]`, x);
      else if (v !== null && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) add(`${key}[${k}]`, x);
      else url.searchParams.append(key, String(v));
    };
    for (const [k, v] of Object.entries(o.query ?? {})) add(k, v);
    const headers: Record<string, string> = { ...o.headers };
    if (o.as) {
      headers['x-user-id'] = o.as.userId;
      headers['x-auth-token'] = o.as.authToken;
    }
    let body: BodyInit | undefined;
    if (o.form) body = o.form;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(url, { method, headers, redirect: 'manual', ...(body ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed, text };
  };

  const me = (await request('GET', 'users.info', { as: admin, query: { userId: admin.userId } })).body.user;
  const password = mod.password;

  const server: Server = {
    baseUrl,
    admin,
    adminUsername: me.username,
    adminEmail: me.emails[0].address,
    password,
    module: mod,
    request,
    async createUser(data = {}) {
      const username = (data['username'] as string | undefined) || unique();
      const email = (data['email'] as string | undefined) || `${username}@rocket.chat`;
      const res = await request('POST', 'users.create', {
        as: admin,
        body: { email, name: username, username, password, ...data },
      });
      return res.body.user;
    },
    createTargetUser() {
      return this.createUser({ active: true, roles: ['user'], joinDefaultChannels: true, verified: true });
    },
    async registerUser(data = {}, as) {
      const username = (data['username'] as string | undefined) || unique();
      const email = (data['email'] as string | undefined) || `${username}@rocket.chat`;
      const res = await request('POST', 'users.register', {
        as,
        body: { email, name: username, username, pass: password, ...data },
      });
      return res.body.user;
    },
    async login(username, pass = password) {
      const res = await request('POST', 'login', { body: { user: username, password: pass } });
      return { userId: res.body.data.userId, authToken: res.body.data.authToken };
    },
    async deleteUser(user, extra = {}) {
      if (!user) return undefined;
      return request('POST', 'users.delete', { as: admin, body: { userId: user._id, ...extra } });
    },
    async getUserByUsername(username) {
      return (await request('GET', 'users.info', { as: admin, query: { username } })).body.user;
    },
    setSetting: (id, value) => mod.setSetting(id, value),
    setPermission: (id, roles) => mod.setPermission(id, roles),
    close: () => box.close(),
  };
  return server;
}

/**
 * Starts a fresh sandbox before the tests of the enclosing scope (file or describe) and closes it
 * after them. The returned object is filled in `beforeAll`; read its properties inside hooks and tests.
 */
export function useServer(options: { users?: number; seed?: number } = {}): Server {
  let current: Server | undefined;
  const get = (): Server => {
    if (!current) throw new Error('the sandbox is not started yet: use the server inside hooks and tests');
    return current;
  };
  beforeAll(async () => {
    current = await startServer(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as Server, { get: (_, key) => get()[key as keyof Server] });
}

/** Upstream's `.expect('Content-Type', 'application/json').expect(status)`: exact header, then status. */
export function expectJson(res: Reply, status: number): void {
  expect(res.headers['content-type'], `content-type of a ${res.status} ${res.text.slice(0, 200)}`).toBe(
    'application/json',
  );
  expect(res.status, res.text.slice(0, 300)).toBe(status);
}

/** sha256 hex of a password, as upstream sends `currentPassword`. */
export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
