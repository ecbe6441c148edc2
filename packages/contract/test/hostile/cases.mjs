// What the hostile suite runs: every listing of every provider (how to call it and where its
// paging, items and total live on the wire), and the scenarios a hostile server plays against it.
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import { createBlynkClient } from '@rosterkit/blynk';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { createThenaClient } from '@rosterkit/thena';

/** Users seeded per provider: four pages of ten. */
export const USERS = 40;

/** A client of the provider behind `info` (a sandbox or the hostile server in front of it). */
export function client(provider, info, options = {}) {
  const c = info.credentials;
  const base = { baseUrl: info.baseUrl, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options };
  switch (provider) {
    case 'thena':
      return createThenaClient({ ...base, apiKey: c.apiKey });
    case 'imichat':
      return createImichatClient({ ...base, apiKey: c.apiKey, teamId: c.teamId, domainName: c.domainName });
    case 'rocketchat':
      return createRocketChatClient({ ...base, userId: c.userId, authToken: c.authToken });
    case 'blynk':
      return createBlynkClient({ ...base, clientId: c.clientId, clientSecret: c.clientSecret });
    case 'rezolve':
      // A token function: the client may ask for a fresh token when one is refused.
      return createRezolveClient({ ...base, tenantId: c.tenantId, realm: c.realm, token: () => c.token });
    default:
      throw new Error(`unknown provider ${provider}`);
  }
}

const path = (url) => url.pathname;

/**
 * Every listing: `primary` marks one listing per provider; `query` is what iterateUsers is called with; `match` recognises its requests;
 * `page` is its paging parameter (absent: one response); `list`/`wrap`/`unwrap` reach the records
 * in a body; `total` the count it announces; `size` the page size it asks for.
 */
export const LISTINGS = {
  'thena.list': {
    primary: true,
    provider: 'thena',
    query: {},
    match: (m, url) => m === 'GET' && path(url).endsWith('/v1/users/list'),
    list: (b) => b.data,
  },
  'thena.search': {
    provider: 'thena',
    query: { search: { perPage: 10 } },
    match: (m, url) => m === 'GET' && path(url).endsWith('/v1/search/users'),
    page: { param: 'page', first: 1, step: 1 },
    list: (b) => b.result.hits,
    wrap: (r) => ({ document: r }),
    unwrap: (h) => h?.document,
    total: { get: (b) => b.result.found, set: (b, v) => (b.result.found = v) },
    size: 10,
  },
  'imichat.list': {
    primary: true,
    provider: 'imichat',
    query: {},
    match: (m, url) => m === 'GET' && path(url).endsWith('/v3.1/users'),
    page: { param: 'page', first: 1, step: 1 },
    list: (b) => b.response.users,
    numeric: true,
  },
  'imichat.search': {
    provider: 'imichat',
    query: { filters: [{ field: 'created_at', operator: 'gt', value: '0' }] },
    match: (m, url) => m === 'POST' && path(url).endsWith('/users/search'),
    page: { param: 'page', first: 1, step: 1 },
    list: (b) => b.response.users,
    numeric: true,
  },
  'rocketchat.list': {
    primary: true,
    provider: 'rocketchat',
    query: { pageSize: 10 },
    match: (m, url) => m === 'GET' && path(url).endsWith('/api/v1/users.list'),
    page: { param: 'offset', first: 0, step: 10 },
    list: (b) => b.users,
    idField: '_id',
    total: { get: (b) => b.total, set: (b, v) => (b.total = v) },
    size: 10,
  },
  'blynk.list': {
    primary: true,
    provider: 'blynk',
    query: { pageSize: 10 },
    match: (m, url) => m === 'GET' && path(url).endsWith('/api/v1/organization/users'),
    page: { param: 'page', first: 0, step: 1 },
    list: (b) => b.content,
    numeric: true,
    total: { get: (b) => b.totalElements, set: (b, v) => (b.totalElements = v) },
    size: 10,
  },
  'blynk.search': {
    provider: 'blynk',
    query: { pageSize: 10, search: { query: '@' } },
    match: (m, url) => m === 'GET' && path(url).endsWith('/api/v1/organization/search/users'),
    page: { param: 'page', first: 0, step: 1 },
    list: (b) => b.content,
    numeric: true,
    total: { get: (b) => b.totalElements, set: (b, v) => (b.totalElements = v) },
    size: 10,
  },
  'rezolve.list': {
    primary: true,
    provider: 'rezolve',
    query: {},
    match: (m, url) => m === 'GET' && path(url).endsWith('/user/list'),
    list: (b) => b.data.users,
    total: { get: (b) => b.data.totalCount, set: (b, v) => (b.data.totalCount = v) },
  },
};

