export {
  type ApiClient,
  type AuthHandler,
  type ClientOptions,
  createApiClient,
  type ProvidedHeaders,
  type ProviderDefinition,
  type Success,
} from './client.js';
export {
  ApiError,
  type ApiErrorInit,
  type ApiErrorKind,
  InputError,
  isApiError,
  RosterkitError,
} from './errors.js';
export { createEtagCache } from './etag.js';
export {
  invalidPage,
  type PageScheme,
  type PaginateContext,
  type PaginateOptions,
  paginate,
} from './paginate.js';
export { REDACTED, Redactor } from './redact.js';
export { linkSignals } from './signal.js';
export {
  createTransport,
  parseRetryAfter,
  type RateLimitReset,
  type RetryOptions,
  serverRequestedDelay,
  sleep,
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
