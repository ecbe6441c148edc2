#!/usr/bin/env node
// Proves a refactoring of the sandbox changes no answer: the provider modules of another git ref
// (default `main`) and of the working tree, each compiled from its packages/sandbox/src into a
// temporary directory, get the same requests in the same order — every operation of each spec
// with every method, path variants (trailing slashes, extra segments, bad percent-encoding),
// valid, wrong and missing credentials, bodies and queries, with and without rate limiting and
// each provider's switches — and every answer must be identical: status, headers in order, body,
// text. The clock and node:crypto's randomness are made deterministic.
//
//   node packages/sandbox/scripts/answers-diff.mjs [ref] [provider]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const pkg = resolve(import.meta.dirname, '..');
const repo = resolve(pkg, '../..');
const [ref = 'main', only] = process.argv.slice(2);

/** The sandbox modules of `ref` (or of the working tree), compiled into a temporary directory. */
function compile(from) {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-answers-'));
  const src = join(dir, 'packages/sandbox/src');
  if (from === undefined) cpSync(join(pkg, 'src'), src, { recursive: true });
  else {
    const tar = execFileSync('git', ['-C', repo, 'archive', '--format=tar', from, 'packages/sandbox/src'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const types = [join(pkg, 'node_modules/@types'), join(repo, 'node_modules/@types')].join(',');
  execFileSync(join(repo, 'node_modules/.bin/tsc'), [
    ...['--outDir', join(dir, 'dist'), '--rootDir', src],
    ...['--module', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'],
    ...['--typeRoots', types, join(src, 'index.ts')],
  ]);
  return dir;
}
const built = [compile(ref), compile(undefined)];
const [OLD, NEW] = built.map((dir) => join(dir, 'dist'));

// ---- deterministic clock
let fakeNow = Date.UTC(2026, 10, 25, 4, 0, 0);
const RealDate = Date;
class FakeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(fakeNow);
    else super(...args);
  }
  static now() {
    return fakeNow;
  }
}
globalThis.Date = FakeDate;

// ---- deterministic node:crypto randomBytes, one stream per side
function stream(seed) {
  let s = seed >>> 0;
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      b[i] = s >>> 24;
    }
    return b;
  };
}
const streams = { old: stream(7), new: stream(7) };
let side = 'old';
const realRandomBytes = crypto.randomBytes;
crypto.randomBytes = (n, cb) => {
  const b = streams[side](n);
  if (cb) return cb(null, b);
  return b;
};
syncBuiltinESMExports();

const load = async (dir, id) => (await import(pathToFileURL(join(dir, 'providers', `${id}.js`)).href))[id];

function request({ method = 'GET', path = '/', query = '', headers = {}, body, raw }) {
  let parsed;
  let invalidJson = false;
  const rawBody =
    raw !== undefined
      ? Buffer.from(raw)
      : body !== undefined
        ? Buffer.from(JSON.stringify(body))
        : Buffer.alloc(0);
  if (rawBody.length) {
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      invalidJson = true;
    }
  }
  return {
    method,
    path,
    query: new URLSearchParams(query),
    headers: { host: '127.0.0.1:4010', ...headers },
    body: parsed,
    invalidJson,
    rawBody,
    origin: 'http://127.0.0.1:4010',
  };
}

const show = (r) => JSON.stringify({ status: r.status, headers: r.headers, body: r.body, text: r.text });

let compared = 0;
let hist = {};
let failures = 0;
async function pair(label, oldMod, newMod, spec) {
  side = 'old';
  const a = await oldMod.handle(request(spec));
  side = 'new';
  const b = await newMod.handle(request(spec));
  side = 'old';
  compared++;
  hist[a.status] = (hist[a.status] ?? 0) + 1;
  const sa = show(a);
  const sb = show(b);
  if (sa !== sb) {
    failures++;
    if (failures <= 30)
      console.log(
        `DIFF ${label} ${spec.method ?? 'GET'} ${spec.path}?${spec.query ?? ''}\n  old ${sa.slice(0, 600)}\n  new ${sb.slice(0, 600)}`,
      );
  }
  return a;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

function variantsOf(template, values) {
  const out = new Set();
  const fill = (v) => template.replace(/\{[^}]+\}/g, v);
  for (const v of values) {
    const p = fill(v);
    out.add(p);
    out.add(`${p}/`);
    out.add(`${p}//`);
    out.add(`${p}/extra`);
    out.add(p.toUpperCase());
  }
  out.add(template);
  return [...out];
}

