import type { BlynkClient } from '@rosterkit/blynk';
import { type ApiError, isApiError, RosterkitError } from '@rosterkit/core';
import type { ImichatClient } from '@rosterkit/imichat';
import type { RezolveClient } from '@rosterkit/rezolve';
import type { RocketChatClient } from '@rosterkit/rocketchat';
import type { ThenaClient } from '@rosterkit/thena';
import { normalizeEmail } from '../directory.js';
import { isListUsersError, listUsers, type UserSource } from '../list.js';
import type { ProviderId, User } from '../model.js';
import type { LifecycleAction } from './capabilities.js';
import type {
  ApiStep,
  BlynkInviteStep,
  ImichatCreateStep,
  ManualStep,
  Plan,
  PlanStep,
  RocketChatCreateStep,
  RocketChatDeactivateStep,
  ThenaRemoveFromTeamStep,
} from './plan.js';

/**
 * The configured client of each provider a plan touches, by provider id: the typed client of each
 * provider with API writes; for any other provider (manual steps only) any client of it, to read
 * back whether a manual step was done.
 */
export interface LifecycleClients
  extends Partial<Record<ProviderId, UserSource & { readonly baseUrl: string }>> {
  thena?: ThenaClient;
  imichat?: ImichatClient;
  rocketchat?: RocketChatClient;
  blynk?: BlynkClient;
  rezolve?: RezolveClient;
}

/** Why a step stopped before or instead of writing. */
export type StepErrorCode =
  /** No client for the step's provider was given. */
  | 'not-configured'
  /** The client writes to another host than the one the plan was made for. */
  | 'host-mismatch'
  /** The account is no longer the one planned (gone, or another person's email). */
  | 'target-changed'
  /** The account could not be checked to be the one planned (e.g. the caller may not read emails). */
  | 'cannot-verify'
  /** The provider answered 2xx with something that does not say what happened. */
  | 'unexpected-response';

export class StepError extends RosterkitError {
  override readonly name = 'StepError';
  constructor(
    readonly provider: string,
    readonly code: StepErrorCode,
    message: string,
  ) {
    super(message);
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, provider: this.provider, code: this.code, message: this.message };
  }
}

/** What a read-back after a lost answer found. */
export type ReadBack =
  | { state: 'applied' }
  | { state: 'not-applied' }
  | { state: 'unreadable'; error: ApiError | StepError };

/** The outcome of one step. */
export type StepOutcome =
  /** The write was made and the provider confirmed it. */
  | { kind: 'done'; detail: string; accountId?: string }
  /** Nothing to do: the account was already in the planned state (no write was made). */
  | { kind: 'already'; detail: string }
  /** A person has to do this in the provider's console (no API); nothing was written. */
  | { kind: 'manual'; detail: string; where: string; instruction: string }
  /** The step failed with a definite answer; the write was not made (or was refused). */
  | { kind: 'failed'; error: ApiError | StepError }
  /**
   * The write was sent once and its answer was lost (connection reset, timeout, 5xx, cut-off
   * body). It was not repeated; the account was read back instead.
   */
  | { kind: 'unknown'; error: ApiError; readBack: ReadBack };

export type OutcomeKind = StepOutcome['kind'];

export interface StepResult {
  step: PlanStep;
  outcome: StepOutcome;
  /** ISO 8601 time the step finished. */
  at: string;
  /** HTTP writes sent for this step: 0 or 1, never more. */
  writes: 0 | 1;
}

export interface ApplyResult {
  plan: Plan;
  results: StepResult[];
  counts: Record<OutcomeKind, number>;
  /** True when no step failed or has an unknown outcome (manual steps may remain). */
  ok: boolean;
  /** True when no write was made: everything was already done (or manual, or failed before writing). */
  unchanged: boolean;
  /** One line for people: what happened overall. */
  summary: string;
}

export interface ApplyOptions {
  signal?: AbortSignal;
  /** Called after each step, in order (e.g. to append an audit line at once). */
  onStep?: (result: StepResult) => void | Promise<void>;
}

