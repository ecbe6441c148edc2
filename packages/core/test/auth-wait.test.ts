import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The wait for a credential (a token function, a token endpoint) is bounded by the call's budget
 * even when nothing else holds the call: a busy process collects garbage at any moment, and a
 * Request follows the signal it was given only through a WeakRef. Run in a child with garbage
 * collection every 10 ms, against the built package.
 */
describe('the wait for a credential under garbage collection', () => {
  it('a credential function that never returns ends with the call budget every time', () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const child = fileURLToPath(new URL('./fixtures/auth-wait-child.mjs', import.meta.url));
    const out = spawnSync(process.execPath, ['--expose-gc', child, entry], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(['timeout', 'timeout', 'timeout', 'timeout', 'timeout']);
  }, 70_000);
});
