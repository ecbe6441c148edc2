import { operations as blynkOps } from '@rosterkit/blynk';
import { operations as imichatOps } from '@rosterkit/imichat';
import { operations as rezolveOps } from '@rosterkit/rezolve';
import { operations as rocketchatOps } from '@rosterkit/rocketchat';
import { operations as thenaOps } from '@rosterkit/thena';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  capabilities,
  LIFECYCLE_ACTIONS,
  type PlanContext,
  PlanError,
  planOffboarding,
  planOnboarding,
  providers,
  type User,
} from '../src/index.js';

const specOperations: Record<string, Readonly<Record<string, string>>> = {
  thena: thenaOps,
  imichat: imichatOps,
  rocketchat: rocketchatOps,
  blynk: blynkOps,
  rezolve: rezolveOps,
};

describe('capability table', () => {
  it('covers every provider and every action', () => {
    expect(Object.keys(capabilities).sort()).toEqual([...providers].sort());
    for (const p of providers)
      expect(Object.keys(capabilities[p]).sort()).toEqual([...LIFECYCLE_ACTIONS].sort());
  });

  it('every API entry is an operation of that provider’s spec, with its operationId', () => {
    for (const p of providers) {
      for (const [action, cap] of Object.entries(capabilities[p])) {
        if (cap.kind !== 'api') continue;
        expect(specOperations[p]?.[cap.request], `${p}.${action}: ${cap.request}`).toBe(cap.operation);
      }
    }
  });

  it('every manual entry says where to do it', () => {
    for (const p of providers)
      for (const cap of Object.values(capabilities[p]))
        if (cap.kind === 'manual') expect(cap.where.length).toBeGreaterThan(10);
  });
});

const EMAILS = ['ada@example.com', 'grace@example.com', 'alan@example.com'];
const context: PlanContext = {
  providers,
  hosts: Object.fromEntries(providers.map((p) => [p, `https://${p}.example.com`])),
};

/** A common User as the mappers make them (only the fields planning reads matter). */
const userArb = fc
  .record({
    provider: fc.constantFrom(...providers),
    remoteId: fc.string({ minLength: 1, maxLength: 6 }),
    email: fc.option(fc.constantFrom(...EMAILS, 'ADA@Example.com ', 'x@example.com'), { nil: undefined }),
    status: fc.constantFrom('active' as const, 'inactive' as const, 'invited' as const, 'unknown' as const),
    teams: fc.uniqueArray(fc.constantFrom('T1', 'T2', 'T3'), { maxLength: 3 }),
  })
  .map(
    ({ provider, remoteId, email, status, teams }) =>
      ({
        id: `${provider}:${remoteId}`,
        provider,
        remoteId,
        displayName: email ?? remoteId,
        ...(email ? { email } : {}),
        emails: email ? [{ address: email }] : [],
        status,
        roles: [],
        teams: provider === 'thena' ? teams.map((t) => `team ${t}`) : teams,
        raw:
          provider === 'thena'
            ? { id: remoteId, teams: teams.map((t) => ({ id: t, name: `team ${t}` })) }
            : {},
      }) as unknown as User,
  );
/** Users with unique ids per provider (as a provider's listing has). */
const usersArb = fc.uniqueArray(userArb, { selector: (u) => u.id, maxLength: 25 });

function attempt<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (error) {
    if (error instanceof PlanError) return { error: error.code };
    throw error;
  }
}

