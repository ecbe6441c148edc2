#!/usr/bin/env node
// rosterkit benchmarks: every figure is compared with a baseline measured in the same run.
//   node bench/bench.mjs            full run (writes bench/results.json)
//   node bench/bench.mjs --quick    small sizes (CI: keeps the suite from rotting; asserts nothing)
// Sections: 1 per-request overhead (rosterkit vs fetch vs axios vs ky), 2 large listing (serial vs
// concurrent), 3 memory (10k vs 100k users through listUsers), 4 mapUser throughput, 5 size,
// 6 build (cold vs warm turbo).
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBlynkClient } from '@rosterkit/blynk';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import { mapUser, providers } from '@rosterkit/users';
import axios from 'axios';
import ky from 'ky';
import { childSandbox } from './child-sandbox.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const quick = process.argv.includes('--quick');
// --only 1,4 runs just those sections (while working on one); results.json is then not written.
const onlyArg = process.argv[process.argv.indexOf('--only') + 1];
const only = process.argv.includes('--only') ? new Set(onlyArg?.split(',').map(Number)) : undefined;
const want = (section) => !only || only.has(section);
const results = {
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  quick,
  sections: {},
};
const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const table = (title, head, rows) => {
  console.log(`\n## ${title}\n`);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
};

/** Calls per second, and this process's CPU time per call in µs (the client's own cost). */
async function timeIt(fn, seconds) {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  let n = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rate: (n * 1000) / elapsed, cpuUs: (used.user + used.system) / n };
}

// 1. Per-request overhead
if (want(1)) {
  const box = await childSandbox(100, 0, ['rocketchat']);
  const { baseUrl, credentials: c } = box.providers.rocketchat;
  const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
  const url = `${baseUrl}/api/v1/users.list?count=100&offset=0`;
  const rc = createRocketChatClient({ baseUrl, userId: c.userId, authToken: c.authToken });
  const ax = axios.create({ headers });
  const k = ky.create({ headers, retry: 0 });
  const seconds = quick ? 0.5 : 3;
  const contenders = {
    'fetch (hand-written)': async () => (await fetch(url, { headers })).json(),
    '@rosterkit/rocketchat': async () =>
      (await rc.GET('/api/v1/users.list', { params: { query: { count: 100, offset: 0 } } })).data,
    axios: async () => (await ax.get(url)).data,
    ky: async () => k.get(url).json(),
  };
  const runs = {};
  // Interleave rounds so drift in machine load hits every contender alike; keep each one's best.
  for (let round = 0; round < (quick ? 1 : 5); round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const r = await timeIt(fn, seconds);
      runs[name] = {
        rate: Math.max(r.rate, runs[name]?.rate ?? 0),
        cpuUs: Math.min(r.cpuUs, runs[name]?.cpuUs ?? Number.POSITIVE_INFINITY),
      };
    }
  }
  const best = runs;
  const base = best['fetch (hand-written)'];
  table(
    '1. Per-request overhead: one page of 100 users (Rocket.Chat users.list), sandbox on 127.0.0.1 in another process',
    ['client', 'requests/s', '× fetch', 'client CPU µs/request', '× fetch (CPU)'],
    Object.entries(best).map(([k, v]) => [
      k,
      fmt(v.rate),
      fmt(v.rate / base.rate, 2),
      fmt(v.cpuUs),
      fmt(v.cpuUs / base.cpuUs, 2),
    ]),
  );
  results.sections.overhead = best;
  await box.close();
}

