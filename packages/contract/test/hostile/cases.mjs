// What the hostile suite runs: every listing of every provider in the registry (how to call it and
// where its paging, items and total live on the wire, as each provider declares in its package.json
// "rosterkit".hostile), and the scenarios a hostile server plays against it.
import { constants, createBrotliCompress, createGzip } from 'node:zlib';
import { cliProviders } from '@rosterkit/cli';
import { providers } from '../../../../scripts/providers.mjs';

/** Users seeded per provider: four pages of ten. */
export const USERS = 40;

const REGISTRY = providers();

/** The provider's hostile-suite facts, or a loud error naming what it lacks. */
function factsOf(p) {
  const h = p.hostile;
  if (!h?.listings || Object.keys(h.listings).length === 0)
    throw new Error(
      `hostile suite: ${p.id} declares no "rosterkit".hostile.listings in packages/${p.id}/package.json (see packages/contract/test/hostile/cases.mjs)`,
    );
  return h;
}

/**
 * A client of the provider behind `info` (a sandbox or the hostile server in front of it), made by
 * the registry's client factory. A provider declaring `credentialFunction` gets its credential as
 * a function (the client may ask for a fresh one when one is refused).
 */
export function client(provider, info, options = {}) {
  const p = REGISTRY.find((x) => x.id === provider);
  if (!p) throw new Error(`unknown provider ${provider}`);
  const settings = { ...info.credentials, baseUrl: info.baseUrl };
  if (factsOf(p).credentialFunction) {
    for (const s of p.settings.filter((x) => x.secret)) {
      const value = settings[s.option];
      settings[s.option] = () => value;
    }
  }
  return cliProviders[provider].create(settings, {
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

const path = (url) => url.pathname;
/** `a.b.c` of an object (a body's field). */
const at = (o, dotted) => dotted.split('.').reduce((x, k) => x?.[k], o);
const setAt = (o, dotted, v) => {
  const keys = dotted.split('.');
  const last = keys.pop();
  (keys.length ? at(o, keys.join('.')) : o)[last] = v;
};

/**
 * Every listing, as `<provider>.<name>` from each provider's `hostile.listings` declaration:
 * `primary` marks one listing per provider; `query` is what iterateUsers is called with; `request`
 * (`METHOD /path-suffix`) recognises its requests; `page` is its paging parameter (absent: one
 * response, or opaque cursors); `items` the dotted path to the records in a body, each wrapped in
 * `record` when given; `total` the dotted path to the count it announces; `size` the page size it
 * asks for; `idField` the id's field (default `id`); `numericIds` whether ids are integers.
 * `tokenRefusal` (per provider): how its token endpoint refuses a credential it reads as expired.
 */
export const LISTINGS = Object.fromEntries(
  REGISTRY.flatMap((p) => {
    const h = factsOf(p);
    return Object.entries(h.listings).map(([name, d]) => {
      const [method, suffix] = d.request.split(' ');
      const L = {
        provider: p.id,
        query: d.query ?? {},
        match: (m, url) => m === method && path(url).endsWith(suffix),
        list: (b) => at(b, d.items),
      };
      if (d.primary) L.primary = true;
      if (d.page) L.page = d.page;
      if (d.record) {
        L.wrap = (r) => ({ [d.record]: r });
        L.unwrap = (x) => x?.[d.record];
      }
      if (d.numericIds) L.numeric = true;
      if (d.idField) L.idField = d.idField;
      if (d.total) L.total = { get: (b) => at(b, d.total), set: (b, v) => setAt(b, d.total, v) };
      if (d.size) L.size = d.size;
      if (h.tokenRefusal) L.tokenRefusal = h.tokenRefusal;
      return [`${p.id}.${name}`, L];
    });
  }),
);

/** Listings that ask for a page size (a larger page is refused); the others accept it. */
export const SIZED = Object.keys(LISTINGS).filter((l) => LISTINGS[l].size !== undefined);

/**
 * The headers credentials travel in (a provider sending its credential in another header is not
 * refused by `auth-refused`, and fails it loudly: its listing completes).
 */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-auth-token', 'key', 'access_token'];

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
      for (const h of CREDENTIAL_HEADERS) delete headers[h];
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
    applies: (L) => Boolean(L.tokenRefusal),
    program: (L) => (x) => {
      const r = L.tokenRefusal;
      if (!x.url.pathname.endsWith(r.path)) return false;
      x.send(r.status, { 'content-type': 'application/json' }, JSON.stringify(r.body));
      return true;
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
