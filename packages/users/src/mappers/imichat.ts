import type { FieldSources } from '../fields.js';
import { api, manual, none, type ProviderCapabilities } from '../lifecycle/capability.js';
import { buildUser, isoFromUtcString, record, requireId, text } from '../map-helpers.js';
import type { RawUsers, UserOf, UserStatus } from '../model.js';

export const imichatSources: FieldSources = {
  remoteId: 'id (a number, as a string)',
  displayName: 'first_name + last_name → login_id → email_id → id',
  firstName: 'first_name',
  lastName: 'last_name',
  username: 'login_id',
  email: 'email_id',
  emails: 'email_id',
  status: 'status (active / inactive)',
  isBot: null,
  roles: 'role_type',
  teams: null,
  title: 'job_description',
  phone: null,
  avatarUrl: null,
  timezone: null,
  utcOffsetMinutes: null,
  locale: null,
  createdAt: 'created_at (ISO or "YYYY-MM-DD hh:mm:ss.SSS", read as UTC)',
  updatedAt: 'updated_at',
  lastLoginAt: null,
};

/** imi.chat: numeric `id`; `first_name`/`last_name` as sent; `email_id`; status active/inactive. */
export function mapImichatUser(raw: RawUsers['imichat']): UserOf<'imichat'> {
  const r = record('imichat', 'id', raw);
  const remoteId = requireId('imichat', 'id', r['id']);
  const email = text(r['email_id']);
  const s = text(r['status'])?.toLowerCase();
  const status: UserStatus = s === 'active' ? 'active' : s === 'inactive' ? 'inactive' : 'unknown';
  const roleType = text(r['role_type']);
  return buildUser(
    'imichat',
    remoteId,
    {
      firstName: text(r['first_name']),
      lastName: text(r['last_name']),
      username: text(r['login_id']),
      emails: email ? [{ address: email }] : [],
      status,
      roles: roleType ? [roleType] : [],
      title: text(r['job_description']),
      createdAt: isoFromUtcString(r['created_at']),
      updatedAt: isoFromUtcString(r['updated_at']),
    },
    raw,
  );
}

/** What lifecycle writes imichat supports: action → API operation of its spec, or a manual step. */
export const imichatCapabilities: ProviderCapabilities = {
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
};
