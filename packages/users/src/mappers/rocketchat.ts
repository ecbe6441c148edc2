import type { FieldSources } from '../fields.js';
import { api, none, type ProviderCapabilities } from '../lifecycle/capability.js';
import { bool, buildUser, finite, isoFromString, record, requireId, strings, text } from '../map-helpers.js';
import type { RawUsers, UserEmail, UserOf, UserStatus } from '../model.js';

export const rocketchatSources: FieldSources = {
  remoteId: '_id',
  displayName: 'name → username → emails[0].address → _id',
  firstName: null,
  lastName: null,
  username: 'username',
  email: 'emails[0].address',
  emails: 'emails[].{address, verified}',
  status: 'active (true → active, false → inactive)',
  isBot: "type === 'bot'",
  roles: 'roles[]',
  teams: null,
  title: null,
  phone: 'phone',
  avatarUrl: null,
  timezone: null,
  utcOffsetMinutes: 'utcOffset (hours × 60)',
  locale: "language (only on the caller's own record)",
  createdAt: 'createdAt',
  updatedAt: '_updatedAt (only in users.create / users.update responses)',
  lastLoginAt: 'lastLogin',
};

/**
 * Rocket.Chat: `_id`; `name` is one full-name field (never split); `emails[{address, verified}]`;
 * `active` is the account state (presence `status` is not); `type: 'bot'`; `utcOffset` in hours;
 * `language` is the UI locale; dates are ISO strings.
 */
export function mapRocketChatUser(raw: RawUsers['rocketchat']): UserOf<'rocketchat'> {
  const r = record('rocketchat', '_id', raw);
  const remoteId = requireId('rocketchat', '_id', r['_id']);
  const emails: UserEmail[] = [];
  if (Array.isArray(r['emails'])) {
    for (const e of r['emails'] as unknown[]) {
      if (e === null || typeof e !== 'object') continue;
      const address = text((e as Record<string, unknown>)['address']);
      if (address === undefined) continue;
      const verified = bool((e as Record<string, unknown>)['verified']);
      emails.push(verified === undefined ? { address } : { address, verified });
    }
  }
  const active = bool(r['active']);
  const status: UserStatus = active === true ? 'active' : active === false ? 'inactive' : 'unknown';
  const offsetHours = finite(r['utcOffset']);
  const type = text(r['type']);
  return buildUser(
    'rocketchat',
    remoteId,
    {
      name: text(r['name']),
      username: text(r['username']),
      emails,
      status,
      isBot: type === undefined ? undefined : type === 'bot',
      roles: strings(r['roles']),
      phone: text(r['phone']),
      utcOffsetMinutes: offsetHours === undefined ? undefined : Math.round(offsetHours * 60),
      locale: text(r['language']),
      createdAt: isoFromString(r['createdAt']),
      updatedAt: isoFromString(r['_updatedAt']),
      lastLoginAt: isoFromString(r['lastLogin']),
    },
    raw,
  );
}

/** What lifecycle writes rocketchat supports: action → API operation of its spec, or a manual step. */
export const rocketchatCapabilities: ProviderCapabilities = {
  create: api('users.create', 'POST /api/v1/users.create', {
    note: 'random password, requirePasswordChange and a welcome email; the person sets their own password',
  }),
  invite: none('Rocket.Chat invites by creating the user (users.create with sendWelcomeEmail)'),
  deactivate: api('users.setActiveStatus', 'POST /api/v1/users.setActiveStatus'),
  reactivate: api('users.setActiveStatus', 'POST /api/v1/users.setActiveStatus'),
  removeFromTeams: none('Rocket.Chat teams and rooms are outside the users API this spec covers'),
  setRole: api('users.update', 'POST /api/v1/users.update', { note: 'sets data.roles' }),
  delete: api('users.delete', 'POST /api/v1/users.delete'),
};
