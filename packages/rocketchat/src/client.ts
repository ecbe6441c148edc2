import {
  type ApiClient,
  type ClientOptions,
  createApiClient,
  invalidPage,
  optionalInteger,
  type PaginateOptions,
  type ProviderDefinition,
  paginate,
  requireHeaderValue,
} from '@rosterkit/core';
import { decodeRocketChatError, isRocketChatErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths } from './generated/schema.js';

export type RocketChatUser = components['schemas']['User'];
type ListQuery = NonNullable<paths['/api/v1/users.list']['get']['parameters']['query']>;
type ListPage = paths['/api/v1/users.list']['get']['responses'][200]['content']['application/json'];

/** How Rocket.Chat differs: its header pair, its error envelopes, its reset header in epoch ms. */
export const rocketchatProvider: ProviderDefinition = {
  id: 'rocketchat',
  operations,
  decodeError: decodeRocketChatError,
  isErrorBody: isRocketChatErrorBody,
  rateLimitReset: { header: 'x-ratelimit-reset', unit: 'epoch-ms', remainingHeader: 'x-ratelimit-remaining' },
  managedHeaders: ['x-auth-token', 'x-user-id'],
};

export interface RocketChatClientOptions extends ClientOptions {
  /** Workspace URL, e.g. `https://chat.example.com` (paths start at `/api/v1`). */
  baseUrl: string;
  /** Sent as `X-User-Id`. */
  userId: string;
  /** Personal access token or login token, sent as `X-Auth-Token`. */
  authToken: string;
}

/** `users.list` filters for iterateUsers; paging is done for you. */
export type RocketChatUserQuery = Pick<ListQuery, 'sort' | 'email'> & {
  /** Users per request, 1–100 (the server clamps higher values to its limit). Default 100. */
  pageSize?: number;
};

export interface RocketChatClient extends ApiClient<paths> {
  readonly provider: 'rocketchat';
  /**
   * Every user from `users.list`, page by page (by the `count` the server actually returned,
   * until `offset >= total`). Works when the server clamps the page size; stops on `break`.
   */
  iterateUsers(
    query?: RocketChatUserQuery,
    options?: PaginateOptions,
  ): AsyncGenerator<RocketChatUser, void, undefined>;
}

export function createRocketChatClient(options: RocketChatClientOptions): RocketChatClient {
  const userId = requireHeaderValue('rocketchat', 'userId', options.userId);
  const authToken = requireHeaderValue('rocketchat', 'authToken', options.authToken);
  const api = createApiClient<paths>(
    rocketchatProvider,
    options.baseUrl,
    {
      apply(request) {
        request.headers.set('X-User-Id', userId);
        request.headers.set('X-Auth-Token', authToken);
      },
      secrets: () => [authToken],
    },
    options,
  );

  function iterateUsers(query: RocketChatUserQuery = {}, paging: PaginateOptions = {}) {
    const pageSize = optionalInteger('rocketchat', 'pageSize', query.pageSize, 1, 100) ?? 100;
    const { pageSize: _, ...filters } = query;
    const ctx = { provider: 'rocketchat', operation: 'users.list', error: api.error };
    return paginate<number, ListPage, RocketChatUser>(
      ctx,
      {
        first: 0,
        fetchPage: async (offset, signal) =>
          (
            await api.GET('/api/v1/users.list', {
              params: { query: { ...filters, count: pageSize, offset } },
              signal,
            })
          ).data,
        items(page) {
          if (!page || !Array.isArray(page.users) || typeof page.total !== 'number') {
            invalidPage(ctx, 'response has no users array or total');
          }
          return page.users;
        },
        // Advance by what the server actually returned, so a clamped page size is followed.
        next: (page, offset, items) =>
          items.length === 0 || offset + items.length >= page.total ? undefined : offset + items.length,
        total: (page) => page.total,
        plan(page, _offset, items) {
          if (items.length === 0) return undefined;
          const offsets: number[] = [];
          for (let o = items.length; o < page.total; o += items.length) offsets.push(o);
          return offsets;
        },
        key: (user) => user._id,
      },
      paging,
    );
  }

  return Object.assign(api, { provider: 'rocketchat' as const, iterateUsers });
}
