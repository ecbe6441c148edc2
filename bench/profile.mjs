#!/usr/bin/env node
// Runs one contender of bench section 1 or 7 alone, for profiling (sandbox in a child process, so
// the profile holds the client only):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs 1 rosterkit [content-length|chunked|gzip] [seconds]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs 7 fetch [concurrency] [seconds]
//   node bench/profile-summary.mjs /tmp/prof/*.cpuprofile
// It also prints this process's CPU µs per request (section 1) or per page (section 7).
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { childSandbox } from './child-sandbox.mjs';
import { handWrittenListing } from './hand-written.mjs';

const [section = '1', who = 'rosterkit', arg, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 5);
const n = section === '7' ? 100_000 : 100;
const wire = section === '1' ? (arg ?? 'content-length') : 'content-length';
const concurrency = section === '7' ? Number(arg ?? 1) : 1;
const box = await childSandbox(n, 0, ['rocketchat'], wire);
const { baseUrl, credentials: c } = box.providers.rocketchat;
const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
const rc = createRocketChatClient({ baseUrl, userId: c.userId, authToken: c.authToken });
const page = async (offset) =>
  (await fetch(`${baseUrl}/api/v1/users.list?count=100&offset=${offset}`, { headers })).json();

let one;
if (section === '1') {
  one =
    who === 'fetch'
      ? async () => (await page(0)).users.length && 1
      : async () =>
          (await rc.GET('/api/v1/users.list', { params: { query: { count: 100, offset: 0 } } })).data.users
            .length && 1;
} else if (who === 'fetch') {
  // Pages per run, as the rosterkit contender counts them.
  one = async () => Math.ceil((await handWrittenListing(page, concurrency)) / 100);
} else {
  one = async () => {
    let count = 0;
    for await (const _ of rc.iterateUsers({}, { concurrency })) count++;
    return Math.ceil(count / 100);
  };
}

for (let i = 0; i < (section === '1' ? 200 : 1); i++) await one(); // warm-up
const cpu = process.cpuUsage();
const end = performance.now() + seconds * 1000;
let units = 0;
while (performance.now() < end) units += await one();
const used = process.cpuUsage(cpu);
console.log(
  `${section === '1' ? `section 1 (${wire})` : `section 7 (concurrency ${concurrency})`} ${who}: ${units} ${
    section === '1' ? 'requests' : 'pages'
  }, ${((used.user + used.system) / units).toFixed(0)} CPU µs each`,
);
box.close();
