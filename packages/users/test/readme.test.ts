import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

it('the README lifecycle example runs against the sandbox and prints what it says', async () => {
  const readme = await readFile(here('../README.md'), 'utf8');
  const block = /<!-- lifecycle-example[^>]*-->\n```js\n([\s\S]*?)\n```/.exec(readme)?.[1];
  expect(block).toBeTruthy();
  // Inside the package, so the imports resolve like a consumer's would.
  const file = here(`../readme-example-${process.pid}.tmp.mjs`);
  await writeFile(file, block as string);
  try {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [file], { timeout: 60_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      ),
    );
    const lines = stdout.split('\n');
    expect(lines.filter((l) => /^(api|manual) /.test(l))).toHaveLength(4);
    expect(lines).toContain('3 write(s): 3 done, 1 manual');
    expect(lines).toContain('nothing changed: 3 already, 1 manual');
  } finally {
    await rm(file, { force: true });
  }
});
