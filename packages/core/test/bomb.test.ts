import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { constants, createBrotliCompress, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedServer } from './server.js';

/**
 * Compression bombs: 1 GiB of zeros as a 1 MiB gzip body and a brotli body of a few hundred bytes,
 * each with a Content-Length (of the compressed bytes). The cap applies to decoded bytes while they
 * stream in, so the reader stops at the cap; a child process with its own memory reports its peak.
 */
const GIB = 1024 * 1024 * 1024;
const child = fileURLToPath(new URL('./fixtures/bomb-child.mjs', import.meta.url));
let srv: Awaited<ReturnType<typeof scriptedServer>>;
const bodies: Record<string, Buffer> = {};

async function brotliOfZeros(total: number): Promise<Buffer> {
  const zeros = Buffer.alloc(16 * 1024 * 1024);
  const stream = createBrotliCompress({
    params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_LGWIN]: 24 },
  });
  const out: Buffer[] = [];
  stream.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => stream.on('end', r));
  for (let n = 0; n < total; n += zeros.length) {
    if (!stream.write(zeros)) await new Promise((r) => stream.once('drain', r));
  }
  stream.end();
  await done;
  return Buffer.concat(out);
}

beforeAll(async () => {
  // gzip: 16 members of 64 MiB of zeros each (a gzip stream may hold several members).
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  bodies['gzip'] = Buffer.concat(Array.from({ length: GIB / (64 * 1024 * 1024) }, () => member));
  bodies['br'] = await brotliOfZeros(GIB);
  srv = await scriptedServer((req, res) => {
    const encoding = (req.url ?? '').slice(1);
    const body = bodies[encoding] as Buffer;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': encoding,
      'content-length': String(body.length),
    });
    res.end(body);
  });
}, 60_000);
afterAll(() => srv?.close());

describe('compression bombs', () => {
  for (const encoding of ['gzip', 'br']) {
    it(`a ${encoding} body of 1 GiB of zeros fails too-large at the cap, in bounded memory`, async () => {
      expect((bodies[encoding] as Buffer).length).toBeLessThan(2 * 1024 * 1024);
      const { stdout } = await promisify(execFile)(process.execPath, [child, `${srv.url}/${encoding}`], {
        timeout: 120_000,
      }).catch((e: { stdout?: string; stderr?: string; code?: unknown }) => {
        throw new Error(`child failed (${String(e.code)}): ${e.stderr ?? ''}`);
      });
      const outcome = JSON.parse(stdout) as { ok: boolean; kind?: string; maxRssMiB: number };
      expect(outcome).toMatchObject({ ok: false, kind: 'too-large' });
      // A reader that inflated the whole body would hold 1 GiB; the capped one holds ~4 MiB more
      // than an idle Node process.
      expect(outcome.maxRssMiB).toBeLessThan(256);
    }, 130_000);
  }
});