async function runProvider(id, optionSets, scenario) {
  const oldF = await load(OLD, id);
  const newF = await load(NEW, id);
  const routes = (await import(pathToFileURL(join(NEW, 'generated/routes.js')).href)).operations[id];
  for (const opts of optionSets) {
    const base = { users: 30, seed: 3, providerIndex: 1, ...opts };
    side = 'old';
    const o = oldF(base);
    side = 'new';
    const n = newF(base);
    side = 'old';
    const label = `${id}${JSON.stringify(opts)}`;
    const same = (what, x, y) => {
      compared++;
      if (JSON.stringify(x) !== JSON.stringify(y)) {
        failures++;
        console.log(`DIFF ${label} ${what}\n  old ${JSON.stringify(x)}\n  new ${JSON.stringify(y)}`);
      }
    };
    same(
      'id/basePath/credentials/count',
      [o.id, o.basePath, o.credentials, o.count()],
      [n.id, n.basePath, n.credentials, n.count()],
    );
    same(
      'fault 429',
      show(o.faultResponses.rateLimited(fakeNow + 20)),
      show(n.faultResponses.rateLimited(fakeNow + 20)),
    );
    for (const s of [500, 502, 503])
      same(`fault ${s}`, show(o.faultResponses.serverError(s)), show(n.faultResponses.serverError(s)));
    const call = (spec) => pair(label, o, n, spec);
    await scenario({ call, o, n, routes, opts, tick: (ms) => (fakeNow += ms) });
    same('count after', o.count(), n.count());
  }
}

// ---------------------------------------------------------------- providers

async function sweep({
  call,
  routes,
  auths,
  values,
  bodies = [undefined, {}, { name: 7 }],
  queries = [''],
  extra = [],
}) {
  const templates = [...new Set(Object.keys(routes).map((r) => r.split(' ')[1]))];
  const paths = new Set(['/', '', '/nope', '/%E0%A4%A', ...extra]);
  for (const t of templates) for (const p of variantsOf(t, values)) paths.add(p);
  for (const path of paths)
    for (const method of METHODS)
      for (const headers of auths)
        for (const body of method === 'GET' || method === 'HEAD' ? [undefined] : bodies)
          for (const query of queries) await call({ method, path, headers, body, query });
  await call({ method: 'POST', path: templates[0], headers: auths[0], raw: '{not json' });
  await call({ method: 'POST', path: templates[0], headers: auths[0], raw: '[1,2]' });
}