describe('planOffboarding (properties)', () => {
  it('is deterministic: the same users in any order give the same plan (or the same refusal)', () => {
    fc.assert(
      fc.property(usersArb, fc.constantFrom(...EMAILS), fc.integer(), (users, email, seed) => {
        const shuffled = [...users].sort(
          (a, b) =>
            ((a.id.length * 31 + seed) % 7) - ((b.id.length * 31 + seed) % 7) || (a.id < b.id ? 1 : -1),
        );
        const one = attempt(() => planOffboarding(email, users, context));
        const two = attempt(() => planOffboarding(email.toUpperCase(), shuffled, context));
        if ('ok' in one && 'ok' in two) {
          // The person's name comes from the first account in registry order: the same either way.
          expect(two.ok).toEqual(one.ok);
        } else expect(two).toEqual(one);
      }),
    );
  });

  it('refuses when the person has more than one account in a provider, or none anywhere', () => {
    fc.assert(
      fc.property(usersArb, fc.constantFrom(...EMAILS), (users, email) => {
        const mine = users.filter((u) => u.email?.trim().toLowerCase() === email);
        const perProvider = new Map<string, number>();
        for (const u of mine) perProvider.set(u.provider, (perProvider.get(u.provider) ?? 0) + 1);
        const result = attempt(() => planOffboarding(email, users, context));
        if ([...perProvider.values()].some((n) => n > 1)) expect(result).toEqual({ error: 'ambiguous' });
        else if (mine.length === 0) expect(result).toEqual({ error: 'no-account' });
        else {
          expect('ok' in result).toBe(true);
          const plan = (result as { ok: ReturnType<typeof planOffboarding> }).ok;
          // One or more steps for every account; ids unique; steps in registry order.
          for (const u of mine)
            expect(plan.steps.some((s) => s.accountId === u.remoteId && s.provider === u.provider)).toBe(
              true,
            );
          expect(new Set(plan.steps.map((s) => s.id)).size).toBe(plan.steps.length);
          const order = plan.steps.map((s) => providers.indexOf(s.provider));
          expect(order).toEqual([...order].sort((a, b) => a - b));
          // Thena: one API step per team (or one no-team step apply confirms); no API: a manual step with a place.
          for (const u of mine.filter((x) => x.provider === 'thena'))
            expect(plan.steps.filter((s) => s.kind === 'api' && s.provider === 'thena')).toHaveLength(
              Math.max(1, u.teams.length),
            );
          for (const s of plan.steps) if (s.kind === 'manual') expect(s.where).toBeTruthy();
          expect(Object.keys(plan.hosts).sort()).toEqual([...perProvider.keys()].sort());
        }
      }),
    );
  });

  it('a Thena account whose teams nobody knows gets a manual step, never a silent skip', () => {
    const user = {
      id: 'thena:U1',
      provider: 'thena',
      remoteId: 'U1',
      displayName: 'Ada',
      email: 'ada@example.com',
      emails: [{ address: 'ada@example.com' }],
      status: 'active',
      roles: [],
      teams: [],
      raw: { id: 'U1' },
    } as unknown as User;
    const plan = planOffboarding('ada@example.com', [user], context);
    expect(plan.steps.map((s) => `${s.kind}:${s.action}`)).toEqual([
      'manual:removeFromTeams',
      'manual:deactivate',
    ]);
    const known = planOffboarding('ada@example.com', [user], {
      ...context,
      thenaMemberships: { U1: [{ id: 'T9' }] },
    });
    expect(known.steps.map((s) => `${s.kind}:${s.action}`)).toEqual([
      'api:removeFromTeams',
      'manual:deactivate',
    ]);
  });

  it('refuses a string that is not an email before looking at anything', () => {
    for (const bad of ['', 'ada', 'a b@c.d', '@x', 'x@'])
      expect(attempt(() => planOffboarding(bad, [], context))).toEqual({ error: 'invalid-input' });
  });
});

describe('planOnboarding', () => {
  const input = {
    email: ' Hedy@Example.com',
    name: 'Hedy Lamarr',
    providers: {
      blynk: { roleId: 3 },
      rocketchat: {},
      thena: { role: 'ORG_USER' },
      imichat: { role: 'Team Agent' as const, teamId: 12 },
      rezolve: {},
    },
  };

  it('plans one create/invite per chosen provider, manual where there is no API, deterministically', () => {
    fc.assert(
      fc.property(usersArb, (users) => {
        const one = attempt(() => planOnboarding(input, users, context));
        const two = attempt(() => planOnboarding(input, [...users].reverse(), context));
        expect(two).toEqual(one);
      }),
    );
    const plan = planOnboarding(input, [], context);
    expect(plan.email).toBe('hedy@example.com');
    expect(plan.steps.map((s) => `${s.provider}:${s.action}:${s.kind}`)).toEqual([
      'thena:create:manual',
      'imichat:create:api',
      'rocketchat:create:api',
      'blynk:invite:api',
      'rezolve:create:manual',
    ]);
    const rc = plan.steps.find((s) => s.provider === 'rocketchat');
    expect(
      rc?.kind === 'api' && rc.provider === 'rocketchat' && rc.action === 'create' && rc.input.username,
    ).toBe('hedy');
    // The name is never split: imi.chat gets it whole as first_name unless told otherwise.
    const imi = plan.steps.find((s) => s.provider === 'imichat');
    expect(imi?.kind === 'api' && imi.action === 'create' && imi.input).toEqual({
      firstName: 'Hedy Lamarr',
      teamId: 12,
      role: 'Team Agent',
    });
  });

  it('refuses bad input with a typed error', () => {
    const bad = [
      { ...input, name: '  ' },
      { ...input, providers: {} },
      { ...input, providers: { imichat: { role: 'Boss' as never, teamId: 12 } } },
      { ...input, providers: { blynk: { roleId: 0 } } },
      { ...input, providers: { rocketchat: { username: 'no spaces allowed' } } },
    ];
    for (const b of bad)
      expect(attempt(() => planOnboarding(b, [], context))).toEqual({ error: 'invalid-input' });
    expect(
      attempt(() => planOnboarding(input, [], { providers: ['rocketchat'], hosts: context.hosts })),
    ).toEqual({ error: 'invalid-input' });
  });
});