/** Where a step is before writing: done already, or still to do (with the account checked). */
type State = 'target' | 'pending';

interface Handler<S extends ApiStep> {
  /** Reads the account: is it in the planned state? Throws StepError('target-changed') when it is not the planned account. */
  check(step: S, client: NonNullable<LifecycleClients[S['provider']]>, signal?: AbortSignal): Promise<State>;
  /** The one write. Returns the account id it created, if any. */
  write(
    step: S,
    client: NonNullable<LifecycleClients[S['provider']]>,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
  done: string;
  already: string | ((step: S) => string);
}

const lower = (v: unknown) => (typeof v === 'string' ? normalizeEmail(v) : undefined);
const sig = (signal?: AbortSignal) => (signal ? { signal } : {});

const rocketchatDeactivate: Handler<RocketChatDeactivateStep> = {
  async check(step, rc, signal) {
    let user: Record<string, unknown>;
    try {
      const { data } = await rc.GET('/api/v1/users.info', {
        params: { query: { userId: step.accountId } },
        ...sig(signal),
      });
      user = (data as { user?: Record<string, unknown> }).user ?? {};
    } catch (error) {
      if (
        isApiError(error) &&
        error.kind === 'http' &&
        error.status === 400 &&
        /not found/i.test(error.message)
      )
        throw new StepError(
          'rocketchat',
          'target-changed',
          `Rocket.Chat user ${step.accountId} no longer exists`,
        );
      throw error;
    }
    if (!Array.isArray(user['emails']))
      throw new StepError(
        'rocketchat',
        'cannot-verify',
        `users.info does not show the emails of ${step.accountId} to this caller (needs view-full-other-user-info): not writing to an account that cannot be checked`,
      );
    const emails = (user['emails'] as { address?: unknown }[]).map((e) => lower(e?.address));
    if (user['_id'] !== step.accountId || !emails.includes(step.email))
      throw new StepError(
        'rocketchat',
        'target-changed',
        `Rocket.Chat user ${step.accountId} no longer has the email ${step.email}`,
      );
    if (typeof user['active'] !== 'boolean')
      throw new StepError(
        'rocketchat',
        'unexpected-response',
        'users.info did not say whether the user is active',
      );
    return user['active'] ? 'pending' : 'target';
  },
  async write(step, rc, signal) {
    await rc.POST('/api/v1/users.setActiveStatus', {
      body: { userId: step.accountId, activeStatus: false },
      retry: false,
      ...sig(signal),
    });
    return undefined;
  },
  done: 'deactivated',
  already: 'already inactive',
};

const thenaRemoveFromTeam: Handler<ThenaRemoveFromTeamStep> = {
  async check(step, thena, signal) {
    if (step.teamId === null) {
      // Planned in no team: confirm from every team's member list.
      const { data } = await thena.GET('/v1/teams', sig(signal));
      const teams = (data as { data?: unknown }).data;
      if (!Array.isArray(teams))
        throw new StepError('thena', 'unexpected-response', 'listMyTeams answered without a data array');
      for (const team of teams as { id?: unknown }[]) {
        if (typeof team?.id !== 'string') continue;
        const members = await thena.GET('/v1/teams/{teamId}/members', {
          params: { path: { teamId: team.id }, query: { includeAgents: 'true' } },
          ...sig(signal),
        });
        const list = (members.data as { data?: unknown }).data;
        if (Array.isArray(list) && list.some((m) => m && typeof m === 'object' && m.id === step.accountId))
          throw new StepError(
            'thena',
            'target-changed',
            `Thena user ${step.accountId} is now a member of team ${team.id}: plan again`,
          );
      }
      return 'target';
    }
    const { data } = await thena.GET('/v1/teams/{teamId}/members', {
      params: { path: { teamId: step.teamId }, query: { includeAgents: 'true' } },
      ...sig(signal),
    });
    const members = (data as { data?: unknown }).data;
    if (!Array.isArray(members))
      throw new StepError('thena', 'unexpected-response', 'listTeamMembers answered without a data array');
    const member = members.find(
      (m): m is Record<string, unknown> => !!m && typeof m === 'object' && m.id === step.accountId,
    );
    if (!member) return 'target';
    if (lower(member['email']) !== step.email)
      throw new StepError(
        'thena',
        'target-changed',
        `Thena member ${step.accountId} of team ${step.teamId} no longer has the email ${step.email}`,
      );
    return 'pending';
  },
  async write(step, thena, signal) {
    if (step.teamId === null) throw new StepError('thena', 'unexpected-response', 'no team to remove from');
    await thena.DELETE('/v1/teams/{teamId}/members/{memberId}', {
      params: { path: { teamId: step.teamId, memberId: step.accountId } },
      retry: false,
      ...sig(signal),
    });
    return undefined;
  },
  done: 'removed from the team',
  already: (step) => (step.teamId === null ? 'in no team' : 'not a member of the team'),
};

/** For creates: the one account with the email (target), none (pending), or several (refused). */
function existing(provider: ProviderId, email: string, ids: string[]): State {
  if (ids.length > 1)
    throw new StepError(
      provider,
      'target-changed',
      `${email} now matches ${ids.length} ${provider} accounts (${ids.join(', ')})`,
    );
  return ids.length === 1 ? 'target' : 'pending';
}

function randomPassword(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, 'x');
}

