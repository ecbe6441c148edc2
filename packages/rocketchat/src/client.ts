import {
  type ApiClient,
  type ClientOptions,
  type Credential,
  createApiClient,
  createCredential,
  headerAuth,
  InputError,
  offsetPages,
  optionalInteger,
  type PaginateOptions,
  type ProviderDefinition,
  requireHeaderValue,
  requireString,
} from '@rosterkit/core';
import { decodeRocketChatError, isRocketChatErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths } from './generated/schema.js';
import { preflight } from './preflight.js';

export type RocketChatUser = components['schemas']['User'];
type ListQuery = NonNullable<paths['/api/v1/users.list']['get']['parameters']['query']>;
type ByStatusQuery = NonNullable<paths['/api/v1/users.listByStatus']['get']['parameters']['query']>;
type ListPage = components['schemas']['UserListResponse'];
export type RocketChatAutocompleteItem = components['schemas']['AutocompleteItem'];
export type RocketChatPreferences = components['schemas']['Preferences'];
export type RocketChatPersonalAccessToken = components['schemas']['PersonalAccessToken'];

/** Names another user; omit for yourself where the operation allows it. */
export type RocketChatUserTarget = { userId: string } | { username: string };

/** Default `maxAvatarBytes`: the server's default `FileUpload_MaxFileSize` (100 MiB). */
const DEFAULT_MAX_AVATAR_BYTES = 104857600;

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
  /**
   * Sent as `X-User-Id`. Give both `userId` and `authToken`, or neither for an anonymous client
   * (only `users.register`, `users.forgotPassword`, `users.sendConfirmationEmail`,
   * `users.verifyEmail` and `users.2fa.sendEmailCode` work without a login). A value: the user a
   * token belongs to stays the same when the token is rotated or re-issued by a new login.
   */
  userId?: string;
  /**
   * Personal access token or login token, sent as `X-Auth-Token`; or a function returning one
   * (called when first needed, and again when the server answers 401 — a login token ended).
   */
  authToken?: Credential;
  /** Largest avatar `setAvatar` uploads, in bytes (default 100 MiB, the server's default limit). */
  maxAvatarBytes?: number;
}

/** `users.list` filters for iterateUsers; paging is done for you. */
export type RocketChatUserQuery = Pick<ListQuery, 'sort' | 'email'> & {
  /** Users per request, 1–100 (the server clamps higher values to its limit). Default 100. */
  pageSize?: number;
};

/** `users.listByStatus` filters for iterateUsersByStatus; paging is done for you. */
export type RocketChatUserStatusQuery = Omit<ByStatusQuery, 'count' | 'offset'> & {
  /** Users per request, 1–100. Default 100. */
  pageSize?: number;
};

/** `users.autocomplete` selector, JSON-encoded for you. */
export interface RocketChatAutocompleteSelector {
  /** Substring of username or name (case-insensitive). */
  term?: string;
  /** Usernames to leave out. */
  exceptions?: string[];
  /** Extra conditions: only `$and`, `$ne` and `$exists` on public fields. */
  conditions?: Record<string, unknown>;
}

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
  /** Every user matching `users.listByStatus` filters, paged like `iterateUsers`. */
  iterateUsersByStatus(
    query?: RocketChatUserStatusQuery,
    options?: PaginateOptions,
  ): AsyncGenerator<RocketChatUser, void, undefined>;
  /**
   * Up to 10 users for a name field (`users.autocomplete`). The endpoint does not page: there
   * is no offset and no total, so there is no iterator; narrow `term` to see others.
   */
  autocomplete(selector?: RocketChatAutocompleteSelector): Promise<RocketChatAutocompleteItem[]>;
  /**
   * Uploads an avatar (`users.setAvatar`, multipart) for yourself or `target`. Refused before
   * sending: an empty file, one that is not an image (by type, or by its first bytes when it has
   * none), one larger than `maxAvatarBytes`. Never retried (a POST).
   */
  setAvatar(image: Blob, target?: RocketChatUserTarget, filename?: string): Promise<void>;
  /** The avatar image (`users.getAvatar`, following its 307 on the same origin). */
  getAvatar(target: RocketChatUserTarget): Promise<Blob>;
  /** Creates a personal access token and returns its value (shown once). */
  generatePersonalAccessToken(tokenName: string, options?: { bypassTwoFactor?: boolean }): Promise<string>;
  /** Your personal access tokens (names and last characters, never the values). */
  listPersonalAccessTokens(): Promise<RocketChatPersonalAccessToken[]>;
}

/** The image type told by the first bytes, for the formats Rocket.Chat accepts as avatars. */
function sniffImage(head: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  const ascii = new TextDecoder().decode(head).trimStart().toLowerCase();
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && ascii.slice(8, 12) === 'webp') return 'image/webp';
  if (ascii.startsWith('<svg') || (ascii.startsWith('<?xml') && ascii.includes('<svg')))
    return 'image/svg+xml';
  return undefined;
}

