import { lifecycleCapabilities } from '../generated/providers.js';
import type { ProviderId } from '../model.js';
import type { ProviderCapabilities } from './capability.js';

export {
  type Capability,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type ProviderCapabilities,
} from './capability.js';

/**
 * The capability table: provider × action → API operation or manual step. Derived from each
 * provider's spec (`specs/<id>/openapi.yaml`); each provider's row is `<id>Capabilities` next to its
 * mapper (`src/mappers/<id>.ts`), collected by the provider registry. A test checks every `api`
 * entry against the provider's generated operation table, so an operation that leaves a spec fails
 * the build.
 */
export const capabilities: { readonly [P in ProviderId]: ProviderCapabilities } = lifecycleCapabilities;
