export { ApiError, InputError, isApiError } from '@rosterkit/core';
export {
  createRocketChatClient,
  type RocketChatAutocompleteItem,
  type RocketChatAutocompleteSelector,
  type RocketChatClient,
  type RocketChatClientOptions,
  type RocketChatPersonalAccessToken,
  type RocketChatPreferences,
  type RocketChatUser,
  type RocketChatUserQuery,
  type RocketChatUserStatusQuery,
  type RocketChatUserTarget,
  rocketchatProvider,
} from './client.js';
export { decodeRocketChatError, isRocketChatErrorBody } from './errors.js';
export { apiVersion, type OperationId, operations } from './generated/operations.js';
export type { components, operations as operationTypes, paths } from './generated/schema.js';
