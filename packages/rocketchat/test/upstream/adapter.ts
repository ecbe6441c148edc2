/**
 * Just enough of supertest, mocha and Rocket.Chat's e2e helpers (apps/meteor/tests/data/) for
 * Rocket.Chat's own users tests to run unchanged — titles and assertions as upstream wrote them —
 * over real HTTP against the sandbox. Assertions use vitest's `expect`, which is chai's, so
 * `expect(res.body).to.have.nested.property(...)` reads and fails exactly as upstream.
 *
 * What differs from upstream is setup only: settings and permissions are changed through the
 * sandbox module (the admin controls a real server exposes as `settings/:id` and
 * `permissions.update`), the credentials are the sandbox's.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RocketChatSandboxModule,
  type Sandbox,
  type SandboxProviderId,
  startSandbox,
} from '@rosterkit/sandbox';
import { afterAll, afterEach, beforeAll, beforeEach, describe as vDescribe, it as vIt } from 'vitest';

export { assert, expect } from 'vitest';

export type Credentials = { 'X-Auth-Token': string; 'X-User-Id': string };
type Done = (err?: unknown) => void;
type Hook = ((done: Done) => void) | (() => unknown);

let box: Sandbox<SandboxProviderId> | undefined;
let base = '';
export const credentials = {} as Credentials;
export let adminUsername = '';
export let adminEmail = '';
export const password = 'rocket.chat.test-password';

const mod = () => box?.module('rocketchat') as RocketChatSandboxModule;

/** One sandbox for the whole file, like one server for the whole upstream suite. */
export function useSandbox(users = 5): void {
  beforeAll(async () => {
    box = await startSandbox({ providers: ['rocketchat'], users, seed: 11 });
    base = box.providers.rocketchat.baseUrl;
    const c = box.providers.rocketchat.credentials;
    credentials['X-User-Id'] = c['userId'] ?? '';
    credentials['X-Auth-Token'] = c['authToken'] ?? '';
    const me = (await request.get(api('users.info')).set(credentials).query({ userId: c['userId'] })).body
      .user;
    adminUsername = me.username;
    adminEmail = me.emails[0].address;
  });
  afterAll(async () => {
    await box?.close();
  });
}

// ---------------------------------------------------------------- mocha → vitest

const withDone = (fn: Hook) =>
  fn.length > 0
    ? () =>
        new Promise<void>((resolve, reject) =>
          (fn as (done: Done) => void)((err?: unknown) => (err ? reject(err) : resolve())),
        )
    : (fn as () => unknown);
const hookArgs = (a: string | Hook, b?: Hook): Hook => (typeof a === 'string' ? (b as Hook) : a);

export const it = (title: string, fn: Hook) => vIt(title, withDone(fn) as () => Promise<void>, 30_000);
export const before = (a: string | Hook, b?: Hook) =>
  beforeAll(withDone(hookArgs(a, b)) as () => Promise<void>, 30_000);
export const after = (a: string | Hook, b?: Hook) =>
  afterAll(withDone(hookArgs(a, b)) as () => Promise<void>, 30_000);
export const beforeEachHook = (fn: Hook) => beforeEach(withDone(fn) as () => Promise<void>);
export const afterEachHook = (fn: Hook) => afterEach(withDone(fn) as () => Promise<void>);
/** mocha's describe: `this.timeout()` inside is accepted (vitest's timeouts are set per test). */
export const describe = (title: string, fn: (this: { timeout(ms: number): void }) => void) =>
  vDescribe(title, () => fn.call({ timeout() {} }));

// ---------------------------------------------------------------- supertest over fetch

export interface Res {
  status: number;
  statusCode: number;
  // biome-ignore lint/suspicious/noExplicitAny: supertest's body is untyped, as upstream reads it
  body: any;
  text: string;
  headers: Record<string, string>;
}
type Check = (res: Res) => void;

