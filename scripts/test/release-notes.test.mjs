// Release notes are checked for development-diary wording before a release.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { root } from '../packages.mjs';
import { diaryWords } from '../release-notes.mjs';

test('diary wording is flagged', () => {
  assert.deepEqual(
    diaryWords(
      'A parsed JSON response no longer builds a body stream; the size budget moves from 5,100 to 5,800.',
    ),
    ['no longer', 'size budget', 'budget'],
  );
  assert.deepEqual(diaryWords('Pages are now read once (before, twice).'), ['now', 'before,']);
});

test("a package's description is not flagged", () => {
  assert.deepEqual(diaryWords('Known users are listed once; `iterateUsers()` stops when you break.'), []);
  // Neither are the first-release entries.
  const dir = join(root, '.changeset');
  for (const f of readdirSync(dir).filter((f) => f.startsWith('first-release-')))
    assert.deepEqual(diaryWords(readFileSync(join(dir, f), 'utf8')), [], f);
});
