import { createBlynkClient } from '@rosterkit/blynk';
import type { ClientOptions } from '@rosterkit/core';
import { ApiError } from '@rosterkit/core';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { type Sandbox, type SandboxOptions, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { createThenaClient } from '@rosterkit/thena';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyPlan,
  buildDirectory,
  buildOffboardingPlan,
  buildOnboardingPlan,
  type LifecycleClients,
  listUsers,
  PlanError,
  StepError,
  type StepResult,
  type User,
} from '../src/index.js';

/** Every request a client sent, as `METHOD path` (the real fetch still does the work). */
function recorder() {
  const sent: string[] = [];
  return {
    sent,
    fetch: (req: Request) => {
      sent.push(`${req.method} ${new URL(req.url).pathname}`);
      return globalThis.fetch(req);
    },
    // Every request that is not a read (Blynk's token request is auth, not a write).
    writes: () => sent.filter((s) => !s.startsWith('GET ') && !s.endsWith('/oauth2/token')),
  };
}

function clientsFor(
  box: Sandbox<SandboxProviderId>,
  extra: ClientOptions = {},
  override: { rocketchat?: { userId: string; authToken: string } } = {},
): LifecycleClients {
  const c = (p: SandboxProviderId, k: string) => box.providers[p].credentials[k] ?? '';
  // The clients' own retry policy retries DELETE and PUT: applyPlan must still write once.
  const common = { retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...extra };
  return {
    thena: createThenaClient({
      ...common,
      baseUrl: box.providers.thena.baseUrl,
      apiKey: c('thena', 'apiKey'),
    }),
    imichat: createImichatClient({
      ...common,
      baseUrl: box.providers.imichat.baseUrl,
      apiKey: c('imichat', 'apiKey'),
      domainName: c('imichat', 'domainName'),
      teamId: c('imichat', 'teamId'),
    }),
    rocketchat: createRocketChatClient({
      ...common,
      baseUrl: box.providers.rocketchat.baseUrl,
      userId: override.rocketchat?.userId ?? c('rocketchat', 'userId'),
      authToken: override.rocketchat?.authToken ?? c('rocketchat', 'authToken'),
    }),
    blynk: createBlynkClient({
      ...common,
      baseUrl: box.providers.blynk.baseUrl,
      clientId: c('blynk', 'clientId'),
      clientSecret: c('blynk', 'clientSecret'),
    }),
    rezolve: createRezolveClient({
      ...common,
      baseUrl: box.providers.rezolve.baseUrl,
      token: c('rezolve', 'token'),
      tenantId: c('rezolve', 'tenantId'),
      realm: c('rezolve', 'realm'),
    }),
  };
}

async function everyone(clients: LifecycleClients): Promise<User[]> {
  const out: User[] = [];
  for await (const u of listUsers(Object.values(clients))) out.push(u);
  return out;
}

/** A person with a Rocket.Chat account (active) and a Thena account in two teams. */
async function findTarget(clients: LifecycleClients): Promise<string> {
  const people = buildDirectory(await everyone(clients));
  const p = people.find(
    (x) =>
      x.statuses.rocketchat === 'active' &&
      x.accounts.thena?.length === 1 &&
      (x.accounts.thena[0]?.teams.length ?? 0) >= 2 &&
      x.accounts.imichat &&
      x.accounts.rezolve,
  );
  if (!p?.email) throw new Error('the seed has no suitable person');
  return p.email;
}

const kinds = (results: StepResult[]) => results.map((r) => `${r.step.id} ${r.outcome.kind}`);

let box: Sandbox<SandboxProviderId> | undefined;
async function sandbox(options: SandboxOptions<SandboxProviderId> = {}) {
  box = await startSandbox({ users: 12, seed: 1, ...options });
  return box;
}
afterEach(async () => {
  await box?.close();
  box = undefined;
});

