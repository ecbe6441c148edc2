import { frameModule } from '../frame.js';
import { operations } from '../generated/routes.js';
import {
  header,
  intParam,
  json,
  pageOf,
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
  const bodyOf = (req: SandboxRequest) => (req.body ?? {}) as Record<string, unknown>;
  const userParam = (req: SandboxRequest) => users.get(Number(req.query.get('userId')));

  return frameModule(options, {
    id: 'blynk',
    operations: operations.blynk,
    credentials: { clientId, clientSecret, userToken },
    count: () => users.size,
    onRequest: (req) => lists.seen(req),
    // Every call counts, per path, the token call too.
    rateLimit: { key: (req) => req.path, beforeAuth: true },
    authenticate(req): SandboxResponse | 'user' | 'app' | undefined {
      if (req.path === '/oauth2/token') return undefined;
      const host = (header(req, 'host') ?? '').replace(/:\d+$/, '');
      if (options.regionHost && host !== options.regionHost && req.path.startsWith('/api/')) {
        const origin = new URL(req.origin);
        origin.hostname = options.regionHost;
        return { status: 308, headers: { location: `${origin.origin}/blynk${req.path}?${req.query}` } };
      }
      const auth = header(req, 'authorization') ?? '';
      if (auth === `Bearer ${userToken}`) return 'user';
      const expires = auth.startsWith('Bearer ') ? access.get(auth.slice(7)) : undefined;
      if (expires === undefined || Date.now() >= expires) return error(401, 'Unauthorized');
      return 'app';
    },
    faultResponses: {
      rateLimited: tooMany,
      serverError: (status) => error(status, 'Internal server error'),
    },
    notFound: (req) =>
      req.path === '/oauth2/token' ? error(405, 'Method not allowed') : error(404, 'Not found'),
    routes: {
      getToken: (req) => token(req),
      getUserProfile(_req, _params, caller) {
        const self = users.values().next().value;
        if (caller !== 'user') return error(403, 'This endpoint requires user-scoped authentication');
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
      },
      listUsers(req) {
        const p = paging(req);
        if ('status' in p) return p;
        const sub = req.query.get('includeSubOrgUsers') === 'true';
        const all = lists.get(String(sub), () => [...users.values()].filter((u) => sub || u.orgId === ORG));
        return json(200, { content: pageOf(all, p.page, p.size).map(summary), totalElements: all.length });
      },
      searchUsers(req) {
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
      },
      getUser(req) {
        const user = userParam(req);
        return user ? json(200, user) : error(404, 'User not found or access denied');
      },
      createUser: (req) => create(req, false),
      createUserInOrg: (req) => create(req, true),
      updateUserRole(req) {
        const user = userParam(req);
        const roleId = Number(req.query.get('roleId'));
        if (!user || ![1, 2, 3].includes(roleId)) return error(404, 'User/role not found or access denied');
        user['roleId'] = roleId;
        user['lastModifiedTs'] = Date.now();
        return json(200, user);
      },
      inviteUser(req) {
        const body = bodyOf(req);
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
      },
      registerUser: (req) =>
        typeof bodyOf(req)['email'] === 'string' ? { status: 204 } : error(400, 'email is required'),
      transferUser(req) {
        const body = bodyOf(req);
        const user = users.get(Number(body['userId']));
        if (typeof body['targetOrgId'] !== 'number' || typeof body['roleId'] !== 'number')
          return error(400, 'Request with incorrect parameters');
        if (!user) return error(400, `User with identifier ${body['userId']} is not found.`);
        if (body['targetOrgId'] !== ORG && body['targetOrgId'] !== SUB_ORG)
          return error(404, 'Target organization is not found.');
        user.orgId = body['targetOrgId'];
        user['roleId'] = body['roleId'];
        return json(201, user);
      },
      sendPushNotification(req) {
        const body = bodyOf(req);
        if (typeof body['title'] !== 'string' || typeof body['body'] !== 'string')
          return error(400, 'title and body are required');
        return users.has(Number(body['userId']))
          ? json(200, { message: 'Push notification sent successfully' })
          : error(404, 'User not found or access denied');
      },
      registerFcmToken: (req) =>
        typeof bodyOf(req)['token'] === 'string' ? { status: 204 } : error(400, 'token is required'),
    },
  });

  function token(req: SandboxRequest): SandboxResponse {
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

  function create(req: SandboxRequest, inOrg: boolean): SandboxResponse {
    const body = bodyOf(req);
    if (
      typeof body['email'] !== 'string' ||
      typeof body['password'] !== 'string' ||
      typeof body['name'] !== 'string'
    ) {
      return error(400, 'email, password and name are required');
    }
    if (/[/\\<>]/.test(body['name'])) return error(400, 'Name cannot contain slashes, backslashes, < or >');
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
}
