import { RosterkitError } from '@rosterkit/core';
import { buildDirectory, normalizeEmail } from '../directory.js';
import { providers as registry } from '../map.js';
import type { ProviderId, User } from '../model.js';
import { capabilities, type LifecycleAction } from './capabilities.js';

/** Why a plan could not be made. Nothing was written. */
export type PlanErrorCode =
  /** The email, name, role or provider list is not usable. */
  | 'invalid-input'
  /** Offboarding: no configured provider has an account with this email. */
  | 'no-account'
  /** The email matches more than one account in a provider: which one is meant is unclear. */
  | 'ambiguous'
  /** A provider's listing did not complete, so the plan could miss accounts. */
  | 'incomplete-listing';

export class PlanError extends RosterkitError {
  override readonly name = 'PlanError';
  readonly provider = 'users';
  constructor(
    readonly code: PlanErrorCode,
    message: string,
    /** For `ambiguous`: the matching account ids per provider. */
    readonly accounts?: Partial<Record<ProviderId, string[]>>,
  ) {
    super(message);
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, accounts: this.accounts };
  }
}

interface StepCommon {
  /** Stable id, unique in the plan: `provider:action:target`. */
  id: string;
  /** The person's email, normalised (trimmed, lower-case). */
  email: string;
  /** What the step does, in one line (provider data is not trusted: print it escaped). */
  description: string;
}

/** Rocket.Chat `users.setActiveStatus` to false. */
export interface RocketChatDeactivateStep extends StepCommon {
  kind: 'api';
  provider: 'rocketchat';
  action: 'deactivate';
  accountId: string;
}
/**
 * Thena `removeTeamMember` for one team; or, with `teamId: null`, the account was in no team when
 * planned and apply confirms that again from the teams' member lists (no write).
 */
export interface ThenaRemoveFromTeamStep extends StepCommon {
  kind: 'api';
  provider: 'thena';
  action: 'removeFromTeams';
  accountId: string;
  teamId: string | null;
  teamName?: string;
}
/** Rocket.Chat `users.create`. */
export interface RocketChatCreateStep extends StepCommon {
  kind: 'api';
  provider: 'rocketchat';
  action: 'create';
  /** Set when an account with the email already existed at planning time. */
  accountId?: string;
  input: { name: string; username: string; roles?: string[] };
}
/** imi.chat `createUser` (a Customer Care user with a role in one team). */
export interface ImichatCreateStep extends StepCommon {
  kind: 'api';
  provider: 'imichat';
  action: 'create';
  accountId?: string;
  input: { firstName: string; lastName?: string; teamId: number; role: ImichatRole };
}
/** Blynk `inviteUser`. */
export interface BlynkInviteStep extends StepCommon {
  kind: 'api';
  provider: 'blynk';
  action: 'invite';
  accountId?: string;
  input: { name: string; roleId: number };
}

/** A step done through the provider's API. */
export type ApiStep =
  | RocketChatDeactivateStep
  | ThenaRemoveFromTeamStep
  | RocketChatCreateStep
  | ImichatCreateStep
  | BlynkInviteStep;

/** A step a person does in the provider's console: there is no API for it. */
export interface ManualStep extends StepCommon {
  kind: 'manual';
  provider: ProviderId;
  action: LifecycleAction;
  /** The account concerned, when it exists. */
  accountId?: string;
  /** Where to do it (console and menu). */
  where: string;
  /** What to do, naming the account. */
  instruction: string;
}

export type PlanStep = ApiStep | ManualStep;

export interface Plan {
  kind: 'offboard' | 'onboard';
  /** The person's email, normalised. */
  email: string;
  /** Onboarding: the person's name. Offboarding: the name found in the directory. */
  name: string;
  /**
   * The base URL of every provider the plan writes to, as configured when it was made. Apply
   * refuses to write to any other host.
   */
  hosts: Partial<Record<ProviderId, string>>;
  /** In the order they are applied: providers in registry order, then action, then target. */
  steps: PlanStep[];
}

