import type { FieldSources } from '../fields.js';
import { api, manual, none, type ProviderCapabilities } from '../lifecycle/capability.js';
import {
  buildUser,
  finite,
  isIanaZone,
  isoFromEpochMs,
  lookup,
  record,
  requireId,
  text,
} from '../map-helpers.js';
import type { RawUsers, UserOf, UserStatus } from '../model.js';

export const blynkSources: FieldSources = {
  remoteId: 'id (a number, as a string)',
  displayName: 'name → email → id',
  firstName: null,
  lastName: null,
  username: null,
  email: 'email',
  emails: 'email',
  status: 'status (Active; Inactive / Suspended → inactive; Pending → invited) (only on single-user reads)',
  isBot: null,
  roles: 'roleId (as "role:<id>")',
  teams: null,
  title: 'title (only on single-user reads)',
  phone: 'phoneNumber (only on single-user reads)',
  avatarUrl: null,
  timezone: 'tz (only on single-user reads)',
  utcOffsetMinutes: null,
  locale: 'locale (en_US → en-US) (only on single-user reads)',
  createdAt: 'registeredAt (epoch ms) (only on single-user reads)',
  updatedAt: 'lastModifiedTs (epoch ms) (only on single-user reads)',
  lastLoginAt: 'lastLoggedAt (epoch ms) (only on single-user reads)',
};

const STATUS = lookup<UserStatus>({
  active: 'active',
  inactive: 'inactive',
  suspended: 'inactive',
  pending: 'invited',
});

/** Blynk: numeric `id`; one `name`; statuses Pending/Active/Inactive/Suspended; epoch-ms timestamps. */
export function mapBlynkUser(raw: RawUsers['blynk']): UserOf<'blynk'> {
  const r = record('blynk', 'id', raw);
  const remoteId = requireId('blynk', 'id', r['id']);
  const email = text(r['email']);
  const roleId = finite(r['roleId']);
  const zone = text(r['tz']);
  const locale = text(r['locale']);
  return buildUser(
    'blynk',
    remoteId,
    {
      name: text(r['name']),
      emails: email ? [{ address: email }] : [],
      status: STATUS(text(r['status'])?.toLowerCase()) ?? 'unknown',
      roles: roleId === undefined ? [] : [`role:${roleId}`],
      title: text(r['title']),
      phone: text(r['phoneNumber']),
      timezone: zone && isIanaZone(zone) ? zone : undefined,
      locale: locale?.replace('_', '-'),
      createdAt: isoFromEpochMs(r['registeredAt']),
      updatedAt: isoFromEpochMs(r['lastModifiedTs']),
      lastLoginAt: isoFromEpochMs(r['lastLoggedAt']),
    },
    raw,
  );
}

/** What lifecycle writes blynk supports: action → API operation of its spec, or a manual step. */
export const blynkCapabilities: ProviderCapabilities = {
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
};
