import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1 whose answers a test scripts request by request. */
export async function scriptedServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void,
): Promise<{
  url: string;
  calls: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}> {
  const calls: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      handler(req, res, calls.length, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A server that sends headers, then one byte every 20 ms until it is closed (never idle, never done). */
export async function tricklingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const timers: NodeJS.Timeout[] = [];
  const srv = await scriptedServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    timers.push(setInterval(() => res.write(' '), 20));
  });
  return {
    url: srv.url,
    close: async () => {
      for (const t of timers) clearInterval(t);
      await srv.close();
    },
  };
}