const idOf = (L, r) => r?.[L.idField ?? 'id'];

/** The listing's request with its page parameter mapped through `fn` (page index → page index). */
function repage(L, x, fn) {
  const url = new URL(x.url);
  const p = L.page;
  const n = (Number(url.searchParams.get(p.param) ?? p.first) - p.first) / p.step;
  url.searchParams.set(p.param, String(p.first + fn(n) * p.step));
  return url;
}

/** Forwards (optionally to `url`), then rewrites the JSON body with `edit` (which may return text). */
async function rewrite(x, edit, url) {
  const up = await x.forward(url);
  if (up.status !== 200) {
    x.send(up.status, up.headers, up.body);
    return true;
  }
  const body = JSON.parse(up.body.toString('utf8'));
  const out = edit(body) ?? JSON.stringify(body);
  x.send(200, { ...up.headers, 'content-type': 'application/json' }, out);
  return true;
}

/** Records of a body (unwrapped). */
const records = (L, b) => L.list(b).map((h) => (L.unwrap ? L.unwrap(h) : h));

let bombs;
/** 256 MiB of zeros, gzip- (260 kB) and brotli-compressed (a few kB) once per process. */
async function bomb(encoding) {
  bombs ??= {};
  if (!bombs[encoding]) {
    const z =
      encoding === 'gzip'
        ? createGzip({ level: 9 })
        : createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
    const out = [];
    z.on('data', (c) => out.push(c));
    const done = new Promise((r) => z.on('end', r));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 256; i++) if (!z.write(zeros)) await new Promise((r) => z.once('drain', r));
    z.end();
    await done;
    bombs[encoding] = Buffer.concat(out);
  }
  return bombs[encoding];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps writing until the client goes away (or `limit` bytes). */
async function endless(x, head, chunk, delayMs, limit = 1 << 30) {
  x.res.writeHead(200, { 'content-type': 'application/json' });
  x.res.write(head);
  let sent = 0;
  while (!x.res.destroyed && !x.res.writableEnded && sent < limit) {
    if (!x.res.write(chunk))
      await new Promise((r) => {
        const done = () => {
          x.res.off('drain', done).off('close', done);
          r(undefined);
        };
        x.res.on('drain', done).on('close', done);
      });
    sent += chunk.length;
    if (delayMs) await sleep(delayMs);
  }
  x.res.end();
  return true;
}

/**
 * Scenarios: `applies(L)` says which listings it is for; `program(L, ctx)` is the hostile
 * server's behaviour; `options` the client options; `paging` the iterateUsers options.
 */
