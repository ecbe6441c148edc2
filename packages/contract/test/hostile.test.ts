import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The hostile suite: every listing of every provider (and every auth flow) against a server that
 * does not behave — pages that repeat, rotate or announce impossible totals; nulls, prototype
 * keys, huge and undecodable ids; bodies that never end, trickle or decompress to 256 MiB; auth
 * endpoints that refuse; redirects to another origin or to themselves. The server is programmed in
 * test/hostile/cases.mjs and runs, with the clients, in a child process per scenario with a small
 * heap and a kill timeout, so a hang or a runaway allocation fails that scenario and nothing else.
 *
 * Each listing must end on its own, in time, with every user once — or with a typed ApiError that
 * says what the server did and how many users were read. Reproduce one scenario with:
 *   node packages/contract/test/hostile/run.mjs repeat
 */
const DIR = fileURLToPath(new URL('./hostile/', import.meta.url));
const HEAP_MB = 192;

interface Outcome {
  listing: string;
  state: 'done' | 'error' | 'hung' | 'runaway';
  items: number;
  distinct: number;
  functions: number;
  mappingErrors: number;
  ms: number;
  requests: number;
  error?: {
    apiError: boolean;
    name: string;
    kind?: string;
    status?: number;
    message: string;
    itemsRead?: number;
    expectedItems?: number;
  };
}
interface Result {
  scenario: string;
  outcomes: Outcome[];
  attackerRequests: number;
  attackerCredentialRequests: number;
  polluted: boolean;
  maxRssMB: number;
}

/** Which listings each scenario applies to (from the child, which owns the registry). */
const table = JSON.parse(
  execFileSync(process.execPath, ['run.mjs', '--list'], { cwd: DIR, encoding: 'utf8' }),
) as Record<string, string[]>;

function runScenario(scenario: string, deadlineMs: number, gc: boolean): Promise<Result> {
  return new Promise((resolve, reject) => {
    const flags = [`--max-old-space-size=${HEAP_MB}`, ...(gc ? ['--expose-gc'] : [])];
    const child = spawn(process.execPath, [...flags, 'run.mjs', scenario], {
      cwd: DIR,
      env: { ...process.env, HOSTILE_DEADLINE_MS: String(deadlineMs), HOSTILE_GC: gc ? '1' : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    // Every listing has `deadlineMs`; the whole child gets that per listing plus start-up.
    const killAfter = deadlineMs * 9 + 20_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfter);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Result);
      else
        reject(
          new Error(
            `scenario ${scenario}: child ended with ${signal ?? `code ${code}`} (killed after ${killAfter} ms or out of its ${HEAP_MB} MB heap)\n${err.slice(-2000)}`,
          ),
        );
    });
  });
}

/** The listings that ask for a page size (a larger page is refused); the others accept it. */
const SIZED = new Set(
  JSON.parse(
    execFileSync(process.execPath, ['run.mjs', '--sized'], { cwd: DIR, encoding: 'utf8' }),
  ) as string[],
);

interface Expectation {
  /** `complete`, or the ApiError kind(s) the listing may end with. */
  end: 'complete' | string | readonly string[] | ((listing: string) => string);
  itemsRead?: number;
  expectedItems?: number;
  message?: RegExp;
  /** Largest resident set the child may reach, MB. */
  maxRssMB?: number;
  /** How long one listing may take before it counts as hung. Default 8 s. */
  deadlineMs?: number;
  /** Run the child with garbage collection every 50 ms (what a busy process does now and then). */
  gc?: boolean;
  /** Start the child when the suite is collected (a slow scenario that mostly waits). */
  eager?: boolean;
  /** Still failing on main because of another change (named in the comment where it is set). */
  pending?: 'fails' | 'skip';
}

const NOT_ADVANCING = /not advancing/;

