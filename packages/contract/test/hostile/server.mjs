// A programmable hostile server on 127.0.0.1 for the hostile suite. It stands in front of the
// sandbox (same paths, its own origin): by default it forwards every request, and a program
// decides per request what to do instead — rewrite the request (ignore paging), rewrite the
// answer (totals, nulls, prototype keys, huge ids), or answer itself, byte by byte (endless and
// trickling bodies, compression bombs, refusals, redirects). Plain JavaScript so a child process
// runs it with no loader.
import { createServer } from 'node:http';

/**
 * @typedef {{ status: number, headers: Record<string, string>, body: Buffer }} Upstream
 * @typedef {{
 *   req: import('node:http').IncomingMessage,
 *   res: import('node:http').ServerResponse,
 *   url: URL,
 *   body: Buffer,
 *   provider: string,
 *   forward(url?: URL): Promise<Upstream>,
 *   send(status: number, headers: Record<string, string>, body: string | Buffer): void,
 * }} Exchange
 * @typedef {(x: Exchange) => Promise<boolean | void> | boolean | void} Program  returns true when it answered
 */

/**
 * @param {{ origin: string, providers: Record<string, { baseUrl: string, credentials: Record<string, string> }> }} sandbox
 * @param {Program} program
 */
export async function startHostile(sandbox, program) {
  /** Requests seen, by provider. */
  const requests = {};
  /** Every header the server received (to check where credentials went). */
  const received = [];
  const sockets = new Set();
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://hostile');
    const provider = url.pathname.split('/')[1] ?? '';
    requests[provider] = (requests[provider] ?? 0) + 1;
    received.push({ path: url.pathname, headers: { ...req.headers } });
    /** @type {Exchange} */
    const x = {
      req,
      res,
      url,
      body,
      provider,
      async forward(to = url) {
        const headers = { ...req.headers };
        delete headers.host;
        delete headers['content-length'];
        delete headers['accept-encoding'];
        const r = await fetch(`${sandbox.origin}${to.pathname}${to.search}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
          redirect: 'manual',
        });
        const out = {};
        r.headers.forEach((v, k) => {
          if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
        });
        return { status: r.status, headers: out, body: Buffer.from(await r.arrayBuffer()) };
      },
      send(status, headers, payload) {
        const b = typeof payload === 'string' ? Buffer.from(payload) : payload;
        res.writeHead(status, { ...headers, 'content-length': String(b.length) });
        res.end(b);
      },
    };
    try {
      if (await program(x)) return;
      const up = await x.forward();
      x.send(up.status, up.headers, up.body);
    } catch (error) {
      if (!res.headersSent) x.send(599, { 'content-type': 'text/plain' }, `hostile server: ${error}`);
      else res.destroy();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://127.0.0.1:${port}`;
  const providers = Object.fromEntries(
    Object.entries(sandbox.providers).map(([id, info]) => [
      id,
      { ...info, baseUrl: info.baseUrl.replace(sandbox.origin, origin) },
    ]),
  );
  return {
    origin,
    providers,
    requests,
    received,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
