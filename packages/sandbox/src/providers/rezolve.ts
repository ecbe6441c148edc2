import { frameModule, type Route } from '../frame.js';
import { operations } from '../generated/routes.js';
import { etagOf, header, json, type SandboxRequest, type SandboxResponse } from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';

/**
 * Rezolve.ai ticketing API v2: Keycloak bearer tokens (one deliberately expired one for tests),
 * `x-tenantid` (UUID) and `realmname` checked, `{success, message, data, timestamp}` and
 * `{success:false, error:{code, message, details}}` envelopes, ETags with `if-none-match` → 304,
 * `roles` as a list in user/list and as `{realm, resource}` in userinfo.
 */
type Doc = Record<string, unknown> & { id: string };

const MODULES = ['ticketing', 'chat', 'knowledge'];

export function rezolve(options: ModuleOptions): SandboxModule {
  const rng = new Rng(hashSeed(options.seed, 'rezolve'));
  const tenantId = rng.uuid();
  const realm = 'sandbox';
  const token = `eyJhbGciOiJSUzI1NiJ9.${rng.hex(48)}.${rng.hex(32)}`;
  const expiredToken = `eyJhbGciOiJSUzI1NiJ9.${rng.hex(48)}.expired`;
  const now = () => new Date().toISOString();
  const byType: Record<'template' | 'agent' | 'user', Doc[]> = { template: [], agent: [], user: [] };

  for (const p of peopleFor(options.seed, options.providerIndex, options.users)) {
    const inactive = seededInactive(options.seed, 'rezolve', p);
    byType.agent.push({
      id: rng.uuid(),
      username: p.email,
      firstName: p.firstName,
      lastName: p.lastName,
      email: p.email,
      type: 'agent',
      roles: p.index % 8 === 0 ? ['ticket_agent', 'ticket_admin'] : ['ticket_agent'],
      teams: p.index % 2 ? ['it', 'global'] : ['hr'],
      defaultTeam: p.index % 2 ? 'it' : 'hr',
      status: inactive ? 'inactive' : 'active',
      createdAt: new Date(p.createdAt).toISOString(),
      updatedAt: new Date(p.lastLoginAt).toISOString(),
    });
  }
  for (const name of ['L1 Agent', 'L2 Agent']) {
    byType.template.push({
      id: rng.uuid(),
      username: name.toLowerCase().replace(' ', '-'),
      firstName: name,
      type: 'template',
      roles: ['ticket_agent'],
      teams: ['global'],
      status: 'active',
    });
  }
  const me: Doc = {
    id: rng.uuid(),
    username: 'integration@sandbox.rezolve.ai',
    email: 'integration@sandbox.rezolve.ai',
    emailVerified: true,
    name: 'Integration User',
    givenName: 'Integration',
    familyName: 'User',
    preferredUsername: 'integration@sandbox.rezolve.ai',
    avatar: null,
    locale: 'en',
    teams: ['it'],
    defaultTeam: 'it',
    roles: {
      realm: ['offline_access', 'uma_authorization', 'ticket_admin'],
      resource: { account: ['manage-account', 'view-profile'] },
    },
    settings: { timezone: 'Asia/Calcutta', language: 'en' },
    tenant: { id: tenantId, name: 'Sandbox', realm },
  };

  const fail = (
    status: number,
    code: string,
    message: string,
    details: unknown = message,
    headers?: Record<string, string>,
  ) => json(status, { success: false, error: { code, message, details }, timestamp: now() }, headers);

  const tooMany = (limit: number, resetAt: number) =>
    fail(429, 'RATE_LIMITED', 'Too many requests', 'Standard API rate limits apply', {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil((resetAt - Date.now()) / 1000)),
    });

  const ok = (message: string, data: unknown) =>
    json(200, { success: true, message, data, timestamp: '2025-12-12T10:00:00.000Z' });
  const invalidModule = (req: SandboxRequest) => {
    const module = req.query.get('module');
    return module !== null && !MODULES.includes(module)
      ? fail(400, 'INVALID_PARAMETER', `Invalid module: ${module}`)
      : undefined;
  };
  /** Every route is a GET with an optional `module`, and tags what it sends (a match is 304 with no body). */
  const get =
    (handler: (req: SandboxRequest, params: Record<string, string>) => SandboxResponse): Route =>
    (req, params) => {
      const res = invalidModule(req) ?? handler(req, params);
      if (res.status !== 200) return res;
      const etag = etagOf(res.body);
      if (header(req, 'if-none-match') === etag) return { status: 304, headers: { etag } };
      return { ...res, headers: { ...res.headers, etag } };
    };

  return frameModule(options, {
    id: 'rezolve',
    basePath: '/api/v2/ticketing',
    operations: operations.rezolve,
    credentials: { token, tenantId, realm, expiredToken },
    count: () => byType.agent.length,
    authenticate(req) {
      const auth = header(req, 'authorization');
      if (auth === `Bearer ${expiredToken}`)
        return fail(401, 'TOKEN_EXPIRED', 'Token has expired', 'Please refresh your token');
      if (auth !== `Bearer ${token}`)
        return fail(401, 'UNAUTHORIZED', 'Authentication required', 'Missing or invalid bearer token');
      const tenant = header(req, 'x-tenantid');
      if (!tenant) return fail(400, 'MISSING_TENANT', 'x-tenantid header is required');
      if (tenant !== tenantId) return fail(404, 'TENANT_NOT_FOUND', 'Tenant not found');
      const realmName = header(req, 'realmname');
      if (realmName !== undefined && realmName !== realm)
        return fail(404, 'REALM_NOT_FOUND', 'Realm not found');
      return token;
    },
    // Per path, after authentication.
    rateLimit: { key: (req) => req.path },
    faultResponses: {
      rateLimited: (resetAt) => tooMany(options.rateLimit?.limit ?? 100, resetAt),
      serverError: (status) => fail(status, 'INTERNAL_ERROR', 'Internal server error'),
    },
    notFound: (req) =>
      req.method !== 'GET'
        ? fail(405, 'METHOD_NOT_ALLOWED', 'Method not allowed')
        : (invalidModule(req) ?? fail(404, 'NOT_FOUND', `Cannot GET ${req.path}`)),
    routes: {
      listUsers: get((req) => {
        const module = req.query.get('module');
        const type = req.query.get('type');
        if (type !== 'template' && type !== 'agent' && type !== 'user')
          return fail(400, 'INVALID_PARAMETER', 'type must be one of template, agent, user');
        if (!module) return fail(400, 'INVALID_PARAMETER', 'module is required');
        const users = byType[type];
        return ok('Users retrieved successfully', { users, totalCount: users.length, module, type });
      }),
      getUserInfo: get((req) => {
        const module = req.query.get('module');
        return ok('User info retrieved successfully', {
          ...me,
          ...(module ? { module, type: 'template' } : {}),
        });
      }),
      getUserPreference: get(() =>
        ok('Preferences retrieved successfully', { theme: 'light', pageSize: 25 }),
      ),
      getCurrentQueues: get(() =>
        ok('Current queues retrieved successfully', {
          queues: [1, 2, 3].map((id) => ({ id, name: `Queue ${id}` })),
        }),
      ),
      listQueueUsers: get((_req, { queueId }) => {
        const id = Number(queueId);
        if (!Number.isInteger(id) || id < 1 || id > 3)
          return fail(404, 'QUEUE_NOT_FOUND', 'Queue not found', `No queue with id ${queueId}`);
        const members = byType.agent
          .filter((_, i) => i % 3 === id - 1)
          .map((u, i) => ({
            id: u.id,
            userId: i + 1,
            username: u['username'],
            email: u['email'],
            name: `${u['firstName']} ${u['lastName']}`,
            firstName: u['firstName'],
            lastName: u['lastName'],
            avatar: null,
            role: 'agent',
            queueRole: 'member',
            availability: {
              status: u['status'] === 'active' ? 'online' : 'offline',
              statusSince: u['updatedAt'],
              autoAssign: true,
            },
          }));
        return ok('Queue users retrieved successfully', {
          users: members,
          summary: { totalUsers: members.length },
        });
      }),
    },
  });
}
