import { describe, expect, it } from 'vitest';
import { mapUser, providers } from '../src/index.js';

/** Every name Object.prototype answers to, plus the keys that reach it. */
const PROTO_KEYS = [
  ...Object.getOwnPropertyNames(Object.prototype),
  '__proto__',
  'prototype',
  'CONSTRUCTOR',
  'Constructor',
];

/** Every value reachable in a mapped user (not `raw`, which is the provider's record as sent). */
function* values(value: unknown, path = 'user'): Generator<[string, unknown]> {
  yield [path, value];
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'raw') yield* values(v, `${path}.${k}`);
  }
}

describe('no lookup table of the mappers is reachable through prototype keys', () => {
  for (const provider of providers) {
    it(`${provider}: every text field set to a prototype key maps to plain data`, () => {
      for (const key of PROTO_KEYS) {
        // Each field the mappers read, as text, as upper/lower case variants.
        const raw: Record<string, unknown> = { id: 1, _id: 'u1' };
        for (const field of [
          'status',
          'name',
          'email',
          'email_id',
          'userType',
          'role_type',
          'type',
          'tz',
          'timezone',
          'locale',
          'language',
          'username',
          'login_id',
          'first_name',
          'last_name',
          'firstName',
          'lastName',
          'title',
          'job_description',
        ])
          raw[field] = key;
        const user = mapUser(provider, raw as never);
        for (const [path, v] of values(user)) {
          expect(typeof v, `${provider} ${key} ${path}`).not.toBe('function');
        }
        expect(['active', 'inactive', 'invited', 'unknown']).toContain(user.status);
        expect(user.status, `${provider} status ${key}`).toBe('unknown');
      }
    });
  }

  it('blynk: status "constructor" is unknown, not the Object function', () => {
    expect(mapUser('blynk', { id: 1, status: 'constructor' } as never).status).toBe('unknown');
  });

  it('mapUser with a provider named after a prototype key is refused', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => mapUser(key as never, { id: 1 } as never), key).toThrow(/unknown provider/);
    }
  });
});