describe('offboarding against the sandbox', () => {
  it('applies every step once; the listing shows the result; applying again changes nothing and says so', async () => {
    const b = await sandbox();
    const rec = recorder();
    const clients = clientsFor(b, { fetch: rec.fetch });
    const email = await findTarget(clients);
    const plan = await buildOffboardingPlan(email, clients);
    expect(rec.writes()).toEqual([]); // planning only reads
    const apiSteps = plan.steps.filter((s) => s.kind === 'api');
    expect(apiSteps.map((s) => `${s.provider}:${s.action}`)).toEqual([
      'thena:removeFromTeams',
      'thena:removeFromTeams',
      'rocketchat:deactivate',
    ]);
    expect(plan.steps.filter((s) => s.kind === 'manual').map((s) => s.provider)).toEqual(
      expect.arrayContaining(['thena', 'imichat', 'rezolve']),
    );

    const seen: string[] = [];
    const first = await applyPlan(plan, clients, { onStep: (r) => void seen.push(r.step.id) });
    expect(seen).toEqual(plan.steps.map((s) => s.id)); // in plan order, each reported as it ends
    expect(first.ok).toBe(true);
    expect(first.unchanged).toBe(false);
    for (const r of first.results.filter((x) => x.step.kind === 'api')) expect(r.outcome.kind).toBe('done');
    expect(rec.writes().sort()).toEqual(
      [
        'POST /rocketchat/api/v1/users.setActiveStatus',
        ...apiSteps
          .filter((s) => s.provider === 'thena')
          .map(
            (s) =>
              `DELETE /thena/v1/teams/${s.kind === 'api' && 'teamId' in s ? s.teamId : ''}/members/${s.accountId}`,
          ),
      ].sort(),
    );

    const after = buildDirectory(await everyone(clients)).find((p) => p.email === email);
    expect(after?.statuses.rocketchat).toBe('inactive');
    expect(after?.accounts.thena?.[0]?.teams).toEqual([]);

    const writesBefore = rec.writes().length;
    const again = await applyPlan(plan, clients);
    expect(rec.writes().length).toBe(writesBefore);
    expect(again.unchanged).toBe(true);
    expect(again.summary).toMatch(/^nothing changed/);
    for (const r of again.results)
      expect(r.outcome.kind, r.step.id).toBe(
        r.step.kind === 'api' ? 'already' : first.results.find((x) => x.step.id === r.step.id)?.outcome.kind,
      );

    // A new plan for the same person: Thena is in no team (checked again), Rocket.Chat inactive.
    const replan = await buildOffboardingPlan(email, clients);
    const third = await applyPlan(replan, clients);
    expect(third.unchanged).toBe(true);
    expect(
      third.results
        .filter((r) => r.step.kind === 'api')
        .map((r) => `${r.step.id.split(':').slice(0, 2).join(':')} ${r.outcome.kind}`),
    ).toEqual(['thena:removeFromTeams already', 'rocketchat:deactivate already']);
    const none = third.results.find((r) => r.step.id.endsWith(':none'));
    expect(none?.outcome.kind === 'already' && none.outcome.detail).toBe('in no team');
    // Someone adds the person to a team again: the no-team step stops, it does not plan on its own.
    const thenaId = replan.steps.find((s) => s.provider === 'thena')?.accountId ?? '';
    await clients.thena?.POST('/v1/teams/{teamId}/members', {
      params: { path: { teamId: 'T1' } },
      body: { email, userId: thenaId, isAdmin: false },
    });
    const fourth = await applyPlan(replan, clients);
    const back = fourth.results.find((r) => r.step.id.endsWith(':none'));
    expect(back?.outcome.kind === 'failed' && (back.outcome.error as StepError).code).toBe('target-changed');
  });

  for (const [label, kind, method, applied] of [
    ['a connection reset', 'reset', 'POST', true],
    ['a truncated body', 'truncated-json', 'POST', true],
    ['a 503', 'status-503', 'POST', false],
    ['a reset on DELETE', 'reset', 'DELETE', true],
    ['a 503 on DELETE', 'status-503', 'DELETE', false],
  ] as const) {
    it(`${label} during a write: unknown outcome, read back (${applied ? 'applied' : 'not applied'}), never written twice`, async () => {
      const provider = method === 'POST' ? 'rocketchat' : 'thena';
      const b = await sandbox({
        providerFaults: { [provider]: { rate: 1, kinds: [kind], methods: [method] } },
      });
      const rec = recorder();
      const clients = clientsFor(b, { fetch: rec.fetch });
      const email = await findTarget(clients);
      const plan = await buildOffboardingPlan(email, clients);
      const result = await applyPlan(plan, clients);
      expect(result.ok).toBe(false);
      const hit = result.results.filter((r) => r.step.provider === provider && r.step.kind === 'api');
      expect(hit.length).toBeGreaterThan(0);
      for (const r of hit) {
        expect(r.outcome.kind).toBe('unknown');
        if (r.outcome.kind !== 'unknown') continue;
        expect(r.outcome.error).toBeInstanceOf(ApiError);
        expect(r.outcome.readBack.state).toBe(applied ? 'applied' : 'not-applied');
        expect(r.writes).toBe(1);
      }
      // Exactly one write request per step, whatever the fault.
      const writes = rec.writes();
      expect(writes.length).toBe(plan.steps.filter((s) => s.kind === 'api').length);
      expect(new Set(writes).size).toBe(writes.length);
      // The other provider's steps went on and were done.
      for (const r of result.results.filter((x) => x.step.kind === 'api' && x.step.provider !== provider))
        expect(r.outcome.kind).toBe('done');
    });
  }

  it('the client retries DELETE by default, yet a 503 on removeTeamMember sends one DELETE per step (per-call retry: false)', async () => {
    const b = await sandbox({
      providerFaults: { thena: { rate: 1, kinds: ['status-503'], methods: ['DELETE'] } },
    });
    const rec = recorder();
    const clients = clientsFor(b, {
      fetch: rec.fetch,
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 4 },
    });
    // The same client retries a plain DELETE call…
    await clients.thena
      ?.DELETE('/v1/teams/{teamId}/members/{memberId}', {
        params: { path: { teamId: 'T1', memberId: 'nobody' } },
      })
      .catch(() => undefined);
    expect(rec.writes().filter((w) => w.startsWith('DELETE'))).toHaveLength(4);
    rec.sent.length = 0;
    // …but not applyPlan's writes.
    const email = await findTarget(clients);
    const plan = await buildOffboardingPlan(email, clients);
    await applyPlan(plan, clients);
    const deletes = rec.writes().filter((w) => w.startsWith('DELETE'));
    expect(deletes).toHaveLength(plan.steps.filter((s) => s.provider === 'thena' && s.kind === 'api').length);
  });

  it('reports partial failure per step: a step that cannot go on fails, the others are done', async () => {
    const b = await sandbox();
    const c = b.providers.rocketchat.credentials;
    const clients = clientsFor(
      b,
      {},
      {
        rocketchat: { userId: c['regularUserId'] ?? '', authToken: c['regularAuthToken'] ?? '' },
      },
    );
    const admin = clientsFor(b);
    const email = await findTarget(admin);
    const plan = await buildOffboardingPlan(email, admin);
    const result = await applyPlan(plan, clients);
    expect(result.ok).toBe(false);
    const rc = result.results.find((r) => r.step.provider === 'rocketchat');
    expect(rc?.outcome.kind).toBe('failed');
    // A caller that cannot read the account's emails cannot check it is the planned one: no write.
    expect(rc?.outcome.kind === 'failed' && (rc.outcome.error as StepError).code).toBe('cannot-verify');
    expect(rc?.writes).toBe(0);
    expect(
      result.results
        .filter((r) => r.step.provider === 'thena' && r.step.kind === 'api')
        .map((r) => r.outcome.kind),
    ).toEqual(['done', 'done']);
    expect(result.counts.failed).toBe(1);
  });

  it('stops a step whose account is no longer the one planned, without writing', async () => {
    const b = await sandbox();
    const rec = recorder();
    const clients = clientsFor(b, { fetch: rec.fetch });
    const email = await findTarget(clients);
    const plan = await buildOffboardingPlan(email, clients);
    const rcStep = plan.steps.find((s) => s.provider === 'rocketchat');
    // Someone reassigns the account to another address between plan and apply.
    await clients.rocketchat?.POST('/api/v1/users.update', {
      body: { userId: rcStep?.accountId ?? '', data: { email: 'someone.else@example.com' } },
    });
    rec.sent.length = 0;
    const result = await applyPlan(plan, clients);
    const rc = result.results.find((r) => r.step.provider === 'rocketchat');
    expect(rc?.outcome.kind).toBe('failed');
    expect(rc?.outcome.kind === 'failed' && rc.outcome.error).toBeInstanceOf(StepError);
    expect(rc?.outcome.kind === 'failed' && (rc.outcome.error as StepError).code).toBe('target-changed');
    expect(rec.writes().filter((w) => w.includes('rocketchat'))).toEqual([]);
  });

  it('never writes to a host the plan was not made for', async () => {
    const b = await sandbox();
    const clients = clientsFor(b);
    const email = await findTarget(clients);
    const plan = await buildOffboardingPlan(email, clients);
    const other = await startSandbox({ users: 12, seed: 1, providers: ['rocketchat'] });
    try {
      const oc = other.providers.rocketchat.credentials;
      const rec = recorder();
      const moved = {
        ...clients,
        rocketchat: createRocketChatClient({
          baseUrl: other.providers.rocketchat.baseUrl,
          userId: oc['userId'] ?? '',
          authToken: oc['authToken'] ?? '',
          fetch: rec.fetch,
        }),
      };
      const result = await applyPlan(plan, moved);
      const rc = result.results.find((r) => r.step.provider === 'rocketchat');
      expect(rc?.outcome.kind === 'failed' && (rc.outcome.error as StepError).code).toBe('host-mismatch');
      expect(rec.sent).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses a person with two accounts in one provider, and an email nobody has', async () => {
    const b = await sandbox();
    const clients = clientsFor(b);
    const email = await findTarget(clients);
    // Rocket.Chat itself refuses a second account with an address in use (error-field-unavailable,
    // as the sandbox does), so the twin comes from a listing that carries one.
    const rc = clients.rocketchat as NonNullable<typeof clients.rocketchat>;
    const twinned = {
      ...rc,
      async *iterateUsers() {
        for await (const u of rc.iterateUsers()) {
          yield u;
          if (u.emails?.some((e) => e.address.toLowerCase() === email.toLowerCase()))
            yield { ...u, _id: 'twin-account-id', username: 'twin.account', name: 'Twin' };
        }
      },
    } as typeof rc;
    const refused = await buildOffboardingPlan(email, { ...clients, rocketchat: twinned }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PlanError);
    expect((refused as PlanError).code).toBe('ambiguous');
    expect((refused as PlanError).accounts?.rocketchat).toHaveLength(2);
    const nobody = await buildOffboardingPlan('nobody@example.com', clients).catch((e: unknown) => e);
    expect((nobody as PlanError).code).toBe('no-account');
  });

  it('when the Thena listing does not carry teams, reads memberships from the teams themselves', async () => {
    const b = await sandbox();
    const clients = clientsFor(b);
    const email = await findTarget(clients);
    const full = await buildOffboardingPlan(email, clients);
    const thena = clients.thena as NonNullable<typeof clients.thena>;
    // A server whose users list leaves `teams` out (the users-list page documents no teams).
    const bare = {
      ...thena,
      async *iterateUsers() {
        for await (const u of thena.iterateUsers()) {
          const { teams: _teams, ...rest } = u;
          yield rest;
        }
      },
    } as typeof thena;
    const plan = await buildOffboardingPlan(email, { ...clients, thena: bare });
    expect(plan).toEqual(full);
  });

  it('refuses to plan on an incomplete listing', async () => {
    const b = await sandbox({
      providerFaults: { blynk: { rate: 1, kinds: ['status-500'], methods: ['GET'] } },
    });
    const clients = clientsFor(b, { retry: { maxAttempts: 1 } });
    const error = await buildOffboardingPlan('ada.lovelace@example.com', clients).catch((e: unknown) => e);
    expect((error as PlanError).code).toBe('incomplete-listing');
  });
});

