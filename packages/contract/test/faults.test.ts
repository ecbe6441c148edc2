import { ApiError, type RetryOptions, type TransportEvent } from '@rosterkit/core';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import {
  FAULT_KINDS,
  type FaultKind,
  type SandboxProviderId,
  sandboxModules,
  startSandbox,
} from '@rosterkit/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { rawId, sandboxSource } from './sources.js';

/**
 * The fault suite: every provider's full listing of 5,000 users, one fault kind at a time and all
 * kinds mixed, twice:
 * - with the DEFAULT retry policy (what users get) and 5% of requests failing: every listing must
 *   complete, with exactly every user, once ("defaults that finish");
 * - with 20% failing and a stronger policy (the stress run): each listing must end with exactly
 *   every user, once, or with a typed ApiError that says how far it got.
 * Reproduce with:
 *   pnpm --filter @rosterkit/contract-tests exec vitest run test/faults.test.ts
 */
const USERS = 5_000;
const PROVIDERS = Object.keys(sandboxModules) as SandboxProviderId[]; // every provider in the registry
interface Run {
  label: string;
  rate: number;
  /** undefined: the default retry policy. */
  policy: RetryOptions | undefined;
  /** Every listing must complete (else: complete or a typed error that says how far it got). */
  complete: boolean;
}
const DEFAULTS: Run = { label: 'default policy', rate: 0.05, policy: undefined, complete: true };
const STRESS: Run = {
  label: 'stress',
  rate: 0.2,
  policy: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 200 },
  complete: false,
};
const rows = new Map<Run, string[][]>([
  [DEFAULTS, []],
  [STRESS, []],
]);

interface Outcome {
  requests: number;
  injected: number;
  retries: number;
  users: number;
  distinct: number;
  expected: number;
  error?: unknown;
}

