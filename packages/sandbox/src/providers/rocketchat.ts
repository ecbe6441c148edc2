import {
  header,
  intParam,
  json,
  RateLimiter,
  ReadCache,
  type SandboxRequest,
  type SandboxResponse,
} from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';

/**
 * Rocket.Chat REST API v1 (users.*), as the server code in the reference sheet behaves:
 * X-User-Id + X-Auth-Token checked together; `count`/`offset` with default 50, a silent clamp at
 * 100 and `count=0` = everything; JSON `sort`; `{success:false, error, errorType}` envelopes;
 * the 7.x/8.x 401 body; per-route rate limits with X-RateLimit-Reset in epoch milliseconds; the
 * admin bypasses the limiter (api-bypass-rate-limit), a regular user does not.
 */

type Doc = Record<string, unknown> & { _id: string; username: string; active: boolean };

const DEFAULT_COUNT = 50;
const UPPER_COUNT_LIMIT = 100;
const ADMIN_FIELDS = [
  'name',
  'username',
  'emails',
  'roles',
  'status',
  'active',
  'avatarETag',
  'lastLogin',
  'type',
];
const REGULAR_FIELDS = ['name', 'username', 'status', 'active', 'avatarETag', 'type'];
const INFO_FIELDS = [
  'name',
  'username',
  'nickname',
  'status',
  'utcOffset',
  'type',
  'active',
  'bio',
  'statusText',
  'avatarETag',
];
const FULL_INFO_FIELDS = [
  'emails',
  'phone',
  'statusConnection',
  'createdAt',
  'lastLogin',
  'requirePasswordChange',
  'roles',
];
const UNAUTHORIZED = 'You must be logged in to do this.';
const NO_PERMISSION = 'User does not have the permissions required for this action [error-unauthorized]';

export interface RocketChatSandboxOptions extends ModuleOptions {
  /** Answer 401 with the legacy Restivus body `{status, message}` (servers before 7.x). */
  legacy401?: boolean;
}

