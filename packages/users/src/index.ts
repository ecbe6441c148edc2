export { buildDirectory, isInconsistent, normalizeEmail, type Person } from './directory.js';
export { type FieldSources, USER_FIELD_DOCS } from './fields.js';
export * from './lifecycle/index.js';
export {
  isListUsersError,
  ListUsersError,
  type ListUsersOptions,
  listUsers,
  type ProviderFailure,
  type ProviderProgress,
  type UserSource,
} from './list.js';
export { fieldSources, mappers, mapUser, providers } from './map.js';
export { MappingError } from './map-helpers.js';
export {
  type ProviderId,
  type RawUsers,
  USER_FIELDS,
  type User,
  type UserEmail,
  type UserOf,
  type UserStatus,
} from './model.js';
