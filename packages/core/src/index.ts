export {
  type ApiClient,
  type AuthHandler,
  type CallOptions,
  type ClientMiddleware,
  type ClientOptions,
  createApiClient,
  invalidResponse,
  type OperationError,
  type OperationErrorBody,
  type ProvidedHeaders,
  type ProviderDefinition,
  type Success,
} from './client.js';
export {
  type Credential,
  type CredentialSource,
  type CredentialSpec,
  checkCredential,
  createCredential,
  headerAuth,
} from './credential.js';
export {
  ApiError,
  type ApiErrorInit,
  type ApiErrorKind,
  InputError,
  isApiError,
  RosterkitError,
} from './errors.js';
export { createEtagCache } from './etag.js';
export { requestLogger } from './logger.js';
export {
  type Check,
  checkBoolean,
  checkFalseOr,
  checkFunction,
  checkHeaderValue,
  checkInteger,
  checkList,
  checkMs,
  checkOptions,
  checkSignal,
  checkString,
  MAX_TIMER_MS,
  type OptionSchema,
} from './options.js';
export {
  type Counted,
  cursorPages,
  offsetPages,
  type PageParts,
  type PageStyle,
  pageNumberPages,
  singlePage,
} from './pages.js';
export {
  invalidPage,
  type PageScheme,
  type PaginateContext,
  type PaginateOptions,
  paginate,
} from './paginate.js';
export { REDACTED, Redactor } from './redact.js';
export { callBudget, linkSignals } from './signal.js';
export { createTokenLifecycle, type TokenGrant, type TokenLifecycle } from './token.js';
export {
  type CallContext,
  createTransport,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  parseRetryAfter,
  type RateLimitInfo,
  type RateLimitReset,
  type RetryOptions,
  serverRequestedDelay,
  sleep,
  type Transport,
  type TransportEvent,
  type TransportOptions,
} from './transport.js';
export {
  type BaseUrlOptions,
  isLoopbackHost,
  optionalInteger,
  requireBaseUrl,
  requireHeaderValue,
  requireInteger,
  requireString,
  requireUuid,
} from './validate.js';