export function rocketchat(options: RocketChatSandboxOptions): SandboxModule {
  const rng = new Rng(hashSeed(options.seed, 'rocketchat'));
  const admin = { userId: `adm${rng.meteorId().slice(3)}`, authToken: rng.hex(43) };
  const regular = { userId: `usr${rng.meteorId().slice(3)}`, authToken: rng.hex(43) };
  const users = new Map<string, Doc>();
  const limiter = options.rateLimit
    ? new RateLimiter(options.rateLimit.limit, options.rateLimit.windowMs)
    : undefined;
  let clock = Date.UTC(2025, 0, 1);
  // Sorted listings per sort spec, dropped on every write (a real server has indexes).
  const sorted = new ReadCache<Doc[]>();

  for (const p of peopleFor(options.seed, options.providerIndex, options.users)) {
    const id = rng.meteorId();
    const active = !seededInactive(options.seed, 'rocketchat', p);
    const bot = p.index % 41 === 40;
    users.set(id, {
      _id: id,
      username: p.username,
      name: `${p.firstName} ${p.lastName}`,
      emails: [{ address: p.index % 5 === 0 ? p.email.toUpperCase() : p.email, verified: p.index % 3 !== 0 }],
      roles: bot ? ['bot'] : p.index % 10 === 0 ? ['admin', 'user'] : ['user'],
      status: active ? (['online', 'away', 'offline', 'busy'] as const)[p.index % 4] : 'offline',
      active,
      type: bot ? 'bot' : 'user',
      avatarETag: rng.hex(8),
      lastLogin: new Date(p.lastLoginAt).toISOString(),
      createdAt: new Date(p.createdAt).toISOString(),
      _updatedAt: new Date(p.createdAt).toISOString(),
      utcOffset: p.utcOffsetMinutes / 60,
      nickname: p.firstName,
      bio: `${p.title} at Example`,
      statusText: '',
      phone: p.phone,
      requirePasswordChange: false,
      statusConnection: active ? 'online' : 'offline',
      language: p.locale,
    });
  }

  const failure = (error: string, errorType?: string, details?: unknown): SandboxResponse =>
    json(400, {
      success: false,
      error: errorType ? `${error} [${errorType}]` : error,
      ...(errorType ? { errorType } : {}),
      ...(details ? { details } : {}),
    });
  const ok = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    json(200, { ...body, success: true }, headers);

  function project(doc: Doc, fields: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { _id: doc._id };
    for (const f of fields) if (doc[f] !== undefined) out[f] = doc[f];
    return out;
  }

  function find(req: SandboxRequest, source: Record<string, unknown>): Doc | undefined | 'missing' {
    const userId = source['userId'];
    const username = source['username'] ?? source['user'];
    if (typeof userId === 'string' && userId) return users.get(userId);
    if (typeof username === 'string' && username)
      return [...users.values()].find((u) => u.username === username);
    void req;
    return 'missing';
  }

  const tooMany = (resetAt: number, headers: Record<string, string>) =>
    json(
      429,
      {
        success: false,
        error: `Error, too many requests. Please slow down. You must wait ${Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))} seconds before trying this endpoint again. [error-too-many-requests]`,
      },
      headers,
    );

  return {
    id: 'rocketchat',
    basePath: '',
    credentials: {
      userId: admin.userId,
      authToken: admin.authToken,
      regularUserId: regular.userId,
      regularAuthToken: regular.authToken,
    },
    faultResponses: {
      rateLimited: (resetAt) =>
        tooMany(resetAt, {
          'x-ratelimit-limit': String(limiter?.limit ?? 10),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(resetAt),
        }),
      serverError: (status) => json(status, { success: false, error: 'Internal server error' }),
    },
    count: () => users.size,
    handle(req) {
      // Authentication: both headers, checked together.
      const userId = header(req, 'x-user-id');
      const token = header(req, 'x-auth-token');
      const caller =
        userId === admin.userId && token === admin.authToken
          ? 'admin'
          : userId === regular.userId && token === regular.authToken
            ? 'regular'
            : undefined;
      if (!caller) {
        return json(
          401,
          options.legacy401
            ? { status: 'error', message: UNAUTHORIZED }
            : { success: false, error: UNAUTHORIZED, status: 'error', message: UNAUTHORIZED },
        );
      }
      const route = `${req.method} ${req.path}`;
      let rl: Record<string, string> | undefined;
      if (limiter && caller !== 'admin') {
        const state = limiter.hit(`${caller}:${route}`);
        rl = {
          'x-ratelimit-limit': String(limiter.limit),
          'x-ratelimit-remaining': String(state.remaining),
          'x-ratelimit-reset': String(state.resetAt),
        };
        if (!state.allowed) return tooMany(state.resetAt, rl);
      }
      const res = route_(req, route, caller);
      if (rl) res.headers = { ...rl, ...res.headers };
      return res;
    },
  };

  function route_(req: SandboxRequest, route: string, caller: 'admin' | 'regular'): SandboxResponse {
    const isAdmin = caller === 'admin';
    const body = (req.body ?? {}) as Record<string, unknown>;
    sorted.seen(req);
    if (
      req.method === 'POST' &&
      (req.invalidJson || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
    ) {
      return failure('must be object', 'invalid-params');
    }
    switch (route) {
      case 'GET /api/v1/users.list': {
        const offset = intParam(req.query, 'offset') ?? 0;
        let count = req.query.has('count') ? (intParam(req.query, 'count') ?? 0) : DEFAULT_COUNT;
        if (Number.isNaN(count) || Number.isNaN(offset) || count < 0 || offset < 0) {
          return failure('must be >= 0', 'invalid-params');
        }
        if (count > UPPER_COUNT_LIMIT) count = UPPER_COUNT_LIMIT;
        let sort: Record<string, 1 | -1> = { username: 1 };
        const rawSort = req.query.get('sort');
        if (rawSort !== null) {
          try {
            const parsed = JSON.parse(rawSort) as unknown;
            if (
              !parsed ||
              typeof parsed !== 'object' ||
              Array.isArray(parsed) ||
              !Object.values(parsed).every((v) => v === 1 || v === -1)
            )
              throw new Error();
            sort = parsed as Record<string, 1 | -1>;
          } catch {
            return failure(`Invalid sort parameter provided: "${rawSort}"`, 'error-invalid-sort');
          }
        }
        let list = sorted.get(JSON.stringify(sort), () => {
          // Sort keys computed once per user, not once per comparison.
          const order = Object.entries(sort);
          const keyed = [...users.values()].map((u) => ({
            u,
            keys: order.map(([field]) => String(u[field] ?? '').toLowerCase()),
          }));
          keyed.sort((a, b) => {
            for (let i = 0; i < order.length; i++) {
              const av = a.keys[i] as string;
              const bv = b.keys[i] as string;
              const dir = (order[i] as [string, number])[1];
              if (av !== bv) return av < bv ? -dir : dir;
            }
            return a.u._id < b.u._id ? -1 : a.u._id > b.u._id ? 1 : 0;
          });
          return keyed.map((k) => k.u);
        });
        const email = req.query.get('email');
        if (email !== null) {
          if (!isAdmin) return json(403, { success: false, error: NO_PERMISSION });
          list = list.filter((u) =>
            (u['emails'] as { address: string }[] | undefined)?.some(
              (e) => e.address.toLowerCase() === email.toLowerCase(),
            ),
          );
        }
        const page = count === 0 ? list.slice(offset) : list.slice(offset, offset + count);
        const fields = isAdmin ? ADMIN_FIELDS : REGULAR_FIELDS;
        return ok({
          users: page.map((u) => ({
            ...project(u, fields),
            nameInsensitive: String(u['name'] ?? '').toLowerCase(),
          })),
          count: page.length,
          offset,
          total: list.length,
        });
      }
      case 'GET /api/v1/users.info': {
        const keys = ['userId', 'username', 'importId', 'email', 'freeSwitchExtension'].filter((k) =>
          req.query.has(k),
        );
        if (keys.length !== 1) {
          return failure(
            "must have required property 'userId'\n must have required property 'username'\n must have required property 'importId'\n must match a schema in anyOf",
            'invalid-params',
          );
        }
        const key = keys[0] as string;
        const value = req.query.get(key) ?? '';
        const user =
          key === 'userId'
            ? users.get(value)
            : key === 'username'
              ? [...users.values()].find((u) => u.username === value)
              : key === 'email' && isAdmin
                ? [...users.values()].find((u) =>
                    (u['emails'] as { address: string }[]).some(
                      (e) => e.address.toLowerCase() === value.toLowerCase(),
                    ),
                  )
                : undefined;
        if (!user) return failure('User not found.');
        const fields = isAdmin ? [...INFO_FIELDS, ...FULL_INFO_FIELDS] : INFO_FIELDS;
        return ok({ user: { ...project(user, fields), canViewAllInfo: isAdmin } });
      }
      case 'POST /api/v1/users.create': {
        const missing = ['email', 'name', 'password', 'username'].filter(
          (k) => typeof body[k] !== 'string' || body[k] === '',
        );
        if (missing.length)
          return failure(
            missing.map((k) => `must have required property '${k}'`).join('\n '),
            'invalid-params',
          );
        if (!isAdmin) {
          return failure('Adding user is not allowed', 'error-action-not-allowed', {
            method: 'insertOrUpdateUser',
            action: 'Adding_user',
          });
        }
        const username = body['username'] as string;
        if ([...users.values()].some((u) => u.username === username)) {
          return failure(`${username} is already in use :(`, 'error-field-unavailable', { field: username });
        }
        const id = rng.meteorId();
        clock += 1000;
        const doc: Doc = {
          _id: id,
          username,
          name: body['name'],
          emails: [{ address: body['email'], verified: body['verified'] === true }],
          roles: Array.isArray(body['roles']) ? body['roles'] : ['user'],
          status: 'offline',
          active: body['active'] !== false,
          type: 'user',
          createdAt: new Date(clock).toISOString(),
          _updatedAt: new Date(clock).toISOString(),
          requirePasswordChange: body['requirePasswordChange'] === true,
          ...(typeof body['nickname'] === 'string' ? { nickname: body['nickname'] } : {}),
          ...(typeof body['bio'] === 'string' ? { bio: body['bio'] } : {}),
          ...(body['customFields'] && typeof body['customFields'] === 'object'
            ? { customFields: body['customFields'] }
            : {}),
        };
        users.set(id, doc);
        return ok({ user: doc });
      }
      case 'POST /api/v1/users.update': {
        if (typeof body['userId'] !== 'string' || body['userId'] === '')
          return failure("must have required property 'userId'", 'invalid-params');
        if (!body['data'] || typeof body['data'] !== 'object')
          return failure("must have required property 'data'", 'invalid-params');
        if (!isAdmin)
          return failure('Editing user is not allowed', 'error-action-not-allowed', {
            method: 'insertOrUpdateUser',
            action: 'Editing_user',
          });
        const user = users.get(body['userId']);
        if (!user)
          return failure(
            'The required "userId" or "username" param provided does not match any users',
            'error-invalid-user',
          );
        const data = body['data'] as Record<string, unknown>;
        for (const k of [
          'name',
          'username',
          'active',
          'bio',
          'nickname',
          'statusText',
          'roles',
          'requirePasswordChange',
          'customFields',
          'status',
        ]) {
          if (data[k] !== undefined) user[k] = data[k];
        }
        if (typeof data['email'] === 'string')
          user['emails'] = [{ address: data['email'], verified: data['verified'] === true }];
        clock += 1000;
        user['_updatedAt'] = new Date(clock).toISOString();
        return ok({ user });
      }
      case 'POST /api/v1/users.delete': {
        if (!isAdmin) return json(403, { success: false, error: NO_PERMISSION });
        const user = find(req, body);
        if (user === 'missing')
          return failure(
            'The required "userId" or "username" param was not provided',
            'error-user-param-not-provided',
          );
        if (!user)
          return failure(
            'The required "userId" or "username" param provided does not match any users',
            'error-invalid-user',
          );
        users.delete(user._id);
        return ok({ deletedRooms: [] });
      }
      case 'POST /api/v1/users.setActiveStatus': {
        if (typeof body['userId'] !== 'string')
          return failure("must have required property 'userId'", 'invalid-params');
        if (typeof body['activeStatus'] !== 'boolean')
          return failure("must have required property 'activeStatus'", 'invalid-params');
        if (!isAdmin) return json(403, { success: false, error: NO_PERMISSION });
        const user = users.get(body['userId']);
        if (!user)
          return failure(
            'The required "userId" or "username" param provided does not match any users',
            'error-invalid-user',
          );
        user.active = body['activeStatus'];
        return ok({ user: { _id: user._id, active: user.active } });
      }
      case 'GET /api/v1/users.getPresence': {
        const q = Object.fromEntries(req.query);
        const found = find(req, q);
        if (found === 'missing')
          return ok({
            presence: 'online',
            connectionStatus: 'online',
            lastLogin: new Date(clock).toISOString(),
          });
        if (!found)
          return failure(
            'The required "userId" or "username" param provided does not match any users',
            'error-invalid-user',
          );
        return ok({ presence: found.active ? found['status'] : 'offline' });
      }
      case 'POST /api/v1/users.setStatus': {
        if (body['status'] === undefined && body['message'] === undefined)
          return failure(
            "must have required property 'status'\n must have required property 'message'",
            'invalid-params',
          );
        if (
          body['status'] !== undefined &&
          !['online', 'away', 'offline', 'busy'].includes(body['status'] as string)
        ) {
          return failure('Invalid status', 'error-invalid-status');
        }
        const found = find(req, body);
        const target = found === 'missing' ? undefined : found;
        if (found !== 'missing' && !target)
          return failure(
            'The required "userId" or "username" param provided does not match any users',
            'error-invalid-user',
          );
        if (target && !isAdmin) return json(403, { success: false, error: 'unauthorized' });
        if (target) {
          if (body['status'] !== undefined) target['status'] = body['status'];
          if (typeof body['message'] === 'string') target['statusText'] = body['message'];
        }
        return ok({});
      }
      case 'GET /api/v1/users.getStatus': {
        const q = Object.fromEntries(req.query);
        const found = find(req, q);
        if (found === 'missing')
          return ok({
            _id: isAdmin ? admin.userId : regular.userId,
            status: 'online',
            connectionStatus: 'online',
            statusSource: 'internal',
          });
        if (!found)
          return failure(
            'The required "userId" or "username" param provided does not match any users',
            'error-invalid-user',
          );
        return ok({ _id: found._id, status: found['status'] });
      }
      case 'GET /api/v1/users.presence': {
        const ids = req.query
          .getAll('ids')
          .flatMap((v) => v.split(','))
          .filter(Boolean);
        const list = ids.length
          ? ids.map((id) => users.get(id)).filter((u): u is Doc => u !== undefined)
          : [...users.values()];
        return ok({
          users: list.map((u) => ({
            _id: u._id,
            username: u.username,
            name: u['name'],
            status: u['status'],
            utcOffset: u['utcOffset'] ?? 0,
            statusText: u['statusText'] ?? '',
            avatarETag: u['avatarETag'] ?? '',
          })),
          full: !req.query.has('from'),
        });
      }
      default:
        return json(404, { success: false, error: 'Resource not found' });
    }
  }
}
