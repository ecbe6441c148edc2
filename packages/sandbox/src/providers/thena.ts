import { frameModule } from '../frame.js';
import { operations } from '../generated/routes.js';
import {
  header,
  intParam,
  json,
  matchPath,
  ReadCache,
  type SandboxRequest,
  type SandboxResponse,
} from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';

/**
 * Thena platform API: `x-api-key` (or the older Bearer + `x-org-id`), the `{status, message,
 * timestamp, data}` envelope where the docs show it, bare objects where they do not, NestJS error
 * bodies, X-RateLimit-* with the reset in UNIX seconds, Typesense-style search paged by
 * `page`/`per_page` (≤ 250).
 */
type Doc = Record<string, unknown> & { id: string; name: string; email: string };

const TEAMS = [
  { id: 'T1', name: 'Support', identifier: 'SUP' },
  { id: 'T2', name: 'Success', identifier: 'SUC' },
  { id: 'T3', name: 'Engineering', identifier: 'ENG' },
];

export function thena(options: ModuleOptions): SandboxModule {
  const rng = new Rng(hashSeed(options.seed, 'thena'));
  const apiKey = `thena_${rng.hex(32)}`;
  const legacy = { token: `eyJ${rng.hex(40)}`, orgId: `O${rng.hex(8).toUpperCase()}` };
  const users = new Map<string, Doc>();
  const searches = new ReadCache<Doc[]>();
  const me: Doc = {
    id: 'UAPPBOT0001',
    name: 'rosterkit app',
    email: 'app@sandbox.thena.ai',
    userType: 'BOT_USER',
    status: 'ACTIVE',
    isActive: true,
  };
  const now = () => new Date().toISOString();

  for (const p of peopleFor(options.seed, options.providerIndex, options.users)) {
    const id = `U${rng.hex(10).toUpperCase()}`;
    const active = !seededInactive(options.seed, 'thena', p);
    const bot = p.index % 37 === 36;
    users.set(id, {
      id,
      uid: id,
      name: `${p.firstName} ${p.lastName}`,
      email: p.email,
      userType: bot ? 'BOT_USER' : p.index % 9 === 0 ? 'ORG_ADMIN' : 'ORG_USER',
      status: active ? 'ACTIVE' : 'INACTIVE',
      isActive: active,
      lastLoginAt: new Date(p.lastLoginAt).toISOString(),
      avatarUrl: `https://avatars.example.com/${p.username}.png`,
      timezone: p.timezone,
      organizationId: legacy.orgId,
      primaryTeamId: TEAMS[p.index % 3]?.id,
      teams: [TEAMS[p.index % 3], ...(p.index % 4 === 0 ? [TEAMS[(p.index + 1) % 3]] : [])],
      metadata: { title: p.title },
      createdAt: new Date(p.createdAt).toISOString(),
      updatedAt: new Date(p.lastLoginAt).toISOString(),
    });
  }

  const envelope = (data: unknown, status = 200, headers?: Record<string, string>) =>
    json(status, { status: true, message: 'Success', timestamp: now(), data }, headers);
  const nestError = (statusCode: number, message: string | string[], error?: string) =>
    json(statusCode, { statusCode, message, ...(error ? { error } : {}) });

  const rateHeaders = (limit: number, remaining: number, resetAt: number, path: string) => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    'x-ratelimit-path': path,
  });

  return frameModule(options, {
    id: 'thena',
    operations: operations.thena,
    credentials: { apiKey, token: legacy.token, orgId: legacy.orgId },
    count: () => users.size,
    onRequest: (req) => searches.seen(req),
    authenticate(req) {
      const bearer = header(req, 'authorization');
      const authed =
        header(req, 'x-api-key') === apiKey ||
        (bearer === `Bearer ${legacy.token}` && header(req, 'x-org-id') === legacy.orgId);
      return authed ? 'app' : nestError(401, 'Unauthorized');
    },
    // Per route, with the window on every answer.
    rateLimit: {
      key: (req) => `${req.method} ${req.path}`,
      headers: (s, req) => rateHeaders(s.limit, s.remaining, s.resetAt, req.path),
    },
    faultResponses: {
      rateLimited: (resetAt) => ({
        ...nestError(429, 'ThrottlerException: Too Many Requests'),
        headers: rateHeaders(options.rateLimit?.limit ?? 100, 0, resetAt, '/'),
      }),
      serverError: (status) => nestError(status, 'Internal server error', 'Internal Server Error'),
    },
    notFound(req) {
      // The members path checks its team before the method.
      const teamId = matchPath('/v1/teams/{teamId}/members', req.path)?.['teamId'];
      if (teamId !== undefined && !TEAMS.some((t) => t.id === teamId))
        return nestError(404, 'Team not found', 'Not Found');
      return nestError(404, `Cannot ${req.method} ${req.path}`, 'Not Found');
    },
    routes: {
      listUsers: () => envelope([...users.values()]),
      updateMyUser(req) {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (body['name'] !== undefined && typeof body['name'] !== 'string')
          return nestError(400, ['name must be a string'], 'Bad Request');
        if (typeof body['name'] === 'string') me['name'] = body['name'];
        if (typeof body['avatarUrl'] === 'string') me['avatarUrl'] = body['avatarUrl'];
        me['updatedAt'] = now();
        return json(200, me);
      },
      updateMyBusinessHours(req) {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (body['timezone'] !== undefined && typeof body['timezone'] !== 'string')
          return nestError(400, ['timezone must be a string'], 'Bad Request');
        const slots = Array.isArray(body['commonSlots']) ? body['commonSlots'] : [];
        const day = { isActive: true, slots };
        return envelope({
          timezone: body['timezone'] ?? 'UTC',
          userId: me.id,
          commonDailyConfig: body['commonDailyConfig'] === true,
          dailyConfig: { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day },
          createdAt: now(),
          updatedAt: now(),
        });
      },
      // The caller's teams: the app user is a member of every team it administers.
      listMyTeams: () => envelope(TEAMS.map((t) => ({ ...t, isActive: true, isPrivate: false }))),
      listTeamMembers(req, { teamId }) {
        const team = TEAMS.find((t) => t.id === teamId);
        if (!team) return nestError(404, 'Team not found', 'Not Found');
        const search = (req.query.get('searchQuery') ?? '').toLowerCase();
        const agents = req.query.get('includeAgents') === 'true';
        const list = [...users.values()]
          .filter((u) => (u['teams'] as { id: string }[]).some((t) => t.id === team.id))
          .filter((u) => agents || u['userType'] !== 'BOT_USER')
          .filter((u) => !search || u.name.toLowerCase().includes(search) || u.email.includes(search))
          .map((u) => member(u, team));
        return envelope(list);
      },
      addTeamMember(req, { teamId }) {
        const team = TEAMS.find((t) => t.id === teamId);
        if (!team) return nestError(404, 'Team not found', 'Not Found');
        const body = (req.body ?? {}) as Record<string, unknown>;
        const errors = ['email', 'userId']
          .filter((k) => typeof body[k] !== 'string')
          .map((k) => `${k} must be a string`);
        if (typeof body['isAdmin'] !== 'boolean') errors.push('isAdmin must be a boolean value');
        if (errors.length) return nestError(400, errors, 'Bad Request');
        const user = users.get(body['userId'] as string);
        if (!user) return nestError(404, 'User not found', 'Not Found');
        const teams = user['teams'] as typeof TEAMS;
        if (!teams.some((t) => t.id === team.id)) teams.push(team);
        return json(201, { ...member(user, team), role: body['isAdmin'] ? 'admin' : 'member' });
      },
      removeTeamMember(_req, { teamId, memberId }) {
        const team = TEAMS.find((t) => t.id === teamId);
        if (!team) return nestError(404, 'Team not found', 'Not Found');
        const user = users.get(memberId ?? '');
        const teams = user?.['teams'] as { id: string }[] | undefined;
        const at = teams?.findIndex((t) => t.id === team.id) ?? -1;
        if (!user || !teams || at < 0) return nestError(404, 'Team member not found', 'Not Found');
        teams.splice(at, 1);
        if (user['primaryTeamId'] === team.id) user['primaryTeamId'] = teams[0]?.id ?? null;
        user['updatedAt'] = now();
        return envelope({ id: user.id, teamId: team.id });
      },
      searchUsers: (req) => search(req),
    },
  });

  function member(u: Doc, team: { id: string; name: string }) {
    return {
      id: u.id,
      name: u.name,
      email: u.email,
      teamId: team.id,
      teamName: team.name,
      isActive: u['isActive'],
      role: 'member',
      userType: u['userType'],
      isOwner: false,
      isAgent: u['userType'] === 'BOT_USER',
      joinedAt: u['createdAt'],
      createdAt: u['createdAt'],
    };
  }

  function search(req: SandboxRequest): SandboxResponse {
    const q = req.query.get('q');
    const queryBy = req.query.get('query_by');
    if (!q || !queryBy)
      return nestError(
        400,
        ['q should not be empty', 'query_by should not be empty'].filter((_, i) => (i ? !queryBy : !q)),
        'Bad Request',
      );
    const page = intParam(req.query, 'page') ?? 1;
    const perPage = intParam(req.query, 'per_page') ?? 20;
    if (Number.isNaN(page) || page < 1)
      return nestError(400, ['page must be a positive integer'], 'Bad Request');
    if (Number.isNaN(perPage) || perPage < 1 || perPage > 250)
      return nestError(400, ['per_page must be between 1 and 250'], 'Bad Request');
    const fields = queryBy === '*' ? ['name', 'email', 'uid'] : queryBy.split(',').map((f) => f.trim());
    const [sortField = 'id', dir = 'asc'] = (req.query.get('sort_by') ?? 'id:asc').split(':');
    // Sorted and filtered once per search until the next write (a real server has an index).
    let list = searches.get(JSON.stringify([sortField, dir, q, fields]), () =>
      [...users.values()]
        .filter(
          (u) =>
            q === '*' ||
            fields.some((f) =>
              String(u[f] ?? '')
                .toLowerCase()
                .includes(q.toLowerCase()),
            ),
        )
        .sort(
          (a, b) =>
            (String(a[sortField]) < String(b[sortField])
              ? -1
              : String(a[sortField]) > String(b[sortField])
                ? 1
                : 0) * (dir === 'desc' ? -1 : 1),
        ),
    );
    const filter = req.query.get('filter_by');
    if (filter) {
      const m = /^(\w+):=(.+)$/.exec(filter);
      if (!m) return nestError(400, [`Could not parse the filter query: ${filter}`], 'Bad Request');
      const field = m[1] === 'userEmail' ? 'email' : (m[1] as string);
      list = list.filter((u) => String(u[field]) === m[2]);
    }
    const hits = list.slice((page - 1) * perPage, page * perPage).map((document) => ({ document }));
    return json(200, {
      result: {
        found: list.length,
        page,
        hits,
        search_cutoff: false,
        facet_counts: [],
        request_params: { q, per_page: perPage },
      },
    });
  }
}