const rocketchatCreate: Handler<RocketChatCreateStep> = {
  async check(step, rc, signal) {
    const ids: string[] = [];
    for await (const u of rc.iterateUsers({}, sig(signal))) {
      const emails = Array.isArray(u.emails) ? u.emails.map((e) => lower(e?.address)) : [];
      if (emails.includes(step.email)) ids.push(u._id);
    }
    return existing('rocketchat', step.email, ids);
  },
  async write(step, rc, signal) {
    const { data } = await rc.POST('/api/v1/users.create', {
      body: {
        email: step.email,
        name: step.input.name,
        username: step.input.username,
        // Nobody learns this password: the person sets their own (requirePasswordChange, welcome email).
        password: randomPassword(),
        requirePasswordChange: true,
        sendWelcomeEmail: true,
        ...(step.input.roles ? { roles: step.input.roles } : {}),
      },
      retry: false,
      ...sig(signal),
    });
    const id = (data as { user?: { _id?: unknown } }).user?._id;
    return typeof id === 'string' ? id : undefined;
  },
  done: 'created',
  already: 'an account with this email exists',
};

const imichatCreate: Handler<ImichatCreateStep> = {
  async check(step, imi, signal) {
    const ids: string[] = [];
    for await (const u of imi.iterateUsers({}, sig(signal))) {
      if (lower((u as { email_id?: unknown }).email_id) === step.email) ids.push(String(u.id));
    }
    return existing('imichat', step.email, ids);
  },
  async write(step, imi, signal) {
    const { data } = await imi.POST('/users', {
      body: {
        first_name: step.input.firstName,
        ...(step.input.lastName ? { last_name: step.input.lastName } : {}),
        email_id: step.email,
        login_using_email: true,
        privileges: [{ teamid: step.input.teamId, role: step.input.role }],
      },
      retry: false,
      ...sig(signal),
    });
    const id = (data as { response?: { id?: unknown } }).response?.id;
    return id === undefined || id === null ? undefined : String(id);
  },
  done: 'created',
  already: 'an account with this email exists',
};