const EXPECT: Record<string, Expectation> = {
  repeat: { end: 'invalid-response', itemsRead: 10, message: NOT_ADVANCING },
  'repeat-inflated': { end: 'invalid-response', itemsRead: 10, message: NOT_ADVANCING },
  rotate: { end: 'invalid-response', itemsRead: 40, message: NOT_ADVANCING },
  'rotate-concurrent': { end: 'invalid-response', itemsRead: 40, message: NOT_ADVANCING },
  // Every real user, then `incomplete` (how many the sandbox seeds differs a little by provider).
  'inflated-1e12': { end: 'incomplete', expectedItems: 1e12 },
  'inflated-1e15': { end: 'incomplete', expectedItems: 1e15 },
  null: { end: 'invalid-response', itemsRead: 3, message: /(null|undefined) item/ },
  oversized: {
    end: (l) => (SIZED.has(l) ? 'invalid-response' : 'complete'),
    message: /10000 items where at most 10 were asked for/,
  },
  'prototype-keys': { end: 'complete' },
  'huge-ids': { end: 'invalid-response', itemsRead: 0, message: /beyond 2\^53/ },
  'invalid-utf8-ids': { end: 'invalid-response', itemsRead: 1, message: /cannot be told apart/ },
  endless: { end: 'too-large' },
  'endless-default-cap': { end: 'too-large' },
  // Under frequent garbage collection: a pending fetch (or body) must stay abortable. Failed now
  // and then before (always under --expose-gc with gc() every 50 ms): undici's Request follows
  // the signal it was given through a WeakRef, and nothing else held it while in flight.
  trickle: { end: 'timeout', gc: true },
  hang: { end: 'timeout', gc: true },
  // With the default options only: the default budget (timeoutMs 120 s) ends both; started at
  // once and run alongside the rest, as they mostly wait.
  'hang-default': { end: 'timeout', deadlineMs: 150_000, eager: true },
  'trickle-default': { end: 'timeout', deadlineMs: 150_000, eager: true },
  // The cap counts decoded bytes while the body streams in (before: 256 MiB decoded, then
  // refused, about 900 MB resident).
  'gzip-bomb': { end: 'too-large', maxRssMB: 300 },
  'brotli-bomb': { end: 'too-large', maxRssMB: 300 },
  'auth-refused': { end: ['http', 'auth'] },
  // Before: the token refresh waited on itself and the listing never ended.
  'auth-refused-as-expired': { end: ['http', 'auth'], deadlineMs: 5000 },
  'redirect-cross-origin': { end: 'redirect' },
  'redirect-loop': { end: 'redirect' },
};

describe('the hostile suite covers every scenario it defines', () => {
  it('each scenario has an expectation, and each expectation a scenario', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(Object.keys(table).sort());
  });
});

for (const [scenario, listings] of Object.entries(table)) {
  const exp = EXPECT[scenario];
  if (!exp) continue; // reported by the test above
  describe(`hostile server: ${scenario}`, () => {
    let result: Promise<Result> | undefined;
    const run = () => {
      result ??= runScenario(scenario, exp.deadlineMs ?? 8000, exp.gc ?? false);
      return result;
    };
    if (exp.eager && !exp.pending) run().catch(() => {}); // awaited (and reported) by its tests
    const test = exp.pending === 'skip' ? it.skip : exp.pending === 'fails' ? it.fails : it;
    for (const listing of listings) {
      test(
        listing,
        async () => {
          const r = await run();
          const o = r.outcomes.find((x) => x.listing === listing);
          expect(o, listing).toBeDefined();
          if (!o) return;
          const where = `${scenario} ${listing}: ${JSON.stringify(o)}`;
          // Whatever the server did: the listing ended by itself, in time, each id once.
          expect(o.state, where).not.toBe('hung');
          expect(o.state, where).not.toBe('runaway');
          expect(o.distinct, where).toBe(o.items);
          expect(o.functions, where).toBe(0);
          expect(r.polluted).toBe(false);
          expect(r.attackerRequests, 'the other origin was never contacted').toBe(0);
          expect(r.attackerCredentialRequests).toBe(0);
          if (exp.maxRssMB !== undefined) expect(r.maxRssMB, where).toBeLessThan(exp.maxRssMB);
          const end = typeof exp.end === 'function' ? exp.end(listing) : exp.end;
          if (end === 'complete') {
            expect(o.state, where).toBe('done');
            expect(o.items, where).toBeGreaterThan(0);
            return;
          }
          // Ended loudly: a typed ApiError of the expected kind that says how far it got.
          expect(o.state, where).toBe('error');
          expect(o.error?.apiError, where).toBe(true);
          expect(typeof end === 'string' ? [end] : end, where).toContain(o.error?.kind);
          expect(o.error?.itemsRead, where).toBe(o.items);
          if (end.includes('http')) {
            expect(o.error?.status, where).toBeGreaterThanOrEqual(400);
            expect(o.error?.status, where).toBeLessThan(500);
          }
          if (exp.itemsRead !== undefined) expect(o.items, where).toBe(exp.itemsRead);
          if (exp.expectedItems !== undefined) expect(o.error?.expectedItems, where).toBe(exp.expectedItems);
          if (exp.message) expect(o.error?.message, where).toMatch(exp.message);
        },
        (exp.deadlineMs ?? 8000) * 10 + 30_000,
      );
    }
  });
}