describe('plans and apply over HTTP (properties)', () => {
  it('for any person: planning twice gives the same plan, and applying twice writes only the first time', async () => {
    const b = await sandbox({ users: 20 });
    const rec = recorder();
    const clients = clientsFor(b, { fetch: rec.fetch });
    // The Rocket.Chat callers are workspace users too; offboarding the account the client signs in
    // with locks the client out (as on a real server), so the property ranges over everyone else.
    const callers = new Set(
      ['userId', 'regularUserId'].map((k) => `rocketchat:${b.providers.rocketchat.credentials[k]}`),
    );
    const emails = buildDirectory((await everyone(clients)).filter((u) => !callers.has(u.id)))
      .map((p) => p.email)
      .filter((e): e is string => e !== undefined);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...emails), async (email) => {
        const plan = await buildOffboardingPlan(email, clients).catch((e: unknown) => e);
        if (plan instanceof PlanError) {
          expect(plan.code, plan.message).toBe('ambiguous');
          return;
        }
        const p = plan as Awaited<ReturnType<typeof buildOffboardingPlan>>;
        expect(await buildOffboardingPlan(email, clients)).toEqual(p);
        const before = rec.writes().length;
        const first = await applyPlan(p, clients);
        const apiSteps = p.steps.filter((s) => s.kind === 'api');
        expect(rec.writes().length - before).toBe(first.results.filter((r) => r.writes === 1).length);
        expect(first.results.filter((r) => r.writes === 1).length).toBeLessThanOrEqual(apiSteps.length);
        const mid = rec.writes().length;
        const second = await applyPlan(p, clients);
        expect(rec.writes().length).toBe(mid);
        expect(second.unchanged).toBe(true);
        for (const r of second.results) expect(['already', 'manual']).toContain(r.outcome.kind);
      }),
      { numRuns: 8 },
    );
  }, 60_000);
});

