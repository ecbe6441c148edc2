#!/usr/bin/env node
// A/B of two builds of @rosterkit/core in one process (sandbox in a child process): a typed GET of
// one 100-user page, and a listing through `paginate`, for each build, against a bare fetch — all
// interleaved in short slices, so the load of a shared machine hits every contender alike. Reports
// this process's CPU µs per page, median of the rounds, and each build's ratio to fetch.
//   node bench/ab.mjs <dist of core A> <dist of core B> [content-length|chunked|gzip] [rounds]
// e.g. build main's core into /tmp/base/packages/core/dist, then
//   node bench/ab.mjs /tmp/base/packages/core/dist packages/core/dist
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childSandbox } from './child-sandbox.mjs';

const [distA, distB, wire = 'content-length', roundsArg = '9'] = process.argv.slice(2);
if (!distA || !distB) throw new Error('usage: node bench/ab.mjs <core dist A> <core dist B> [wire] [rounds]');
const rounds = Number(roundsArg);
const PAGES = 100;
const box = await childSandbox(PAGES * 100, 0, ['rocketchat'], wire);
const { baseUrl, credentials: c } = box.providers.rocketchat;
const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
const url = (offset) => `${baseUrl}/api/v1/users.list?count=100&offset=${offset}`;

/** What a Rocket.Chat client built on one core does per page (header credentials, the envelope). */
async function build(dist) {
  const core = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const provider = {
    id: 'rocketchat',
    operations: { 'GET /api/v1/users.list': 'users.list' },
    decodeError: () => ({}),
    isErrorBody: (b) => typeof b === 'object' && b !== null && b.success === false,
  };
  const auth = {
    apply(request) {
      request.headers.set('X-User-Id', c.userId);
      request.headers.set('X-Auth-Token', c.authToken);
    },
    secrets: () => [c.userId, c.authToken],
  };
  const api = core.createApiClient(provider, baseUrl, auth, {});
  const get = (offset) =>
    api.GET('/api/v1/users.list', { params: { query: { count: 100, offset } } }).then((r) => r.data);
  const ctx = { provider: 'rocketchat', operation: 'users.list', error: api.error };
  const list = async () => {
    let n = 0;
    const scheme = {
      first: 0,
      fetchPage: async (offset, signal) =>
        (await api.GET('/api/v1/users.list', { params: { query: { count: 100, offset } }, signal })).data,
      items: (page) => page.users,
      next: (page, offset, items) =>
        items.length === 0 || offset + items.length >= page.total ? undefined : offset + items.length,
      total: (page) => page.total,
      key: (u) => u._id,
      pageSize: 100,
    };
    for await (const _ of core.paginate(ctx, scheme, { maxItems: PAGES * 100 })) n++;
    if (n !== PAGES * 100) throw new Error(`listed ${n}`);
  };
  return {
    get: async () => {
      for (let p = 0; p < PAGES; p++) await get(p * 100);
    },
    list,
  };
}

const a = await build(distA);
const b = await build(distB);
const contenders = {
  fetch: async () => {
    for (let p = 0; p < PAGES; p++) await (await fetch(url(p * 100), { headers })).json();
  },
  'A get': a.get,
  'B get': b.get,
  'A list': a.list,
  'B list': b.list,
};
const names = Object.keys(contenders);
for (const name of names) for (let i = 0; i < 3; i++) await contenders[name](); // warm-up
const per = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  const acc = Object.fromEntries(names.map((n) => [n, 0]));
  const slices = 4;
  for (let slice = 0; slice < slices; slice++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + slice + r) % names.length];
      const cpu = process.cpuUsage();
      await contenders[name]();
      const used = process.cpuUsage(cpu);
      acc[name] += (used.user + used.system) / PAGES / slices;
    }
  }
  for (const n of names) per[n].push(acc[n]);
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
console.log(`CPU µs per page (${wire}), median of ${rounds} rounds; ratio to fetch taken within each round`);
for (const n of names) {
  const ratios = per[n].map((v, r) => v / per.fetch[r]);
  console.log(
    `${n.padEnd(8)} ${median(per[n]).toFixed(0).padStart(5)}  × fetch ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
  );
}
const vs = (x, y) => median(per[y].map((v, r) => v / per[x][r])).toFixed(3);
console.log(`B ÷ A: get ${vs('A get', 'B get')}, list ${vs('A list', 'B list')}`);
box.close();
