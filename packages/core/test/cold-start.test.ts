import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Loading @rosterkit/core must not load Node's fetch implementation (undici): that is about 25 ms
 * of every cold start, paid by programs that import a client and may never send a request (a CLI
 * printing --help). Whatever needs Response or fetch makes it on first use.
 */
describe('cold start', () => {
  it('importing the package does not load fetch', () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const out = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(entry)});
         console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici|webstreams\\/readablestream/.test(m))));`,
      ],
      { encoding: 'utf8' },
    );
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([]);
  });
});
