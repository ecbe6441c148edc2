import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MappingError, mapUser, providers } from '../src/index.js';
import { isoFromEpochMs, isoFromString, isoFromUtcString } from '../src/map-helpers.js';

/** Arbitrary JSON, plus records that look like the provider's (id present, random extra fields). */
const json = fc.jsonValue({ maxDepth: 4 });
const idFields: Record<string, string> = { rocketchat: '_id' };

describe('mapUser is total on arbitrary JSON', () => {
  for (const provider of providers) {
    const idField = idFields[provider] ?? 'id';
    const recordLike = fc
      .tuple(
        fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 12 }),
        fc.oneof(fc.string({ minLength: 1 }), fc.integer()),
      )
      .map(([fields, id]) => ({ ...fields, [idField]: id }));

    it(`${provider}: returns a User or throws MappingError, never anything else`, () => {
      fc.assert(
        fc.property(fc.oneof(json, recordLike), (raw) => {
          try {
            const user = mapUser(provider, raw as never);
            expect(user.id).toBe(`${provider}:${user.remoteId}`);
            expect(typeof user.displayName).toBe('string');
            expect(user.displayName.length).toBeGreaterThan(0);
            expect(['active', 'inactive', 'invited', 'unknown']).toContain(user.status);
            expect(Array.isArray(user.emails) && Array.isArray(user.roles) && Array.isArray(user.teams)).toBe(
              true,
            );
            for (const k of ['createdAt', 'updatedAt', 'lastLoginAt'] as const) {
              if (user[k] !== undefined) expect(new Date(user[k] as string).toISOString()).toBe(user[k]);
            }
            expect(user.raw).toBe(raw);
          } catch (error) {
            expect(error).toBeInstanceOf(MappingError);
            expect((error as MappingError).provider).toBe(provider);
          }
        }),
        { numRuns: 500 },
      );
    });

    it(`${provider}: a record with a usable id always maps`, () => {
      fc.assert(
        fc.property(recordLike, (raw) => {
          const id = raw[idField];
          fc.pre(typeof id === 'number' || (typeof id === 'string' && id.trim() !== ''));
          expect(mapUser(provider, raw as never).remoteId).toBe(String(id));
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('isoFromString (the fast path) agrees with Date.parse', () => {
  const reference = (s: string) => {
    const t = Date.parse(s.trim());
    return s.trim() === '' || Number.isNaN(t) ? undefined : new Date(t).toISOString();
  };
  const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
  const zoned = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      two(13),
      two(32),
      two(24),
      two(60),
      fc.option(two(60)),
      fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
      fc.constantFrom('Z', '+00:00', '-00:00', '+05:30', '-08:00', '+14:00', '+24:00', '-03:75'),
    )
    .map(
      ([y, mo, d, h, mi, s, f, z]) =>
        `${y}-${mo}-${d}T${h}:${mi}${s === null ? '' : `:${s}${f === null ? '' : `.${f}`}`}${z}`,
    );

  it('on zoned ISO strings, in range or not', () => {
    fc.assert(
      fc.property(zoned, (s) => {
        expect(isoFromString(s)).toBe(reference(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('isoFromUtcString: a missing zone means UTC, a space may stand for the T', () => {
    const utcReference = (s: string) => {
      const t = s.trim();
      const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t);
      return reference(zoneless ? `${t.replace(' ', 'T')}Z` : t);
    };
    const variants = zoned.chain((z) =>
      fc.constantFrom(
        z,
        z.replace('T', ' '),
        z.replace(/(Z|[+-]\d{2}:\d{2})$/, ''),
        z.replace('T', ' ').replace(/(Z|[+-]\d{2}:\d{2})$/, ''),
      ),
    );
    fc.assert(
      fc.property(fc.oneof(variants, fc.string()), (s) => {
        expect(isoFromUtcString(s)).toBe(utcReference(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(isoFromString(s)).toBe(reference(s));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('isoFromEpochMs (integer arithmetic) agrees with toISOString', () => {
  it('on any time value', () => {
    const value = fc.oneof(
      fc.integer({ min: 1, max: 253_402_300_800_000 + 10 }),
      fc.double({ min: -1, max: 8.64e15 + 1, noNaN: true }),
      fc.constantFrom(1, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999),
    );
    fc.assert(
      fc.property(value, (n) => {
        expect(isoFromEpochMs(n)).toBe(n <= 0 || n > 8.64e15 ? undefined : new Date(n).toISOString());
      }),
      { numRuns: 50_000 },
    );
  });
});