describe('onboarding against the sandbox', () => {
  it('creates the accounts once, shows them in the listing, and is already done the second time', async () => {
    const b = await sandbox();
    const rec = recorder();
    const clients = clientsFor(b, { fetch: rec.fetch });
    const input = {
      email: 'Hedy.Kiesler@example.com',
      name: 'Hedy Kiesler',
      providers: {
        rocketchat: { roles: ['user'] },
        imichat: { role: 'Team Agent' as const, teamId: Number(b.providers.imichat.credentials['teamId']) },
        blynk: { roleId: 3 },
        thena: {},
      },
    };
    const plan = await buildOnboardingPlan(input, clients);
    expect(plan.steps.map((s) => `${s.provider}:${s.action}:${s.kind}`)).toEqual([
      'thena:create:manual',
      'imichat:create:api',
      'rocketchat:create:api',
      'blynk:invite:api',
    ]);
    const first = await applyPlan(plan, clients);
    expect(kinds(first.results)).toEqual([
      'thena:create:hedy.kiesler@example.com manual',
      'imichat:create:hedy.kiesler@example.com done',
      'rocketchat:create:hedy.kiesler@example.com done',
      'blynk:invite:hedy.kiesler@example.com done',
    ]);
    expect(rec.writes().sort()).toEqual(
      [
        'POST /blynk/api/v1/organization/users/invite',
        'POST /imichat/v3.1/users',
        'POST /rocketchat/api/v1/users.create',
      ].sort(),
    );
    const person = buildDirectory(await everyone(clients)).find(
      (p) => p.email === 'hedy.kiesler@example.com',
    );
    expect(Object.keys(person?.accounts ?? {}).sort()).toEqual(['blynk', 'imichat', 'rocketchat']);
    // The created id is reported.
    const rc = first.results.find((r) => r.step.provider === 'rocketchat');
    expect(rc?.outcome.kind === 'done' && rc.outcome.accountId).toBe(
      person?.accounts.rocketchat?.[0]?.remoteId,
    );

    const again = await applyPlan(plan, clients);
    expect(again.unchanged).toBe(true);
    expect(kinds(again.results).map((k) => k.split(' ')[1])).toEqual([
      'manual',
      'already',
      'already',
      'already',
    ]);
    expect(rec.writes()).toHaveLength(3);
  });

  it('a create whose answer is cut off is unknown, read back as applied, and already done next time', async () => {
    const b = await sandbox({
      providerFaults: { rocketchat: { rate: 1, kinds: ['truncated-json'], methods: ['POST'] } },
    });
    const rec = recorder();
    const clients = clientsFor(b, { fetch: rec.fetch });
    const plan = await buildOnboardingPlan(
      {
        email: 'mary.jackson@example.com',
        name: 'Mary Jackson',
        providers: { rocketchat: {}, blynk: { roleId: 3 } },
      },
      clients,
    );
    const first = await applyPlan(plan, clients);
    const rc = first.results.find((r) => r.step.provider === 'rocketchat');
    expect(rc?.outcome.kind).toBe('unknown');
    expect(rc?.outcome.kind === 'unknown' && rc.outcome.readBack.state).toBe('applied');
    expect(rec.writes().filter((w) => w.endsWith('/users.create'))).toHaveLength(1);
    expect(first.results.find((r) => r.step.provider === 'blynk')?.outcome.kind).toBe('done');
    const again = await applyPlan(plan, clients);
    expect(again.results.map((r) => r.outcome.kind)).toEqual(['already', 'already']);
    expect(rec.writes().filter((w) => w.endsWith('/users.create'))).toHaveLength(1);
  });

  it('a refused write fails its step with the typed error; the other steps go on', async () => {
    const b = await sandbox();
    const clients = clientsFor(b);
    const taken = (await everyone(clients)).find((u) => u.provider === 'rocketchat' && u.username)?.username;
    const plan = await buildOnboardingPlan(
      {
        email: 'new.person@example.com',
        name: 'New Person',
        providers: { rocketchat: { username: taken ?? '' }, blynk: { roleId: 2 } },
      },
      clients,
    );
    const result = await applyPlan(plan, clients);
    expect(result.ok).toBe(false);
    const [rc, blynk] = [result.results[0], result.results[1]];
    expect(rc?.step.provider).toBe('rocketchat');
    expect(rc?.outcome.kind).toBe('failed');
    if (rc?.outcome.kind === 'failed') {
      expect(rc.outcome.error).toBeInstanceOf(ApiError);
      expect((rc.outcome.error as ApiError).code).toBe('error-field-unavailable');
    }
    expect(rc?.writes).toBe(1);
    expect(blynk?.outcome.kind).toBe('done');
    expect(result.counts).toEqual({ done: 1, already: 0, manual: 0, failed: 1, unknown: 0 });
  });
});
