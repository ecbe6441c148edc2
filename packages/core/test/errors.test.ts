import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiError, InputError } from '../src/errors.js';
import { Redactor } from '../src/redact.js';
import {
  requireBaseUrl,
  requireHeaderValue,
  requireInteger,
  requirePathParams,
  requireUuid,
} from '../src/validate.js';

const SECRET = 'sup3r-s3cret-T0KEN-value';

describe('ApiError redaction', () => {
  it('removes the secret from message, body, url, cause, JSON and inspect output', () => {
    const cause = new Error(`socket hang up while sending X-Auth-Token: ${SECRET}`);
    const err = new ApiError(
      {
        provider: 'p',
        operation: 'op',
        kind: 'http',
        status: 401,
        message: `denied for ${SECRET}`,
        url: `https://x.test/a?refresh_token=${encodeURIComponent(SECRET)}&x=1`,
        body: { echo: { token: SECRET }, list: [SECRET] },
        cause,
      },
      new Redactor(() => [SECRET]),
    );
    const surfaces = [
      err.message,
      String(err.stack),
      JSON.stringify(err),
      inspect(err, { depth: 10 }),
      String((err.cause as Error).message),
      err.url,
    ];
    for (const s of surfaces) expect(s).not.toContain(SECRET);
    expect(err.message).toContain('[REDACTED]');
    expect(err.url).toContain('refresh_token=[REDACTED]');
  });

  it('redacts bearer and basic credentials even when not registered', () => {
    const r = new Redactor();
    expect(r.text('Authorization: Bearer abcdefghijkl')).toBe('Authorization: Bearer [REDACTED]');
    // Ordinary prose is left alone.
    expect(r.text('Access Token expired; missing or invalid bearer token')).toBe(
      'Access Token expired; missing or invalid bearer token',
    );
  });
});

describe('validation', () => {
  it('refuses non-http(s) base URLs, embedded credentials and plain http to remote hosts', () => {
    expect(() => requireBaseUrl('p', 'ftp://x.test')).toThrow(InputError);
    expect(() => requireBaseUrl('p', 'javascript:alert(1)')).toThrow(InputError);
    expect(() => requireBaseUrl('p', 'https://u:p@x.test')).toThrow(/credentials/);
    expect(() => requireBaseUrl('p', 'http://example.org')).toThrow(/plain http/);
    expect(requireBaseUrl('p', 'http://example.org/', { allowInsecureHttp: true })).toBe(
      'http://example.org',
    );
    expect(requireBaseUrl('p', 'http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000');
    expect(requireBaseUrl('p', 'http://localhost:3000/rc')).toBe('http://localhost:3000/rc');
  });

  it('refuses missing, empty and dot-segment path parameters', () => {
    const t = '/v1/teams/{teamId}/members';
    expect(() => requirePathParams('p', t, { teamId: 'T1' })).not.toThrow();
    expect(() => requirePathParams('p', t, { teamId: 7 })).not.toThrow();
    expect(() => requirePathParams('p', t, { teamId: '../x' })).not.toThrow(); // encoded as ..%2Fx
    for (const bad of [undefined, null, '', ' ', '.', '..', Number.NaN, {}]) {
      expect(() => requirePathParams('p', t, { teamId: bad }), String(bad)).toThrow(InputError);
    }
    expect(() => requirePathParams('p', t, undefined)).toThrow(/params\.path\.teamId/);
  });

  it('refuses header injection, non-UUIDs and out-of-range integers', () => {
    expect(() => requireHeaderValue('p', 'teamid', 'a\r\nX-Evil: 1')).toThrow(/control characters/);
    expect(() => requireHeaderValue('p', 'token', '')).toThrow(/non-empty/);
    expect(() => requireUuid('p', 'tenantId', 'not-a-uuid')).toThrow(/UUID/);
    expect(requireUuid('p', 'tenantId', '3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBeTruthy();
    expect(() => requireInteger('p', 'count', -1, 0)).toThrow(InputError);
    expect(() => requireInteger('p', 'size', 1001, 1, 1000)).toThrow(/between 1 and 1000/);
    const err = (() => {
      try {
        requireInteger('p', 'count', 1.5, 0);
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(err?.field).toBe('count');
  });
});
