import { frameModule } from '../frame.js';
import { operations } from '../generated/routes.js';
import { header, intParam, json, type SandboxRequest, type SandboxResponse } from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';

/**
 * imi.chat v3.1: `GET /authorize` with base64(APIKey@DomainName) in the `key` header (the
 * project's one assumption) returns the token in the `access_token` response header; every other
 * call needs `access_token` + `teamid`. Every body is `{status_code, description, response}` with
 * the documented codes; pages of 10 (1-based); tokens expire (2004, HTTP 401).
 */
type Doc = Record<string, unknown> & { id: number };

export interface ImichatSandboxOptions extends ModuleOptions {
  /** Token lifetime in ms (default one hour). */
  tokenTtlMs?: number;
}

const PAGE_SIZE = 10;
const DAILY_LIMIT = 10_000;

export function imichat(options: ImichatSandboxOptions): SandboxModule {
  const rng = new Rng(hashSeed(options.seed, 'imichat'));
  const apiKey = rng.hex(32);
  const domainName = 'sandbox.imi.chat';
  const teamId = '12';
  const tokens = new Map<string, number>();
  const ttl = options.tokenTtlMs ?? 3_600_000;
  let used = 0;
  const users: Doc[] = [];
  let nextId = 1001;

  for (const p of peopleFor(options.seed, options.providerIndex, options.users)) {
    const active = !seededInactive(options.seed, 'imichat', p);
    const created = new Date(p.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    users.push({
      id: nextId++,
      first_name: p.firstName,
      last_name: p.lastName,
      login_id: p.username,
      email_id: p.index % 4 === 1 ? `  ${p.email.toUpperCase()} ` : p.email,
      status: active ? 'active' : 'inactive',
      logged_in: active && p.index % 3 === 0,
      job_description: p.title,
      login_using_email: true,
      role_type: 'Customer Care',
      accepting_chats: active,
      skill_attributes: { language: p.locale },
      active_chats: p.index % 4,
      created_at: created,
      // The docs leave the format open; half the records use the other documented style.
      updated_at:
        p.index % 2
          ? new Date(p.lastLoginAt).toISOString().replace('T', ' ').replace('Z', '')
          : new Date(p.lastLoginAt).toISOString(),
    });
  }

  const envelope = (
    http: number,
    status_code: number,
    description: string,
    response: unknown = '',
    headers: Record<string, string> = {},
  ) =>
    json(
      http,
      { status_code, description, response },
      {
        trxid: rng.uuid(),
        'rate-limit-limit': String(DAILY_LIMIT),
        'rate-limit-remaining': String(Math.max(0, DAILY_LIMIT - used)),
        'rate-limit-reset': '00:00:00',
        ...headers,
      },
    );

  const tooMany = () => envelope(429, 2098, 'Rate limit exceeded');
  const notAllowed = () => envelope(405, 2099, 'Method not allowed');
  const page = (req: SandboxRequest, list: Doc[]) => {
    const n = intParam(req.query, 'page') ?? 1;
    const p = Number.isNaN(n) || n < 1 ? 1 : n;
    return envelope(200, 4306, 'The user details retrieved successfully', {
      users: list.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE),
    });
  };
  const ops: Record<string, (a: unknown, b: unknown) => boolean> = {
    eq: (a, b) => a === b,
    lt: (a, b) => String(a) < String(b),
    gt: (a, b) => String(a) > String(b),
    lte: (a, b) => String(a) <= String(b),
    gte: (a, b) => String(a) >= String(b),
  };

  return frameModule(options, {
    id: 'imichat',
    basePath: '/v3.1',
    // The user collection and a user answer with a trailing slash too.
    operations: {
      ...operations.imichat,
      'GET /users/': 'listUsers',
      'POST /users/': 'createUser',
      'GET /users/{user_id}/': 'getUser',
    },
    credentials: { apiKey, domainName, teamId },
    count: () => users.length,
    onRequest() {
      used++;
    },
    // Every call counts, per path, the token call too.
    rateLimit: { key: (req) => req.path, beforeAuth: true },
    authenticate(req) {
      if (req.path === '/authorize') return undefined;
      const token = header(req, 'access_token');
      const team = header(req, 'teamid');
      if (!token || !team)
        return envelope(400, 2002, 'Invalid header param: mandatory header parameters not found');
      const expires = tokens.get(token);
      if (expires === undefined) return envelope(400, 2003, 'Invalid Access Token');
      if (Date.now() >= expires) return envelope(401, 2004, 'Access Token expired');
      if (team !== teamId)
        return envelope(404, 2010, 'Could not find details of team based on the teamid passed in the header');
      return token;
    },
    faultResponses: {
      rateLimited: tooMany,
      serverError: (status) => envelope(status, 2007, 'Internal Server Error'),
    },
    notFound: notAllowed,
    routes: {
      authorize(req) {
        const key = header(req, 'key');
        if (!key) return envelope(400, 2002, 'Invalid header param: mandatory header parameters not found');
        if (atob(key) !== `${apiKey}@${domainName}`) return envelope(401, 2001, 'Invalid API key');
        const token = rng.uuid();
        tokens.set(token, Date.now() + ttl);
        return envelope(200, 1001, 'Authorized successfully', '', { access_token: token });
      },
      listUsers: (req) => page(req, users),
      createUser: (req) => create(req),
      getUser(req, { user_id }) {
        // The search route takes POST only.
        if (req.path === '/users/search') return notAllowed();
        const user = users.find((u) => String(u.id) === user_id);
        return user
          ? envelope(200, 4306, 'The user details retrieved successfully', user)
          : envelope(404, 3101, 'Requested user was not found');
      },
      searchUsers(req) {
        const filters = (req.body as { filters?: unknown } | undefined)?.filters;
        if (!Array.isArray(filters)) return envelope(400, 2005, 'Invalid request body');
        const matched = users.filter((u) =>
          filters.every(
            (f: { field?: string; operator?: string; value?: unknown }) =>
              ops[f.operator ?? '']?.(u[f.field ?? ''], f.value) ?? false,
          ),
        );
        return page(req, matched);
      },
    },
  });

  function create(req: SandboxRequest): SandboxResponse {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const privileges = b['privileges'];
    const validPrivileges =
      Array.isArray(privileges) &&
      privileges.length > 0 &&
      privileges.every(
        (p: { teamid?: unknown; role?: unknown }) =>
          typeof p.teamid === 'number' &&
          ['Team Manager', 'Team Agent', 'Team Analyst'].includes(String(p.role)),
      );
    if (typeof b['first_name'] !== 'string' || typeof b['email_id'] !== 'string' || !validPrivileges) {
      return envelope(400, 2005, 'Invalid request body: first_name, email_id and privileges are required');
    }
    const user: Doc = {
      id: nextId++,
      first_name: b['first_name'],
      last_name: b['last_name'] ?? '',
      login_id: b['login_id'] ?? b['email_id'],
      email_id: b['email_id'],
      status: 'active',
      logged_in: false,
      role_type: 'Customer Care',
      accepting_chats: false,
      active_chats: 0,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    users.push(user);
    return envelope(201, 4301, 'The user has been created successfully', user);
  }
}
