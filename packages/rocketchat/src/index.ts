export { ApiError, InputError, isApiError } from '@rosterkit/core';
export {
  createRocketChatClient,
  type RocketChatClient,
  type RocketChatClientOptions,
  type RocketChatUser,
  type RocketChatUserQuery,
  rocketchatProvider,
} from './client.js';
export { decodeRocketChatError, isRocketChatErrorBody } from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, operations as operationTypes, paths } from './generated/schema.js';
