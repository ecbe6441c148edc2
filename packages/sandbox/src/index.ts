import { peopleWindows, sandboxModules } from './generated/providers.js';
import { type Sandbox, type SandboxOptions, serve } from './server.js';

/**
 * Every emulated provider, by id: generated from the provider registry (each provider
 * package.json's "rosterkit" field) by `pnpm generate`; a provider's module is
 * `src/providers/<id>.ts`.
 */
export { sandboxModules };

export type SandboxProviderId = keyof typeof sandboxModules;

/** Starts the sandbox on 127.0.0.1 with every (or the chosen) provider mounted. */
export function startSandbox(
  options: SandboxOptions<SandboxProviderId> = {},
): Promise<Sandbox<SandboxProviderId>> {
  return serve(sandboxModules, options, peopleWindows);
}

export { type CorsOptions, isLoopbackOrigin } from './cors.js';
export {
  FAULT_KINDS,
  type FaultKind,
  type FaultOptions,
  type FaultResponses,
} from './faults.js';
export {
  type FrameDefinition,
  type FrameRateLimit,
  frameModule,
  type RateLimitState,
  type Route,
} from './frame.js';
export type { RateLimitOptions, SandboxRequest, SandboxResponse } from './http.js';
export { header, intParam, json, matchPath, RateLimiter } from './http.js';
export type { ModuleFactory, ModuleOptions, SandboxModule } from './module.js';
export { type Person, peopleFor, person, seededInactive } from './people.js';
export type {
  RocketChatMail,
  RocketChatSandboxModule,
  RocketChatSandboxOptions,
} from './providers/rocketchat.js';
export { hashSeed, Rng } from './random.js';
export type { Sandbox, SandboxOptions, SandboxProviderInfo, Wire } from './server.js';
export { serve, WIRES } from './server.js';
export { collect, rejection } from './testing.js';
