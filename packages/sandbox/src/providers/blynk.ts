import {
  header,
  intParam,
  json,
  pageOf,
  RateLimiter,
  ReadCache,
  type SandboxRequest,
  type SandboxResponse,
} from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';

/**
 * Blynk Platform API: `POST /oauth2/token` (HTTP Basic, query-string parameters; tokens expire,
 * refresh tokens work once), bearer auth elsewhere, every id a query parameter, 0-based
 * `page` and `size` 1–1000 with `{content, totalElements}`, `{error:{message}}` errors, 429, and an
 * optional 308 region redirect.
 */
type Doc = Record<string, unknown> & { id: number; name: string; email: string; orgId: number };

export interface BlynkSandboxOptions extends ModuleOptions {
  /** Access-token lifetime in seconds (default 86 400). */
  tokenTtlSeconds?: number;
  /**
   * The host name of the "right region": Platform API calls that arrive under any other host get
   * a 308 to the same URL on this host (e.g. `localhost` while clients use `127.0.0.1`).
   */
  regionHost?: string;
}

const ORG = 7;
const SUB_ORG = 12;
const SUMMARY = ['id', 'name', 'email', 'roleId', 'orgId', 'isDev'];

export function blynk(options: BlynkSandboxOptions): SandboxModule {
  const rng = new Rng(hashSeed(options.seed, 'blynk'));
  const clientId = `oa2-client-${rng.hex(8)}`;
  const clientSecret = rng.hex(40);
  /** A user-scoped token (the `user_credentials` grant is undocumented), for the profile endpoint. */
  const userToken = rng.hex(40);
  const ttl = options.tokenTtlSeconds ?? 86_400;
  const access = new Map<string, number>();
  const refresh = new Set<string>();
  const limiter = options.rateLimit
    ? new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs)
    : undefined;
  const users = new Map<number, Doc>();
  let nextId = 100;

  for (const p of peopleFor(options.seed, options.providerIndex, options.users)) {
    const id = nextId++;
    const status = seededInactive(options.seed, 'blynk', p)
      ? 'Inactive'
      : p.index % 13 === 12
        ? 'Pending'
        : 'Active';
    users.set(id, {
      id,
      name: `${p.firstName} ${p.lastName}`,
      email: p.email,
      roleId: p.index % 10 === 0 ? 1 : p.index % 3 === 0 ? 2 : 3,
      orgId: p.index % 5 === 4 ? SUB_ORG : ORG,
      isDev: p.index % 6 === 0,
      title: p.title,
      nickName: p.firstName.toLowerCase(),
      phoneNumber: p.phone,
      tz: p.timezone,
      locale: `${p.locale.slice(0, 2)}_${p.locale.length > 2 ? p.locale.slice(3) : 'US'}`,
      status,
      lastModifiedTs: p.lastLoginAt,
      lastLoggedAt: p.lastLoginAt,
      registeredAt: p.createdAt,
    });
  }

  const error = (status: number, message: string) => json(status, { error: { message } });
  const tooMany = () => error(429, 'Too many requests');
  const summary = (u: Doc) => {
    const out: Record<string, unknown> = {};
    for (const k of SUMMARY) out[k] = u[k];
    return out;
  };
  // The listing per includeSubOrgUsers, until the next write.
  const lists = new ReadCache<Doc[]>();

  return {
    id: 'blynk',
    basePath: '',
    credentials: { clientId, clientSecret, userToken },
    faultResponses: {
      rateLimited: tooMany,
      serverError: (status) => error(status, 'Internal server error'),
    },
    count: () => users.size,
    handle(req) {
      lists.seen(req);
      if (limiter && !limiter.hit(req.path).allowed) return tooMany();
      if (req.path === '/oauth2/token') return token(req);
      const host = (header(req, 'host') ?? '').replace(/:\d+$/, '');
      if (options.regionHost && host !== options.regionHost && req.path.startsWith('/api/')) {
        const origin = new URL(req.origin);
        origin.hostname = options.regionHost;
        return { status: 308, headers: { location: `${origin.origin}/blynk${req.path}?${req.query}` } };
      }
      const auth = header(req, 'authorization') ?? '';
      if (auth === `Bearer ${userToken}`) return route(req, true);
      const expires = auth.startsWith('Bearer ') ? access.get(auth.slice(7)) : undefined;
      if (expires === undefined || Date.now() >= expires) return error(401, 'Unauthorized');
      return route(req, false);
    },
  };

  function token(req: SandboxRequest): SandboxResponse {
    if (req.method !== 'POST') return error(405, 'Method not allowed');
    const auth = header(req, 'authorization') ?? '';
    const basic = auth.startsWith('Basic ') ? atob(auth.slice(6)) : '';
    if (basic !== `${clientId}:${clientSecret}`) {
      return json(400, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const grant = req.query.get('grant_type');
    if (grant === 'refresh_token') {
      const rt = req.query.get('refresh_token') ?? '';
      if (!refresh.delete(rt))
        return json(400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
    } else if (grant !== 'client_credentials') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: `Unsupported grant type: ${grant}`,
      });
    }
    const accessToken = rng.hex(40);
    const refreshToken = rng.hex(40);
    access.set(accessToken, Date.now() + ttl * 1000);
    refresh.add(refreshToken);
    return json(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      refresh_token: refreshToken,
    });
  }

  function paging(req: SandboxRequest): { page: number; size: number } | SandboxResponse {
    const page = intParam(req.query, 'page') ?? 0;
    const size = intParam(req.query, 'size') ?? 50;
    if (Number.isNaN(page) || page < 0) return error(400, 'page must be 0 or greater');
    if (Number.isNaN(size) || size < 1 || size > 1000) return error(400, 'size must be between 1 and 1000');
    return { page, size };
  }

  function route(req: SandboxRequest, userScoped: boolean): SandboxResponse {
    const route = `${req.method} ${req.path}`;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const userParam = () => users.get(Number(req.query.get('userId')));
    switch (route) {
      case 'GET /api/v1/organization/user/profile': {
        const self = users.values().next().value;
        if (!userScoped) return error(403, 'This endpoint requires user-scoped authentication');
        if (!self) return error(404, 'User not found');
        const { roleId, ...rest } = self;
        return json(200, {
          ...rest,
          role: {
            id: roleId,
            name: roleId === 1 ? 'Admin' : roleId === 2 ? 'Staff' : 'User',
            permissions: ['ORG_DEVICES_VIEW'],
          },
          orgName: 'Sandbox Org',
          darkMode: false,
        });
      }
      case 'GET /api/v1/organization/users': {
        const p = paging(req);
        if ('status' in p) return p;
        const sub = req.query.get('includeSubOrgUsers') === 'true';
        const all = lists.get(String(sub), () => [...users.values()].filter((u) => sub || u.orgId === ORG));
        return json(200, { content: pageOf(all, p.page, p.size).map(summary), totalElements: all.length });
      }
      case 'GET /api/v1/organization/search/users': {
        const query = (req.query.get('query') ?? '').toLowerCase();
        if (!query) return error(400, 'query is required');
        const p = paging(req);
        if ('status' in p) return p;
        const field =
          { Name: 'name', Email: 'email', 'User Id': 'id', Status: 'status' }[
            req.query.get('sortBy') ?? 'User Id'
          ] ?? 'id';
        const dir = req.query.get('sortOrder') === 'DESC' ? -1 : 1;
        const all = [...users.values()]
          .filter((u) => u.name.toLowerCase().includes(query) || u.email.toLowerCase().includes(query))
          .sort((a, b) =>
            String(a[field]) < String(b[field])
              ? -dir
              : String(a[field]) > String(b[field])
                ? dir
                : a.id - b.id,
          );
        return json(200, { content: pageOf(all, p.page, p.size).map(summary), totalElements: all.length });
      }
      case 'GET /api/v1/organization/user': {
        const user = userParam();
        return user ? json(200, user) : error(404, 'User not found or access denied');
      }
      case 'POST /api/v1/organization/users/create':
      case 'POST /api/v1/organization/users/create-in-org': {
        if (
          typeof body['email'] !== 'string' ||
          typeof body['password'] !== 'string' ||
          typeof body['name'] !== 'string'
        ) {
          return error(400, 'email, password and name are required');
        }
        if (/[/\\<>]/.test(body['name']))
          return error(400, 'Name cannot contain slashes, backslashes, < or >');
        const inOrg = req.path.endsWith('create-in-org');
        if (inOrg && (typeof body['orgId'] !== 'number' || typeof body['roleId'] !== 'number'))
          return error(400, 'orgId and roleId are required');
        if (inOrg && body['orgId'] !== ORG && body['orgId'] !== SUB_ORG)
          return error(404, 'Organization not found or access denied');
        const existing = [...users.values()].find(
          (u) => u.email.toLowerCase() === String(body['email']).toLowerCase(),
        );
        if (existing && !inOrg) return json(200, { message: 'User with the provided email already exists' });
        if (existing) return error(400, `${body['email']} is already in use`);
        const user: Doc = {
          id: nextId++,
          name: body['name'],
          email: body['email'],
          roleId: inOrg ? (body['roleId'] as number) : 1,
          orgId: inOrg ? (body['orgId'] as number) : SUB_ORG,
          isDev: false,
          status: 'Pending',
          registeredAt: Date.now(),
          lastModifiedTs: Date.now(),
        };
        users.set(user.id, user);
        return inOrg ? json(201, user) : json(201, { message: 'User created successfully' });
      }
      case 'PUT /api/v1/organization/users/role': {
        const user = userParam();
        const roleId = Number(req.query.get('roleId'));
        if (!user || ![1, 2, 3].includes(roleId)) return error(404, 'User/role not found or access denied');
        user['roleId'] = roleId;
        user['lastModifiedTs'] = Date.now();
        return json(200, user);
      }
      case 'POST /api/v1/organization/users/invite': {
        if (
          typeof body['email'] !== 'string' ||
          typeof body['name'] !== 'string' ||
          typeof body['roleId'] !== 'number'
        ) {
          return error(400, 'email, name and roleId are required');
        }
        if (body['orgId'] !== undefined && body['orgId'] !== ORG && body['orgId'] !== SUB_ORG) {
          return error(404, "Organization is not found or you don't have access to it.");
        }
        if ([...users.values()].some((u) => u.email.toLowerCase() === String(body['email']).toLowerCase())) {
          return error(400, `${body['email']} is already in use`);
        }
        const user: Doc = {
          id: nextId++,
          name: body['name'],
          email: body['email'],
          roleId: body['roleId'],
          orgId: (body['orgId'] as number) ?? ORG,
          isDev: false,
          status: 'Pending',
        };
        users.set(user.id, user);
        return json(201, user);
      }
      case 'POST /api/v1/organization/users/register':
        return typeof body['email'] === 'string' ? { status: 204 } : error(400, 'email is required');
      case 'POST /api/v1/organization/users/transfer': {
        const user = users.get(Number(body['userId']));
        if (typeof body['targetOrgId'] !== 'number' || typeof body['roleId'] !== 'number')
          return error(400, 'Request with incorrect parameters');
        if (!user) return error(400, `User with identifier ${body['userId']} is not found.`);
        if (body['targetOrgId'] !== ORG && body['targetOrgId'] !== SUB_ORG)
          return error(404, 'Target organization is not found.');
        user.orgId = body['targetOrgId'];
        user['roleId'] = body['roleId'];
        return json(201, user);
      }
      case 'POST /api/v1/organization/users/send-push-notification': {
        if (typeof body['title'] !== 'string' || typeof body['body'] !== 'string')
          return error(400, 'title and body are required');
        return users.has(Number(body['userId']))
          ? json(200, { message: 'Push notification sent successfully' })
          : error(404, 'User not found or access denied');
      }
      case 'POST /api/v1/organization/users/fcm-token/register':
        return typeof body['token'] === 'string' ? { status: 204 } : error(400, 'token is required');
      default:
        return error(404, 'Not found');
    }
  }
}
