import type { FieldSources } from './fields.js';
import { mapRocketChatUser, rocketchatSources } from './mappers/rocketchat.js';
import type { ProviderId, RawUsers, UserOf } from './model.js';

/** The mapper of every provider. Adding a provider adds one line here. */
export const mappers: { [P in ProviderId]: (raw: RawUsers[P]) => UserOf<P> } = {
  rocketchat: mapRocketChatUser,
};

/**
 * Maps one provider record to the common `User`. Pure and total: any JSON maps without throwing,
 * except a record without the provider's id, which throws a MappingError naming the field.
 */
export function mapUser<P extends ProviderId>(provider: P, raw: RawUsers[P]): UserOf<P> {
  const mapper = mappers[provider];
  if (!mapper) throw new TypeError(`mapUser: unknown provider ${String(provider)}`);
  return mapper(raw);
}

export const providers = Object.keys(mappers) as ProviderId[];

/** Per provider: which of its fields feeds each common field (null: cannot supply it). */
export const fieldSources: Record<ProviderId, FieldSources> = {
  rocketchat: rocketchatSources,
};
