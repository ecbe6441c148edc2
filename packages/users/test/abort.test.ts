import { ApiError } from '@rosterkit/core';
import { type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListUsersError, listUsers, type ProviderId } from '../src/index.js';
import { clientFor } from './sources.js';

/** An aborted listing throws the documented ListUsersError (kind `aborted` per provider), not a raw AbortError. */
const PROVIDERS: ProviderId[] = ['thena', 'imichat', 'rocketchat', 'blynk', 'rezolve'];
let box: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ users: 300, seed: 3, latencyMs: 5 });
});
afterAll(() => box.close());

describe('aborting listUsers', () => {
  it('mid-listing: ListUsersError naming every unfinished provider as aborted; nothing after the abort', async () => {
    const controller = new AbortController();
    let afterAbort = 0;
    let error: unknown;
    try {
      for await (const _ of listUsers(
        PROVIDERS.map((p) => clientFor(box, p)),
        { signal: controller.signal },
      )) {
        if (controller.signal.aborted) afterAbort++;
        else controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ListUsersError);
    const failures = (error as ListUsersError).failures;
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.error).toBeInstanceOf(ApiError);
      expect(f.error).toMatchObject({ kind: 'aborted' });
    }
    expect(afterAbort).toBe(0);
  });

  it('an already aborted signal: ListUsersError for every provider, no request', async () => {
    const run = listUsers(
      PROVIDERS.map((p) => clientFor(box, p)),
      { signal: AbortSignal.abort() },
    );
    const error = await run.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListUsersError);
    expect((error as ListUsersError).failures.map((f) => f.provider).sort()).toEqual([...PROVIDERS].sort());
  });
});