async function listUnderFaults(
  kind: FaultKind | 'mixed',
  run: Run,
): Promise<Record<SandboxProviderId, Outcome>> {
  const box = await startSandbox({
    users: USERS,
    seed: 3,
    faults: { rate: run.rate, seed: 17, slowMs: 20, ...(kind === 'mixed' ? {} : { kinds: [kind] }) },
  });
  try {
    const entries = await Promise.all(
      PROVIDERS.map(async (id) => {
        let retries = 0;
        const onEvent = (e: TransportEvent) =>
          void ((e.type === 'retry' || e.type === 'rate-limit') && retries++);
        const source = sandboxSource(box, id, run.policy ? { retry: run.policy, onEvent } : { onEvent });
        const seen = new Set<string>();
        let users = 0;
        let error: unknown;
        try {
          for await (const u of source.iterateUsers()) {
            seen.add(rawId(id, u));
            users++;
          }
        } catch (e) {
          error = e;
        }
        const injected = Object.values(box.faults[id] ?? {}).reduce((a, b) => a + b, 0);
        const outcome: Outcome = {
          requests: box.requests[id] ?? 0,
          injected,
          retries,
          users,
          distinct: seen.size,
          expected: box.module(id).count(),
          ...(error === undefined ? {} : { error }),
        };
        return [id, outcome] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<SandboxProviderId, Outcome>;
  } finally {
    await box.close();
  }
}

describe(`with the default retry policy, every listing under ${DEFAULTS.rate * 100}% faults returns everything`, () => {
  for (const kind of [...FAULT_KINDS, 'mixed'] as const) {
    it(kind, async () => {
      const outcomes = await listUnderFaults(kind, DEFAULTS);
      for (const id of PROVIDERS) {
        const o = outcomes[id];
        expect(o.expected).toBe(USERS + (id === 'rocketchat' ? 3 : 0));
        expect(o.error, `${id} ${kind}: ${String(o.error)}`).toBeUndefined();
        expect(o.users, `${id} ${kind}`).toBe(o.expected);
        expect(o.distinct, `${id} ${kind}`).toBe(o.expected);
        record(DEFAULTS, id, kind, o);
      }
      // The paged listings meet faults at this rate (one-response listings may not).
      expect(outcomes.imichat.injected + outcomes.rocketchat.injected).toBeGreaterThan(0);
    }, 240_000);
  }
});

describe(`every listing under ${STRESS.rate * 100}% faults returns everything or says how far it got`, () => {
  for (const kind of [...FAULT_KINDS, 'mixed'] as const) {
    it(kind, async () => {
      const outcomes = await listUnderFaults(kind, STRESS);
      for (const id of PROVIDERS) {
        const o = outcomes[id];
        // Rocket.Chat's callers (admin, regular user) and the rocket.cat bot are users of the workspace too.
        expect(o.expected).toBe(USERS + (id === 'rocketchat' ? 3 : 0));
        expect(o.injected).toBeGreaterThan(0);
        if (o.error === undefined) {
          // Complete: exactly every user, each once.
          expect(o.users, `${id} ${kind}`).toBe(o.expected);
          expect(o.distinct, `${id} ${kind}`).toBe(o.expected);
        } else {
          // Failed loudly: a typed error that says how many users were read.
          expect(o.error, `${id} ${kind}`).toBeInstanceOf(ApiError);
          expect((o.error as ApiError).itemsRead).toBe(o.users);
        }
        record(STRESS, id, kind, o);
      }
    }, 120_000);
  }
});

function record(run: Run, id: SandboxProviderId, kind: string, o: Outcome): void {
  const outcome =
    o.error === undefined
      ? 'complete'
      : `${(o.error as ApiError).kind} after ${(o.error as ApiError).itemsRead}`;
  rows
    .get(run)
    ?.push([id, kind, String(o.requests), String(o.injected), String(o.retries), String(o.users), outcome]);
}

describe('fault injection is configurable per provider and reproducible by seed', () => {
  it('providerFaults overrides faults; the same seed injects the same faults', async () => {
    const options = {
      users: 300,
      faults: { rate: 1, kinds: ['status-503'] as const },
      providerFaults: {
        thena: false as const,
        blynk: { rate: 0.9, seed: 9, kinds: ['status-502'] as const },
      },
    };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const box = await startSandbox(options);
      try {
        const list = async (id: SandboxProviderId) => {
          let n = 0;
          try {
            for await (const _ of sandboxSource(box, id, {
              retry: { maxAttempts: 8, baseDelayMs: 1 },
            }).iterateUsers())
              n++;
          } catch {}
          return n;
        };
        runs.push({
          thena: await list('thena'),
          rocketchat: await list('rocketchat'),
          blynk: await list('blynk'),
          faults: structuredClone(box.faults),
        });
      } finally {
        await box.close();
      }
    }
    expect(runs[0]?.thena).toBe(300); // no faults for Thena
    expect(runs[0]?.rocketchat).toBe(0); // every request fails
    expect(runs[0]?.faults['thena']).toBeUndefined();
    expect(runs[0]?.faults['blynk']?.['status-502']).toBeGreaterThan(0); // its own settings
    expect(runs[0]?.faults['blynk']?.['status-503']).toBeUndefined();
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe('retries keep to the budget, the caller, and safe requests', () => {
  it('stops after maxAttempts and reports the attempts and how far the listing got', async () => {
    const box = await startSandbox({ users: 250, faults: { rate: 1, kinds: ['status-503'] } });
    try {
      const source = sandboxSource(box, 'rocketchat', { retry: { maxAttempts: 3, baseDelayMs: 1 } });
      const err = await (async () => {
        for await (const _ of source.iterateUsers());
      })().catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ kind: 'http', status: 503, attempts: 3, itemsRead: 0 });
      expect(box.requests['rocketchat']).toBe(3);
    } finally {
      await box.close();
    }
  });

  it("the caller's AbortSignal ends a listing waiting on a slow answer or a retry", async () => {
    for (const [kinds, retry] of [
      [['slow-first-byte'], {}],
      [['status-503'], { baseDelayMs: 60_000, maxDelayMs: 60_000 }],
    ] as const) {
      const box = await startSandbox({ users: 250, faults: { rate: 1, kinds, slowMs: 60_000 } });
      try {
        const source = sandboxSource(box, 'rocketchat', { retry });
        const controller = new AbortController();
        setTimeout(() => controller.abort(), 100);
        const err = await (async () => {
          for await (const _ of source.iterateUsers(undefined, { signal: controller.signal }));
        })().catch((e) => e);
        expect(err, kinds[0]).toBeInstanceOf(ApiError);
        expect(err.kind, kinds[0]).toBe('aborted');
        expect(box.requests['rocketchat']).toBe(1);
      } finally {
        await box.close();
      }
    }
  });

  it('a write is never repeated, even when its answer is lost', async () => {
    for (const kind of ['reset', 'status-503', 'truncated-json', 'rate-limit'] as const) {
      const box = await startSandbox({ users: 5, faults: { rate: 1, kinds: [kind] } });
      try {
        const info = box.providers.rocketchat;
        const client = createRocketChatClient({
          baseUrl: info.baseUrl,
          userId: info.credentials['userId'] ?? '',
          authToken: info.credentials['authToken'] ?? '',
          retry: { baseDelayMs: 1 },
        });
        const err = await client
          .POST('/api/v1/users.create', {
            body: { email: 'new@example.com', name: 'New', username: 'new', password: 'pw-123456' },
          })
          .catch((e) => e);
        expect(err, kind).toBeInstanceOf(ApiError);
        expect(box.requests['rocketchat'], kind).toBe(1);
      } finally {
        await box.close();
      }
    }
  });
});

afterAll(() => {
  for (const [run, table] of rows) {
    if (table.length === 0) continue;
    const head = ['provider', 'fault', 'requests', 'faults', 'retries', 'users read', 'outcome'];
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    const sorted = [...table].sort(
      (a, b) => PROVIDERS.indexOf(a[0] as SandboxProviderId) - PROVIDERS.indexOf(b[0] as SandboxProviderId),
    );
    console.log(
      [
        `Fault suite (${run.label}): ${USERS} users per provider, ${run.rate * 100}% of requests faulted, retry ${run.policy ? JSON.stringify(run.policy) : 'default'}`,
        line(head),
        `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
        ...sorted.map(line),
      ].join('\n'),
    );
  }
});
