export { ApiError, InputError, isApiError } from '@rosterkit/core';
export { AUTHORIZE_HEADER, FIRST_PAGE, PAGE_SIZE, type SearchFilter } from './assumptions.js';
export {
  createImichatClient,
  type ImichatClient,
  type ImichatClientOptions,
  type ImichatPaths,
  type ImichatUser,
  type ImichatUserQuery,
  imichatProvider,
} from './client.js';
export { decodeImichatError, isImichatErrorBody, STATUS_CODES } from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, paths } from './generated/schema.js';