const blynkInvite: Handler<BlynkInviteStep> = {
  async check(step, blynk, signal) {
    const ids: string[] = [];
    for (let page = 0; ; page++) {
      const { data } = await blynk.GET('/api/v1/organization/search/users', {
        params: { query: { query: step.email, page, size: 1000 } },
        ...sig(signal),
      });
      const content = (data as { content?: unknown }).content;
      if (!Array.isArray(content))
        throw new StepError('blynk', 'unexpected-response', 'searchUsers answered without a content array');
      for (const u of content as { id?: unknown; email?: unknown }[])
        if (lower(u?.email) === step.email) ids.push(String(u.id));
      const total = (data as { totalElements?: unknown }).totalElements;
      if (content.length === 0 || typeof total !== 'number' || (page + 1) * 1000 >= total) break;
    }
    return existing('blynk', step.email, ids);
  },
  async write(step, blynk, signal) {
    const { data } = await blynk.POST('/api/v1/organization/users/invite', {
      body: { email: step.email, name: step.input.name, roleId: step.input.roleId },
      retry: false,
      ...sig(signal),
    });
    const id = (data as { id?: unknown } | undefined)?.id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
  },
  done: 'invited',
  already: 'an account with this email exists',
};

type HandlerKey = `${ApiStep['provider']}:${ApiStep['action']}`;
const handlers: Record<HandlerKey, Handler<never>> = {
  'rocketchat:deactivate': rocketchatDeactivate as Handler<never>,
  'thena:removeFromTeams': thenaRemoveFromTeam as Handler<never>,
  'rocketchat:create': rocketchatCreate as Handler<never>,
  'imichat:create': imichatCreate as Handler<never>,
  'blynk:invite': blynkInvite as Handler<never>,
} as Record<HandlerKey, Handler<never>>;

/**
 * A definite refusal (any 4xx, a 429 included) means the write did not happen. Everything else —
 * no answer, a timeout, a cut-off or unreadable answer, a 5xx (a gateway may have passed the
 * request on) — leaves the outcome unknown.
 */
function answerLost(error: ApiError): boolean {
  if (error.kind !== 'http') return true;
  return error.status >= 500;
}

const asError = (provider: string, error: unknown): ApiError | StepError =>
  isApiError(error) || error instanceof StepError
    ? error
    : new StepError(provider, 'unexpected-response', error instanceof Error ? error.message : String(error));

const ALREADY_BY_HAND: Record<LifecycleAction, string> = {
  create: 'an account with this email exists',
  invite: 'an account with this email exists',
  deactivate: 'the account is inactive or gone',
  delete: 'the account is inactive or gone',
  removeFromTeams: 'the account is in no team',
  reactivate: 'the account is active',
  setRole: 'the role is set',
};

/** Is a manual step's goal already visible in the provider's listing? */
function manualSatisfied(step: ManualStep, users: readonly User[]): boolean {
  const mine = users.filter(
    (u) =>
      u.provider === step.provider &&
      (step.accountId !== undefined
        ? u.remoteId === step.accountId
        : u.email !== undefined && normalizeEmail(u.email) === step.email),
  );
  const action: LifecycleAction = step.action;
  switch (action) {
    case 'create':
    case 'invite':
      return mine.length > 0;
    case 'deactivate':
    case 'delete':
      return mine.every((u) => u.status === 'inactive');
    case 'removeFromTeams':
      // Only a record that carries its teams can say "in no team".
      return mine.every((u) => u.teams.length === 0 && Array.isArray((u.raw as { teams?: unknown }).teams));
    default:
      return false;
  }
}

/**
 * Applies a plan, step by step in its order. Each write is sent at most once: a step whose answer
 * is lost is reported as `unknown` with what reading the account back showed — never written
 * again. Before writing, each step re-reads its account and stops if it is no longer the planned
 * one; a step already in the planned state is `already` (so applying a finished plan again changes
 * nothing). Writes go only to the hosts recorded in the plan.
 *
 * Every write is sent with `retry: false`, whatever the client's retry policy (which still applies
 * to the reads).
 */
