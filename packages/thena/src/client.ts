import {
  type ApiClient,
  type ClientOptions,
  type Credential,
  createApiClient,
  createCredential,
  headerAuth,
  InputError,
  optionalInteger,
  type PaginateOptions,
  type ProviderDefinition,
  pageNumberPages,
  requireHeaderValue,
  singlePage,
} from '@rosterkit/core';
import { decodeThenaError, isThenaErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths } from './generated/schema.js';

export type ThenaUser = components['schemas']['User'];
type ListPage = components['schemas']['UserListResponse'];
type SearchPage = components['schemas']['UserSearchResponse'];
type SearchQuery = NonNullable<paths['/v1/search/users']['get']['parameters']['query']>;

/** How Thena differs: an API key (or the older bearer + org id), NestJS errors, reset in UNIX seconds. */
export const thenaProvider: ProviderDefinition = {
  id: 'thena',
  operations,
  decodeError: decodeThenaError,
  isErrorBody: isThenaErrorBody,
  rateLimitReset: { header: 'x-ratelimit-reset', unit: 'epoch-s', remainingHeader: 'x-ratelimit-remaining' },
  managedHeaders: ['x-api-key', 'x-org-id'],
};

interface BaseOptions extends ClientOptions {
  /** Default `https://platform.thena.ai`. */
  baseUrl?: string;
}
/**
 * Current auth: a personal or app API key (`x-api-key`), or the older JWT + organization id. The key
 * (or the JWT) may be a function returning it: called when first needed, and again when Thena
 * answers 401, so a rotated key is picked up without a new client.
 */
export type ThenaClientOptions = BaseOptions &
  ({ apiKey: Credential } | { token: Credential; orgId: string });

/**
 * What iterateUsers reads: by default `GET /v1/users/list` (every user, one response); with
 * `search`, the Typesense users search paged by `page`/`per_page`.
 */
export interface ThenaUserQuery {
  search?: Partial<Pick<SearchQuery, 'q' | 'query_by' | 'filter_by' | 'sort_by'>> & {
    /** Hits per page, 1–250. Default 250. */
    perPage?: number;
  };
}

export interface ThenaClient extends ApiClient<paths> {
  readonly provider: 'thena';
  iterateUsers(query?: ThenaUserQuery, options?: PaginateOptions): AsyncGenerator<ThenaUser, void, undefined>;
}

export function createThenaClient(options: ThenaClientOptions): ThenaClient {
  const legacy = !('apiKey' in options && options.apiKey !== undefined);
  if (legacy && !('token' in options))
    throw new InputError('thena', 'apiKey', 'pass apiKey, or token and orgId');
  const key = legacy
    ? createCredential('thena', 'token', (options as { token: Credential }).token)
    : createCredential('thena', 'apiKey', (options as { apiKey: Credential }).apiKey);
  const orgId = legacy
    ? requireHeaderValue('thena', 'orgId', (options as { orgId: string }).orgId)
    : undefined;
  const api = createApiClient<paths>(
    thenaProvider,
    options.baseUrl ?? 'https://platform.thena.ai',
    headerAuth(
      key,
      (request, value) => {
        if (orgId === undefined) request.headers.set('x-api-key', value);
        else {
          request.headers.set('Authorization', `Bearer ${value}`);
          request.headers.set('x-org-id', orgId);
        }
      },
      (error) => error.status === 401,
      orgId === undefined ? [] : [orgId],
    ),
    options,
  );

  function iterateUsers(query: ThenaUserQuery = {}, paging: PaginateOptions = {}) {
    if (!query.search) {
      return api.pages(
        'GET /v1/users/list',
        singlePage<ListPage, ThenaUser>({
          fetch: async (signal) => (await api.GET('/v1/users/list', { signal })).data,
          items: (page) => page?.data,
          noun: 'data',
          key: (u) => u.id,
        }),
        paging,
      );
    }
    const { perPage: requested, ...search } = query.search;
    const perPage = optionalInteger('thena', 'search.perPage', requested, 1, 250) ?? 250;
    return api.pages(
      'GET /v1/search/users',
      pageNumberPages<SearchPage, ThenaUser>({
        first: 1,
        pageSize: perPage,
        fetch: async (page, signal) =>
          (
            await api.GET('/v1/search/users', {
              params: { query: { q: '*', query_by: 'name,email', ...search, page, per_page: perPage } },
              signal,
            })
          ).data,
        items: (page) =>
          Array.isArray(page?.result?.hits) ? page.result.hits.map((h) => h?.document) : undefined,
        noun: 'result.hits',
        total: (page) => page?.result?.found,
        totalName: 'result.found',
        key: (u) => u.id,
      }),
      paging,
    );
  }

  return Object.assign(api, { provider: 'thena' as const, iterateUsers });
}
