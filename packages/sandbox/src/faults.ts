import type { SandboxRequest, SandboxResponse } from './http.js';
import { hashSeed, Rng } from './random.js';

/** What can go wrong between a client and a provider, as the sandbox injects it. */
export const FAULT_KINDS = [
  /** A burst of 1–4 consecutive 429s with the provider's own rate-limit headers and body. */
  'rate-limit',
  'status-500',
  'status-502',
  'status-503',
  'status-504',
  /** Headers and half the body, then the connection is destroyed. */
  'reset',
  /** The response starts `slowMs` late. */
  'slow-first-byte',
  /** The body arrives in four pieces, `slowMs / 4` apart. */
  'slow-body',
  /** A complete HTTP response whose JSON body is cut in half. */
  'truncated-json',
  /** The right JSON body labelled `text/plain`. */
  'wrong-content-type',
  /** A 502 HTML page from a misconfigured gateway that echoes the request, credentials included. */
  'html-error',
  /** A 200 whose body is the provider's error envelope. */
  'error-envelope',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Share of requests that fail, 0–1. */
  rate: number;
  /** Seed of the fault sequence (default: the sandbox seed). */
  seed?: number;
  /** Kinds to draw from (default: all). */
  kinds?: readonly FaultKind[];
  /** Delay of the slow kinds, ms. Default 40. */
  slowMs?: number;
  /** Only requests with these HTTP methods may fail (e.g. `['POST', 'DELETE']`: faults during writes). Default: all. */
  methods?: readonly string[];
}

/** The provider's own answers that fault injection reuses. */
export interface FaultResponses {
  /** The provider's 429, announcing a reset at `resetAt` (epoch ms) in its own header style. */
  rateLimited(resetAt: number): SandboxResponse;
  /** The provider's error body for a server failure with this status. */
  serverError(status: number): SandboxResponse;
}

/** A fault drawn for one request: either a replacement response, or damage to the real one. */
export type Fault =
  | { kind: FaultKind; replace: SandboxResponse }
  | { kind: 'reset' | 'slow-first-byte' | 'slow-body' | 'truncated-json' | 'wrong-content-type' };

/** A gateway's 502 page with a debug dump of the request: the hostile case for credential hygiene. */
function gatewayPage(req: SandboxRequest): string {
  const dump = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join('\n');
  const query = req.query.size ? `?${req.query}` : '';
  return `<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<pre>${req.method} ${req.path}${query}\n${dump}</pre>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}

/** Draws faults for one provider, reproducibly from a seed, and counts what it injected. */
export class FaultInjector {
  readonly #rng: Rng;
  readonly #kinds: readonly FaultKind[];
  readonly #methods: ReadonlySet<string> | undefined;
  #storm = 0;
  /** Faults injected so far, by kind. */
  readonly injected: Partial<Record<FaultKind, number>> = {};

  constructor(
    provider: string,
    readonly options: FaultOptions,
    defaultSeed: number,
    readonly responses: FaultResponses,
  ) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError('fault rate must be between 0 and 1');
    this.#rng = new Rng(hashSeed(options.seed ?? defaultSeed, `faults:${provider}`));
    this.#kinds = options.kinds?.length ? options.kinds : FAULT_KINDS;
    this.#methods = options.methods?.length
      ? new Set(options.methods.map((m) => m.toUpperCase()))
      : undefined;
    for (const k of this.#kinds)
      if (!FAULT_KINDS.includes(k)) throw new RangeError(`unknown fault kind: ${k}`);
  }

  get slowMs(): number {
    return this.options.slowMs ?? 40;
  }

  /** The fault for the next request, if any. */
  next(req: SandboxRequest): Fault | undefined {
    if (this.#methods && !this.#methods.has(req.method.toUpperCase())) return undefined;
    let kind: FaultKind | undefined;
    if (this.#storm > 0) {
      this.#storm--;
      kind = 'rate-limit';
    } else if (this.#rng.next() < this.options.rate) {
      kind = this.#kinds[Math.floor(this.#rng.next() * this.#kinds.length)] as FaultKind;
      if (kind === 'rate-limit') this.#storm = Math.floor(this.#rng.next() * 4);
    }
    if (kind === undefined) return undefined;
    this.injected[kind] = (this.injected[kind] ?? 0) + 1;
    switch (kind) {
      case 'rate-limit':
        return { kind, replace: this.responses.rateLimited(Date.now() + 20) };
      case 'status-500':
      case 'status-502':
      case 'status-503':
      case 'status-504':
        return { kind, replace: this.responses.serverError(Number(kind.slice(7))) };
      case 'html-error':
        return {
          kind,
          replace: { status: 502, headers: { 'content-type': 'text/html' }, text: gatewayPage(req) },
        };
      case 'error-envelope':
        return { kind, replace: { ...this.responses.serverError(500), status: 200 } };
      default:
        return { kind };
    }
  }
}
