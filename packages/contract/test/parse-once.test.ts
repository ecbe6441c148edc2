import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Sandbox, SandboxProviderId, Wire } from '@rosterkit/sandbox';
import { WIRES } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerIds } from './generated/providers.js';
import { sandboxSource } from './sources.js';

/**
 * Every JSON body is parsed exactly once per request, however the server frames it: with a
 * Content-Length, chunked (no length: proxies, streaming servers) or gzip-compressed and chunked
 * (compression middleware). The sandbox runs in a child process, so every JSON.parse counted here
 * is the client's.
 */
const USERS = 1_200;
const PROVIDERS: readonly SandboxProviderId[] = providerIds; // every provider in the registry
const children: { kill(): void }[] = [];
const boxes = new Map<Wire, Pick<Sandbox<SandboxProviderId>, 'providers'>>();

async function childSandbox(wire: Wire): Promise<Pick<Sandbox<SandboxProviderId>, 'providers'>> {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL('./wire-sandbox.mjs', import.meta.url)), String(USERS), wire],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  let out = '';
  const providers = await new Promise<Sandbox<SandboxProviderId>['providers']>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sandbox child exited with ${code}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('\n')) resolve(JSON.parse(out));
    });
  });
  return { providers };
}

beforeAll(async () => {
  for (const wire of WIRES) boxes.set(wire, await childSandbox(wire));
});
afterAll(() => {
  for (const child of children) child.kill();
});

/** Counts JSON.parse calls in this process while `run` runs. */
async function countingParses<T>(run: () => Promise<T>): Promise<{ result: T; parses: number }> {
  const parse = JSON.parse;
  let parses = 0;
  JSON.parse = function countedParse(this: unknown, ...args: Parameters<typeof parse>) {
    parses++;
    return parse.apply(this, args);
  };
  try {
    return { result: await run(), parses };
  } finally {
    JSON.parse = parse;
  }
}

describe.each(WIRES)('one JSON parse per request, %s answers', (wire) => {
  it.each(PROVIDERS)('%s: a whole listing', async (id) => {
    const box = boxes.get(wire) as Pick<Sandbox<SandboxProviderId>, 'providers'>;
    const seen: { encoding: string | null; length: string | null }[] = [];
    const counted = async (req: Request): Promise<Response> => {
      const res = await fetch(req);
      seen.push({ encoding: res.headers.get('content-encoding'), length: res.headers.get('content-length') });
      return res;
    };
    const source = sandboxSource(box as Sandbox<SandboxProviderId>, id, { fetch: counted, retry: false });
    // undici parses its own options (JSON) once when it opens a pool for a new origin: not ours.
    await (await fetch(new URL(box.providers[id].baseUrl).origin)).arrayBuffer();
    const { result: users, parses } = await countingParses(async () => {
      let n = 0;
      for await (const _ of source.iterateUsers()) n++;
      return n;
    });
    // Every seeded user (Rocket.Chat's sandbox also lists its callers and rocket.cat).
    expect(users).toBeGreaterThanOrEqual(USERS);
    // The wire really had the shape under test (fetch keeps the compressed length header, if any).
    for (const s of seen) {
      if (wire === 'content-length') expect(s.length).not.toBeNull();
      else expect(s.length).toBeNull();
      expect(s.encoding).toBe(wire === 'gzip' ? 'gzip' : null);
    }
    expect({ requests: seen.length, parses }).toEqual({ requests: seen.length, parses: seen.length });
  });
});
