import {
  type ApiClient,
  type ClientOptions,
  type Credential,
  checkCredential,
  checkHeaderValue,
  checkOptions,
  checkString,
  createApiClient,
  createCredential,
  createTokenLifecycle,
  InputError,
  invalidResponse,
  type OptionSchema,
  type PaginateOptions,
  type ProvidedHeaders,
  type ProviderDefinition,
  pageNumberPages,
  requireBaseUrl,
  requireHeaderValue,
  requireString,
  type TokenLifecycle,
} from '@rosterkit/core';
import { AUTHORIZE_HEADER, FIRST_PAGE, PAGE_SIZE, type SearchFilter, searchBody } from './assumptions.js';
import { decodeImichatError, isImichatErrorBody } from './errors.js';
import { operations } from './generated/operations.js';
import type { components, paths as specPaths } from './generated/schema.js';

export type ImichatUser = components['schemas']['User'];
type ListPage = components['schemas']['UserListEnvelope'];
/** The spec's paths; `teamid` is filled in by the client. */
export type ImichatPaths = ProvidedHeaders<specPaths, 'teamid'>;

/** How imi.chat differs: a token from /authorize in a response header, status_code envelopes, pages of 10. */
export const imichatProvider: ProviderDefinition = {
  id: 'imichat',
  operations,
  decodeError: decodeImichatError,
  isErrorBody: isImichatErrorBody,
  // The users search is a read sent as POST: safe to repeat.
  isIdempotent: (request) =>
    request.method === 'POST' && new URL(request.url).pathname.endsWith('/users/search'),
  requestIdHeader: 'trxid',
  managedHeaders: ['access_token', 'teamid', AUTHORIZE_HEADER],
};

export interface ImichatClientOptions extends ClientOptions {
  /** `https://<tenant>.imi.chat/v3.1`, or give `tenantDomain` instead. */
  baseUrl?: string;
  /** e.g. `acme.imi.chat`; the base URL becomes `https://acme.imi.chat/v3.1`. */
  tenantDomain?: string;
  /**
   * The API key from Admin Console › Assets › API keys; or a function returning it (called when
   * first needed, and again when `/authorize` refuses the key it returned: a rotated key).
   */
  apiKey: Credential;
  /** Domain name paired with the key in `APIKey@DomainName`; default: the base URL's host. */
  domainName?: string;
  /** The team (numeric id) every call is made for; sent as the `teamid` header. */
  teamId: string | number;
}

export interface ImichatUserQuery {
  /** Use `POST /users/search` with these filters instead of listing everyone. */
  filters?: readonly SearchFilter[];
}

export interface ImichatClient extends ApiClient<ImichatPaths> {
  readonly provider: 'imichat';
  iterateUsers(
    query?: ImichatUserQuery,
    options?: PaginateOptions,
  ): AsyncGenerator<ImichatUser, void, undefined>;
}

/** imi.chat's own options, checked once at creation (the shared ones are checked by core). */
const imichatSchema: OptionSchema = {
  baseUrl: checkString,
  tenantDomain: checkHeaderValue,
  apiKey: checkCredential,
  domainName: checkHeaderValue,
  teamId: (p, f, v) => {
    if (!(typeof v === 'string' ? /^[0-9]+$/.test(v) : Number.isSafeInteger(v) && (v as number) >= 0))
      throw new InputError(p, f, 'must be a numeric team id');
  },
};

export function createImichatClient(options: ImichatClientOptions): ImichatClient {
  checkOptions('imichat', imichatSchema, options);
  // The base URL is checked before anything is derived from it (the credential uses its host).
  const baseUrl = requireBaseUrl(
    'imichat',
    options.baseUrl ?? `https://${requireString('imichat', 'tenantDomain', options.tenantDomain)}/v3.1`,
    options,
  );
  const teamId = requireHeaderValue('imichat', 'teamId', String(options.teamId));
  if (!/^[0-9]+$/.test(teamId)) throw new InputError('imichat', 'teamId', 'must be a numeric team id');
  const domain = options.domainName ?? new URL(baseUrl).host;
  const encode = (apiKey: string) => btoa(`${apiKey}@${domain}`);
  const key = createCredential('imichat', 'apiKey', options.apiKey, {
    secretsOf: (apiKey) => [apiKey, encode(apiKey)],
  });

  // One /authorize at a time; a refused key (any error there, 2004 included) is an `auth` error,
  // after asking a key function once for a new key.
  const tokens: TokenLifecycle = createTokenLifecycle(async () => {
    const { response } = await key.withRenewal(() => api.GET('/authorize'));
    const value = response.headers.get('access_token');
    if (!value) throw invalidResponse(api, 'GET /authorize', 'no access_token response header');
    return { token: value };
  });

  const api = createApiClient<ImichatPaths>(
    imichatProvider,
    baseUrl,
    {
      async apply(request) {
        if (new URL(request.url).pathname.endsWith('/authorize')) {
          request.headers.set(AUTHORIZE_HEADER, encode(await key.get(request.signal)));
          return;
        }
        const token = await tokens.get(request.signal);
        request.headers.set('access_token', token);
        if (!request.headers.has('teamid')) request.headers.set('teamid', teamId);
        return token;
      },
      secrets: () => [...key.secrets(), tokens.current()],
      isTokenPath: (path) => path.endsWith('/authorize'),
      // 2004 = access token expired: authorize again, once.
      isExpired: (error) => error.code === '2004',
      refresh: async (signal, used) => void (await tokens.renew(used, signal)),
    },
    options,
  );

  function iterateUsers(query: ImichatUserQuery = {}, paging: PaginateOptions = {}) {
    const search = query.filters;
    return api.pages(
      search ? 'POST /users/search' : 'GET /users',
      pageNumberPages<ListPage, ImichatUser>({
        first: FIRST_PAGE,
        // No total is sent: a page shorter than PAGE_SIZE is the last one. The API fixes the size
        // (none is asked for), so a larger page is not refused.
        pageSize: PAGE_SIZE,
        pageSizeAsked: false,
        fetch: async (page, signal) =>
          search
            ? (
                await api.POST('/users/search', {
                  params: { query: { page } },
                  body: searchBody(search),
                  signal,
                })
              ).data
            : (await api.GET('/users', { params: { query: { page } }, signal })).data,
        items: (page) => page?.response?.users,
        noun: 'response.users',
        key: (u) => u.id,
      }),
      paging,
    );
  }

  return Object.assign(api, { provider: 'imichat' as const, iterateUsers });
}