/** What the planners need to know about the configured providers. */
export interface PlanContext {
  /** The providers that were read (and may be written). */
  providers: readonly ProviderId[];
  /** Each provider's base URL (`client.baseUrl`). */
  hosts: Partial<Record<ProviderId, string>>;
  /**
   * Thena team memberships by user id, when read from the teams themselves (listMyTeams +
   * listTeamMembers) because the users listing did not carry them. Wins over the record's `teams`.
   */
  thenaMemberships?: Readonly<Record<string, readonly TeamRef[]>>;
}

/** A team as a plan names it. */
export interface TeamRef {
  id: string;
  name?: string;
}

export const IMICHAT_ROLES = ['Team Manager', 'Team Agent', 'Team Analyst'] as const;
export type ImichatRole = (typeof IMICHAT_ROLES)[number];

/**
 * Per provider, what onboarding needs to know; a provider left out is not onboarded. A provider
 * without API writes is onboarded by manual steps (with the role to give, if any).
 */
export interface OnboardingProviders
  extends Partial<Record<ProviderId, { role?: string; [setting: string]: unknown }>> {
  rocketchat?: { username?: string; roles?: string[] };
  /** A role in the configured team (imi.chat creates only Customer Care users). */
  imichat?: { role: ImichatRole; teamId: number };
  /** Blynk role id (predefined: 1 Admin, 2 Staff, 3 User). */
  blynk?: { roleId: number };
  thena?: { role?: string };
  rezolve?: { role?: string };
}

export interface OnboardingInput {
  email: string;
  /** Full name, as the person writes it (never split on spaces). */
  name: string;
  /** For providers with separate name fields (imi.chat); default: `name` as the first name. */
  firstName?: string;
  lastName?: string;
  providers: OnboardingProviders;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const ACTION_ORDER: readonly LifecycleAction[] = [
  'create',
  'invite',
  'setRole',
  'removeFromTeams',
  'deactivate',
  'reactivate',
  'delete',
];

function requireEmail(email: unknown): string {
  if (typeof email !== 'string' || !EMAIL.test(email.trim()))
    throw new PlanError('invalid-input', `not an email address: ${JSON.stringify(String(email))}`);
  return normalizeEmail(email);
}

function requireContext(context: PlanContext): void {
  for (const p of context.providers) {
    if (!registry.includes(p)) throw new PlanError('invalid-input', `unknown provider: ${String(p)}`);
  }
}

function sortSteps(steps: PlanStep[]): PlanStep[] {
  const key = (s: PlanStep) =>
    [
      String(registry.indexOf(s.provider)).padStart(2, '0'),
      String(ACTION_ORDER.indexOf(s.action)).padStart(2, '0'),
      s.id,
    ].join('|');
  return steps
    .map((s) => [key(s), s] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, s]) => s);
}

function manualStep(
  provider: ProviderId,
  action: LifecycleAction,
  email: string,
  instruction: string,
  accountId?: string,
): ManualStep {
  const cap = capabilities[provider][action];
  const where = cap.kind === 'manual' ? cap.where : `${provider} console`;
  return {
    kind: 'manual',
    id: `${provider}:${action}:${action === 'create' || action === 'invite' ? email : (accountId ?? email)}`,
    provider,
    action,
    email,
    ...(accountId !== undefined ? { accountId } : {}),
    where,
    instruction,
    description: `manual: ${instruction} (${where})`,
  };
}

/** The accounts of the person with this email, per provider; refuses more than one in a provider. */
function accountsOf(email: string, users: Iterable<User>): Partial<Record<ProviderId, User>> {
  const person = buildDirectory(users).find((p) => p.email === email);
  const found: Partial<Record<ProviderId, User>> = {};
  const ambiguous: Partial<Record<ProviderId, string[]>> = {};
  for (const [provider, list] of Object.entries(person?.accounts ?? {}) as [ProviderId, User[]][]) {
    if (list.length > 1) ambiguous[provider] = list.map((u) => u.remoteId).sort();
    else if (list[0]) found[provider] = list[0];
  }
  const names = Object.keys(ambiguous);
  if (names.length) {
    throw new PlanError(
      'ambiguous',
      `${email} matches more than one account in ${names
        .map((p) => `${p} (${ambiguous[p as ProviderId]?.join(', ')})`)
        .join('; ')}: resolve it in the provider first`,
      ambiguous,
    );
  }
  return found;
}