const providers = {
  async thena() {
    await runProvider(
      'thena',
      [{}, { rateLimit: { limit: 3, windowMs: 1000 } }],
      async ({ call, o, routes, tick }) => {
        const c = o.credentials;
        const good = { 'x-api-key': c.apiKey };
        const auths = [
          good,
          { authorization: `Bearer ${c.token}`, 'x-org-id': c.orgId },
          { authorization: `Bearer ${c.token}` },
          {},
          { 'x-api-key': 'nope' },
        ];
        const list = await call({ path: '/v1/users/list', headers: good });
        const uid = list.body?.data?.[0]?.id ?? 'U1';
        await sweep({
          call,
          routes,
          auths,
          values: ['T1', 'T9', uid, '%2F', 'U%ZZ'],
          bodies: [
            undefined,
            {},
            { name: 7 },
            { name: 'New', avatarUrl: 'x' },
            { email: 'a', userId: uid, isAdmin: true },
            { timezone: 3 },
            { timezone: 'UTC', commonSlots: [1] },
          ],
          queries: [
            '',
            'q=*&query_by=name',
            'q=a&query_by=name,email&page=2&per_page=3&sort_by=name:desc',
            'q=a',
            'q=a&query_by=x&filter_by=userEmail:=a',
            'q=a&query_by=x&filter_by=bad',
            'searchQuery=a&includeAgents=true',
            'page=0&q=a&query_by=name',
            'per_page=251&q=a&query_by=name',
          ],
        });
        for (let i = 0; i < 10; i++) {
          await call({ method: 'DELETE', path: `/v1/teams/T${(i % 3) + 1}/members/${uid}`, headers: good });
          await call({
            method: 'POST',
            path: `/v1/teams/T${(i % 3) + 1}/members`,
            headers: good,
            body: { email: 'a', userId: uid, isAdmin: i % 2 === 0 },
          });
          tick(400);
        }
      },
    );
  },
  async imichat() {
    await runProvider(
      'imichat',
      [{}, { rateLimit: { limit: 4, windowMs: 1000 } }, { tokenTtlMs: 1500 }],
      async ({ call, o, routes, tick }) => {
        const c = o.credentials;
        const key = btoa(`${c.apiKey}@${c.domainName}`);
        const auth = await call({ path: '/authorize', headers: { key } });
        const token = auth.headers?.access_token ?? 'x';
        const good = { access_token: token, teamid: c.teamId };
        const auths = [
          good,
          { access_token: token, teamid: '13' },
          { access_token: 'bad', teamid: c.teamId },
          { access_token: token },
          {},
          { key },
          { key: btoa('x@y') },
        ];
        await sweep({
          call,
          routes,
          auths,
          values: ['1001', '1005', '9', 'search', '%2F'],
          bodies: [
            undefined,
            {},
            { filters: [{ field: 'status', operator: 'eq', value: 'active' }] },
            { filters: 3 },
            { first_name: 'A', email_id: 'a@b', privileges: [{ teamid: 12, role: 'Team Agent' }] },
          ],
          queries: ['', 'page=2', 'page=x', 'page=-1'],
          extra: ['/authorize/', '/AUTHORIZE', '/users/search/'],
        });
        tick(2000);
        await call({ path: '/users', headers: good });
      },
    );
  },
  async blynk() {
    await runProvider(
      'blynk',
      [{}, { rateLimit: { limit: 4, windowMs: 1000 } }, { regionHost: 'localhost' }, { tokenTtlSeconds: 1 }],
      async ({ call, o, routes, tick }) => {
        const c = o.credentials;
        const basic = { authorization: `Basic ${btoa(`${c.clientId}:${c.clientSecret}`)}` };
        const t = await call({
          method: 'POST',
          path: '/oauth2/token',
          query: 'grant_type=client_credentials',
          headers: basic,
        });
        const access = t.body?.access_token ?? 'x';
        const refresh = t.body?.refresh_token ?? 'x';
        await call({
          method: 'POST',
          path: '/oauth2/token',
          query: `grant_type=refresh_token&refresh_token=${refresh}`,
          headers: basic,
        });
        await call({
          method: 'POST',
          path: '/oauth2/token',
          query: `grant_type=refresh_token&refresh_token=${refresh}`,
          headers: basic,
        });
        await call({ method: 'POST', path: '/oauth2/token', query: 'grant_type=password', headers: basic });
        await call({ method: 'GET', path: '/oauth2/token', headers: basic });
        const good = { authorization: `Bearer ${access}` };
        const auths = [
          good,
          { authorization: `Bearer ${c.userToken}` },
          { authorization: 'Bearer nope' },
          {},
          { ...good, host: 'localhost:4010' },
          basic,
        ];
        await sweep({
          call,
          routes,
          auths,
          values: ['x'],
          bodies: [
            undefined,
            {},
            { email: 'n@x.io', password: 'p', name: 'N' },
            { email: 'm@x.io', password: 'p', name: 'M', orgId: 12, roleId: 2 },
            { email: 'i@x.io', name: 'I', roleId: 3 },
            { userId: 101, targetOrgId: 12, roleId: 2 },
            { title: 't', body: 'b', userId: 100 },
            { token: 'x' },
            { name: 'a/b', email: 'z', password: 'p' },
          ],
          queries: [
            '',
            'userId=100',
            'userId=100&roleId=2',
            'page=1&size=5&includeSubOrgUsers=true',
            'query=a&sortBy=Name&sortOrder=DESC',
            'size=0',
            'page=-1',
          ],
        });
        tick(1500);
        await call({ path: '/api/v1/organization/users', headers: good });
      },
    );
  },
  async rezolve() {
    await runProvider(
      'rezolve',
      [{}, { rateLimit: { limit: 4, windowMs: 1000 } }],
      async ({ call, o, routes, tick }) => {
        const c = o.credentials;
        const good = { authorization: `Bearer ${c.token}`, 'x-tenantid': c.tenantId, realmname: c.realm };
        const auths = [
          good,
          { authorization: `Bearer ${c.token}`, 'x-tenantid': c.tenantId },
          { authorization: `Bearer ${c.expiredToken}`, 'x-tenantid': c.tenantId },
          { authorization: `Bearer ${c.token}` },
          { authorization: `Bearer ${c.token}`, 'x-tenantid': 'x' },
          { ...good, realmname: 'other' },
          {},
        ];
        const first = await call({ path: '/user/list', query: 'type=agent&module=ticketing', headers: good });
        const etag = first.headers?.etag ?? '';
        await call({
          path: '/user/list',
          query: 'type=agent&module=ticketing',
          headers: { ...good, 'if-none-match': etag },
        });
        await sweep({
          call,
          routes,
          auths,
          values: ['1', '2', '4', 'x', '%2F'],
          queries: [
            '',
            'type=agent&module=ticketing',
            'type=user',
            'module=chat',
            'module=bad',
            'type=bad&module=chat',
          ],
        });
        tick(1500);
      },
    );
  },
  async rocketchat() {
    await runProvider(
      'rocketchat',
      [{}, { rateLimit: { limit: 3, windowMs: 1000 } }, { legacy401: true }],
      async ({ call, o, routes, tick }) => {
        const c = o.credentials;
        const admin = { 'x-user-id': c.userId, 'x-auth-token': c.authToken };
        const user = { 'x-user-id': c.regularUserId, 'x-auth-token': c.regularAuthToken };
        const auths = [
          admin,
          user,
          {},
          { 'x-user-id': c.userId, 'x-auth-token': 'nope' },
          { 'x-user-id': c.regularUserId, 'x-auth-token': c.authToken },
        ];
        const list = await call({ path: '/api/v1/users.list', query: 'count=5', headers: admin });
        const someone = list.body?.users?.[3];
        const login = await call({
          method: 'POST',
          path: '/api/v1/login',
          headers: {},
          body: { user: 'sandbox.user', password: o.password },
        });
        const fresh = {
          'x-user-id': login.body?.data?.userId ?? '',
          'x-auth-token': login.body?.data?.authToken ?? '',
        };
        auths.push(fresh);
        await sweep({
          call,
          routes,
          auths,
          values: ['x'],
          bodies: [
            undefined,
            {},
            { userId: someone?._id },
            { username: someone?.username },
            { status: 'away', message: 'hi' },
            { email: 'new@x.io', name: 'New', password: 'p', username: 'new.one' },
            { emailOrUsername: 'sandbox.user' },
            { email: 'sandbox.user@example.com' },
            { data: { name: 'X' } },
          ],
          queries: [
            '',
            'count=2&offset=1',
            'count=500',
            'count=-1',
            'sort={"name":-1}',
            'sort=bad',
            `userId=${someone?._id}`,
            `username=${someone?.username}`,
            'ids=a,b',
            'selector={"term":"a"}',
            'status=active',
            'emailOrUsername=x',
          ],
          extra: [
            '/avatar/sandbox.user',
            '/avatar/',
            '/avatar/a/b',
            '/avatar/%E0',
            '/api/v1/login',
            '/api/v1/login/',
            '/api/v1/me',
          ],
        });
        await call({
          method: 'POST',
          path: '/api/v1/users.setAvatar',
          headers: { ...admin, 'content-type': 'multipart/form-data; boundary=X' },
          raw: '--X\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--X--\r\n',
        });
        await call({ path: '/avatar/sandbox.admin', headers: {} });
        tick(1500);
        await call({ path: '/api/v1/users.list', headers: user });
      },
    );
  },
};

for (const [id, run] of Object.entries(providers)) {
  if (only && only !== id) continue;
  const before = compared;
  const f = failures;
  hist = {};
  await run();
  console.log(
    `${id}: ${compared - before} answers compared, ${failures - f} differences; statuses ${JSON.stringify(hist)}`,
  );
}
crypto.randomBytes = realRandomBytes;
syncBuiltinESMExports();
for (const dir of built) rmSync(dir, { recursive: true, force: true });
console.log(`${compared} answers compared with ${ref}: ${failures ? `${failures} differ` : 'all identical'}`);
process.exitCode = failures ? 1 : 0;
