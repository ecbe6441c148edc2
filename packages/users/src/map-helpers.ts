import { RosterkitError } from '@rosterkit/core';
import type { ProviderId, UserEmail, UserOf, UserStatus } from './model.js';

/** A record that cannot be mapped because its id field is missing or unusable. */
export class MappingError extends RosterkitError {
  override readonly name = 'MappingError';
  constructor(
    readonly provider: string,
    /** The field the provider's id lives in, e.g. `_id`. */
    readonly field: string,
    message = `${provider} user record has no usable ${field}`,
  ) {
    super(message);
  }
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, provider: this.provider, field: this.field };
  }
}

export type Json = unknown;

/** The record as an object, or a MappingError when it is not one. */
export function record(provider: string, idField: string, raw: Json): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MappingError(provider, idField, `${provider} user record is not an object`);
  }
  return raw as Record<string, unknown>;
}

/** The id as a string: a non-empty string, or a finite number (imi.chat's numeric ids). */
export function requireId(provider: string, field: string, value: unknown): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new MappingError(provider, field);
}

/** A non-empty trimmed string, else undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t === '' ? undefined : t;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

export function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** ISO 8601 from an ISO-like string, else undefined (never invented). */
export function isoFromString(value: unknown): string | undefined {
  if (typeof value === 'string' && CANONICAL_ISO.test(value)) {
    // Already canonical: only check the calendar (e.g. no 2024-02-31).
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : value;
  }
  const s = text(value);
  if (s === undefined) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** ISO 8601 from epoch milliseconds (Blynk), else undefined. */
export function isoFromEpochMs(value: unknown): string | undefined {
  const n = finite(value);
  if (n === undefined || n <= 0 || n > 8.64e15) return undefined;
  return new Date(n).toISOString();
}

export function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) {
    const s = text(v);
    if (s !== undefined && !out.includes(s)) out.push(s);
  }
  return out;
}

const zoneCache = new Map<string, boolean>();

/** Whether `value` is an IANA zone name (checked with Intl, which knows them all; cached). */
export function isIanaZone(value: string): boolean {
  let known = zoneCache.get(value);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      known = value.includes('/') || value === 'UTC';
    } catch {
      known = false;
    }
    if (zoneCache.size < 1000) zoneCache.set(value, known);
  }
  return known;
}

/** Builds a User, computing `id` and `displayName` and dropping undefined optional fields. */
export function buildUser<P extends ProviderId>(
  provider: P,
  remoteId: string,
  fields: {
    name?: string | undefined;
    firstName?: string | undefined;
    lastName?: string | undefined;
    username?: string | undefined;
    emails?: UserEmail[];
    email?: string | undefined;
    status: UserStatus;
    isBot?: boolean | undefined;
    roles?: string[];
    teams?: string[];
    title?: string | undefined;
    phone?: string | undefined;
    avatarUrl?: string | undefined;
    timezone?: string | undefined;
    utcOffsetMinutes?: number | undefined;
    locale?: string | undefined;
    createdAt?: string | undefined;
    updatedAt?: string | undefined;
    lastLoginAt?: string | undefined;
  },
  raw: UserOf<P>['raw'],
): UserOf<P> {
  const emails = fields.emails ?? [];
  const email = fields.email ?? emails[0]?.address;
  const firstLast = [fields.firstName, fields.lastName].filter(Boolean).join(' ');
  const displayName = fields.name ?? (firstLast || undefined) ?? fields.username ?? email ?? remoteId;
  const user: UserOf<P> = {
    id: `${provider}:${remoteId}`,
    provider,
    remoteId,
    displayName,
    emails,
    status: fields.status,
    roles: fields.roles ?? [],
    teams: fields.teams ?? [],
    raw,
  };
  if (fields.firstName !== undefined) user.firstName = fields.firstName;
  if (fields.lastName !== undefined) user.lastName = fields.lastName;
  if (fields.username !== undefined) user.username = fields.username;
  if (email !== undefined) user.email = email;
  if (fields.isBot !== undefined) user.isBot = fields.isBot;
  if (fields.title !== undefined) user.title = fields.title;
  if (fields.phone !== undefined) user.phone = fields.phone;
  if (fields.avatarUrl !== undefined) user.avatarUrl = fields.avatarUrl;
  if (fields.timezone !== undefined) user.timezone = fields.timezone;
  if (fields.utcOffsetMinutes !== undefined) user.utcOffsetMinutes = fields.utcOffsetMinutes;
  if (fields.locale !== undefined) user.locale = fields.locale;
  if (fields.createdAt !== undefined) user.createdAt = fields.createdAt;
  if (fields.updatedAt !== undefined) user.updatedAt = fields.updatedAt;
  if (fields.lastLoginAt !== undefined) user.lastLoginAt = fields.lastLoginAt;
  return user;
}
