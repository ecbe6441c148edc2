#!/usr/bin/env node
// Objects made per call, counted by wrapping the global constructors: one typed GET of a 100-user
// page, and one page of a listing, for a build of @rosterkit/core (sandbox in a child process).
//   node bench/objects.mjs <dist of core> [<dist of another core> …]
// The counts are deterministic, unlike time on a shared machine.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childSandbox } from './child-sandbox.mjs';

const counts = {};
const count = (name) => (counts[name] = (counts[name] ?? 0) + 1);
for (const name of ['AbortController', 'Request', 'Response', 'Headers', 'WeakRef', 'FinalizationRegistry']) {
  const Original = globalThis[name];
  globalThis[name] = new Proxy(Original, {
    construct(target, args, newTarget) {
      count(name);
      return Reflect.construct(target, args, newTarget === globalThis[name] ? target : newTarget);
    },
  });
}
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (...args) => {
  count('setTimeout');
  return originalSetTimeout(...args);
};
const originalFetch = globalThis.fetch;
globalThis.fetch = (...args) => {
  count('fetch');
  return originalFetch(...args);
};

const box = await childSandbox(2000, 0, ['rocketchat']);
const { baseUrl, credentials: c } = box.providers.rocketchat;
const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
const snapshot = () => ({ ...counts });
const per = (before, n) =>
  Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, +((v - (before[k] ?? 0)) / n).toFixed(2)]));

let before = snapshot();
for (let i = 0; i < 20; i++)
  await (await fetch(`${baseUrl}/api/v1/users.list?count=100&offset=0`, { headers })).json();
console.log('fetch + json()'.padEnd(28), JSON.stringify(per(before, 20)));
for (const dist of process.argv.slice(2)) {
  const core = await import(pathToFileURL(resolve(dist, 'index.js')).href);
  const provider = { id: 'rocketchat', operations: {}, decodeError: () => ({}) };
  const auth = {
    apply(request) {
      for (const [k, v] of Object.entries(headers)) request.headers.set(k, v);
    },
    secrets: () => Object.values(headers),
  };
  const api = core.createApiClient(provider, baseUrl, auth, {});
  const get = (offset, signal) =>
    api.GET('/api/v1/users.list', { params: { query: { count: 100, offset } }, signal }).then((r) => r.data);
  await get(0);
  before = snapshot();
  for (let i = 0; i < 20; i++) await get(0);
  console.log(`${dist}: GET`.padEnd(28), JSON.stringify(per(before, 20)));
  const ctx = { provider: 'rocketchat', operation: 'users.list', error: api.error };
  const scheme = {
    first: 0,
    fetchPage: (offset, signal) => get(offset, signal),
    items: (page) => page.users,
    next: (page, offset, items) =>
      items.length === 0 || offset + items.length >= page.total ? undefined : offset + items.length,
    total: (page) => page.total,
    key: (u) => u._id,
  };
  before = snapshot();
  let n = 0;
  for await (const _ of core.paginate(ctx, scheme, {})) n++;
  console.log(`${dist}: listing page`.padEnd(28), JSON.stringify(per(before, Math.ceil(n / 100))));
}
box.close();
