#!/usr/bin/env node
// rosterkit benchmarks: every figure is compared with a baseline measured in the same run.
//   node bench/bench.mjs            full run (writes bench/results.json)
//   node bench/bench.mjs --quick    small sizes (CI: keeps the suite from rotting; asserts nothing)
// Sections: 1 per-request overhead on Content-Length, chunked and gzip answers (rosterkit vs fetch
// vs axios vs ky), 2 large listing (serial vs concurrent), 3 memory (10k vs 100k users through
// listUsers), 4 mapUser throughput, 5 size, 6 build (cold vs warm turbo), 7 listing at 0 ms latency
// vs a hand-written loop, 8 cold start of each package and of `roster --help`.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createBlynkClient } from '@rosterkit/blynk';
import { cliProviders } from '@rosterkit/cli';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import { mapUser, providers } from '@rosterkit/users';
import axios from 'axios';
import { build, transform } from 'esbuild';
import ky from 'ky';
import { childSandbox } from './child-sandbox.mjs';
import { handWrittenListing } from './hand-written.mjs';

const WIRES = ['content-length', 'chunked', 'gzip'];

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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs every contender for about `seconds` each, in short alternating slices (a few dozen calls
 * each), so that the load of a shared machine hits all of them alike. Returns per contender the
 * calls per second and this process's CPU time per call in µs (the client's own cost).
 */
async function race(contenders, seconds, sliceCalls = 25) {
  const entries = Object.entries(contenders);
  const acc = entries.map(() => ({ n: 0, ms: 0, cpuUs: 0 }));
  for (const [, fn] of entries) for (let i = 0; i < 20; i++) await fn(); // warm-up
  const end = performance.now() + seconds * 1000 * entries.length;
  for (let slice = 0; performance.now() < end; slice++) {
    // Rotate the order every slice, so no contender always runs right after the same other one.
    for (let j = 0; j < entries.length; j++) {
      const k = (j + slice) % entries.length;
      const fn = entries[k][1];
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < sliceCalls; i++) await fn();
      const used = process.cpuUsage(cpu);
      acc[k].ms += performance.now() - start;
      acc[k].cpuUs += used.user + used.system;
      acc[k].n += sliceCalls;
    }
  }
  return Object.fromEntries(
    entries.map(([name], k) => [
      name,
      { rate: (acc[k].n * 1000) / acc[k].ms, cpuUs: acc[k].cpuUs / acc[k].n },
    ]),
  );
}

