export { ApiError, InputError, isApiError } from '@rosterkit/core';
export {
  type BlynkClient,
  type BlynkClientOptions,
  type BlynkUser,
  type BlynkUserQuery,
  createBlynkClient,
  isBlynkHost,
} from './client.js';
export { decodeBlynkError, isBlynkErrorBody } from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, paths } from './generated/schema.js';
