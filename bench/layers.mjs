#!/usr/bin/env node
import { createRocketChatClient } from '@rosterkit/rocketchat';
// Where a listing page's CPU goes, layer by layer (sandbox in a child process; this process's CPU
// per page, contenders interleaved in short slices, median of the rounds):
//   fetch       fetch + res.json(), the hand-written baseline
//   transport   core's createTransport alone (retries, idle watch, capped read, parse once)
//   client.GET  the typed call (openapi-fetch, middleware, call budget) over that transport
//   iterate     iterateUsers (paginate: checks, duplicate ids, signals) over those calls
//   node bench/layers.mjs [content-length|chunked|gzip] [rounds]
import { createTransport } from '../packages/core/dist/index.js';
import { childSandbox } from './child-sandbox.mjs';

const wire = process.argv[2] ?? 'content-length';
const rounds = Number(process.argv[3] ?? 7);
const PAGES = 40; // pages per slice
const box = await childSandbox(PAGES * 100, 0, ['rocketchat'], wire);
const { baseUrl, credentials: c } = box.providers.rocketchat;
const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
const rc = createRocketChatClient({ baseUrl, userId: c.userId, authToken: c.authToken });
const transport = createTransport({ json: {} });
const url = (offset) => `${baseUrl}/api/v1/users.list?count=100&offset=${offset}`;

const contenders = {
  fetch: async () => {
    for (let p = 0; p < PAGES; p++) await (await fetch(url(p * 100), { headers })).json();
  },
  transport: async () => {
    for (let p = 0; p < PAGES; p++) await (await transport(new Request(url(p * 100), { headers }))).json();
  },
  'client.GET': async () => {
    for (let p = 0; p < PAGES; p++)
      await rc.GET('/api/v1/users.list', { params: { query: { count: 100, offset: p * 100 } } });
  },
  iterate: async () => {
    let n = 0;
    for await (const _ of rc.iterateUsers({}, { maxItems: PAGES * 100 })) n++;
    if (n !== PAGES * 100) throw new Error(`listed ${n}`);
  },
};
const names = Object.keys(contenders);
for (const name of names) await contenders[name](); // warm-up
const per = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  const acc = Object.fromEntries(names.map((n) => [n, 0]));
  for (let slice = 0; slice < 6; slice++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + slice + r) % names.length];
      const cpu = process.cpuUsage();
      await contenders[name]();
      const used = process.cpuUsage(cpu);
      acc[name] += (used.user + used.system) / PAGES / 6;
    }
  }
  for (const n of names) per[n].push(acc[n]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`CPU µs per page (${wire}), median of ${rounds} rounds (spread):`);
names.forEach((n, i) => {
  const m = median(per[n]);
  // What this layer adds, taken within each round (a burst of load hits both alike).
  const added = i === 0 ? undefined : median(per[n].map((v, r) => v - per[names[i - 1]][r]));
  console.log(
    `${n.padEnd(12)} ${m.toFixed(0).padStart(5)}  (${Math.min(...per[n]).toFixed(0)}–${Math.max(...per[n]).toFixed(0)})  × fetch ${median(per[n].map((v, r) => v / per.fetch[r])).toFixed(2)}${
      added === undefined ? '' : `  +${added.toFixed(0)} over ${names[i - 1]}`
    }`,
  );
});
box.close();