export const SCENARIOS = {
  /** The server ignores the page asked for and always serves the first (and announces the truth). */
  repeat: {
    applies: (L) => Boolean(L.page),
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(
        x,
        () => undefined,
        repage(L, x, () => 0),
      ),
  },
  /** Same, with concurrency 4 and a total of 10^12: "runs until stopped" before. */
  'repeat-inflated': {
    applies: (L) => Boolean(L.page && L.total),
    paging: { concurrency: 4 },
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(
        x,
        (b) => void L.total.set(b, 1e12),
        repage(L, x, () => 0),
      ),
  },
  /** Four pages served in rotation, under a consistent total of eight pages. */
  rotate: {
    applies: (L) => Boolean(L.page),
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(
        x,
        (b) => void L.total?.set(b, USERS * 2),
        repage(L, x, (n) => n % 4),
      ),
  },
  /** The same with pages fetched four at a time. */
  'rotate-concurrent': {
    applies: (L) => Boolean(L.page && L.total),
    paging: { concurrency: 4 },
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(
        x,
        (b) => void L.total.set(b, USERS * 2),
        repage(L, x, (n) => n % 4),
      ),
  },
  /** Totals of 10^12 and 10^15 over the real pages, fetched four at a time. */
  'inflated-1e12': {
    applies: (L) => Boolean(L.total),
    paging: { concurrency: 4 },
    program: (L) => (x) => L.match(x.req.method, x.url) && rewrite(x, (b) => void L.total.set(b, 1e12)),
  },
  'inflated-1e15': {
    applies: (L) => Boolean(L.total),
    paging: { concurrency: 4 },
    program: (L) => (x) => L.match(x.req.method, x.url) && rewrite(x, (b) => void L.total.set(b, 1e15)),
  },
  /** A `null` where the fourth record of every page should be. */
  null: {
    applies: () => true,
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(x, (b) => {
        const list = L.list(b);
        if (list.length > 3) list[3] = null;
      }),
  },
  /** The first page holds 10,000 records (distinct ids) whatever page size was asked for. */
  oversized: {
    applies: () => true,
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(x, (b) => {
        const list = L.list(b);
        const rs = records(L, b);
        if (x.url.searchParams.get(L.page?.param ?? '') !== String(L.page?.first ?? '') && L.page) return;
        const field = L.idField ?? 'id';
        const many = Array.from({ length: 10_000 }, (_, i) => {
          const r = { ...rs[i % rs.length] };
          r[field] = L.numeric ? 1_000_000 + i : `${r[field]}~${i}`;
          return L.wrap ? L.wrap(r) : r;
        });
        list.splice(0, list.length, ...many);
        L.total?.set(b, L.total.get(b) + 10_000 - rs.length);
      }),
  },
  /** Records carrying `__proto__` and `constructor` keys, and prototype names as values. */
  'prototype-keys': {
    applies: () => true,
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(x, (b) => {
        for (const r of records(L, b)) {
          if (!r) continue;
          for (const k of ['status', 'name', 'userType', 'type', 'role_type', 'tz', 'timezone', 'locale'])
            r[k] = 'constructor';
          r.__marker__ = 1;
        }
        return JSON.stringify(b).replaceAll(
          '"__marker__":1',
          '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"toString":"x"',
        );
      }),
  },
  /** Numeric ids beyond 2^53 (9007199254740993, …995, …): neighbours round to one double. */
  'huge-ids': {
    applies: (L) => Boolean(L.numeric),
    program: (L) => (x) =>
      L.match(x.req.method, x.url) &&
      rewrite(x, (b) => {
        let text = JSON.stringify(b);
        for (const r of records(L, b)) {
          const id = idOf(L, r);
          const huge = 9007199254740993n + BigInt(id) * 2n;
          text = text.replace(new RegExp(`"id":${id}(?=[,}])`), `"id":${huge}`);
        }
        return text;
      }),
  },
  /** String ids that differ only in bytes that are not UTF-8 (0xFF vs 0xFE): both decode alike. */
  'invalid-utf8-ids': {
    applies: (L) => !L.numeric,
    program: (L) => async (x) => {
      if (!L.match(x.req.method, x.url)) return false;
      const up = await x.forward();
      const b = JSON.parse(up.body.toString('utf8'));
      const rs = records(L, b);
      const field = L.idField ?? 'id';
      rs[0][field] = '@@A@@';
      rs[1][field] = '@@B@@';
      const text = Buffer.from(JSON.stringify(b));
      const swap = (buf, from, to) => {
        const at = buf.indexOf(from);
        return Buffer.concat([buf.subarray(0, at), to, buf.subarray(at + from.length)]);
      };
      const out = swap(swap(text, '@@A@@', Buffer.from([0x75, 0xff])), '@@B@@', Buffer.from([0x75, 0xfe]));
      x.send(200, { ...up.headers, 'content-type': 'application/json' }, out);
      return true;
    },
  },
  /** A body that never ends (64 KiB of spaces at a time), under a 1 MiB cap. */
  endless: {
    applies: () => true,
    options: { maxResponseBytes: 1 << 20 },
    program: (L) => (x) =>
      L.match(x.req.method, x.url) && endless(x, '{"data":[', Buffer.alloc(65536, 32), 0),
  },
  /** The same under the default cap (64 MiB). */
  'endless-default-cap': {
    applies: (L) => L.provider === 'rocketchat',
    program: (L) => (x) =>
      L.match(x.req.method, x.url) && endless(x, '{"users":[', Buffer.alloc(65536, 32), 0),
  },
  /** A body trickling a byte every 200 ms, with the caller's 1.5 s budget. */
  trickle: {
    applies: () => true,
    options: { timeoutMs: 1500 },
    program: (L) => (x) => L.match(x.req.method, x.url) && endless(x, '{', Buffer.from(' '), 200),
  },
  /** No answer at all (the connection stays open), with the caller's 1.5 s budget. */
  hang: {
    applies: () => true,
    options: { timeoutMs: 1500 },
    program: (L) => (x) => L.match(x.req.method, x.url) && new Promise(() => {}),
  },
  /** No answer at all, with the default options only. */
  'hang-default': {
    applies: (L) => L.provider === 'rocketchat',
    program: (L) => (x) => L.match(x.req.method, x.url) && new Promise(() => {}),
  },
  /** A body trickling a byte every 200 ms, with the default options only. */
  'trickle-default': {
    applies: (L) => L.provider === 'rocketchat',
    program: (L) => (x) => L.match(x.req.method, x.url) && endless(x, '{', Buffer.from(' '), 200),
  },
  /**
   * 256 MiB of zeros as a 260 kB gzip body with Content-Length, under the default cap (64 MiB);
   * one listing per provider (a provider's listings share one transport).
   */
  'gzip-bomb': {
    applies: (L) => Boolean(L.primary),
    program: (L) => async (x) => {
      if (!L.match(x.req.method, x.url)) return false;
      x.send(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, await bomb('gzip'));
      return true;
    },
  },
  /** The same as a brotli body of a few kB. */
  'brotli-bomb': {
    applies: (L) => Boolean(L.primary),
    program: (L) => async (x) => {
      if (!L.match(x.req.method, x.url)) return false;
      x.send(200, { 'content-type': 'application/json', 'content-encoding': 'br' }, await bomb('br'));
      return true;
    },
  },
  /** Every credential refused the way the provider refuses it (the sandbox's own answer to none). */
  'auth-refused': {
    applies: () => true,
    program: () => async (x) => {
      const headers = x.req.headers;
      for (const h of ['authorization', 'x-api-key', 'x-auth-token', 'key', 'access_token'])
        delete headers[h];
      const up = await x.forward();
      x.send(up.status, up.headers, up.body);
      return true;
    },
  },
  /**
   * The token endpoint refuses with the answer a client reads as "token expired": Blynk's
   * `/oauth2/token` 401 `invalid_client` (RFC 6749 §5.2), imi.chat's `/authorize` 2004.
   */
  'auth-refused-as-expired': {
    applies: (L) => L.provider === 'blynk' || L.provider === 'imichat',
    program: () => (x) => {
      if (x.url.pathname.endsWith('/oauth2/token')) {
        x.send(
          401,
          { 'content-type': 'application/json' },
          JSON.stringify({ error: 'invalid_client', error_description: 'Client authentication failed' }),
        );
        return true;
      }
      if (x.url.pathname.endsWith('/authorize')) {
        x.send(
          401,
          { 'content-type': 'application/json' },
          JSON.stringify({ status_code: 2004, description: 'Access Token expired', response: '' }),
        );
        return true;
      }
      return false;
    },
  },
  /** The listing redirects to another origin (an attacker's), which must never see a credential. */
  'redirect-cross-origin': {
    applies: () => true,
    program: (L, ctx) => (x) => {
      if (!L.match(x.req.method, x.url)) return false;
      x.send(302, { location: `${ctx.attacker}${x.url.pathname}${x.url.search}` }, '');
      return true;
    },
  },
  /** The listing redirects to itself, for ever. */
  'redirect-loop': {
    applies: () => true,
    program: (L) => (x) => {
      if (!L.match(x.req.method, x.url)) return false;
      x.send(307, { location: `${x.url.pathname}${x.url.search}` }, '');
      return true;
    },
  },
};
