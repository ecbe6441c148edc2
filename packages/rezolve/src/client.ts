import {
  type ApiClient,
  type ClientOptions,
  type Credential,
  checkBoolean,
  checkCredential,
  checkHeaderValue,
  checkOptions,
  createApiClient,
  createCredential,
  createEtagCache,
  headerAuth,
  type OptionSchema,
  type PaginateOptions,
  type ProvidedHeaders,
  type ProviderDefinition,
  requireUuid,
  singlePage,
} from '@rosterkit/core';
import { decodeRezolveError, isRezolveErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths as specPaths } from './generated/schema.js';

export type RezolveUser = components['schemas']['User'];
type ListPage = components['schemas']['UserListResponse'];
/** The spec's paths; `x-tenantid` and `realmname` are filled in by the client. */
export type RezolvePaths = ProvidedHeaders<specPaths, 'x-tenantid' | 'realmname'>;

/** How Rezolve differs: Keycloak bearer + tenant UUID + realm headers, `{success:false,error:{code}}`, ETags. */
export const rezolveProvider: ProviderDefinition = {
  id: 'rezolve',
  operations,
  decodeError: decodeRezolveError,
  isErrorBody: isRezolveErrorBody,
  rateLimitReset: { header: 'x-ratelimit-reset', unit: 'delta-s', remainingHeader: 'x-ratelimit-remaining' },
  managedHeaders: ['x-tenantid', 'realmname'],
};

export interface RezolveClientOptions extends ClientOptions {
  /** e.g. `https://api.rezolve.ai/api/v2/ticketing`. */
  baseUrl: string;
  /** The tenant's UUID (`x-tenantid`), checked before any request. */
  tenantId: string;
  /** Keycloak realm (`realmname`). */
  realm?: string;
  /** A bearer token, or a function returning a fresh one (called again when the token expires). */
  token: Credential;
  /** ETag revalidation of GETs: a 304 returns the cached body. Default true. */
  etagCache?: boolean;
}

export interface RezolveUserQuery {
  /** Default `agent`. */
  type?: 'template' | 'agent' | 'user';
  /** Default `ticketing`. */
  module?: 'ticketing' | 'chat' | 'knowledge';
}

export interface RezolveClient extends ApiClient<RezolvePaths> {
  readonly provider: 'rezolve';
  /** Every user of one type from `GET /user/list` (one response; checked against `totalCount`). */
  iterateUsers(
    query?: RezolveUserQuery,
    options?: PaginateOptions,
  ): AsyncGenerator<RezolveUser, void, undefined>;
}

/** Rezolve's own options, checked once at creation (the shared ones are checked by core). */
const rezolveSchema: OptionSchema = {
  tenantId: (p, f, v) => void requireUuid(p, f, v),
  realm: checkHeaderValue,
  token: checkCredential,
  etagCache: checkBoolean,
};

export function createRezolveClient(options: RezolveClientOptions): RezolveClient {
  checkOptions('rezolve', rezolveSchema, options);
  const tenantId = requireUuid('rezolve', 'tenantId', options.tenantId);
  const realm = options.realm;
  // A token function: called once at a time, again when the token is refused; bounded by each
  // call's budget however long it takes.
  const token = createCredential('rezolve', 'token', options.token);

  const api = createApiClient<RezolvePaths>(
    rezolveProvider,
    options.baseUrl,
    headerAuth(
      token,
      (request, value) => {
        request.headers.set('Authorization', `Bearer ${value}`);
        // A per-call header parameter may name another tenant or realm: it is checked like the option.
        const tenant = request.headers.get('x-tenantid');
        if (tenant === null) request.headers.set('x-tenantid', tenantId);
        else requireUuid('rezolve', 'params.header.x-tenantid', tenant);
        if (realm && !request.headers.has('realmname')) request.headers.set('realmname', realm);
      },
      (error) => error.code === 'TOKEN_EXPIRED' || error.status === 401,
    ),
    options,
    options.etagCache === false ? [] : [createEtagCache()],
  );

  function iterateUsers(query: RezolveUserQuery = {}, paging: PaginateOptions = {}) {
    return api.pages(
      'GET /user/list',
      singlePage<ListPage, RezolveUser>({
        fetch: async (signal) =>
          (
            await api.GET('/user/list', {
              params: { query: { type: query.type ?? 'agent', module: query.module ?? 'ticketing' } },
              signal,
            })
          ).data,
        items: (page) => page?.data?.users,
        noun: 'data.users',
        total: (page) => page.data.totalCount,
        key: (u) => u.id,
      }),
      paging,
    );
  }

  return Object.assign(api, { provider: 'rezolve' as const, iterateUsers });
}
