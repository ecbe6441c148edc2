import type { FieldSources } from './fields.js';
import { blynkSources, mapBlynkUser } from './mappers/blynk.js';
import { imichatSources, mapImichatUser } from './mappers/imichat.js';
import { mapRezolveUser, rezolveSources } from './mappers/rezolve.js';
import { mapRocketChatUser, rocketchatSources } from './mappers/rocketchat.js';
import { mapThenaUser, thenaSources } from './mappers/thena.js';
import type { ProviderId, RawUsers, UserOf } from './model.js';

/** The mapper of every provider. Adding a provider adds one line here. */
export const mappers: { [P in ProviderId]: (raw: RawUsers[P]) => UserOf<P> } = {
  thena: mapThenaUser,
  imichat: mapImichatUser,
  rocketchat: mapRocketChatUser,
  blynk: mapBlynkUser,
  rezolve: mapRezolveUser,
};

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

/** Per provider: which of its fields feeds each common field (null: cannot supply it). */
export const fieldSources: Record<ProviderId, FieldSources> = {
  thena: thenaSources,
  imichat: imichatSources,
  rocketchat: rocketchatSources,
  blynk: blynkSources,
  rezolve: rezolveSources,
};
