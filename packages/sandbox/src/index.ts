import type { ModuleFactory } from './module.js';
import { blynk } from './providers/blynk.js';
import { imichat } from './providers/imichat.js';
import { rezolve } from './providers/rezolve.js';
import { rocketchat } from './providers/rocketchat.js';
import { thena } from './providers/thena.js';
import { type Sandbox, type SandboxOptions, serve } from './server.js';

/** Every emulated provider, by id. Adding a provider: one module file and one line here. */
export const sandboxModules = {
  thena,
  imichat,
  rocketchat,
  blynk,
  rezolve,
} satisfies Record<string, ModuleFactory>;

export type SandboxProviderId = keyof typeof sandboxModules;

/** Starts the sandbox on 127.0.0.1 with every (or the chosen) provider mounted. */
export function startSandbox(
  options: SandboxOptions<SandboxProviderId> = {},
): Promise<Sandbox<SandboxProviderId>> {
  return serve(sandboxModules, options);
}

export { type CorsOptions, isLoopbackOrigin } from './cors.js';
export {
  FAULT_KINDS,
  type FaultKind,
  type FaultOptions,
  type FaultResponses,
} from './faults.js';
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
