export { ApiError, InputError, isApiError } from '@rosterkit/core';
export {
  createThenaClient,
  type ThenaClient,
  type ThenaClientOptions,
  type ThenaUser,
  type ThenaUserQuery,
  thenaProvider,
} from './client.js';
export { decodeThenaError, isThenaErrorBody } from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, paths } from './generated/schema.js';
