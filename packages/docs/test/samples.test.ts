import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { sampleFile, typecheckSamples } from '../scripts/typecheck-samples.mjs';

const site = resolve(dirname(fileURLToPath(import.meta.url)), '../site');
type Samples = Record<string, Record<string, { TypeScript: string; Shell?: string }>>;
interface Operation {
  method: string;
  path: string;
  operationId: string;
  iterator: string | null;
}
const samples = JSON.parse(await readFile(resolve(site, 'samples.json'), 'utf8')) as Samples;
const operations = JSON.parse(await readFile(resolve(site, 'operations.json'), 'utf8')) as Record<
  string,
  Operation[]
>;

describe('code samples', () => {
  it('every operation of every spec has a TypeScript and a curl sample of that very call', () => {
    expect(Object.keys(operations).length).toBeGreaterThanOrEqual(5);
    for (const [api, ops] of Object.entries(operations)) {
      expect(ops.length).toBeGreaterThan(0);
      for (const op of ops) {
        const s = samples[api]?.[op.operationId];
        expect(s, `${api} ${op.operationId}`).toBeDefined();
        expect(s?.TypeScript).toContain(`client.${op.method}('${op.path}'`);
        expect(s?.TypeScript).toMatch(/^import \{ create\w+Client \} from '@rosterkit\/\w+';/);
        expect(s?.Shell).toMatch(new RegExp(`^curl -X ${op.method} '`));
        // The iterator on the listings the client pages through, and only there.
        expect(/client\.iterate\w+\(\)/.test(s?.TypeScript ?? ''), `${api} ${op.operationId}`).toBe(
          op.iterator !== null,
        );
        if (op.iterator) expect(s?.TypeScript).toContain(`for await (const user of client.${op.iterator}())`);
      }
      expect(
        ops.some((o) => o.iterator === 'iterateUsers'),
        `${api}: iterateUsers() reads no operation`,
      ).toBe(true);
    }
  });

  it('every TypeScript sample compiles against the built packages', async () => {
    const { files, errors } = await typecheckSamples(samples);
    const count = Object.values(samples).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(files).toHaveLength(count);
    expect(errors).toEqual({});
  }, 120_000);

  it('the check fails a sample that no longer compiles (unknown option, wrong parameter type, missing body, path gone from the spec)', async () => {
    const all = Object.entries(samples).flatMap(([api, ops]) =>
      Object.entries(ops).map(([operationId, s]) => ({ api, operationId, ts: s.TypeScript })),
    );
    const numericQuery = /(query: \{\n(?:\s+\w+: .*\n)*?\s+\w+: )\d+,/;
    const objectBody = /body: \{[\s\S]*?\n {2}\},/;
    const q = all.find((s) => numericQuery.test(s.ts));
    const b = all.find((s) => objectBody.test(s.ts));
    const p = all.find((s) => /client\.(GET|POST|PUT|PATCH|DELETE)\('/.test(s.ts));
    expect(q && b && p).toBeTruthy();
    const broken = {
      x: {
        option: {
          TypeScript: p?.ts.replace(/const client = (\w+)\(\{\n/, 'const client = $1({\n  notAnOption: 1,\n'),
        },
        param: { TypeScript: q?.ts.replace(numericQuery, "$1'not-a-number',") },
        body: { TypeScript: b?.ts.replace(objectBody, 'body: {},') },
        path: { TypeScript: p?.ts.replace(/(client\.\w+\('[^']+)'/, "$1-gone'") },
        fine: { TypeScript: p?.ts },
      },
    };
    for (const [k, v] of Object.entries(broken.x)) if (k !== 'fine') expect(v.TypeScript).not.toBe(p?.ts);
    const { errors } = await typecheckSamples(broken);
    expect(Object.keys(errors).sort()).toEqual(
      ['body', 'option', 'param', 'path'].map((k) => sampleFile('x', k)).sort(),
    );
  }, 120_000);
});
