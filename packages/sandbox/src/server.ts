import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type CorsOptions, corsFor } from './cors.js';
import { sendDamaged } from './damage.js';
import { FaultInjector, type FaultKind, type FaultOptions } from './faults.js';
import type { RateLimitOptions, SandboxRequest, SandboxResponse } from './http.js';
import type { ModuleFactory, SandboxModule } from './module.js';

export interface SandboxOptions<Id extends string = string> {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Seeded users per provider (a number for all, or per provider). Default 25. */
  users?: number | Partial<Record<Id, number>>;
  /** Seed for every generated value. Default 1. */
  seed?: number;
  /** Providers to mount. Default: all. */
  providers?: readonly Id[];
  /** Delay before every response, ms. */
  latencyMs?: number;
  /** Rate limiting of non-privileged callers, in each provider's own style. Off by default. */
  rateLimit?: RateLimitOptions;
  /** Fault injection for every provider: a share of requests fails in one of the FAULT_KINDS. */
  faults?: FaultOptions;
  /** Per-provider fault settings, overriding `faults` (`false`: none for that provider). */
  providerFaults?: Partial<Record<Id, FaultOptions | false>>;
  /**
   * How bodies go on the wire: `content-length` (default: the whole body with its length),
   * `chunked` (no Content-Length, `Transfer-Encoding: chunked`, as streaming servers and proxies
   * send), or `gzip` (compressed and chunked, as compression middleware sends it, when the request
   * accepts gzip; chunked otherwise).
   */
  wire?: Wire;
  /** Provider-specific switches, e.g. `{ rocketchat: { legacy401: true } }`. */
  moduleOptions?: Partial<Record<Id, Record<string, unknown>>>;
  /**
   * Browser access (CORS): preflights answered, `Access-Control-Allow-Origin` on every answer to
   * an allowed origin. Default: loopback origins only; `false` turns CORS off (browsers then refuse
   * every cross-origin call, which is how a misconfigured server looks to browser code).
   */
  cors?: CorsOptions | false;
}

export interface SandboxProviderInfo {
  /** Base URL to hand to the provider's client. */
  baseUrl: string;
  /** Sandbox credentials (not secrets). */
  credentials: Readonly<Record<string, string>>;
}

