import type { ProviderId } from '../model.js';

/** What can be done to a person's account, whatever the provider. */
export const LIFECYCLE_ACTIONS = [
  'create',
  'invite',
  'deactivate',
  'reactivate',
  'removeFromTeams',
  'setRole',
  'delete',
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/**
 * How one provider supports one action:
 * - `api`: an operation of the provider's spec (`METHOD path` as in its generated `operations`);
 *   `unverified` when the spec marks the operation `x-unverified`.
 * - `manual`: the provider has the feature but no documented API for it — a person does it in the
 *   provider's console, at `where`.
 * - `none`: the concept does not exist in the provider's API as specified (said why).
 */
export type Capability =
  | { kind: 'api'; operation: string; request: string; unverified?: true; note?: string }
  | { kind: 'manual'; where: string; note?: string }
  | { kind: 'none'; note: string };

const api = (
  operation: string,
  request: string,
  extra: { unverified?: true; note?: string } = {},
): Capability => ({ kind: 'api', operation, request, ...extra });
const manual = (where: string, note?: string): Capability => ({
  kind: 'manual',
  where,
  ...(note ? { note } : {}),
});
const none = (note: string): Capability => ({ kind: 'none', note });

/**
 * The capability table: provider × action → API operation or manual step. Derived from each
 * provider's spec (`specs/<id>/openapi.yaml`); a test checks every `api` entry against the
 * provider's generated operation table, so an operation that leaves a spec fails the build.
 */
export const capabilities: { readonly [P in ProviderId]: Readonly<Record<LifecycleAction, Capability>> } = {
  thena: {
    create: manual(
      'Thena dashboard › Organization settings › Users: invite the person',
      'the platform API documents no user creation',
    ),
    invite: manual(
      'Thena dashboard › Organization settings › Users: invite the person',
      'the platform API documents no invitation',
    ),
    deactivate: manual(
      'Thena dashboard › Organization settings › Users: deactivate the user',
      'the platform API documents no deactivation',
    ),
    reactivate: manual('Thena dashboard › Organization settings › Users: reactivate the user'),
    removeFromTeams: api('removeTeamMember', 'DELETE /v1/teams/{teamId}/members/{memberId}', {
      unverified: true,
      note: 'path inferred from the docs sidebar; membership is checked with listTeamMembers',
    }),
    setRole: manual('Thena dashboard › Organization settings › Users: change the user type'),
    delete: manual('Thena dashboard › Organization settings › Users: remove the user'),
  },
  imichat: {
    create: api('createUser', 'POST /users', {
      unverified: true,
      note: 'Customer Care users only, with a role (Team Agent / Team Manager / Team Analyst) in the configured team',
    }),
    invite: none('imi.chat creates users directly (createUser); there is no invitation'),
    deactivate: manual(
      'imi.chat (Webex Engage) admin console › Users: deactivate the user',
      'API v3.1 documents no deactivation',
    ),
    reactivate: manual('imi.chat (Webex Engage) admin console › Users: activate the user'),
    removeFromTeams: manual(
      'imi.chat (Webex Engage) admin console › Teams: remove the user from each team',
      'API v3.1 documents no team-membership change',
    ),
    setRole: manual('imi.chat (Webex Engage) admin console › Users: change the team role'),
    delete: manual('imi.chat (Webex Engage) admin console › Users: delete the user'),
  },
  rocketchat: {
    create: api('users.create', 'POST /api/v1/users.create', {
      note: 'random password, requirePasswordChange and a welcome email; the person sets their own password',
    }),
    invite: none('Rocket.Chat invites by creating the user (users.create with sendWelcomeEmail)'),
    deactivate: api('users.setActiveStatus', 'POST /api/v1/users.setActiveStatus'),
    reactivate: api('users.setActiveStatus', 'POST /api/v1/users.setActiveStatus'),
    removeFromTeams: none('Rocket.Chat teams and rooms are outside the users API this spec covers'),
    setRole: api('users.update', 'POST /api/v1/users.update', { note: 'sets data.roles' }),
    delete: api('users.delete', 'POST /api/v1/users.delete'),
  },
  blynk: {
    create: api('createUserInOrg', 'POST /api/v1/organization/users/create-in-org', {
      unverified: true,
      note: 'needs a password; onboarding uses invite instead',
    }),
    invite: api('inviteUser', 'POST /api/v1/organization/users/invite', {
      note: 'the user is Pending until they confirm the email',
    }),
    deactivate: manual(
      'Blynk.Console › Users: delete or block the user',
      'the Platform API documents no deactivation',
    ),
    reactivate: manual('Blynk.Console › Users: re-invite the user'),
    removeFromTeams: none('Blynk has organizations and roles, not teams'),
    setRole: api('updateUserRole', 'PUT /api/v1/organization/users/role'),
    delete: manual('Blynk.Console › Users: delete the user', 'the Platform API documents no deletion'),
  },
  rezolve: {
    create: manual(
      'Rezolve.ai admin › Users (Keycloak realm): create the user',
      'the ticketing API v2 is read-only for users',
    ),
    invite: manual('Rezolve.ai admin › Users: invite the user'),
    deactivate: manual(
      'Rezolve.ai admin › Users (Keycloak realm): disable the user',
      'the ticketing API v2 is read-only for users',
    ),
    reactivate: manual('Rezolve.ai admin › Users (Keycloak realm): enable the user'),
    removeFromTeams: manual(
      'Rezolve.ai admin › Ticketing › Queues: remove the user from each queue and team',
      'queue-membership writes (POST/DELETE /queue/{queueId}/users) are named in the docs without request or response; not added to the spec',
    ),
    setRole: manual('Rezolve.ai admin › Users: change the realm roles'),
    delete: manual('Rezolve.ai admin › Users (Keycloak realm): delete the user'),
  },
};
