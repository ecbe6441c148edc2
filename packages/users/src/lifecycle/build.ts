import { buildDirectory, normalizeEmail } from '../directory.js';
import { isListUsersError, listUsers, type UserSource } from '../list.js';
import { providers as registry } from '../map.js';
import type { ProviderId, User } from '../model.js';
import type { LifecycleClients } from './apply.js';
import {
  type OnboardingInput,
  type Plan,
  type PlanContext,
  PlanError,
  planOffboarding,
  planOnboarding,
  type TeamRef,
  thenaTeamsOf,
} from './plan.js';

/** Every user of the given clients; a listing that does not complete refuses to plan. */
async function readAll(
  clients: LifecycleClients,
  signal: AbortSignal | undefined,
): Promise<{ users: User[]; context: PlanContext }> {
  const ids = registry.filter((p) => clients[p] !== undefined);
  if (ids.length === 0) throw new PlanError('invalid-input', 'no provider client was given');
  const sources = ids.map((p) => clients[p] as UserSource);
  const users: User[] = [];
  try {
    for await (const u of listUsers(sources, signal ? { signal } : {})) users.push(u);
  } catch (error) {
    if (isListUsersError(error))
      throw new PlanError('incomplete-listing', `cannot plan on an incomplete directory: ${error.message}`);
    throw error;
  }
  const hosts: Partial<Record<ProviderId, string>> = {};
  for (const p of ids) hosts[p] = (clients[p] as { baseUrl: string }).baseUrl;
  return { users, context: { providers: ids, hosts } };
}

/**
 * Reads every configured provider and plans the offboarding of the person with `email`
 * (see planOffboarding). Nothing is written.
 */
export async function buildOffboardingPlan(
  email: string,
  clients: LifecycleClients,
  options: { signal?: AbortSignal } = {},
): Promise<Plan> {
  const { users, context } = await readAll(clients, options.signal);
  const thena = clients.thena;
  const person = buildDirectory(users).find((p) => p.email === normalizeEmail(email));
  const unknownTeams = (person?.accounts.thena ?? []).filter((u) => thenaTeamsOf(u) === undefined);
  if (thena && unknownTeams.length) {
    // The listing did not say which teams: read them from the teams (listMyTeams + listTeamMembers).
    context.thenaMemberships = await thenaMemberships(
      thena,
      new Set(unknownTeams.map((u) => u.remoteId)),
      options.signal,
    );
  }
  return planOffboarding(email, users, context);
}

async function thenaMemberships(
  thena: NonNullable<LifecycleClients['thena']>,
  ids: ReadonlySet<string>,
  signal: AbortSignal | undefined,
): Promise<Record<string, TeamRef[]>> {
  const s = signal ? { signal } : {};
  const { data } = await thena.GET('/v1/teams', s);
  const teams = Array.isArray(data?.data) ? data.data : [];
  const out: Record<string, TeamRef[]> = {};
  for (const id of ids) out[id] = [];
  for (const team of teams) {
    if (!team || typeof team.id !== 'string') continue;
    const members = await thena.GET('/v1/teams/{teamId}/members', {
      params: { path: { teamId: team.id }, query: { includeAgents: 'true' } },
      ...s,
    });
    for (const m of Array.isArray(members.data?.data) ? members.data.data : [])
      if (m && ids.has(m.id))
        out[m.id]?.push({ id: team.id, ...(typeof team.name === 'string' ? { name: team.name } : {}) });
  }
  return out;
}

/** Reads the chosen providers and plans the onboarding (see planOnboarding). Nothing is written. */
export async function buildOnboardingPlan(
  input: OnboardingInput,
  clients: LifecycleClients,
  options: { signal?: AbortSignal } = {},
): Promise<Plan> {
  const chosen: LifecycleClients = {};
  for (const p of registry) {
    if (input.providers?.[p] === undefined) continue;
    if (!clients[p]) throw new PlanError('invalid-input', `provider ${p} is not configured`);
    (chosen as Record<string, unknown>)[p] = clients[p];
  }
  if (Object.keys(chosen).length === 0)
    throw new PlanError('invalid-input', 'choose at least one provider to onboard');
  const { users, context } = await readAll(chosen, options.signal);
  return planOnboarding(input, users, context);
}
