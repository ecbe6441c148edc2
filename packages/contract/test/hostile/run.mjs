// Child process of the hostile suite: `node --max-old-space-size=… run.mjs <scenario> [listing…]`
// plays one scenario against every listing it applies to and prints one JSON line of outcomes.
// `node run.mjs --list` prints which listings each scenario applies to; `--sized`, which listings
// ask for a page size. The parent kills this
// process when it overruns, so a hang or a runaway allocation fails one scenario, not the suite.
import { ApiError } from '@rosterkit/core';
import { startSandbox } from '@rosterkit/sandbox';
import { mapUser } from '@rosterkit/users';
import { client, LISTINGS, SCENARIOS, SIZED, USERS } from './cases.mjs';
import { startHostile } from './server.mjs';

const [name, ...only] = process.argv.slice(2);
if (name === '--list') {
  const table = {};
  for (const [s, scenario] of Object.entries(SCENARIOS))
    table[s] = Object.keys(LISTINGS).filter((l) => scenario.applies(LISTINGS[l]));
  process.stdout.write(`${JSON.stringify(table)}\n`);
  process.exit(0);
}
if (name === '--sized') {
  process.stdout.write(`${JSON.stringify(SIZED)}\n`);
  process.exit(0);
}
const scenario = SCENARIOS[name];
if (!scenario) throw new Error(`unknown scenario ${name}`);
/** How long one listing may take before it is reported as hung. */
const deadlineMs = Number(process.env.HOSTILE_DEADLINE_MS ?? 8000);

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-auth-token', 'key', 'access_token', 'x-user-id'];

// A busy process collects garbage often: anything only weakly held while a call is in flight goes.
if (process.env.HOSTILE_GC && globalThis.gc) setInterval(() => globalThis.gc?.(), 50).unref();

const box = await startSandbox({ users: USERS, seed: 5 });
const attacker = await startHostile(box, (x) => {
  x.send(200, { 'content-type': 'application/json' }, '{}');
  return true;
});
const outcomes = [];
for (const [listing, L] of Object.entries(LISTINGS)) {
  if (only.length > 0 && !only.includes(listing)) continue;
  if (!scenario.applies(L)) continue;
  const hostile = await startHostile(box, scenario.program(L, { attacker: attacker.origin }));
  const c = client(L.provider, hostile.providers[L.provider], scenario.options ?? {});
  const ids = new Set();
  const o = { listing, state: 'done', items: 0, distinct: 0, functions: 0, mappingErrors: 0 };
  const started = Date.now();
  const run = (async () => {
    for await (const raw of c.iterateUsers(L.query, scenario.paging ?? {})) {
      o.items++;
      ids.add(String(raw?.[L.idField ?? 'id']));
      try {
        const user = mapUser(L.provider, raw);
        for (const [k, v] of Object.entries(user)) if (k !== 'raw' && typeof v === 'function') o.functions++;
      } catch {
        o.mappingErrors++;
      }
      if (o.items > 20 * USERS + 20_000) {
        o.state = 'runaway';
        break;
      }
    }
  })().catch((e) => {
    if (o.state !== 'done') return; // hung: what happens after the deadline does not count
    o.state = 'error';
    o.error = {
      apiError: e instanceof ApiError,
      name: e?.name,
      kind: e?.kind,
      status: e?.status,
      message: String(e?.message).slice(0, 400),
      itemsRead: e?.itemsRead,
      expectedItems: e?.expectedItems,
    };
  });
  let timer;
  const hung = new Promise((r) => {
    timer = setTimeout(() => r('hung'), deadlineMs);
  });
  if ((await Promise.race([run.then(() => 'settled'), hung])) === 'hung') o.state = 'hung';
  clearTimeout(timer);
  o.ms = Date.now() - started;
  o.distinct = ids.size;
  o.requests = hostile.requests[L.provider] ?? 0;
  await hostile.close();
  outcomes.push(o);
}
const leaked = attacker.received.filter((r) => CREDENTIAL_HEADERS.some((h) => h in r.headers)).length;
const result = {
  scenario: name,
  outcomes,
  attackerRequests: attacker.received.length,
  attackerCredentialRequests: leaked,
  polluted: Object.prototype.polluted !== undefined || {}.polluted !== undefined,
  maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