class Req implements PromiseLike<Res> {
  #headers: Record<string, string> = {};
  #query = new URLSearchParams();
  #json: unknown;
  #fields: [string, string][] = [];
  #files: [string, string][] = [];
  #checks: Check[] = [];
  #sent: Promise<Res> | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
  ) {}

  set(headers: Record<string, string>) {
    Object.assign(this.#headers, headers);
    return this;
  }
  query(q: Record<string, unknown>) {
    const add = (key: string, v: unknown) => {
      if (v === undefined) return;
      if (Array.isArray(v)) for (const [i, x] of v.entries()) add(`${key}[${i}]`, x);
      else if (v !== null && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) add(`${key}[${k}]`, x);
      else this.#query.append(key, String(v));
    };
    for (const [k, v] of Object.entries(q)) add(k, v);
    return this;
  }
  send(body?: unknown) {
    this.#json = body ?? {};
    return this;
  }
  field(name: string | Record<string, unknown>, value?: unknown) {
    const entries = typeof name === 'string' ? [[name, value]] : Object.entries(name);
    for (const [k, v] of entries) this.#fields.push([String(k), String(v)]);
    return this;
  }
  attach(name: string, file: string) {
    this.#files.push([name, file]);
    return this;
  }
  expect(a: number | string | Check, b?: string | RegExp) {
    if (typeof a === 'number') this.#checks.push((res) => expectStatus(res, a));
    else if (typeof a === 'string')
      this.#checks.push((res) => {
        const actual = res.headers[a.toLowerCase()];
        const ok = b instanceof RegExp ? b.test(actual ?? '') : actual === b;
        if (!ok) throw new Error(`expected "${a}" of "${String(b)}", got "${actual}"`);
      });
    else this.#checks.push(a);
    return this;
  }
  end(cb: (err: unknown, res: Res) => void) {
    this.#run().then(
      (res) => cb(null, res),
      (err) => cb(err, undefined as never),
    );
  }
  // biome-ignore lint/suspicious/noThenProperty: supertest requests are thenables, upstream awaits them
  then<A = Res, B = never>(
    ok?: ((res: Res) => A | PromiseLike<A>) | null,
    fail?: ((err: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#run().then(ok, fail);
  }

  #run(): Promise<Res> {
    this.#sent ??= (async () => {
      const url = new URL(this.path, base.endsWith('/') ? base : `${base}/`);
      url.search = this.#query.toString();
      let body: BodyInit | undefined;
      const headers = { ...this.#headers };
      if (this.#files.length && this.method !== 'GET') {
        const form = new FormData();
        for (const [name, file] of this.#files) {
          const bytes = readFileSync(file);
          form.append(name, new Blob([bytes], { type: 'image/png' }), file.split('/').pop());
        }
        for (const [k, v] of this.#fields) form.append(k, v);
        body = form;
      } else if (this.#json !== undefined && this.method !== 'GET') {
        body = JSON.stringify(this.#json);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(url, {
        method: this.method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
      });
      const text = await response.text();
      let parsed: unknown = {};
      try {
        parsed = text ? JSON.parse(text) : {};
      } catch {
        parsed = {};
      }
      const res: Res = {
        status: response.status,
        statusCode: response.status,
        body: parsed,
        text,
        headers: Object.fromEntries(response.headers),
      };
      for (const check of this.#checks) check(res);
      return res;
    })();
    return this.#sent;
  }
}

function expectStatus(res: Res, status: number) {
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
}

export const request = {
  get: (path: string) => new Req('GET', path),
  post: (path: string) => new Req('POST', path),
  delete: (path: string) => new Req('DELETE', path),
};
/** Upstream's `api('users.list')` → path under the workspace. */
export const api = (path: string) => `api/v1/${path}`;

// ---------------------------------------------------------------- data helpers (tests/data/)

const stamp = Date.now();
export const apiUsername = `api.user.${stamp}`;
export const apiEmail = `api.user.${stamp}@rocket.chat`;
export const reservedWords = ['admin', 'administrator', 'system', 'user'];
export const IS_EE: boolean = false;

/** A small PNG on disk, for `.attach('image', imgURL)`. */
export const imgURL = join(tmpdir(), `rosterkit-avatar-${process.pid}.png`);
writeFileSync(
  imgURL,
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

export type TestUser<T> = T & { username: string; _id: string; emails: { address: string }[]; name: string };

// biome-ignore lint/suspicious/noExplicitAny: upstream's IUser
export async function createUser(userData: Record<string, unknown> = {}): Promise<TestUser<any>> {
  const username =
    (userData['username'] as string) || `user.test.${Date.now()}.${randomBytes(4).toString('hex')}`;
  const email = (userData['email'] as string) || `${username}@rocket.chat`;
  const res = await request
    .post(api('users.create'))
    .set(credentials)
    .send({ email, name: username, username, password, ...userData });
  return res.body.user;
}

export async function login(username: string, pass: string): Promise<Credentials> {
  const res = await request.post(api('login')).send({ user: username, password: pass });
  return { 'X-Auth-Token': res.body.data.authToken, 'X-User-Id': res.body.data.userId };
}

export const deleteUser = async (user: { _id: string } | undefined, extra: Record<string, unknown> = {}) =>
  user
    ? request
        .post(api('users.delete'))
        .set(credentials)
        .send({ userId: user._id, ...extra })
    : undefined;

export const getUserByUsername = async (username: string) =>
  (await request.get(api('users.info')).set(credentials).query({ username })).body.user;

export const updatePermission = async (permission: string, roles: string[]) =>
  mod().setPermission(permission, roles);
export const updateSetting = async (setting: string, value: unknown) => mod().setSetting(setting, value);

export const wait = (done: Done, ms: number) => () => setTimeout(done, ms);

/** `@rocket.chat/random`'s hexString. */
export const Random = {
  hexString: (n: number) =>
    randomBytes(Math.ceil(n / 2))
      .toString('hex')
      .slice(0, n),
};
