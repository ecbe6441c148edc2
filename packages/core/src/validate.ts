import { InputError } from './errors.js';

/** Input checks run before any request; each throws an InputError naming the provider and field. */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const NON_LATIN1 = /[^\t -\u00ff]/; // control characters are refused above
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requireString(provider: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(provider, field, 'must be a non-empty string');
  }
  return value;
}

/**
 * A value that will travel in an HTTP header (or be base64-encoded into one): non-empty, no CR/LF
 * or other control characters, and Latin-1 only (a header carries bytes; `btoa` refuses the rest).
 */
export function requireHeaderValue(provider: string, field: string, value: unknown): string {
  const s = requireString(provider, field, value);
  if (CONTROL_CHARS.test(s))
    throw new InputError(provider, field, 'must not contain control characters (CR, LF, …)');
  if (NON_LATIN1.test(s))
    throw new InputError(
      provider,
      field,
      'must contain only Latin-1 characters (it travels in an HTTP header)',
    );
  return s;
}

export function requireUuid(provider: string, field: string, value: unknown): string {
  const s = requireString(provider, field, value);
  if (!UUID.test(s)) throw new InputError(provider, field, 'must be a UUID (8-4-4-4-12 hex digits)');
  return s;
}

export function requireInteger(
  provider: string,
  field: string,
  value: unknown,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `between ${min} and ${max}`;
    throw new InputError(provider, field, `must be an integer ${range}`);
  }
  return value;
}

export function optionalInteger(
  provider: string,
  field: string,
  value: unknown,
  min: number,
  max?: number,
): number | undefined {
  return value === undefined ? undefined : requireInteger(provider, field, value, min, max);
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export interface BaseUrlOptions {
  /** Allow credentials over plain http to a host that is not loopback. Off by default. */
  allowInsecureHttp?: boolean | undefined;
}

/**
 * Parses and checks a base URL: http(s) only, no embedded user:password, and plain http only to
 * loopback unless the caller opts in. Returns the URL without a trailing slash.
 */
export function requireBaseUrl(provider: string, value: unknown, options: BaseUrlOptions = {}): string {
  const s = requireString(provider, 'baseUrl', value);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new InputError(provider, 'baseUrl', 'is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(provider, 'baseUrl', `must use http or https, not ${url.protocol.replace(':', '')}`);
  }
  if (url.username || url.password) {
    throw new InputError(provider, 'baseUrl', 'must not contain credentials; pass them as options');
  }
  if (url.search || url.hash)
    throw new InputError(provider, 'baseUrl', 'must not contain a query or fragment');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.allowInsecureHttp) {
    throw new InputError(
      provider,
      'baseUrl',
      'uses plain http to a non-loopback host; credentials would travel unencrypted (set allowInsecureHttp: true to accept)',
    );
  }
  return url.href.replace(/\/+$/, '');
}

const PATH_PARAM = /\{([^}]+)\}/g;

/**
 * Path parameters of a path template (`/users/{user_id}`): each present, a string or finite number,
 * and not a dot segment. openapi-fetch percent-encodes `/`, `?`, `#`, `%`, CR/LF…, but `.` and `..`
 * survive encoding and are resolved by URL parsing: `/teams/../members` would reach another
 * endpoint. Such values are refused instead.
 */
export function requirePathParams(provider: string, template: string, params: unknown): void {
  const values = (params ?? {}) as Record<string, unknown>;
  for (const [, name = ''] of template.matchAll(PATH_PARAM)) {
    const field = `params.path.${name}`;
    const value = values[name];
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    const s = requireString(provider, field, value);
    if (s === '.' || s === '..') throw new InputError(provider, field, 'must not be "." or ".."');
  }
}
