import {
  type ApiClient,
  type ClientOptions,
  type Credential,
  checkCredential,
  checkHeaderValue,
  checkList,
  checkOptions,
  checkString,
  createApiClient,
  createCredential,
  createTokenLifecycle,
  type OptionSchema,
  optionalInteger,
  type PaginateOptions,
  type ProviderDefinition,
  pageNumberPages,
  requireHeaderValue,
  type TokenLifecycle,
} from '@rosterkit/core';
import { decodeBlynkError, isBlynkErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths } from './generated/schema.js';

export type BlynkUser = components['schemas']['User'];
type UserPage = components['schemas']['UserPage'];
type Token = components['schemas']['OAuth2Token'];

/** Blynk hosts a region redirect (308) may send us to, with the token. */
const TOKEN_PATH = /\/oauth2\/token$/;

export const isBlynkHost = (host: string) => host === 'blynk.cloud' || host.endsWith('.blynk.cloud');

export interface BlynkClientOptions extends ClientOptions {
  /** Default `https://blynk.cloud`; regional hosts such as `https://fra1.blynk.cloud` work too. */
  baseUrl?: string;
  /** OAuth2 client (Console › Developer Zone › OAuth2); the client fetches and refreshes tokens. */
  clientId?: string;
  /**
   * The client's secret, or a function returning it (called when a token is first needed, and
   * again when the token endpoint refuses the secret it returned: a rotated secret).
   */
  clientSecret?: Credential;
  /**
   * Or an access token instead of a client; as a function, it is called when first needed and
   * again when Blynk answers 401.
   */
  token?: Credential;
  /** Extra host names a 308 region redirect may go to (white-label domains); `*.blynk.cloud` always may. */
  allowedRedirectHosts?: readonly string[];
}

export interface BlynkUserQuery {
  /** Include users of sub-organizations. Default true: everyone the token can see. */
  includeSubOrgUsers?: boolean;
  /** Use the users search instead of the list. */
  search?: { query: string; sortBy?: string; sortOrder?: 'ASC' | 'DESC' };
  /** Users per page, 1–1000. Default 1000. */
  pageSize?: number;
}

export interface BlynkClient extends ApiClient<paths> {
  readonly provider: 'blynk';
  iterateUsers(query?: BlynkUserQuery, options?: PaginateOptions): AsyncGenerator<BlynkUser, void, undefined>;
}

/** Blynk's own options, checked once at creation (the shared ones are checked by core). */
const blynkSchema: OptionSchema = {
  clientId: checkHeaderValue,
  clientSecret: checkCredential,
  token: checkCredential,
  allowedRedirectHosts: checkList(checkString),
};

export function createBlynkClient(options: BlynkClientOptions): BlynkClient {
  checkOptions('blynk', blynkSchema, options);
  const bearer = options.token === undefined ? undefined : createCredential('blynk', 'token', options.token);
  const clientId = bearer ? undefined : requireHeaderValue('blynk', 'clientId', options.clientId);
  const encode = (secret: string) => btoa(`${clientId}:${secret}`);
  const secret = bearer
    ? undefined
    : createCredential('blynk', 'clientSecret', options.clientSecret, {
        secretsOf: (s) => [s, encode(s)],
      });
  const extraHosts = new Set(options.allowedRedirectHosts ?? []);

  const provider: ProviderDefinition = {
    id: 'blynk',
    operations,
    decodeError: decodeBlynkError,
    isErrorBody: isBlynkErrorBody,
    // A client-credentials token request can be repeated safely; a (single-use) refresh cannot.
    isIdempotent: (request) =>
      request.method === 'POST' &&
      new URL(request.url).searchParams.get('grant_type') === 'client_credentials',
    allowRedirect: (to) =>
      to.protocol === 'https:'
        ? isBlynkHost(to.hostname) || extraHosts.has(to.hostname)
        : extraHosts.has(to.hostname),
  };

  // OAuth2 client credentials: one token fetch at a time; each refresh token is used once, and a
  // refused one falls back to the client credentials. A refused client is an `auth` error at once.
  let refreshToken: string | undefined;
  const tokens: TokenLifecycle = createTokenLifecycle(async () => {
    let token: Token | undefined;
    if (refreshToken) {
      const used = refreshToken;
      refreshToken = undefined; // single use, whatever happens
      token = await api
        .POST('/oauth2/token', { params: { query: { grant_type: 'refresh_token', refresh_token: used } } })
        .then((r) => r.data)
        .catch(() => undefined); // an expired or used refresh token: fall back to the client credentials
    }
    token ??= (
      await (secret as NonNullable<typeof secret>).withRenewal(() =>
        api.POST('/oauth2/token', { params: { query: { grant_type: 'client_credentials' } } }),
      )
    ).data;
    refreshToken = token.refresh_token ?? undefined;
    return { token: token.access_token, expiresIn: token.expires_in };
  });

  const api = createApiClient<paths>(
    provider,
    options.baseUrl ?? 'https://blynk.cloud',
    {
      async apply(request) {
        if (TOKEN_PATH.test(new URL(request.url).pathname)) {
          if (secret)
            request.headers.set('Authorization', `Basic ${encode(await secret.get(request.signal))}`);
          return;
        }
        const token = await (bearer ?? tokens).get(request.signal);
        request.headers.set('Authorization', `Bearer ${token}`);
        return token;
      },
      secrets: () => [...((bearer ?? secret)?.secrets() ?? []), tokens.current(), refreshToken],
      isTokenPath: (path) => TOKEN_PATH.test(path),
      isExpired: (error) => error.status === 401 && (bearer?.rotates ?? true),
      refresh: async (signal, used) => void (await (bearer ?? tokens).renew(used, signal)),
    },
    options,
  );

  function iterateUsers(query: BlynkUserQuery = {}, paging: PaginateOptions = {}) {
    const size = optionalInteger('blynk', 'pageSize', query.pageSize, 1, 1000) ?? 1000;
    const search = query.search;
    if (search) requireHeaderValue('blynk', 'search.query', search.query);
    return api.pages(
      search ? 'GET /api/v1/organization/search/users' : 'GET /api/v1/organization/users',
      pageNumberPages<UserPage, BlynkUser>({
        first: 0,
        pageSize: size,
        fetch: async (page, signal) =>
          search
            ? (
                await api.GET('/api/v1/organization/search/users', {
                  params: { query: { ...search, page, size } },
                  signal,
                })
              ).data
            : (
                await api.GET('/api/v1/organization/users', {
                  params: {
                    query: { page, size, includeSubOrgUsers: query.includeSubOrgUsers ?? true },
                  },
                  signal,
                })
              ).data,
        items: (page) => page?.content,
        noun: 'content',
        total: (page) => page?.totalElements,
        totalName: 'totalElements',
        key: (u) => u.id,
      }),
      paging,
    );
  }

  return Object.assign(api, { provider: 'blynk' as const, iterateUsers });
}
