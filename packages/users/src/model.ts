import type { RawUsers } from './generated/providers.js';

/**
 * The provider's own record type, generated from its spec, per provider id. Generated from the
 * provider registry (each provider package.json's "rosterkit" field) by `pnpm generate`.
 */
export type { RawUsers };

export type ProviderId = keyof RawUsers;

export type UserStatus = 'active' | 'inactive' | 'invited' | 'unknown';

export interface UserEmail {
  address: string;
  /** Whether the provider says the address is verified; absent when it does not say. */
  verified?: boolean;
}

/** A user of one provider in the common shape. Fields the provider does not send stay undefined. */
export interface UserOf<P extends ProviderId> {
  /** `provider:remoteId`, unique across providers. */
  id: `${P}:${string}`;
  provider: P;
  /** The provider's own id for the user, as a string. */
  remoteId: string;
  /** Always set: full name, else first + last, else username, else email, else remoteId. */
  displayName: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  /** Primary email address as the provider sends it. */
  email?: string;
  emails: UserEmail[];
  status: UserStatus;
  isBot?: boolean;
  roles: string[];
  teams: string[];
  title?: string;
  phone?: string;
  avatarUrl?: string;
  /** IANA time zone, when the provider sends one. */
  timezone?: string;
  /** Offset from UTC in minutes, when the provider sends an offset instead of (or with) a zone. */
  utcOffsetMinutes?: number;
  locale?: string;
  /** ISO 8601 timestamps from the provider's own values. */
  createdAt?: string;
  updatedAt?: string;
  lastLoginAt?: string;
  /** The provider's record, typed with its generated type. */
  raw: RawUsers[P];
}

/** A user from any provider; narrow on `provider` to get the typed `raw`. */
export type User<P extends ProviderId = ProviderId> = P extends ProviderId ? UserOf<P> : never;

/** Every field of the common model except `raw`, in display order (used by the CLI and docs). */
export const USER_FIELDS = [
  'id',
  'provider',
  'remoteId',
  'displayName',
  'firstName',
  'lastName',
  'username',
  'email',
  'emails',
  'status',
  'isBot',
  'roles',
  'teams',
  'title',
  'phone',
  'avatarUrl',
  'timezone',
  'utcOffsetMinutes',
  'locale',
  'createdAt',
  'updatedAt',
  'lastLoginAt',
] as const satisfies readonly (keyof UserOf<ProviderId>)[];