export function createRocketChatClient(options: RocketChatClientOptions): RocketChatClient {
  const anonymous = options.userId === undefined && options.authToken === undefined;
  const userId = anonymous ? '' : requireHeaderValue('rocketchat', 'userId', options.userId);
  const token = anonymous ? undefined : createCredential('rocketchat', 'authToken', options.authToken);
  const maxAvatarBytes =
    optionalInteger('rocketchat', 'maxAvatarBytes', options.maxAvatarBytes, 1) ?? DEFAULT_MAX_AVATAR_BYTES;
  const api = createApiClient<paths>(
    rocketchatProvider,
    options.baseUrl,
    token === undefined
      ? { apply() {}, secrets: () => [] }
      : headerAuth(
          token,
          (request, value) => {
            request.headers.set('X-User-Id', userId);
            request.headers.set('X-Auth-Token', value);
          },
          (error) => error.status === 401,
        ),
    options,
  );
  // Every call is checked against the operation's preflight rules before anything is sent.
  for (const method of ['GET', 'POST'] as const) {
    const send = api[method] as (path: string, init?: unknown) => Promise<unknown>;
    (api as unknown as Record<string, unknown>)[method] = async (path: string, init?: unknown) => {
      preflight[`${method} ${path}`]?.(init as never);
      return send(path, init);
    };
  }

  function offsetListing<Q extends Record<string, unknown>>(
    operation: 'users.list' | 'users.listByStatus',
    query: Q & { pageSize?: number | undefined },
    paging: PaginateOptions,
  ) {
    const pageSize = optionalInteger('rocketchat', 'pageSize', query.pageSize, 1, 100) ?? 100;
    const { pageSize: _, ...filters } = query;
    const path = `/api/v1/${operation}` as const;
    return api.pages(
      `GET ${path}`,
      offsetPages<ListPage, RocketChatUser>({
        fetch: async (offset, signal) =>
          (
            await api.GET(path as '/api/v1/users.list', {
              params: { query: { ...filters, count: pageSize, offset } },
              signal,
            })
          ).data,
        items: (page) => page?.users,
        noun: 'users',
        total: (page) => page?.total,
        key: (user) => user._id,
        pageSize,
      }),
      paging,
    );
  }

  const iterateUsers = (query: RocketChatUserQuery = {}, paging: PaginateOptions = {}) =>
    offsetListing('users.list', query, paging);
  const iterateUsersByStatus = (query: RocketChatUserStatusQuery = {}, paging: PaginateOptions = {}) =>
    offsetListing('users.listByStatus', query, paging);

  async function autocomplete(selector: RocketChatAutocompleteSelector = {}) {
    if (selector.term !== undefined && typeof selector.term !== 'string')
      throw new InputError('rocketchat', 'selector.term', 'must be a string');
    const { data } = await api.GET('/api/v1/users.autocomplete', {
      params: { query: { selector: JSON.stringify(selector) } },
    });
    return data.items;
  }

  async function setAvatar(image: Blob, target?: RocketChatUserTarget, filename = 'avatar') {
    if (typeof Blob === 'undefined' || !(image instanceof Blob))
      throw new InputError('rocketchat', 'image', 'must be a Blob or File');
    if (image.size === 0) throw new InputError('rocketchat', 'image', 'is empty');
    if (image.size > maxAvatarBytes)
      throw new InputError(
        'rocketchat',
        'image',
        `is ${image.size} bytes, over maxAvatarBytes (${maxAvatarBytes})`,
      );
    const type =
      image.type.toLowerCase() || sniffImage(new Uint8Array(await image.slice(0, 64).arrayBuffer()));
    if (!type?.startsWith('image/'))
      throw new InputError('rocketchat', 'image', `is not an image (${type || 'unknown type'})`);
    const form = new FormData();
    form.set('image', image.type ? image : new Blob([image], { type }), filename);
    if (target && 'userId' in target)
      form.set('userId', requireString('rocketchat', 'target.userId', target.userId));
    if (target && 'username' in target)
      form.set('username', requireString('rocketchat', 'target.username', target.username));
    await api.POST('/api/v1/users.setAvatar', { body: form as never });
  }

  async function getAvatar(target: RocketChatUserTarget) {
    const { data } = await api.GET('/api/v1/users.getAvatar', {
      params: { query: target },
      parseAs: 'blob',
    });
    return data as unknown as Blob;
  }

  async function generatePersonalAccessToken(tokenName: string, opts: { bypassTwoFactor?: boolean } = {}) {
    const { data } = await api.POST('/api/v1/users.generatePersonalAccessToken', {
      body: {
        tokenName,
        ...(opts.bypassTwoFactor !== undefined ? { bypassTwoFactor: opts.bypassTwoFactor } : {}),
      },
    });
    return data.token;
  }

  async function listPersonalAccessTokens() {
    return (await api.GET('/api/v1/users.getPersonalAccessTokens')).data.tokens;
  }

  return Object.assign(api, {
    provider: 'rocketchat' as const,
    iterateUsers,
    iterateUsersByStatus,
    autocomplete,
    setAvatar,
    getAvatar,
    generatePersonalAccessToken,
    listPersonalAccessTokens,
  });
}