export interface Sandbox<Id extends string = string> {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  readonly providers: Readonly<Record<Id, SandboxProviderInfo>>;
  /** The live module of a provider (state inspection in tests). */
  module(id: Id): SandboxModule;
  /** Requests served so far, per provider. */
  readonly requests: Readonly<Record<string, number>>;
  /** Faults injected so far, per provider and kind. */
  readonly faults: Readonly<Record<string, Readonly<Partial<Record<FaultKind, number>>>>>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

/** Ways the sandbox can frame a response body. */
export const WIRES = ['content-length', 'chunked', 'gzip'] as const;
export type Wire = (typeof WIRES)[number];

/**
 * Serves `factories` on 127.0.0.1. `peopleWindows` fixes which window of the shared people each
 * provider seeds from (by id; default: a stable hash of the id), so the set of mounted providers
 * never changes who is who.
 */
export async function serve<Id extends string>(
  factories: Record<Id, ModuleFactory>,
  options: SandboxOptions<Id> = {},
  peopleWindows: Partial<Record<Id, number>> = {},
): Promise<Sandbox<Id>> {
  const seed = options.seed ?? 1;
  const wire = options.wire ?? 'content-length';
  if (!WIRES.includes(wire))
    throw new Error(`unknown sandbox wire: ${String(wire)} (one of ${WIRES.join(', ')})`);
  const ids = options.providers ?? (Object.keys(factories) as Id[]);
  const modules = new Map<string, SandboxModule>();
  const requests: Record<string, number> = {};
  const injectors = new Map<string, FaultInjector>();
  for (const id of ids) {
    const factory = factories[id];
    if (!factory) throw new Error(`unknown sandbox provider: ${id}`);
    const users = typeof options.users === 'number' ? options.users : (options.users?.[id] ?? 25);
    modules.set(
      id,
      factory({
        ...options.moduleOptions?.[id],
        users,
        seed,
        providerIndex: peopleWindows[id] ?? peopleWindowOf(id),
        rateLimit: options.rateLimit,
      }),
    );
    requests[id] = 0;
    const faults = options.providerFaults?.[id] ?? options.faults;
    const mod = modules.get(id) as SandboxModule;
    if (faults && faults.rate > 0) injectors.set(id, new FaultInjector(id, faults, seed, mod.faultResponses));
  }

  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    void dispatch(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        send(req, res, { status: 500, body: { error: `sandbox failure: ${String(error)}` } });
      } else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const [, id = '', ...rest] = url.pathname.split('/');
    const mod = modules.get(id);
    const raw = await readBody(req);
    const cors = corsFor(options.cors, req.method ?? 'GET', req.headers);
    if (cors.kind === 'preflight') return write(req, res, 204, cors.headers);
    if (cors.kind === 'refused') return write(req, res, 403, {});
    const corsHeaders = cors.kind === 'simple' ? cors.headers : undefined;
    if (!mod)
      return send(req, res, { status: 404, body: { error: `no sandbox provider at /${id}` } }, corsHeaders);
    requests[id] = (requests[id] ?? 0) + 1;
    let path = `/${rest.join('/')}`;
    if (mod.basePath) {
      if (!path.startsWith(mod.basePath))
        return send(req, res, { status: 404, body: { error: 'not found' } }, corsHeaders);
      path = path.slice(mod.basePath.length) || '/';
    }
    let body: unknown;
    let invalidJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        invalidJson = true;
      }
    }
    const request: SandboxRequest = {
      method: req.method ?? 'GET',
      path, // still percent-encoded: modules match segments, then decode path parameters
      query: url.searchParams,
      headers: req.headers,
      body,
      invalidJson,
      rawBody: raw,
      origin,
    };
    const fault = injectors.get(id)?.next(request);
    const response = fault && 'replace' in fault ? fault.replace : await mod.handle(request);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const { status, headers, payload } = serialise(response);
    if (corsHeaders) Object.assign(headers, corsHeaders);
    if (fault && !('replace' in fault) && payload !== undefined) {
      const slowMs = injectors.get(id)?.slowMs ?? 0;
      return sendDamaged(res, fault.kind, status, headers, payload, slowMs);
    }
    write(req, res, status, headers, payload);
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    response: SandboxResponse,
    extra?: Record<string, string>,
  ): void {
    const { status, headers, payload } = serialise(response);
    write(req, res, status, extra ? Object.assign(headers, extra) : headers, payload);
  }

  function write(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    payload?: string,
  ): void {
    if (payload === undefined || wire === 'content-length') {
      if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
      res.writeHead(status, headers);
      res.end(payload);
      return;
    }
    // No Content-Length: Node frames the body as chunks (written in two, as a streaming server would).
    let bytes = Buffer.from(payload);
    if (wire === 'gzip' && acceptsGzip(req)) {
      bytes = gzipSync(bytes);
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    }
    res.writeHead(status, headers);
    const half = bytes.length >> 1;
    if (half > 0) res.write(bytes.subarray(0, half));
    res.end(bytes.subarray(half));
  }

  return {
    origin,
    port,
    providers: Object.fromEntries(
      [...modules].map(([id, m]) => [
        id,
        { baseUrl: `${origin}/${id}${m.basePath}`, credentials: m.credentials },
      ]),
    ) as Record<Id, SandboxProviderInfo>,
    module(id: Id) {
      const m = modules.get(id);
      if (!m) throw new Error(`provider not mounted: ${id}`);
      return m;
    },
    requests,
    faults: Object.fromEntries([...injectors].map(([id, f]) => [id, f.injected])),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A provider's default people window: a stable hash of its id, 0–6. */
export function peopleWindowOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 7;
}

function serialise(response: SandboxResponse): {
  status: number;
  headers: Record<string, string>;
  payload: string | undefined;
} {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.text !== undefined) payload = response.text;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  const empty = response.status === 204 || response.status === 304;
  return { status: response.status, headers, payload: empty ? undefined : payload };
}

/** Whether the request's Accept-Encoding allows gzip (a `q=0` refuses it). */
function acceptsGzip(req: IncomingMessage): boolean {
  const accept = req.headers['accept-encoding'];
  if (typeof accept !== 'string') return false;
  return accept.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
