import type { FieldSources } from '../fields.js';
import { api, manual, type ProviderCapabilities } from '../lifecycle/capability.js';
import {
  bool,
  buildUser,
  isIanaZone,
  isoFromString,
  lookup,
  record,
  requireId,
  strings,
  text,
} from '../map-helpers.js';
import type { RawUsers, UserOf, UserStatus } from '../model.js';

export const thenaSources: FieldSources = {
  remoteId: 'id',
  displayName: 'name → email → id',
  firstName: null,
  lastName: null,
  username: null,
  email: 'email',
  emails: 'email',
  status: 'status (ACTIVE / INACTIVE / INVITED…), else isActive',
  isBot: "userType === 'BOT_USER'",
  roles: 'userType',
  teams: 'teams[].name (search documents)',
  title: null,
  phone: null,
  avatarUrl: 'avatarUrl',
  timezone: 'timezone (when an IANA zone)',
  utcOffsetMinutes: null,
  locale: null,
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  lastLoginAt: 'lastLoginAt',
};

const STATUS = lookup<UserStatus>({
  ACTIVE: 'active',
  INACTIVE: 'inactive',
  DEACTIVATED: 'inactive',
  DISABLED: 'inactive',
  INVITED: 'invited',
  PENDING: 'invited',
});

/** Thena: `id`; one `name`; `status` strings (ACTIVE, INACTIVE, …) or the `isActive` flag; `userType` as role. */
export function mapThenaUser(raw: RawUsers['thena']): UserOf<'thena'> {
  const r = record('thena', 'id', raw);
  const remoteId = requireId('thena', 'id', r['id']);
  const email = text(r['email']);
  const statusText = text(r['status'])?.toUpperCase();
  const active = bool(r['isActive']);
  const status: UserStatus =
    STATUS(statusText) ?? (active === true ? 'active' : active === false ? 'inactive' : 'unknown');
  const userType = text(r['userType']);
  const teams = Array.isArray(r['teams'])
    ? strings(
        (r['teams'] as unknown[]).map((t) =>
          t && typeof t === 'object' ? (t as Record<string, unknown>)['name'] : undefined,
        ),
      )
    : [];
  const zone = text(r['timezone']);
  return buildUser(
    'thena',
    remoteId,
    {
      name: text(r['name']),
      emails: email ? [{ address: email }] : [],
      status,
      isBot: userType === undefined ? undefined : userType === 'BOT_USER',
      roles: userType ? [userType] : [],
      teams,
      avatarUrl: text(r['avatarUrl']),
      timezone: zone && isIanaZone(zone) ? zone : undefined,
      createdAt: isoFromString(r['createdAt']),
      updatedAt: isoFromString(r['updatedAt']),
      lastLoginAt: isoFromString(r['lastLoginAt']),
    },
    raw,
  );
}

/** What lifecycle writes thena supports: action → API operation of its spec, or a manual step. */
export const thenaCapabilities: ProviderCapabilities = {
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
};
