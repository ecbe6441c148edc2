import { mappers } from './generated/providers.js';
import type { ProviderId, RawUsers, UserOf } from './model.js';

/** The mapper and field sources of every provider come from the registry (`pnpm generate`). */
export { fieldSources, mappers } from './generated/providers.js';

/**
 * Maps one provider record to the common `User`. Pure and total: any JSON maps without throwing,
 * except a record without the provider's id, which throws a MappingError naming the field.
 */
export function mapUser<P extends ProviderId>(provider: P, raw: RawUsers[P]): UserOf<P> {
  // Own keys only: `mapUser('constructor', …)` must not reach Object.prototype.constructor.
  const mapper = Object.hasOwn(mappers, provider) ? mappers[provider] : undefined;
  if (!mapper) throw new TypeError(`mapUser: unknown provider ${String(provider)}`);
  return mapper(raw);
}

export const providers = Object.keys(mappers) as ProviderId[];
