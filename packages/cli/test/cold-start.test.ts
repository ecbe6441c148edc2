import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/**
 * `roster --help` should do no work it does not print. These count what a process did by wrapping
 * the constructors before the CLI loads (speed itself is measured in bench/, section 8).
 */
describe('roster --help does no work it does not print', () => {
  // Wraps Intl.Segmenter so the child reports how many it made on exit.
  const counting = `data:text/javascript,${encodeURIComponent(`
const Original = Intl.Segmenter;
let made = 0;
Intl.Segmenter = class extends Original { constructor(...a) { super(...a); made++; } };
process.on('exit', () => process._rawDebug('SEGMENTERS ' + made));`)}`;
  const segmenters = (args: string[]) => {
    const out = spawnSync(process.execPath, ['--import', counting, BIN, ...args], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    return Number(/SEGMENTERS (\d+)/.exec(out.stderr)?.[1]);
  };

  it('makes no grapheme segmenter (building one loads ICU data: ~10 ms)', () => {
    expect(segmenters(['--help'])).toBe(0);
    expect(segmenters(['users', '--help'])).toBe(0);
  });
});