// 2. Large listing, serial vs concurrent page fetching, with simulated latency per request
if (want(2)) {
  const n = quick ? 5_000 : 100_000;
  const latencyMs = 5;
  const rows = [];
  const box = await childSandbox(n, latencyMs, ['rocketchat', 'blynk', 'thena']);
  const make = {
    'rocketchat (offset/total, 100 per page)': (o) =>
      createRocketChatClient({
        baseUrl: box.providers.rocketchat.baseUrl,
        userId: box.providers.rocketchat.credentials.userId,
        authToken: box.providers.rocketchat.credentials.authToken,
      }).iterateUsers({}, o),
    'blynk (page/totalElements, 1000 per page)': (o) =>
      createBlynkClient({
        baseUrl: box.providers.blynk.baseUrl,
        clientId: box.providers.blynk.credentials.clientId,
        clientSecret: box.providers.blynk.credentials.clientSecret,
      }).iterateUsers({ pageSize: 1000 }, o),
    'blynk (page/totalElements, 100 per page)': (o) =>
      createBlynkClient({
        baseUrl: box.providers.blynk.baseUrl,
        clientId: box.providers.blynk.credentials.clientId,
        clientSecret: box.providers.blynk.credentials.clientSecret,
      }).iterateUsers({ pageSize: 100 }, o),
    'thena search (page/found, 250 per page)': (o) =>
      createThenaClient({
        baseUrl: box.providers.thena.baseUrl,
        apiKey: box.providers.thena.credentials.apiKey,
      }).iterateUsers({ search: { perPage: 250 } }, o),
  };
  for (const [name, iterate] of Object.entries(make)) {
    const rate = async (concurrency) => {
      const start = performance.now();
      let count = 0;
      for await (const _ of iterate({ concurrency })) count++;
      // Rocket.Chat's workspace also holds the sandbox's two callers and the rocket.cat bot.
      const expected = name.startsWith('rocketchat') ? n + 3 : n;
      if (count !== expected) throw new Error(`${name}: listed ${count} of ${expected}`);
      return (count * 1000) / (performance.now() - start);
    };
    for await (const _ of iterate({ maxItems: 1 })); // warm-up: connections, the server's sort caches
    // Alternate the two modes and keep each one's best round, as in section 1.
    let serial = 0;
    let concurrent = 0;
    for (let round = 0; round < (quick ? 1 : 2); round++) {
      serial = Math.max(serial, await rate(1));
      concurrent = Math.max(concurrent, await rate(8));
    }
    rows.push([name, fmt(serial), fmt(concurrent), fmt(concurrent / serial, 1)]);
    results.sections[`listing:${name}`] = { serial, concurrent };
  }
  table(
    `2. Large listing: ${fmt(n)} users per provider, ${latencyMs} ms latency per request (sandbox in another process)`,
    ['provider', 'users/s serial', 'users/s concurrency 8', '× serial'],
    rows,
  );
  await box.close();
}

// 3. Memory: peak RSS of listUsers over 10k vs 100k users (separate processes)
if (want(3)) {
  const sizes = quick ? [2_000, 20_000] : [10_000, 100_000];
  const measure = (users, only) => {
    const out = spawnSync(
      process.execPath,
      [join(here, 'memory-child.mjs'), String(users), ...(only ? [only] : [])],
      { encoding: 'utf8' },
    );
    if (out.status !== 0) throw new Error(out.stderr);
    return { ...JSON.parse(out.stdout), providers: only ?? 'all five' };
  };
  const rows = [];
  for (const only of [undefined, 'rocketchat,blynk,imichat']) {
    const [small, large] = sizes.map((n) => measure(n, only));
    rows.push([
      small.providers,
      fmt(small.usersPerProvider),
      fmt(small.maxRssMiB, 1),
      fmt(large.usersPerProvider),
      fmt(large.maxRssMiB, 1),
      fmt(large.maxRssMiB / small.maxRssMiB, 2),
    ]);
    results.sections[`memory:${small.providers}`] = { small, large };
  }
  table(
    '3. Memory: peak RSS of a process streaming users through listUsers (sandbox in another process)',
    ['providers', 'users each', 'peak RSS MiB', 'users each', 'peak RSS MiB', '× (goal < 1.5)'],
    rows,
  );
}

