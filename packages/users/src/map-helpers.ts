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

/**
 * A lookup table keyed by provider data: a Map, so a key such as `constructor` or `__proto__`
 * finds nothing instead of something inherited from `Object.prototype`.
 */
export function lookup<V>(entries: Record<string, V>): (key: string | undefined) => V | undefined {
  const map = new Map(Object.entries(entries));
  return (key) => (key === undefined ? undefined : map.get(key));
}

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

// ISO 8601 with an explicit zone: the shape nearly every provider timestamp has.
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
// The same, where a missing zone means UTC, and imi.chat's zone-less `2020-12-09 08:50:05.540`.
const UTC_ISO =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?| \d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)$/;
const SPACED_UTC = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `n` ASCII digits of `s` from `at` (the caller has checked they are digits). */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

/** Whether the fields are in range (V8's Date.parse rolls Feb 30 over to Mar 1, accepts 24:00…). */
function inRange(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  if (d <= 28) return true;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (DAYS[mo - 1] as number) + (leap ? 1 : 0);
}

/**
 * `new Date(Date.parse(s)).toISOString()` for in-range zoned ISO strings, read by position, without
 * Date.parse or toISOString (the costly parts) when the zone is UTC; `null`: not handled here.
 */
function fastIso(s: string, shape: RegExp): string | null {
  if (!shape.test(s)) return null;
  const hasSeconds = s.charCodeAt(16) === 58; // ':'
  const y = digits(s, 0, 4);
  const sec = hasSeconds ? digits(s, 17, 2) : 0;
  if (!inRange(y, digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), sec)) return null;
  let at = hasSeconds ? 19 : 16;
  let ms = '000';
  if (s.charCodeAt(at) === 46) {
    // '.' then 1–9 digits: milliseconds are the first three, the rest are dropped
    let end = at + 1;
    while (end < s.length && s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57) end++;
    ms = end - at - 1 >= 3 ? s.slice(at + 1, at + 4) : s.slice(at + 1, end).padEnd(3, '0');
    at = end;
  }
  const zone = s.slice(at);
  if (zone === '' || zone === 'Z' || zone === '+00:00' || zone === '-00:00')
    return `${s.slice(0, 10)}T${s.slice(11, 16)}:${hasSeconds ? s.slice(17, 19) : '00'}.${ms}Z`;
  const oh = digits(zone, 1, 2);
  const om = digits(zone, 4, 2);
  if (y < 100 || oh > 23 || om > 59) return null; // Date.UTC maps years 0–99 to 1900–1999
  const offset = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  const utc = Date.UTC(y, digits(s, 5, 2) - 1, digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), sec, +ms);
  return new Date(utc - offset * 60_000).toISOString();
}

/** ISO 8601 from an ISO-like string, else undefined (never invented). */
export function isoFromString(value: unknown): string | undefined {
  // Already canonical (the common case): only the ranges need checking.
  if (typeof value === 'string' && CANONICAL_ISO.test(value)) {
    const v = value;
    if (
      inRange(
        digits(v, 0, 4),
        digits(v, 5, 2),
        digits(v, 8, 2),
        digits(v, 11, 2),
        digits(v, 14, 2),
        digits(v, 17, 2),
      )
    )
      return value;
  }
  const s = text(value);
  if (s === undefined) return undefined;
  const fast = fastIso(s, ZONED_ISO);
  if (fast !== null) return fast;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** ISO 8601 from a timestamp the provider documents as UTC: no zone means UTC, and `2020-12-09 08:50:05.540` is read too. */
export function isoFromUtcString(value: unknown): string | undefined {
  const s = text(value);
  if (s === undefined) return undefined;
  const fast = fastIso(s, UTC_ISO);
  if (fast !== null) return fast;
  return isoFromString(SPACED_UTC.test(s) ? `${s.replace(' ', 'T')}Z` : s);
}

/** ISO 8601 from epoch milliseconds (Blynk), else undefined. */
export function isoFromEpochMs(value: unknown): string | undefined {
  const n = finite(value);
  if (n === undefined || n <= 0 || n > 8.64e15) return undefined;
  return Number.isInteger(n) && n < YEAR_10000 ? isoFromWholeMs(n) : new Date(n).toISOString();
}

const YEAR_10000 = 253_402_300_800_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `new Date(ms).toISOString()` for whole ms in 1970–9999, by integer arithmetic (H. Hinnant's civil_from_days). */
function isoFromWholeMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  const ms3 = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`;
  return `${y}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${ms3}Z`;
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
