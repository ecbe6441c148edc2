export { ApiError, InputError, isApiError } from '@rosterkit/core';
export {
  createRezolveClient,
  type RezolveClient,
  type RezolveClientOptions,
  type RezolvePaths,
  type RezolveUser,
  type RezolveUserQuery,
  rezolveProvider,
} from './client.js';
export { decodeRezolveError, isRezolveErrorBody } from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, paths } from './generated/schema.js';
