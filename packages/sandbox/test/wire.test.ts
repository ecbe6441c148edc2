import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type SandboxProviderId, startSandbox, WIRES, type Wire } from '../src/index.js';

/** One raw HTTP/1.1 exchange, so the framing on the wire is visible (fetch hides it). */
function raw(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const boxes = new Map<Wire, Sandbox<SandboxProviderId>>();
beforeAll(async () => {
  for (const wire of WIRES)
    boxes.set(wire, await startSandbox({ providers: ['rocketchat'], users: 120, wire }));
});
afterAll(async () => {
  for (const box of boxes.values()) await box.close();
});

const page = (wire: Wire, query = '?count=100') => {
  const box = boxes.get(wire) as Sandbox<SandboxProviderId>;
  const c = box.providers.rocketchat.credentials;
  return {
    url: `${box.providers.rocketchat.baseUrl}/api/v1/users.list${query}`,
    auth: { 'x-user-id': c['userId'] ?? '', 'x-auth-token': c['authToken'] ?? '' },
  };
};

describe('sandbox wire shapes', () => {
  it('content-length (default): the whole body with its length', async () => {
    const { url, auth } = page('content-length');
    const res = await raw(url, { ...auth, 'accept-encoding': 'gzip' });
    expect(res.headers['content-length']).toBe(String(res.body.length));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('chunked: no Content-Length, Transfer-Encoding chunked, the same JSON', async () => {
    const { url, auth } = page('chunked');
    const res = await raw(url, auth);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const reference = await raw(page('content-length').url, auth);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual(JSON.parse(reference.body.toString('utf8')));
  });

  it('gzip: compressed and chunked when the request accepts gzip, plain chunked when it does not', async () => {
    const { url, auth } = page('gzip');
    const zipped = await raw(url, { ...auth, 'accept-encoding': 'br, gzip;q=0.8' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-length']).toBeUndefined();
    expect(zipped.headers['transfer-encoding']).toBe('chunked');
    const reference = await raw(page('content-length').url, auth);
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(
      JSON.parse(reference.body.toString('utf8')),
    );
    for (const refuse of [undefined, 'identity', 'gzip;q=0']) {
      const plain = await raw(url, refuse ? { ...auth, 'accept-encoding': refuse } : auth);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['transfer-encoding']).toBe('chunked');
      expect(JSON.parse(plain.body.toString('utf8'))).toMatchObject({ count: 100 });
    }
  });

  it('error bodies use the same framing', async () => {
    const { url } = page('gzip');
    const res = await raw(url, { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(401);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.body).toString('utf8'))).toBeTypeOf('object');
  });

  it('fetch reads every shape as the same JSON', async () => {
    const bodies = await Promise.all(
      WIRES.map(async (wire) => {
        const { url, auth } = page(wire, '?count=7&offset=3');
        return (await fetch(url, { headers: auth })).json();
      }),
    );
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('refuses an unknown wire', async () => {
    await expect(startSandbox({ wire: 'brotli' as Wire })).rejects.toThrow(/unknown sandbox wire: brotli/);
  });
});
