import { type Sandbox, type SandboxProviderId, sandboxModules, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldSources, providers, USER_FIELD_DOCS, USER_FIELDS } from '../src/index.js';
import { sourcesFor } from './sources.js';

let box: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ users: 60, seed: 5 });
});
afterAll(() => box.close());

describe('the field-mapping table (docs) matches the mappers', () => {
  it('documents every field of the common User', () => {
    expect(Object.keys(USER_FIELD_DOCS).sort()).toEqual([...USER_FIELDS].sort());
  });

  it('covers every provider the sandbox emulates', () => {
    expect([...providers].sort()).toEqual(Object.keys(sandboxModules).sort());
    // The exported list is the registry's, in its order: reading it must not reorder it for others.
    expect(providers).toEqual(Object.keys(sandboxModules));
  });

  for (const provider of providers) {
    it(`${provider}: fields marked unavailable are never set, fields with a source are set for someone`, async () => {
      const seen = new Set<string>();
      for await (const user of sourcesFor(box, provider)) {
        for (const [k, v] of Object.entries(user)) {
          if (v !== undefined && !(Array.isArray(v) && v.length === 0)) seen.add(k);
        }
      }
      for (const [field, source] of Object.entries(fieldSources[provider])) {
        if (source === null)
          expect(seen.has(field), `${provider}.${field} is set but documented as unavailable`).toBe(false);
        // Sources the sandbox cannot show (e.g. "only on the caller's own record") are exempt.
        else if (!source.includes('only')) {
          expect(seen.has(field), `${provider}.${field} is documented (${source}) but never set`).toBe(true);
        }
      }
    });
  }
});