// 1. Per-request overhead, on each wire shape a server can send
if (want(1)) {
  const seconds = quick ? 0.3 : 2;
  const rounds = quick ? 1 : 5;
  results.sections.overhead = {};
  for (const wire of WIRES) {
    const box = await childSandbox(100, 0, ['rocketchat'], wire);
    const { baseUrl, credentials: c } = box.providers.rocketchat;
    const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
    const url = `${baseUrl}/api/v1/users.list?count=100&offset=0`;
    const rc = createRocketChatClient({ baseUrl, userId: c.userId, authToken: c.authToken });
    const ax = axios.create({ headers });
    const k = ky.create({ headers, retry: 0 });
    const contenders = {
      'fetch (hand-written)': async () => (await fetch(url, { headers })).json(),
      '@rosterkit/rocketchat': async () =>
        (await rc.GET('/api/v1/users.list', { params: { query: { count: 100, offset: 0 } } })).data,
      axios: async () => (await ax.get(url)).data,
      ky: async () => k.get(url).json(),
    };
    for (const [name, fn] of Object.entries(contenders)) {
      const body = await fn();
      if (body?.users?.length !== 100) throw new Error(`${name} on ${wire}: no page of 100 users`);
    }
    // Each round interleaves the contenders in short slices; each round's ratio to fetch is taken
    // within the round, and the median of those is reported.
    const perRound = Object.fromEntries(Object.keys(contenders).map((n) => [n, []]));
    for (let round = 0; round < rounds; round++) {
      const r = await race(contenders, seconds);
      for (const name of Object.keys(contenders)) perRound[name].push(r[name]);
    }
    const base = perRound['fetch (hand-written)'];
    const summary = Object.fromEntries(
      Object.entries(perRound).map(([name, rs]) => [
        name,
        {
          rate: median(rs.map((r) => r.rate)),
          cpuUs: median(rs.map((r) => r.cpuUs)),
          rateRatio: median(rs.map((r, i) => r.rate / base[i].rate)),
          cpuRatio: median(rs.map((r, i) => r.cpuUs / base[i].cpuUs)),
          rateRatios: rs.map((r, i) => r.rate / base[i].rate),
          cpuRatios: rs.map((r, i) => r.cpuUs / base[i].cpuUs),
        },
      ]),
    );
    table(
      `1. Per-request overhead, ${wire} answers: one page of 100 users (Rocket.Chat users.list), sandbox in another process; median of ${rounds} interleaved rounds`,
      ['client', 'requests/s', '× fetch', 'client CPU µs/request', '× fetch (CPU)', 'spread × fetch'],
      Object.entries(summary).map(([name, v]) => [
        name,
        fmt(v.rate),
        fmt(v.rateRatio, 2),
        fmt(v.cpuUs),
        fmt(v.cpuRatio, 2),
        `${fmt(Math.min(...v.rateRatios), 2)}–${fmt(Math.max(...v.rateRatios), 2)}`,
      ]),
    );
    results.sections.overhead[wire] = summary;
    box.close();
  }
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
  // Every provider in the registry: up to 1,000 of its sandbox records, read through its client.
  const samples = {};
  for (const p of providers) {
    const { baseUrl, credentials } = box.providers[p];
    const records = [];
    for await (const raw of cliProviders[p].create({ baseUrl, ...credentials }, {}).iterateUsers()) {
      records.push(raw);
      if (records.length === 1000) break;
    }
    if (records.length === 0) throw new Error(`bench: the ${p} sandbox listed no users to map`);
    samples[p] = records;
  }
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
  // What a browser app that only makes a Rocket.Chat client ships (tree-shaken).
  const shaken = await build({
    stdin: {
      contents: "export { createRocketChatClient } from '@rosterkit/rocketchat';",
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = shaken.outputFiles[0].contents;
  out.push({
    name: 'createRocketChatClient only',
    minified: code.byteLength,
    gzipped: gzipSync(code, { level: 9 }).byteLength,
    budget: '7,500 (goal)',
  });
  table(
    '5. Size: bundled for the browser with esbuild, minified + gzipped',
    ['package', 'bytes min+gz', '× openapi-fetch', 'budget'],
    out.map((r) => [r.name, fmt(r.gzipped), fmt(r.gzipped / base, 2), r.budget ?? '—']),
  );
  results.sections.size = out;

  // What that bundle is made of, per source module: built from each package's src/ (so core's
  // modules show apart), each module minified on its own; "gz marginal" is the gzipped size of
  // the whole minus the gzipped size without that module, so shared vocabulary counts once.
  const fromSource = await build({
    stdin: {
      contents: "export { createRocketChatClient } from '@rosterkit/rocketchat';",
      resolveDir: root,
      loader: 'js',
    },
    alias: Object.fromEntries(
      ['core', 'rocketchat'].map((id) => [`@rosterkit/${id}`, join(root, `packages/${id}/src/index.ts`)]),
    ),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const parts = [];
  for (const line of fromSource.outputFiles[0].text.split('\n')) {
    const source = /^\/\/ (\S+\.(?:m?js|ts))$/.exec(line)?.[1];
    if (source)
      parts.push({ name: source.replace(/.*node_modules\//, '').replace(/^.*packages\//, ''), code: '' });
    else if (parts.length) parts[parts.length - 1].code += `${line}\n`;
  }
  const gz = (text) => gzipSync(text, { level: 9 }).byteLength;
  for (const part of parts)
    part.min = (await transform(part.code, { minify: true, loader: 'js', format: 'esm' })).code;
  const whole = gz(parts.map((p) => p.min).join('\n'));
  const modules = parts
    .map((part) => ({
      module: part.name,
      minified: part.min.length,
      gzMarginal:
        whole -
        gz(
          parts
            .filter((p) => p !== part)
            .map((p) => p.min)
            .join('\n'),
        ),
    }))
    .sort((a, b) => b.gzMarginal - a.gzMarginal);
  table(
    `5b. What createRocketChatClient ships, per source module (whole: ${fmt(whole)} B gzipped)`,
    ['module', 'minified', 'gz marginal'],
    modules.map((m) => [m.module, fmt(m.minified), fmt(m.gzMarginal)]),
  );
  results.sections.sizeByModule = modules;
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

// 7. Listing at 0 ms latency: the client's own cost per page against a hand-written loop
if (want(7)) {
  const n = quick ? 5_000 : 100_000;
  const rounds = quick ? 1 : 4;
  const box = await childSandbox(n, 0, ['rocketchat']);
  const { baseUrl, credentials: c } = box.providers.rocketchat;
  const headers = { 'X-User-Id': c.userId, 'X-Auth-Token': c.authToken };
  const rc = createRocketChatClient({ baseUrl, userId: c.userId, authToken: c.authToken });
  const page = async (offset) =>
    (await fetch(`${baseUrl}/api/v1/users.list?count=100&offset=${offset}`, { headers })).json();
  const handWritten = (concurrency) => handWrittenListing(page, concurrency);
  const rosterkit = async (concurrency) => {
    let count = 0;
    for await (const _ of rc.iterateUsers({}, { concurrency })) count++;
    return count;
  };
  const cpuPerUser = [];
  const rate = async (name, list, concurrency) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const count = await list(concurrency);
    // Rocket.Chat's workspace also holds the sandbox's two callers and the rocket.cat bot.
    if (count !== n + 3) throw new Error(`${name}: listed ${count} of ${n + 3}`);
    const used = process.cpuUsage(cpu);
    cpuPerUser.push({ name, concurrency, us: (used.user + used.system) / count });
    return (count * 1000) / (performance.now() - start);
  };
  await rosterkit(1); // warm-up: connections, the server's sort cache, JIT
  await handWritten(1);
  cpuPerUser.length = 0;
  const rows = [];
  results.sections.listing0ms = {};
  for (const concurrency of [1, 8]) {
    const loop = [];
    const ours = [];
    for (let round = 0; round < rounds; round++) {
      // A B B A …: a steady drift in machine load hits both alike.
      if (round % 2 === 0) {
        loop.push(await rate('hand-written', handWritten, concurrency));
        ours.push(await rate('rosterkit', rosterkit, concurrency));
      } else {
        ours.push(await rate('rosterkit', rosterkit, concurrency));
        loop.push(await rate('hand-written', handWritten, concurrency));
      }
    }
    const ratios = ours.map((r, i) => r / loop[i]);
    const cpuOf = (who) =>
      cpuPerUser.filter((c) => c.name === who && c.concurrency === concurrency).map((c) => c.us);
    const cpuRatios = cpuOf('rosterkit').map((us, i) => us / (cpuOf('hand-written')[i] ?? us));
    rows.push([
      concurrency === 1 ? 'serial' : `${concurrency} in flight`,
      fmt(median(loop)),
      fmt(median(ours)),
      fmt(median(ratios), 2),
      `${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)}`,
      fmt(median(cpuOf('hand-written')) * 100, 0),
      fmt(median(cpuOf('rosterkit')) * 100, 0),
      fmt(median(cpuRatios), 2),
    ]);
    results.sections.listing0ms[concurrency] = { handWritten: loop, rosterkit: ours, ratios, cpuRatios };
  }
  table(
    `7. Listing at 0 ms latency: ${fmt(n)} Rocket.Chat users, 100 per page, iterateUsers vs a hand-written fetch loop (median of ${rounds} interleaved rounds)`,
    [
      'pages',
      'loop users/s',
      'rosterkit users/s',
      '× loop (goal ≥ 0.90)',
      'spread',
      'loop CPU µs/page',
      'rosterkit CPU µs/page',
      '× loop (CPU)',
    ],
    rows,
  );
  box.close();
}

// 8. Cold start: a whole process that imports one package (or runs `roster --help`), against one
// that imports openapi-fetch. Interleaved; median of the rounds.
if (want(8)) {
  const rounds = quick ? 1 : 15;
  const pkg = (dir) => join(root, 'packages', dir);
  const importIn = (dir, name) => ({
    cwd: pkg(dir),
    args: ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`],
  });
  const targets = {
    'node (empty process)': { cwd: root, args: ['-e', '0'] },
    'openapi-fetch (baseline)': importIn('core', 'openapi-fetch'),
    '@rosterkit/core': importIn('core', '@rosterkit/core'),
    ...Object.fromEntries(providers.map((p) => [`@rosterkit/${p}`, importIn(p, `@rosterkit/${p}`)])),
    '@rosterkit/users': importIn('users', '@rosterkit/users'),
    '@rosterkit/sandbox': importIn('sandbox', '@rosterkit/sandbox'),
    'roster --help': { cwd: root, args: [join(root, 'packages/cli/dist/bin.js'), '--help'] },
  };
  // Each child reports its own CPU time (user + system, bootstrap included) on fd 3 as it exits:
  // on a shared machine CPU time moves far less than wall time does. The hook is CommonJS so that
  // it loads nothing: an ES module importing `node:fs` loads Node's streams (~2 ms) in every
  // child, which hid what a package itself loads.
  const preload = ['--require', join(here, 'cpu-on-exit.cjs')];
  const wall = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(targets).map((k) => [k, []]));
  for (let round = 0; round < rounds + 1; round++) {
    for (const [name, { cwd, args }] of Object.entries(targets)) {
      const start = performance.now();
      const out = spawnSync(process.execPath, [...preload, ...args], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      });
      const ms = performance.now() - start;
      if (out.status !== 0) throw new Error(`${name}: exit ${out.status}\n${out.stderr}`);
      if (round === 0) continue; // round 0 warms the file cache
      wall[name].push(ms);
      cpu[name].push(Number(out.output[3]) / 1000);
    }
  }
  const goals = { '@rosterkit/rocketchat': '≤ 1.15', 'roster --help': '≤ 1.30' };
  const ratios = (series, name) => series[name].map((t, i) => t / series['openapi-fetch (baseline)'][i]);
  const rows = Object.keys(targets).map((name) => {
    const w = ratios(wall, name);
    const c = ratios(cpu, name);
    return [
      name,
      fmt(median(wall[name]), 1),
      fmt(median(w), 2),
      `${fmt(Math.min(...w), 2)}–${fmt(Math.max(...w), 2)}`,
      fmt(median(cpu[name]), 1),
      fmt(median(c), 2),
      `${fmt(Math.min(...c), 2)}–${fmt(Math.max(...c), 2)}`,
      goals[name] ?? '—',
    ];
  });
  table(
    `8. Cold start: whole process, import of one package vs import('openapi-fetch') (median of ${rounds} interleaved rounds)`,
    ['process', 'wall ms', '× openapi-fetch', 'spread', 'CPU ms', '× (CPU)', 'spread (CPU)', 'goal'],
    rows,
  );
  const times = { wall, cpu };
  results.sections.coldStart = times;
}

if (!only) {
  const file = join(here, quick ? 'results.quick.json' : 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  // In the repository's own format, so `pnpm lint` accepts the file as written.
  spawnSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', file], { stdio: 'ignore' });
}
console.log(
  `\nmachine: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}`,
);
