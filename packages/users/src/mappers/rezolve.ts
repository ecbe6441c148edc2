import type { FieldSources } from '../fields.js';
import { manual, type ProviderCapabilities } from '../lifecycle/capability.js';
import {
  bool,
  buildUser,
  isIanaZone,
  isoFromString,
  record,
  requireId,
  strings,
  text,
} from '../map-helpers.js';
import type { RawUsers, UserOf, UserStatus } from '../model.js';

export const rezolveSources: FieldSources = {
  remoteId: 'id',
  displayName: 'name → firstName + lastName → username → email → id',
  firstName: 'firstName / givenName',
  lastName: 'lastName / familyName',
  username: 'username',
  email: 'email',
  emails: 'email (+ emailVerified on userinfo)',
  status: 'status (active / inactive)',
  isBot: null,
  roles: 'roles[] or roles.realm[] (both documented shapes)',
  teams: 'teams[]',
  title: null,
  phone: null,
  avatarUrl: 'avatar (only on userinfo)',
  timezone: 'settings.timezone (only on userinfo)',
  utcOffsetMinutes: null,
  locale: 'locale (only on userinfo)',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  lastLoginAt: null,
};

/** `roles` is a list in user/list and `{realm, resource}` in userinfo: both give role names. */
function roles(value: unknown): string[] {
  if (Array.isArray(value)) return strings(value);
  if (value && typeof value === 'object') return strings((value as Record<string, unknown>)['realm']);
  return [];
}

/** Rezolve: `id`; firstName/lastName as sent; `status`; roles in either documented shape. */
export function mapRezolveUser(raw: RawUsers['rezolve']): UserOf<'rezolve'> {
  const r = record('rezolve', 'id', raw);
  const remoteId = requireId('rezolve', 'id', r['id']);
  const email = text(r['email']);
  const verified = bool(r['emailVerified']);
  const s = text(r['status'])?.toLowerCase();
  const status: UserStatus =
    s === 'active'
      ? 'active'
      : s === 'inactive' || s === 'disabled'
        ? 'inactive'
        : s === 'invited'
          ? 'invited'
          : 'unknown';
  const settings =
    r['settings'] && typeof r['settings'] === 'object' ? (r['settings'] as Record<string, unknown>) : {};
  const zone = text(settings['timezone']);
  return buildUser(
    'rezolve',
    remoteId,
    {
      name: text(r['name']),
      firstName: text(r['firstName']) ?? text(r['givenName']),
      lastName: text(r['lastName']) ?? text(r['familyName']),
      username: text(r['username']),
      emails: email ? [verified === undefined ? { address: email } : { address: email, verified }] : [],
      status,
      roles: roles(r['roles']),
      teams: strings(r['teams']),
      avatarUrl: text(r['avatar']),
      timezone: zone && isIanaZone(zone) ? zone : undefined,
      locale: text(r['locale']),
      createdAt: isoFromString(r['createdAt']),
      updatedAt: isoFromString(r['updatedAt']),
    },
    raw,
  );
}

/** What lifecycle writes rezolve supports: action → API operation of its spec, or a manual step. */
export const rezolveCapabilities: ProviderCapabilities = {
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
};
