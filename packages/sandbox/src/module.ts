import type { FaultResponses } from './faults.js';
import type { SandboxRequest, SandboxResponse } from './http.js';

/** Options every provider module receives. */
export interface ModuleOptions {
  /** Number of seeded users. */
  users: number;
  seed: number;
  /**
   * The provider's window in the shared people list (decides the overlap with other providers):
   * fixed per provider id, never by how many or which providers are mounted.
   */
  providerIndex: number;
  /** Rate limiting for non-privileged callers (off when undefined). */
  rateLimit?: { limit: number; windowMs: number } | undefined;
}

/** One emulated provider API, mounted under `/<id>` on the sandbox server. */
export interface SandboxModule {
  readonly id: string;
  /** Path below `/<id>` that the provider's spec paths are relative to (e.g. `/v3.1`), usually ''. */
  readonly basePath: string;
  /** Credentials a client needs to talk to this module (sandbox values, safe to print). */
  readonly credentials: Readonly<Record<string, string>>;
  handle(req: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;
  /** The provider's own 429 and server-error answers, for fault injection. */
  readonly faultResponses: FaultResponses;
  /** Number of users currently stored. */
  count(): number;
}

export type ModuleFactory = (options: ModuleOptions) => SandboxModule;