/** The user's Thena teams, or undefined when neither the record nor the context says. */
export function thenaTeamsOf(
  user: User,
  context?: Pick<PlanContext, 'thenaMemberships'>,
): TeamRef[] | undefined {
  if (user.provider !== 'thena') return [];
  const read = context?.thenaMemberships?.[user.remoteId];
  const raw = read ?? (user.raw as { teams?: unknown }).teams;
  if (!Array.isArray(raw)) return undefined;
  const teams = new Map<string, { id: string; name?: string }>();
  for (const t of raw) {
    if (!t || typeof t !== 'object') continue;
    const id = (t as Record<string, unknown>)['id'];
    const name = (t as Record<string, unknown>)['name'];
    if (typeof id === 'string' && id !== '')
      teams.set(id, { id, ...(typeof name === 'string' ? { name } : {}) });
  }
  return [...teams.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The offboarding plan for the person with `email`, from the users of the configured providers
 * (a complete listing). Pure and deterministic: the same users give the same plan. Every account
 * gets at least one step; where a provider has no API for an action, the step is manual.
 * Throws PlanError when the email matches no account anywhere, or more than one in a provider.
 */
export function planOffboarding(email: string, users: Iterable<User>, context: PlanContext): Plan {
  const address = requireEmail(email);
  requireContext(context);
  const accounts = accountsOf(address, users);
  const configured = context.providers.filter((p) => accounts[p]);
  if (configured.length === 0) {
    throw new PlanError(
      'no-account',
      `no account with email ${address} in ${context.providers.join(', ') || 'any provider'}`,
    );
  }
  const steps: PlanStep[] = [];
  let name = address;
  for (const provider of registry.filter((p) => configured.includes(p))) {
    const user = accounts[provider] as User;
    name = name === address ? user.displayName : name;
    const id = user.remoteId;
    switch (provider) {
      case 'rocketchat':
        steps.push({
          kind: 'api',
          id: `rocketchat:deactivate:${id}`,
          provider,
          action: 'deactivate',
          email: address,
          accountId: id,
          description: `deactivate Rocket.Chat user ${id} (users.setActiveStatus)`,
        });
        break;
      case 'thena': {
        const teams = thenaTeamsOf(user, context);
        if (teams === undefined)
          steps.push(
            manualStep(
              provider,
              'removeFromTeams',
              address,
              `remove Thena user ${address} from every team (Thena did not say which teams it is in)`,
              id,
            ),
          );
        if (teams?.length === 0)
          steps.push({
            kind: 'api',
            id: `thena:removeFromTeams:${id}:none`,
            provider,
            action: 'removeFromTeams',
            email: address,
            accountId: id,
            teamId: null,
            description: `Thena user ${id} is in no team (checked again on apply: listMyTeams, listTeamMembers)`,
          });
        for (const team of teams ?? []) {
          steps.push({
            kind: 'api',
            id: `thena:removeFromTeams:${id}:${team.id}`,
            provider,
            action: 'removeFromTeams',
            email: address,
            accountId: id,
            teamId: team.id,
            ...(team.name !== undefined ? { teamName: team.name } : {}),
            description: `remove Thena user ${id} from team ${team.id}${team.name ? ` (${team.name})` : ''} (removeTeamMember)`,
          });
        }
        steps.push(manualStep(provider, 'deactivate', address, `deactivate Thena user ${address}`, id));
        break;
      }
      case 'imichat':
        steps.push(manualStep(provider, 'deactivate', address, `deactivate imi.chat user ${address}`, id));
        break;
      case 'blynk':
        steps.push(manualStep(provider, 'deactivate', address, `delete or block Blynk user ${address}`, id));
        break;
      case 'rezolve':
        if (user.teams.length)
          steps.push(
            manualStep(
              provider,
              'removeFromTeams',
              address,
              `remove Rezolve.ai user ${address} from teams ${[...user.teams].sort().join(', ')} and from every ticketing queue`,
              id,
            ),
          );
        steps.push(manualStep(provider, 'deactivate', address, `disable Rezolve.ai user ${address}`, id));
        break;
    }
  }
  const hosts: Partial<Record<ProviderId, string>> = {};
  for (const p of configured) if (context.hosts[p] !== undefined) hosts[p] = context.hosts[p];
  return { kind: 'offboard', email: address, name, hosts, steps: sortSteps(steps) };
}

const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The onboarding plan: one create (or invite) per chosen provider, manual where the provider has
 * no API. Accounts that already exist with the email are still planned (apply reports them as
 * already done). Throws PlanError on bad input or when the email matches more than one account
 * in a provider.
 */
export function planOnboarding(input: OnboardingInput, users: Iterable<User>, context: PlanContext): Plan {
  const address = requireEmail(input.email);
  requireContext(context);
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new PlanError('invalid-input', 'a name is required to onboard');
  const chosen = registry.filter((p) => input.providers[p] !== undefined);
  if (chosen.length === 0) throw new PlanError('invalid-input', 'choose at least one provider to onboard');
  for (const p of chosen) {
    if (!context.providers.includes(p))
      throw new PlanError('invalid-input', `provider ${p} is not configured`);
  }
  const accounts = accountsOf(address, users);
  const steps: PlanStep[] = [];
  for (const provider of chosen) {
    const existing = accounts[provider]?.remoteId;
    const have = existing !== undefined ? { accountId: existing } : {};
    switch (provider) {
      case 'rocketchat': {
        const o = input.providers.rocketchat ?? {};
        const username = o.username ?? address.slice(0, address.indexOf('@'));
        if (!USERNAME.test(username))
          throw new PlanError(
            'invalid-input',
            `Rocket.Chat username ${JSON.stringify(username)} is not valid: pass one of letters, digits, . _ -`,
          );
        const roles = o.roles?.map((r) => r.trim()).filter(Boolean);
        steps.push({
          kind: 'api',
          id: `rocketchat:create:${address}`,
          provider,
          action: 'create',
          email: address,
          ...have,
          input: { name, username, ...(roles?.length ? { roles: [...roles].sort() } : {}) },
          description: `create Rocket.Chat user ${username}${roles?.length ? ` with roles ${roles.join(', ')}` : ''} (users.create)`,
        });
        break;
      }
      case 'imichat': {
        const o = input.providers.imichat;
        if (!o || !(IMICHAT_ROLES as readonly string[]).includes(o.role))
          throw new PlanError('invalid-input', `imi.chat needs a role: one of ${IMICHAT_ROLES.join(', ')}`);
        if (!Number.isSafeInteger(o.teamId) || o.teamId < 0)
          throw new PlanError('invalid-input', 'imi.chat needs the numeric team id');
        const firstName = input.firstName?.trim() || name;
        const lastName = input.lastName?.trim();
        steps.push({
          kind: 'api',
          id: `imichat:create:${address}`,
          provider,
          action: 'create',
          email: address,
          ...have,
          input: { firstName, ...(lastName ? { lastName } : {}), teamId: o.teamId, role: o.role },
          description: `create imi.chat user as ${o.role} in team ${o.teamId} (createUser)`,
        });
        break;
      }
      case 'blynk': {
        const o = input.providers.blynk;
        if (!o || !Number.isInteger(o.roleId) || o.roleId < 1 || o.roleId > 2_147_483_647)
          throw new PlanError(
            'invalid-input',
            'Blynk needs a role id (1 Admin, 2 Staff, 3 User, or your own)',
          );
        steps.push({
          kind: 'api',
          id: `blynk:invite:${address}`,
          provider,
          action: 'invite',
          email: address,
          ...have,
          input: { name, roleId: o.roleId },
          description: `invite ${address} to Blynk with role ${o.roleId} (inviteUser)`,
        });
        break;
      }
      case 'thena':
      case 'rezolve': {
        const role = input.providers[provider]?.role;
        const label = provider === 'thena' ? 'Thena' : 'Rezolve.ai';
        steps.push(
          manualStep(
            provider,
            'create',
            address,
            `invite ${address} (${name}) to ${label}${role ? ` with role ${role}` : ''}`,
            existing,
          ),
        );
        break;
      }
    }
  }
  const hosts: Partial<Record<ProviderId, string>> = {};
  for (const p of chosen) if (context.hosts[p] !== undefined) hosts[p] = context.hosts[p];
  return { kind: 'onboard', email: address, name, hosts, steps: sortSteps(steps) };
}
