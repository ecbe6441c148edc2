import { providerIds } from './generated/providers.js';
import type { ProviderId, UserOf } from './model.js';

type Field = Exclude<keyof UserOf<ProviderId>, 'raw'>;

/** What each field of the common User means (rendered on the docs site's User model page). */
export const USER_FIELD_DOCS: Record<Field, string> = {
  id: 'Unique across providers: `provider:remoteId`.',
  provider: `The provider id (${providerIds.map((id) => `\`${id}\``).join(', ')}).`,
  remoteId: "The provider's own id for the user, as a string.",
  displayName: 'Always set: the full name, else first + last name, else username, else email, else remoteId.',
  firstName: 'Given name, only when the provider sends it as its own field (never split from a full name).',
  lastName: 'Family name, only when the provider sends it as its own field.',
  username: 'Login or handle.',
  email: 'The primary email address, as the provider sends it.',
  emails: 'Every email address, with `verified` where the provider says.',
  status: 'Account state: `active`, `inactive`, `invited` or `unknown` (the original stays in `raw`).',
  isBot: 'Whether the account is a bot or app, where the provider says.',
  roles: 'Role names or ids as the provider sends them.',
  teams: 'Team or group ids/names the user belongs to, where the user record says.',
  title: 'Job title.',
  phone: 'Phone number as sent.',
  avatarUrl: 'URL of the avatar image.',
  timezone: 'IANA time zone name.',
  utcOffsetMinutes: 'Offset from UTC in minutes, where the provider sends an offset.',
  locale: 'Language or locale.',
  createdAt: "When the account was created (ISO 8601, from the provider's value).",
  updatedAt: "When the account was last changed (ISO 8601, from the provider's value).",
  lastLoginAt: "When the user last logged in (ISO 8601, from the provider's value).",
};

/**
 * Which provider field feeds each common field (`null`: the provider cannot supply it).
 * A test checks this table against the mappers, so it cannot drift.
 */
export type FieldSources = Record<Exclude<Field, 'id' | 'provider'>, string | null>;