export async function applyPlan(
  plan: Plan,
  clients: LifecycleClients,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const results: StepResult[] = [];
  const manualProviders = [...new Set(plan.steps.filter((s) => s.kind === 'manual').map((s) => s.provider))];
  let snapshot: User[] | undefined;
  // Only the hosts the plan was made for may say a manual step is done.
  const sources = manualProviders
    .filter((p) => clients[p] !== undefined && clients[p]?.baseUrl === plan.hosts[p])
    .map((p) => clients[p] as UserSource);
  if (sources.length) {
    // One fresh listing tells whether a manual step has been done since the plan was made.
    const seen: User[] = [];
    try {
      for await (const u of listUsers(sources, sig(options.signal))) seen.push(u);
      snapshot = seen;
    } catch (error) {
      if (!isListUsersError(error)) throw error;
      snapshot = undefined; // incomplete: manual steps stay manual
    }
  }

  for (const step of plan.steps) {
    const outcome = await runStep(step, plan, clients, snapshot, options.signal);
    const result: StepResult = {
      step,
      outcome: outcome.outcome,
      at: new Date().toISOString(),
      writes: outcome.writes,
    };
    results.push(result);
    await options.onStep?.(result);
  }

  const counts: Record<OutcomeKind, number> = { done: 0, already: 0, manual: 0, failed: 0, unknown: 0 };
  for (const r of results) counts[r.outcome.kind]++;
  const writes = results.reduce((n, r) => n + r.writes, 0);
  const ok = counts.failed === 0 && counts.unknown === 0;
  const unchanged = writes === 0;
  const parts = (Object.keys(counts) as OutcomeKind[])
    .filter((k) => counts[k])
    .map((k) => `${counts[k]} ${k}`);
  const summary = unchanged
    ? `nothing changed: ${parts.join(', ') || 'no steps'}`
    : `${writes} write(s): ${parts.join(', ')}`;
  return { plan, results, counts, ok, unchanged, summary };
}

async function runStep(
  step: PlanStep,
  plan: Plan,
  clients: LifecycleClients,
  snapshot: readonly User[] | undefined,
  signal: AbortSignal | undefined,
): Promise<{ outcome: StepOutcome; writes: 0 | 1 }> {
  if (step.kind === 'manual') {
    if (snapshot && manualSatisfied(step, snapshot))
      return { outcome: { kind: 'already', detail: ALREADY_BY_HAND[step.action] }, writes: 0 };
    return {
      outcome: { kind: 'manual', detail: step.instruction, where: step.where, instruction: step.instruction },
      writes: 0,
    };
  }
  const client = clients[step.provider];
  if (!client)
    return {
      outcome: {
        kind: 'failed',
        error: new StepError(step.provider, 'not-configured', `${step.provider} is not configured`),
      },
      writes: 0,
    };
  const planned = plan.hosts[step.provider];
  if (planned === undefined || client.baseUrl !== planned)
    return {
      outcome: {
        kind: 'failed',
        error: new StepError(
          step.provider,
          'host-mismatch',
          `the plan writes ${step.provider} at ${planned ?? '(no host recorded)'}, but the client is configured for ${client.baseUrl}`,
        ),
      },
      writes: 0,
    };
  const handler = handlers[`${step.provider}:${step.action}` as HandlerKey] as Handler<ApiStep>;
  const c = client as never;

  try {
    if ((await handler.check(step, c, signal)) === 'target')
      return {
        outcome: {
          kind: 'already',
          detail: typeof handler.already === 'function' ? handler.already(step) : handler.already,
        },
        writes: 0,
      };
  } catch (error) {
    return { outcome: { kind: 'failed', error: asError(step.provider, error) }, writes: 0 };
  }

  let created: string | undefined;
  try {
    created = await handler.write(step, c, signal);
  } catch (error) {
    if (!isApiError(error) || !answerLost(error))
      return { outcome: { kind: 'failed', error: asError(step.provider, error) }, writes: 1 };
    // The answer was lost: read back, never write again.
    let readBack: ReadBack;
    try {
      const state = await handler.check(step, c, signal);
      readBack = { state: state === 'target' ? 'applied' : 'not-applied' };
    } catch (readError) {
      readBack = { state: 'unreadable', error: asError(step.provider, readError) };
    }
    return { outcome: { kind: 'unknown', error, readBack }, writes: 1 };
  }
  return {
    outcome: { kind: 'done', detail: handler.done, ...(created !== undefined ? { accountId: created } : {}) },
    writes: 1,
  };
}