// 4. mapUser throughput
if (want(4)) {
  const box = await startSandbox({ users: 1000, seed: 3 });
  const samples = {};
  for (const p of providers) {
    const { baseUrl, credentials: c } = box.providers[p];
    const res = await fetch(
      {
        thena: `${baseUrl}/v1/users/list`,
        imichat: null,
        rocketchat: `${baseUrl}/api/v1/users.list?count=0`,
        blynk: null,
        rezolve: `${baseUrl}/user/list?type=agent&module=ticketing`,
      }[p] ?? 'about:blank',
      {
        headers: {
          'x-api-key': c.apiKey ?? '',
          'x-user-id': c.userId ?? '',
          'x-auth-token': c.authToken ?? '',
          authorization: `Bearer ${c.token ?? ''}`,
          'x-tenantid': c.tenantId ?? '',
        },
      },
    ).catch(() => undefined);
    const body = res?.ok ? await res.json() : undefined;
    samples[p] = body?.users ?? body?.data?.users ?? body?.data;
  }
  // imi.chat and Blynk need a token first: read a page through their records in the sandbox instead.
  samples.imichat = Array.from({ length: 1000 }, (_, i) => ({
    id: 1000 + i,
    first_name: 'Ada',
    last_name: 'Lovelace',
    login_id: `ada${i}`,
    email_id: `ada${i}@example.com`,
    status: i % 9 ? 'active' : 'inactive',
    role_type: 'Customer Care',
    created_at: '2024-03-01T10:00:00Z',
    updated_at: '2024-03-02 10:00:00.000',
  }));
  samples.blynk = Array.from({ length: 1000 }, (_, i) => ({
    id: 100 + i,
    name: 'Ada Lovelace',
    email: `ada${i}@example.com`,
    roleId: 3,
    orgId: 7,
    isDev: false,
    status: 'Active',
    tz: 'Europe/London',
    locale: 'en_GB',
    registeredAt: 1700000000000 + i,
    lastLoggedAt: 1718000000000 + i,
  }));
  await box.close();
  const rows = [];
  for (const p of providers) {
    const records = samples[p];
    const iterations = quick ? 50_000 : 1_000_000;
    for (let i = 0; i < 10_000; i++) mapUser(p, records[i % records.length]);
    const start = performance.now();
    for (let i = 0; i < iterations; i++) mapUser(p, records[i % records.length]);
    const perSecond = (iterations * 1000) / (performance.now() - start);
    rows.push([p, fmt(perSecond), fmt(perSecond / 1_000_000, 2)]);
    results.sections[`map:${p}`] = perSecond;
  }
  table('4. mapUser throughput (records/s; goal 1,000,000)', ['provider', 'records/s', '× goal'], rows);
}

// 5. Size
if (want(5)) {
  const out = JSON.parse(
    execFileSync(process.execPath, [join(root, 'scripts/size.mjs'), '--json'], { encoding: 'utf8' }),
  );
  const base = out[0].gzipped;
  table(
    '5. Size: bundled for the browser with esbuild, minified + gzipped',
    ['package', 'bytes min+gz', '× openapi-fetch', 'budget'],
    out.map((r) => [r.name, fmt(r.gzipped), fmt(r.gzipped / base, 2), r.budget ?? '—']),
  );
  results.sections.size = out;
}

// 6. Build
if (want(6) && !process.argv.includes('--no-build')) {
  const turbo = join(root, 'node_modules/.bin/turbo');
  const run = (args) => {
    const start = performance.now();
    execFileSync(turbo, ['run', 'build', '--filter=./packages/*', ...args], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
    return (performance.now() - start) / 1000;
  };
  const cold = run(['--force']);
  const warm = run([]);
  table(
    '6. Build: turbo run build (all packages)',
    ['run', 'seconds', '× warm'],
    [
      ['cold (--force)', fmt(cold, 2), fmt(cold / warm, 1)],
      ['warm (cache hit)', fmt(warm, 2), '1.0'],
    ],
  );
  results.sections.build = { cold, warm };
}

if (!only) {
  writeFileSync(
    join(here, quick ? 'results.quick.json' : 'results.json'),
    `${JSON.stringify(results, null, 2)}\n`,
  );
}
console.log(
  `\nmachine: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}`,
);
