import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MappingError, mapUser, providers } from '../src/index.js';

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
