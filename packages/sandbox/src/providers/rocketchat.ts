import { createHash, randomBytes } from 'node:crypto';
import { frameModule, type Route } from '../frame.js';
import { operations } from '../generated/routes.js';
import { header, intParam, ReadCache, type SandboxRequest, type SandboxResponse } from '../http.js';
import type { ModuleOptions, SandboxModule } from '../module.js';
import { peopleFor, seededInactive } from '../people.js';
import { hashSeed, Rng } from '../random.js';
import { parseMultipart } from './rocketchat-multipart.js';

/**
 * Rocket.Chat REST API v1 (every users.* route), as the server code behaves
 * (apps/meteor/server/api/v1/users.ts and the helpers it calls):
 * - the caller is a real user of the workspace (`users.info` on yourself works, `users.list`
 *   contains you) and so is the `rocket.cat` bot;
 * - X-User-Id + X-Auth-Token checked together against the user's login tokens and personal
 *   access tokens; `POST /api/v1/login` issues login tokens;
 * - permissions by role, with the server's defaults, and the server settings that change answers
 *   (both changeable at run time through `configure`, like an admin would);
 * - `count`/`offset` with default 50, a silent clamp at 100 and `count=0` = everything; JSON `sort`;
 * - `{success:false, error, errorType}` envelopes with the server's texts, `invalid-params` from
 *   body validation (unknown properties refused), `Content-Type: application/json` exactly;
 * - the 7.x/8.x 401 body; per-route rate limits with X-RateLimit-Reset in epoch milliseconds;
 *   holders of `api-bypass-rate-limit` (admin, bot, app) skip the limiter.
 * Not emulated: rooms and teams (users belong to none), email delivery (mails land in `outbox`),
 * two-factor enforcement (2FA routes never ask for a code), LDAP, livechat.
 */

type Doc = Record<string, unknown> & {
  _id: string;
  username: string;
  active: boolean;
  roles: string[];
};

interface Token {
  userId: string;
  kind: 'login' | 'pat';
  name?: string;
  createdAt: number;
  bypassTwoFactor?: boolean;
}

/** A mail the sandbox "sent" (no delivery): tests read verification tokens and codes here. */
export interface RocketChatMail {
  to: string;
  kind: 'welcome' | 'confirmation' | 'password-reset' | '2fa-code' | 'data-export';
  token?: string;
}

const DEFAULT_COUNT = 50;
const UPPER_COUNT_LIMIT = 100;
const RESERVED_USERNAMES = ['admin', 'administrator', 'system', 'user'];
const MAX_BIO_LENGTH = 260;
const MAX_NICKNAME_LENGTH = 120;
const LOGIN_EXPIRATION_MS = 90 * 24 * 3600 * 1000;
const UNAUTHORIZED = 'You must be logged in to do this.';
/** The spec's operations, and `POST /api/v1/login` (authentication, outside the users spec). */
type Op = (typeof operations.rocketchat)[keyof typeof operations.rocketchat] | 'login';
const NO_PERMISSION = 'User does not have the permissions required for this action [error-unauthorized]';
const PREFS_NOT_AVAILABLE =
  "Failed to retrieve User Preferences because they haven't been set up by the user yet".toUpperCase();

const LIST_FIELDS = [
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
const LIST_FIELDS_REDUCED = ['name', 'username', 'status', 'active', 'avatarETag', 'type'];
const BY_STATUS_FIELDS = [...LIST_FIELDS, 'reason', 'federated', 'freeSwitchExtension'];
const INFO_FIELDS = [
  'name',
  'username',
  'nickname',
  'status',
  'utcOffset',
  'type',
  'active',
  'bio',
  'reason',
  'statusText',
  'statusSource',
  'statusExpiresAt',
  'avatarETag',
  'federated',
  'statusLivechat',
  'freeSwitchExtension',
];
const FULL_INFO_FIELDS = [
  'emails',
  'phone',
  'statusConnection',
  'createdAt',
  'lastLogin',
  'requirePasswordChange',
  'requirePasswordChangeReason',
  'roles',
  'customFields',
];
const PRESENCE_FIELDS = [
  'username',
  'name',
  'status',
  'utcOffset',
  'statusText',
  'statusSource',
  'statusExpiresAt',
  'avatarETag',
];
/** Never sent by the API (defaultFieldsToExclude). */
const HIDDEN = new Set([
  'services',
  'e2e',
  'inviteToken',
  'settings',
  'importIds',
  'email2fa',
  'avatarImage',
  'verificationTokens',
]);

/** The server's default role lists for the permissions the users routes check. */
const DEFAULT_PERMISSIONS: Record<string, string[]> = {
  'view-d-room': ['admin', 'owner', 'moderator', 'user'],
  'view-outside-room': ['admin', 'owner', 'moderator', 'user'],
  'view-full-other-user-info': ['admin'],
  'view-other-user-channels': ['admin'],
  'create-user': ['admin'],
  'edit-other-user-info': ['admin'],
  'edit-other-user-password': ['admin'],
  'edit-other-user-active-status': ['admin'],
  'edit-other-user-avatar': ['admin'],
  'edit-other-user-e2ee': ['admin'],
  'edit-other-user-totp': ['admin'],
  'manage-moderation-actions': ['admin'],
  'delete-user': ['admin'],
  'logout-other-user': ['admin'],
  'send-mail': ['admin'],
  'view-all-teams': ['admin'],
  'create-personal-access-tokens': ['admin', 'user'],
  'api-bypass-rate-limit': ['admin', 'bot', 'app'],
};

/** The server's defaults for the settings the users routes read. */
const DEFAULT_SETTINGS: Record<string, unknown> = {
  Accounts_AllowDeleteOwnAccount: false,
  Accounts_AllowUserAvatarChange: true,
  Accounts_AllowUserStatusMessageChange: true,
  Accounts_AllowInvisibleStatusOption: true,
  Accounts_AllowUserProfileChange: true,
  Accounts_AllowUsernameChange: true,
  Accounts_AllowRealNameChange: true,
  Accounts_AllowEmailChange: true,
  Accounts_AllowPasswordChange: true,
  Accounts_PasswordReset: true,
  Accounts_TwoFactorAuthentication_Enabled: true,
  Accounts_Password_Policy_Enabled: false,
  Accounts_Password_Policy_MinLength: 7,
  Accounts_Password_Policy_MaxLength: -1,
  Accounts_Password_Policy_ForbidRepeatingCharacters: true,
  Accounts_Password_Policy_ForbidRepeatingCharactersCount: 3,
  Accounts_Password_Policy_AtLeastOneLowercase: true,
  Accounts_Password_Policy_AtLeastOneUppercase: true,
  Accounts_Password_Policy_AtLeastOneNumber: true,
  Accounts_Password_Policy_AtLeastOneSpecialCharacter: true,
  Accounts_Registration_Users_Default_Roles: 'user',
  Accounts_CustomFields: '',
  'API_Apply_permission_view-outside-room_on_users-list': false,
  Presence_broadcast_disabled: false,
  SMTP_Host: '',
  FileUpload_MaxFileSize: 104857600,
};

export interface RocketChatSandboxOptions extends ModuleOptions {
  /** Answer 401 with the legacy Restivus body `{status, message}` (servers before 7.x). */
  legacy401?: boolean;
  /** Server settings to start with (defaults are the server's). */
  settings?: Record<string, unknown>;
  /** Roles per permission to start with, e.g. `{ 'delete-user': ['admin'] }`. */
  permissions?: Record<string, string[]>;
  /** The server's `CREATE_TOKENS_FOR_USERS_SECRET` (users.createToken); unset refuses every call. */
  createTokensSecret?: string;
}

/** The Rocket.Chat sandbox module, with the admin controls its tests (and yours) use. */
export interface RocketChatSandboxModule extends SandboxModule {
  /** Changes a server setting (like `POST /api/v1/settings/:id`). */
  setSetting(id: string, value: unknown): void;
  /** Sets the roles that hold a permission (like `permissions.update`). */
  setPermission(id: string, roles: readonly string[]): void;
  /** Mails the server would have sent, oldest first. */
  readonly outbox: readonly RocketChatMail[];
  /** Username and password of a user created through the API (or the seeded callers), for `POST /api/v1/login`. */
  readonly password: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const secret = () => randomBytes(32).toString('base64url');
const isoNow = () => new Date().toISOString();
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NAME_INVALID = /[<>/\\]/;
const USERNAME_VALID = /^[0-9a-zA-Z-_.]+$/;

export function rocketchat(options: RocketChatSandboxOptions): RocketChatSandboxModule {
  const rng = new Rng(hashSeed(options.seed, 'rocketchat'));
  const admin = { userId: `adm${rng.meteorId().slice(3)}`, authToken: rng.hex(43) };
  const regular = { userId: `usr${rng.meteorId().slice(3)}`, authToken: rng.hex(43) };
  const PASSWORD = `sandbox-${rng.hex(12)}`;
  const users = new Map<string, Doc>();
  const passwords = new Map<string, string>();
  const tokens = new Map<string, Token>();
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS, ...options.settings };
  const permissions: Record<string, string[]> = { ...DEFAULT_PERMISSIONS };
  for (const [k, v] of Object.entries(options.permissions ?? {})) permissions[k] = [...v];
  const outbox: RocketChatMail[] = [];
  const exports = new Map<string, Record<string, unknown>>();
  // Sorted listings per sort spec, dropped on every write (a real server has indexes).
  const sorted = new ReadCache<Doc[]>();

  const seededAt = new Date(Date.UTC(2024, 0, 1)).toISOString();
  const addCaller = (id: string, token: string, username: string, name: string, roles: string[]) => {
    users.set(id, {
      _id: id,
      username,
      name,
      emails: [{ address: `${username}@example.com`, verified: true }],
      roles,
      status: 'online',
      statusDefault: 'online',
      statusConnection: 'online',
      active: true,
      type: 'user',
      avatarETag: rng.hex(8),
      createdAt: seededAt,
      _updatedAt: seededAt,
      lastLogin: seededAt,
      utcOffset: 0,
      requirePasswordChange: false,
    });
    passwords.set(id, PASSWORD);
    tokens.set(token, { userId: id, kind: 'login', createdAt: Date.parse(seededAt) });
  };
  addCaller(admin.userId, admin.authToken, 'sandbox.admin', 'Sandbox Admin', ['admin']);
  addCaller(regular.userId, regular.authToken, 'sandbox.user', 'Sandbox User', ['user']);
  users.set('rocket.cat', {
    _id: 'rocket.cat',
    username: 'rocket.cat',
    name: 'Rocket.Cat',
    roles: ['bot'],
    status: 'online',
    statusDefault: 'online',
    active: true,
    type: 'bot',
    avatarETag: rng.hex(8),
    createdAt: seededAt,
    _updatedAt: seededAt,
    utcOffset: 0,
  });

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
      ...(active ? {} : { inactiveReason: 'deactivated' }),
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

  // ---------------------------------------------------------------- answers

  const send = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
    status,
    body,
    headers: { ...headers, 'content-type': 'application/json' },
  });
  const failure = (error: string, errorType?: string, details?: unknown): SandboxResponse =>
    send(400, {
      success: false,
      error: errorType ? `${error} [${errorType}]` : error,
      ...(errorType ? { errorType } : {}),
      ...(details ? { details } : {}),
    });
  const invalid = (message: string) => failure(message, 'invalid-params');
  const ok = (body: Record<string, unknown> = {}) => send(200, { ...body, success: true });
  const routeForbidden = () => send(403, { success: false, error: NO_PERMISSION });
  /** `API.v1.forbidden()` while `applyBreakingChanges` is off. */
  const forbidden = () => send(403, { success: false, error: 'unauthorized' });
  const tooMany = (resetAt: number, headers: Record<string, string>) =>
    send(
      429,
      {
        success: false,
        error: `Error, too many requests. Please slow down. You must wait ${Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))} seconds before trying this endpoint again. [error-too-many-requests]`,
      },
      headers,
    );
  class Refusal {
    constructor(readonly response: SandboxResponse) {}
  }
  const refuse = (error: string, errorType?: string, details?: unknown): never => {
    throw new Refusal(failure(error, errorType, details));
  };

  // ---------------------------------------------------------------- helpers

  const can = (user: Doc | undefined, permission: string) =>
    !!user && (permissions[permission] ?? []).some((r) => user.roles.includes(r));
  const byUsername = (name: string) => {
    const lower = name.toLowerCase();
    for (const u of users.values()) if (u.username.toLowerCase() === lower) return u;
    return undefined;
  };
  const byEmail = (email: string) => {
    const lower = email.trim().toLowerCase();
    for (const u of users.values())
      if ((u['emails'] as { address: string }[] | undefined)?.some((e) => e.address.toLowerCase() === lower))
        return u;
    return undefined;
  };
  const touch = (u: Doc) => {
    u['_updatedAt'] = isoNow();
  };
  const visible = (u: Doc): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(u)) if (!HIDDEN.has(k)) out[k] = v;
    return out;
  };
  const project = (u: Doc, fields: readonly string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = { _id: u._id };
    for (const f of fields) if (u[f] !== undefined) out[f] = u[f];
    return out;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  /** getUserFromParams: userId, then username, then user; refusals as the server words them. */
  function userFromParams(source: Record<string, unknown>): Doc {
    const userId = str(source['userId'])?.trim();
    const username = (str(source['username']) ?? str(source['user']))?.trim();
    if (!userId && !username)
      refuse('The required "userId" or "username" param was not provided', 'error-user-param-not-provided');
    const user = userId ? users.get(userId) : byUsername(username as string);
    if (!user)
      refuse(
        'The required "userId" or "username" param provided does not match any users',
        'error-invalid-user',
      );
    return user as Doc;
  }
  /** isUserFromParams: no target given, or the target is the caller. */
  function isSelf(source: Record<string, unknown>, me: Doc): boolean {
    const userId = str(source['userId']);
    const username = str(source['username']) ?? str(source['user']);
    return (
      (!userId && !username) || userId === me._id || username?.toLowerCase() === me.username.toLowerCase()
    );
  }

  type Rule =
    | 'string'
    | 'boolean'
    | 'number'
    | 'object'
    | 'array'
    | { type: 'string'; minLength?: number; enum?: readonly string[]; nullable?: boolean }
    | { type: 'boolean' | 'number' | 'object' | 'array'; nullable?: boolean }
    | { type: 'object'; schema: Schema };
  interface Schema {
    required?: readonly string[];
    props: Record<string, Rule>;
    open?: boolean;
  }
  /** Ajv's order: required, additionalProperties, then each property; the first error wins. */
  function validate(value: unknown, schema: Schema): string | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be object';
    const v = value as Record<string, unknown>;
    for (const r of schema.required ?? [])
      if (v[r] === undefined) return `must have required property '${r}'`;
    if (!schema.open)
      for (const k of Object.keys(v)) if (!(k in schema.props)) return 'must NOT have additional properties';
    for (const [k, rule] of Object.entries(schema.props)) {
      const x = v[k];
      if (x === undefined) continue;
      const r = typeof rule === 'string' ? { type: rule } : rule;
      if (x === null && 'nullable' in r && r.nullable) continue;
      const actual = Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x;
      if (actual !== r.type) return `must be ${r.type}`;
      if ('minLength' in r && r.minLength && (x as string).length < r.minLength)
        return `must NOT have fewer than ${r.minLength} characters`;
      if ('enum' in r && r.enum && !r.enum.includes(x as string))
        return 'must be equal to one of the allowed values';
      if ('schema' in r) {
        const inner = validate(x, r.schema);
        if (inner) return inner;
      }
    }
    return undefined;
  }
  const body = (req: SandboxRequest) => (req.body ?? {}) as Record<string, unknown>;

  function customFieldDefs(): Record<string, { required?: boolean; minLength?: number; maxLength?: number }> {
    const raw = settings['Accounts_CustomFields'];
    if (typeof raw !== 'string' || !raw.trim()) return {};
    try {
      return JSON.parse(raw) as Record<
        string,
        { required?: boolean; minLength?: number; maxLength?: number }
      >;
    } catch {
      return {};
    }
  }
  /** validateCustomFields (registration and creation): required, minLength, maxLength. */
  function checkCustomFields(fields: Record<string, unknown>) {
    for (const [name, def] of Object.entries(customFieldDefs())) {
      const value = fields[name];
      const text = typeof value === 'string' ? value.trim() : value;
      if (def.required && (text === undefined || text === null || text === ''))
        refuse(`Field ${name} is required`, 'error-user-registration-custom-field', {
          method: 'registerUser',
        });
      if (typeof text === 'string' && text !== '') {
        if (def.maxLength && text.length > def.maxLength)
          refuse(`Max length of field ${name} ${def.maxLength}`, 'error-user-registration-custom-field', {
            method: 'registerUser',
          });
        if (def.minLength && text.length < def.minLength)
          refuse(`Min length of field ${name} ${def.minLength}`, 'error-user-registration-custom-field', {
            method: 'registerUser',
          });
      }
    }
  }
  function checkSizes(data: Record<string, unknown>) {
    if (typeof data['bio'] === 'string' && data['bio'].length > MAX_BIO_LENGTH)
      refuse(`Bio size exceeds ${MAX_BIO_LENGTH} characters`, 'error-bio-size-exceeded', {
        method: 'insertOrUpdateUser',
      });
    if (typeof data['nickname'] === 'string' && data['nickname'].length > MAX_NICKNAME_LENGTH)
      refuse(`Nickname size exceeds ${MAX_NICKNAME_LENGTH} characters`, 'error-nickname-size-exceeded', {
        method: 'insertOrUpdateUser',
      });
  }
  const usernameUsable = (name: string) =>
    USERNAME_VALID.test(name) && !RESERVED_USERNAMES.includes(name.toLowerCase());

  function setActive(target: Doc, active: boolean) {
    target.active = active;
    if (active) delete target['inactiveReason'];
    else {
      target['inactiveReason'] = 'deactivated';
      target['status'] = 'offline';
      target['statusConnection'] = 'offline';
      for (const [t, v] of tokens) if (v.userId === target._id && v.kind === 'login') tokens.delete(t);
    }
    touch(target);
  }
  function removeUser(target: Doc) {
    users.delete(target._id);
    passwords.delete(target._id);
    exports.delete(target._id);
    for (const [t, v] of tokens) if (v.userId === target._id) tokens.delete(t);
  }
  function insertUser(fields: Record<string, unknown>, password: string): Doc {
    const id = rng.meteorId();
    const now = isoNow();
    const doc: Doc = {
      _id: id,
      createdAt: now,
      username: fields['username'] as string,
      emails: [{ address: fields['email'] as string, verified: fields['verified'] === true }],
      type: 'user',
      status: 'offline',
      active: true,
      roles: (fields['roles'] as string[] | undefined) ?? defaultRoles(),
      _updatedAt: now,
      ...(fields['name'] !== undefined ? { name: fields['name'] } : {}),
    };
    for (const k of ['nickname', 'bio', 'statusText', 'freeSwitchExtension', 'reason'] as const)
      if (typeof fields[k] === 'string') doc[k] = fields[k];
    if (fields['requirePasswordChange'] !== undefined)
      doc['requirePasswordChange'] = fields['requirePasswordChange'];
    if (fields['customFields'] && typeof fields['customFields'] === 'object')
      doc['customFields'] = { ...(fields['customFields'] as object) };
    users.set(id, doc);
    passwords.set(id, password);
    return doc;
  }
  const defaultRoles = () =>
    String(settings['Accounts_Registration_Users_Default_Roles'] ?? 'user')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
  /**
   * `Accounts_Password_Policy_*` as the server's password policy applies them: every rule broken is
   * one entry of `details`, and the answer is a plain error (no `[errorType]` suffix in `error`).
   */
  const passwordPolicy = (password: string): SandboxResponse | undefined => {
    if (!settings['Accounts_Password_Policy_Enabled']) return undefined;
    const n = (id: string) => Number(settings[`Accounts_Password_Policy_${id}`]);
    const on = (id: string) => settings[`Accounts_Password_Policy_${id}`] === true;
    const rules: [broken: boolean, error: string, message: string][] = [
      [
        n('MinLength') >= 1 && password.length < n('MinLength'),
        'minLength',
        'does not meet the minimum length password policy',
      ],
      [
        n('MaxLength') >= 1 && password.length > n('MaxLength'),
        'maxLength',
        'does not meet the maximum length password policy',
      ],
      [
        on('ForbidRepeatingCharacters') &&
          new RegExp(`(.)\\1{${n('ForbidRepeatingCharactersCount')},}`).test(password),
        'repeatingCharacters',
        'contains repeating characters which is against the password policy',
      ],
      [
        on('AtLeastOneLowercase') && !/[a-z]/.test(password),
        'oneLowercase',
        'does not contain at least one lowercase character which is against the password policy',
      ],
      [
        on('AtLeastOneUppercase') && !/[A-Z]/.test(password),
        'oneUppercase',
        'does not contain at least one uppercase character which is against the password policy',
      ],
      [
        on('AtLeastOneNumber') && !/[0-9]/.test(password),
        'oneNumber',
        'does not contain at least one numerical character which is against the password policy',
      ],
      [
        on('AtLeastOneSpecialCharacter') && !/[^A-Za-z0-9 ]/.test(password),
        'oneSpecial',
        'does not contain at least one special character which is against the password policy',
      ],
    ];
    const details = rules
      .filter(([broken]) => broken)
      .map(([, error, message]) => ({
        error: `error-password-policy-not-met-${error}`,
        message: `The password ${message}.`,
      }));
    if (!details.length && password.trim()) return undefined;
    return send(400, {
      success: false,
      error: "The password provided does not meet the server's password policy.",
      errorType: 'error-password-policy-not-met',
      ...(details.length ? { details } : {}),
    });
  };
  const passwordMatches = (id: string, digest: unknown) =>
    typeof digest === 'string' &&
    passwords.has(id) &&
    sha256(passwords.get(id) as string) === digest.toLowerCase();

  function page(req: SandboxRequest): { offset: number; count: number } | SandboxResponse {
    const offset = intParam(req.query, 'offset') ?? 0;
    let count = req.query.has('count') ? (intParam(req.query, 'count') ?? 0) : DEFAULT_COUNT;
    if (Number.isNaN(count) || Number.isNaN(offset) || count < 0 || offset < 0)
      return invalid('must be >= 0');
    if (count > UPPER_COUNT_LIMIT) count = UPPER_COUNT_LIMIT;
    return { offset, count };
  }
  function parseSort(req: SandboxRequest): { sort?: Record<string, 1 | -1>; error?: SandboxResponse } {
    const rawSort = req.query.get('sort');
    if (rawSort === null) return {};
    try {
      const parsed = JSON.parse(rawSort) as unknown;
      if (
        !parsed ||
        typeof parsed !== 'object' ||
        Array.isArray(parsed) ||
        !Object.values(parsed).every((v) => v === 1 || v === -1)
      )
        throw new Error();
      return { sort: parsed as Record<string, 1 | -1> };
    } catch {
      return { error: failure(`Invalid sort parameter provided: "${rawSort}"`, 'error-invalid-sort') };
    }
  }
  function sortUsers(list: Doc[], sort: Record<string, 1 | -1>): Doc[] {
    // Sort keys computed once per user, not once per comparison.
    const order = Object.entries(sort);
    const keyed = list.map((u) => ({
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
  }
  /** `status` also sorts by `active`, `name` by `nameInsensitive` (same order here). */
  const actualSort = (sort: Record<string, 1 | -1> | undefined) => {
    const s: Record<string, 1 | -1> = { ...(sort ?? { username: 1 }) };
    if (s['status']) s['active'] = s['status'];
    return s;
  };

  function avatarSvg(u: Doc | undefined, username: string): string {
    const image = u?.['avatarImage'] as { type: string; data: string } | undefined;
    if (image?.type === 'image/svg+xml') return Buffer.from(image.data, 'base64').toString('utf8');
    const inner = image
      ? `<image width="200" height="200" href="data:${image.type};base64,${image.data}"/>`
      : `<rect width="200" height="200" fill="#1d74f5"/><text x="50%" y="50%" dy=".35em" text-anchor="middle" font-size="96" fill="#fff">${escapeXml(username.slice(0, 1).toUpperCase())}</text>`;
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200">${inner}</svg>`;
  }

  const isPrivateHost = (host: string) =>
    /^(localhost|127\.|10\.|192\.168\.|169\.254\.|0\.|\[?::1\]?$|\[?f[cd][0-9a-f]{2}:|\[?fe80:)/i.test(
      host,
    ) || /^172\.(1[6-9]|2\d|3[01])\./.test(host);

  // ---------------------------------------------------------------- module

  // ---------------------------------------------------------------- routes

  function listUsers(req: SandboxRequest, me: Doc): SandboxResponse {
    if (!can(me, 'view-d-room')) return routeForbidden();
    if (settings['API_Apply_permission_view-outside-room_on_users-list'] && !can(me, 'view-outside-room'))
      return forbidden();
    const privileged = can(me, 'view-full-other-user-info');
    const paging = page(req);
    if ('status' in paging) return paging;
    const { sort, error } = parseSort(req);
    if (error) return error;
    const s = actualSort(sort);
    let list = sorted.get(JSON.stringify(s), () => sortUsers([...users.values()], s));
    const email = req.query.get('email');
    if (email) {
      if (!privileged) return forbidden();
      list = list.filter((u) =>
        (u['emails'] as { address: string }[] | undefined)?.some(
          (e) => e.address.toLowerCase() === email.toLowerCase(),
        ),
      );
    }
    const { offset, count } = paging;
    const slice = count === 0 ? list.slice(offset) : list.slice(offset, offset + count);
    const fields = privileged ? LIST_FIELDS : LIST_FIELDS_REDUCED;
    return ok({
      users: slice.map((u) => ({
        ...project(u, fields),
        nameInsensitive: String(u['name'] ?? '').toLowerCase(),
      })),
      count: slice.length,
      offset,
      total: list.length,
    });
  }

  function info(req: SandboxRequest, me: Doc): SandboxResponse {
    const keys = ['userId', 'username', 'importId', 'email', 'freeSwitchExtension'].filter((k) =>
      req.query.has(k),
    );
    if (keys.length !== 1) {
      return invalid(
        "must have required property 'userId'\n must have required property 'username'\n must have required property 'importId'\n must match a schema in anyOf",
      );
    }
    const key = keys[0] as string;
    const value = req.query.get(key) ?? '';
    if (!value) return failure('Invalid search query.');
    const privileged = can(me, 'view-full-other-user-info');
    let user: Doc | undefined;
    if (key === 'userId') user = users.get(value);
    else if (key === 'username') user = byUsername(value);
    else if (key === 'email') user = byEmail(value);
    else if (key === 'freeSwitchExtension')
      user = [...users.values()].find((u) => u['freeSwitchExtension'] === value);
    else user = [...users.values()].find((u) => (u['importIds'] as string[] | undefined)?.includes(value));
    const myself = user?._id === me._id;
    if (user && (key === 'email' || key === 'importId') && !myself && !privileged) user = undefined;
    if (!user) return failure('User not found.');
    const full = myself || privileged;
    const out: Record<string, unknown> = {
      ...project(user, full ? [...INFO_FIELDS, ...FULL_INFO_FIELDS] : INFO_FIELDS),
      canViewAllInfo: full,
    };
    if (myself) out['services'] = { password: true, resume: {} };
    if (req.query.get('includeUserRooms') === 'true' && (myself || can(me, 'view-other-user-channels')))
      out['rooms'] = [];
    return ok({ user: out });
  }

  function create(req: SandboxRequest, me: Doc): SandboxResponse {
    const b = body(req);
    const error = validate(b, {
      required: ['email', 'name', 'password', 'username'],
      props: {
        email: 'string',
        name: 'string',
        password: 'string',
        username: 'string',
        active: 'boolean',
        bio: 'string',
        nickname: 'string',
        statusText: 'string',
        roles: 'array',
        joinDefaultChannels: 'boolean',
        requirePasswordChange: 'boolean',
        setRandomPassword: 'boolean',
        sendWelcomeEmail: 'boolean',
        verified: 'boolean',
        customFields: 'object',
        fields: 'string',
        freeSwitchExtension: 'string',
      },
    });
    if (error) return invalid(error);
    if (NAME_INVALID.test(b['name'] as string)) return failure('Name contains invalid characters');
    if (b['customFields']) checkCustomFields(b['customFields'] as Record<string, unknown>);
    if (!can(me, 'create-user'))
      return failure('Adding user is not allowed', 'error-action-not-allowed', {
        method: 'insertOrUpdateUser',
        action: 'Adding_user',
      });
    const username = (b['username'] as string).trim();
    if (RESERVED_USERNAMES.includes(username.toLowerCase()))
      return failure(`${username} is blocked and can't be used!`, 'error-blocked-username', {
        method: 'insertOrUpdateUser',
        field: username,
      });
    if (!USERNAME_VALID.test(username))
      return failure(
        `${username} is not a valid username, use only letters, numbers, dots, hyphens and underscores`,
        'error-input-is-not-a-valid-field',
        {
          method: 'insertOrUpdateUser',
          input: username,
          field: 'Username',
        },
      );
    checkSizes(b);
    if (byUsername(username))
      return failure(`${username} is already in use :(`, 'error-field-unavailable', {
        method: 'insertOrUpdateUser',
        field: username,
      });
    const email = (b['email'] as string).trim();
    if (byEmail(email))
      return failure(`${email} is already in use :(`, 'error-field-unavailable', {
        method: 'insertOrUpdateUser',
        field: email,
      });
    const doc = insertUser({ ...b, username, email }, b['password'] as string);
    if (b['active'] === false) setActive(doc, false);
    return ok({ user: visible(doc) });
  }

  function update(req: SandboxRequest, me: Doc): SandboxResponse {
    const b = body(req);
    const error = validate(b, {
      required: ['userId', 'data'],
      props: {
        userId: { type: 'string', minLength: 1 },
        confirmRelinquish: 'boolean',
        data: {
          type: 'object',
          schema: {
            props: {
              email: 'string',
              name: 'string',
              password: 'string',
              username: 'string',
              bio: 'string',
              nickname: 'string',
              statusText: 'string',
              active: 'boolean',
              roles: 'array',
              requirePasswordChange: 'boolean',
              setRandomPassword: 'boolean',
              sendWelcomeEmail: 'boolean',
              verified: 'boolean',
              customFields: 'object',
              status: 'string',
              freeSwitchExtension: 'string',
            },
          },
        },
      },
    });
    if (error) return invalid(error);
    const data = b['data'] as Record<string, unknown>;
    if (typeof data['name'] === 'string' && NAME_INVALID.test(data['name']))
      return failure('Name contains invalid characters');
    const target = users.get(b['userId'] as string);
    const self = target?._id === me._id;
    const canEdit = can(me, 'edit-other-user-info');
    if (!self && !canEdit)
      return failure('Editing user is not allowed', 'error-action-not-allowed', {
        method: 'insertOrUpdateUser',
        action: 'Editing_user',
      });
    if (!target) return failure('Invalid user', 'error-invalid-user', { method: 'insertOrUpdateUser' });
    const notAllowed = (action: string) =>
      refuse(`${action} is not allowed`, 'error-action-not-allowed', {
        method: 'insertOrUpdateUser',
        action,
      });
    if (!canEdit) {
      if (data['username'] !== undefined && !settings['Accounts_AllowUsernameChange'])
        notAllowed('Edit_username');
      if (data['name'] !== undefined && !settings['Accounts_AllowRealNameChange'])
        notAllowed('Edit_user_real_name');
      if (data['statusText'] !== undefined && !settings['Accounts_AllowUserStatusMessageChange'])
        notAllowed('Change_status_message');
      if (data['email'] !== undefined && !settings['Accounts_AllowEmailChange'])
        notAllowed('Edit_user_email');
      if (!settings['Accounts_AllowUserProfileChange']) notAllowed('Update_user_profile');
    }
    if (data['password'] !== undefined && !self && !can(me, 'edit-other-user-password'))
      notAllowed('Edit_user_password');
    if (data['password'] !== undefined && self && !settings['Accounts_AllowPasswordChange'] && !canEdit)
      notAllowed('Edit_user_password');
    checkSizes(data);
    if (typeof data['username'] === 'string' && data['username'] !== target.username) {
      const username = data['username'].trim();
      if (!usernameUsable(username))
        return failure('Could not save user identity', 'error-could-not-save-identity');
      const other = byUsername(username);
      if (other && other._id !== target._id)
        return failure(`${username} is already in use :(`, 'error-field-unavailable', {
          method: 'insertOrUpdateUser',
          field: username,
        });
      target.username = username;
    }
    if (typeof data['email'] === 'string') {
      const email = data['email'].trim();
      const other = byEmail(email);
      if (other && other._id !== target._id)
        return failure(`${email} is already in use :(`, 'error-field-unavailable', {
          method: 'insertOrUpdateUser',
          field: email,
        });
      const current = (target['emails'] as { address: string; verified?: boolean }[] | undefined)?.[0];
      const same = current?.address.toLowerCase() === email.toLowerCase();
      target['emails'] = [
        {
          address: email,
          verified: data['verified'] === true || (same && data['verified'] !== false && !!current?.verified),
        },
      ];
    } else if (typeof data['verified'] === 'boolean') {
      const emails = (target['emails'] as { address: string; verified?: boolean }[] | undefined) ?? [];
      if (emails[0]) emails[0] = { ...emails[0], verified: data['verified'] };
    }
    for (const k of ['name', 'bio', 'nickname', 'statusText', 'roles', 'freeSwitchExtension'] as const)
      if (data[k] !== undefined) (target as Record<string, unknown>)[k] = data[k];
    if (data['status'] !== undefined) target['status'] = data['status'];
    if (typeof data['password'] === 'string') passwords.set(target._id, data['password']);
    if (data['requirePasswordChange'] !== undefined) {
      target['requirePasswordChange'] = data['requirePasswordChange'];
      if (data['requirePasswordChange'] === false) delete target['requirePasswordChangeReason'];
    }
    if (data['customFields'])
      target['customFields'] = {
        ...((target['customFields'] as object | undefined) ?? {}),
        ...(data['customFields'] as object),
      };
    if (typeof data['active'] === 'boolean') setActive(target, data['active']);
    touch(target);
    return ok({ user: visible(target) });
  }

  function setStatus(req: SandboxRequest, me: Doc): SandboxResponse {
    const b = body(req);
    const error = validate(b, {
      props: {
        status: { type: 'string', enum: ['online', 'away', 'offline', 'busy'] },
        message: { type: 'string', nullable: true },
        expiresAt: { type: 'string', nullable: true },
        userId: 'string',
        username: 'string',
        user: 'string',
      },
    });
    if (error) return invalid(error);
    if (typeof b['status'] !== 'string' && typeof b['message'] !== 'string')
      return send(400, {
        success: false,
        error: 'Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation',
      });
    const target = isSelf(b, me) ? me : can(me, 'edit-other-user-info') ? userFromParams(b) : undefined;
    if (!target) return forbidden();
    const message = str(b['message']);
    if (message && !settings['Accounts_AllowUserStatusMessageChange'])
      return failure('Change status is not allowed', 'error-not-allowed', { method: 'users.setStatus' });
    let expires: Date | undefined;
    if (b['expiresAt']) {
      expires = new Date(b['expiresAt'] as string);
      if (Number.isNaN(expires.getTime()))
        return failure('Invalid expiresAt date string', 'error-invalid-date', { method: 'users.setStatus' });
      if (expires.getTime() <= Date.now())
        return failure('expiresAt must be a future date', 'error-invalid-date', {
          method: 'users.setStatus',
        });
    }
    const status = str(b['status']) ?? str(target['statusDefault']) ?? 'online';
    if (status === 'offline' && !settings['Accounts_AllowInvisibleStatusOption'])
      return failure('Invisible status is disabled', 'error-status-not-allowed', {
        method: 'users.setStatus',
      });
    target['status'] = status;
    target['statusDefault'] = status;
    target['statusSource'] = 'manual';
    if (message !== undefined) target['statusText'] = message;
    if (expires) target['statusExpiresAt'] = expires.toISOString();
    else delete target['statusExpiresAt'];
    touch(target);
    return ok();
  }

  function presence(req: SandboxRequest, me: Doc): SandboxResponse {
    if (settings['Presence_broadcast_disabled']) return ok({ users: [], full: true });
    const from = req.query.get('from');
    if (from !== null && Number.isNaN(Date.parse(from))) return invalid('must match format "date-time"');
    const ids = req.query
      .getAll('ids')
      .flatMap((v) => v.split(','))
      .filter(Boolean);
    const view = (list: Iterable<Doc>) => [...list].map((u) => project(u, PRESENCE_FIELDS));
    if (ids.length)
      return ok({
        users: view(ids.map((id) => users.get(id)).filter((u): u is Doc => u !== undefined)),
        full: false,
      });
    if (from) {
      const ts = Date.parse(from);
      if ((Date.now() - ts) / 60000 < 10)
        return ok({
          users: view(
            [...users.values()].filter((u) => u._id !== me._id && Date.parse(String(u['_updatedAt'])) >= ts),
          ),
          full: false,
        });
    }
    return ok({
      users: view([...users.values()].filter((u) => (u['status'] ?? 'offline') !== 'offline')),
      full: true,
    });
  }

  function listByStatus(req: SandboxRequest, me: Doc): SandboxResponse {
    if (!can(me, 'view-d-room')) return routeForbidden();
    const allowed = new Set([
      'status',
      'hasLoggedIn',
      'type',
      'roles',
      'roles[]',
      'searchTerm',
      'sort',
      'count',
      'offset',
      'inactiveReason',
      'inactiveReason[]',
    ]);
    for (const k of req.query.keys())
      if (!allowed.has(k.replace(/\[\d+\]$/, '[]'))) return invalid('must NOT have additional properties');
    const status = req.query.get('status');
    if (status !== null && status !== 'active' && status !== 'deactivated')
      return invalid('must be equal to one of the allowed values');
    const hasLoggedIn = req.query.get('hasLoggedIn');
    if (hasLoggedIn !== null && hasLoggedIn !== 'true' && hasLoggedIn !== 'false')
      return invalid('must be boolean');
    const reasons = [...req.query.entries()]
      .filter(([k]) => /^inactiveReason(\[\d*\])?$/.test(k))
      .map(([, v]) => v);
    if (reasons.some((r) => !['deactivated', 'pending_approval', 'idle_too_long'].includes(r)))
      return invalid('must be equal to one of the allowed values');
    if (settings['API_Apply_permission_view-outside-room_on_users-list'] && !can(me, 'view-outside-room'))
      return forbidden();
    const paging = page(req);
    if ('status' in paging) return paging;
    const { sort, error } = parseSort(req);
    if (error) return error;
    const roles = [...req.query.entries()].filter(([k]) => /^roles(\[\d*\])?$/.test(k)).map(([, v]) => v);
    const type = req.query.get('type');
    const term = req.query.get('searchTerm')?.trim();
    const privileged = can(me, 'view-full-other-user-info');
    const re = term ? new RegExp(escapeRegExp(term), 'i') : undefined;
    const matches = (u: Doc) => {
      if (status === 'active' && !u.active) return false;
      if (status === 'deactivated' && u.active) return false;
      if (hasLoggedIn !== null && (u['lastLogin'] !== undefined) !== (hasLoggedIn === 'true')) return false;
      if (type && u['type'] !== type) return false;
      if (roles.length && !roles.includes('all') && !roles.some((r) => u.roles.includes(r))) return false;
      if (reasons.length) {
        const reason = u['inactiveReason'] as string | undefined;
        const ok =
          (reason !== undefined && reasons.includes(reason)) ||
          (reason === undefined && (reasons.includes('deactivated') || reasons.includes('idle_too_long')));
        if (!ok) return false;
      }
      if (re) {
        const emails = privileged ? ((u['emails'] as { address: string }[] | undefined) ?? []) : [];
        if (
          !re.test(u.username) &&
          !re.test(String(u['name'] ?? '')) &&
          !emails.some((e) => re.test(e.address))
        )
          return false;
      }
      return true;
    };
    const s = actualSort(sort);
    delete s['status'];
    const list = sortUsers([...users.values()].filter(matches), s);
    const { offset, count } = paging;
    const slice = count === 0 ? list.slice(offset) : list.slice(offset, offset + count);
    return ok({
      users: slice.map((u) => project(u, BY_STATUS_FIELDS)),
      count: slice.length,
      offset,
      total: list.length,
    });
  }

  function autocomplete(req: SandboxRequest, me: Doc): SandboxResponse {
    const raw = req.query.get('selector');
    if (raw === null) return invalid("must have required property 'selector'");
    let selector: { term?: unknown; exceptions?: unknown; conditions?: unknown };
    try {
      selector = (JSON.parse(raw) ?? {}) as typeof selector;
    } catch (e) {
      return failure((e as Error).message);
    }
    const conditions = (selector.conditions ?? {}) as Record<string, unknown>;
    const allowedFields = new Set([
      ...INFO_FIELDS,
      '_id',
      ...(can(me, 'view-full-other-user-info') ? FULL_INFO_FIELDS : []),
    ]);
    const allowedOps = new Set(['$and', '$ne', '$exists']);
    const check = (cond: unknown): boolean => {
      if (cond === null || typeof cond !== 'object') return true;
      for (const [k, v] of Object.entries(cond as Record<string, unknown>)) {
        if (k.startsWith('$')) {
          if (!allowedOps.has(k)) return false;
          if (Array.isArray(v) ? !v.every(check) : !check(v)) return false;
        } else {
          if (!allowedFields.has(k.split('.')[0] as string)) return false;
          if (v && typeof v === 'object' && !Array.isArray(v))
            for (const op of Object.keys(v)) if (op.startsWith('$') && !allowedOps.has(op)) return false;
        }
      }
      return true;
    };
    if (!check(conditions)) return failure('error-invalid-query');
    const test = (u: Doc, cond: Record<string, unknown>): boolean =>
      Object.entries(cond).every(([k, v]) => {
        if (k === '$and') return (v as Record<string, unknown>[]).every((c) => test(u, c));
        const actual = u[k];
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const ops = v as Record<string, unknown>;
          if ('$ne' in ops && actual === ops['$ne']) return false;
          if ('$exists' in ops && (actual !== undefined) !== Boolean(ops['$exists'])) return false;
          return true;
        }
        return actual === v;
      });
    if (!can(me, 'view-outside-room')) return ok({ items: [] }); // rooms are not emulated: no shared rooms
    const exceptions = new Set(Array.isArray(selector.exceptions) ? (selector.exceptions as string[]) : []);
    const re = new RegExp(escapeRegExp(typeof selector.term === 'string' ? selector.term : ''), 'i');
    const items = sortUsers(
      [...users.values()].filter(
        (u) =>
          u.active &&
          !exceptions.has(u.username) &&
          (re.test(u.username) || re.test(String(u['name'] ?? ''))) &&
          test(u, conditions),
      ),
      { username: 1 },
    )
      .slice(0, 10)
      .map((u) =>
        project(u, ['name', 'username', 'nickname', 'status', 'avatarETag', 'freeSwitchExtension']),
      );
    return ok({ items });
  }

  function setAvatar(req: SandboxRequest, me: Doc): SandboxResponse {
    const canOther = can(me, 'edit-other-user-avatar');
    const multipart = (header(req, 'content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
    const b = multipart ? {} : body(req);
    if (!multipart) {
      const error = validate(b, {
        props: { avatarUrl: { type: 'string', nullable: true }, userId: 'string', username: 'string' },
      });
      if (error) return invalid(error);
    }
    if (!settings['Accounts_AllowUserAvatarChange'] && !canOther)
      return failure('Change avatar is not allowed', 'error-not-allowed', { method: 'users.setAvatar' });
    let target = isSelf(b, me) ? me : canOther ? userFromParams(b) : undefined;
    if (!target) return forbidden();
    if (!multipart && b['avatarUrl']) {
      let url: URL;
      try {
        url = new URL(b['avatarUrl'] as string);
      } catch {
        return failure('Invalid avatar URL', 'error-avatar-invalid-url', { method: 'setAvatarFromService' });
      }
      if (!/^https?:$/.test(url.protocol) || isPrivateHost(url.hostname))
        return failure('Invalid avatar URL', 'error-avatar-invalid-url', {
          method: 'setAvatarFromService',
          url: b['avatarUrl'],
        });
      target['avatarOrigin'] = 'url';
      target['avatarETag'] = rng.hex(8);
      touch(target);
      return ok();
    }
    const parts = multipart
      ? parseMultipart(header(req, 'content-type') ?? '', req.rawBody ?? new Uint8Array())
      : [];
    const image = parts.find((p) => p.name === 'image' && p.filename !== undefined);
    if (!image) return failure("The 'image' param is required");
    const limit = Number(settings['FileUpload_MaxFileSize']);
    if (limit > 0 && image.data.length > limit)
      return failure(`File size exceeds allowed size of ${limit} bytes`, 'error-file-too-large');
    const field = (n: string) =>
      parts.find((p) => p.name === n && p.filename === undefined)?.data.toString('utf8');
    const fUserId = field('userId');
    const fUsername = field('username');
    if (fUserId || fUsername) {
      target = fUserId ? users.get(fUserId) : byUsername(fUsername as string);
      if (!target)
        return failure(
          'The optional "userId" or "username" param provided does not match any users',
          'error-invalid-user',
        );
      if (target._id !== me._id && !canOther) return failure('Not allowed', 'error-not-allowed');
    }
    const type = (image.contentType ?? '').toLowerCase();
    if (!type.startsWith('image/'))
      return failure('Invalid image format', 'error-avatar-invalid-image', { method: 'setUserAvatar' });
    target['avatarImage'] = { type, data: image.data.toString('base64') };
    target['avatarOrigin'] = 'rest';
    target['avatarETag'] = rng.hex(8);
    touch(target);
    return ok();
  }

  function register(req: SandboxRequest, me: Doc | undefined): SandboxResponse {
    const b = body(req);
    const error = validate(b, {
      required: ['username', 'email', 'pass'],
      props: {
        username: 'string',
        name: { type: 'string', nullable: true },
        email: 'string',
        pass: 'string',
        secret: { type: 'string', nullable: true },
        reason: { type: 'string', nullable: true },
        customFields: { type: 'object', nullable: true },
      },
    });
    if (error) return invalid(error);
    // Credentials sent along are not used: Rocket.Chat's own suite registers with an admin's headers.
    void me;
    if (typeof b['name'] === 'string' && NAME_INVALID.test(b['name']))
      return failure('Name contains invalid characters');
    const username = b['username'] as string;
    if (!usernameUsable(username)) return failure('The username provided is not valid');
    if (byUsername(username)) return failure('Username is already in use');
    if (byEmail(b['email'] as string)) return failure('Email already exists');
    if (b['customFields']) checkCustomFields(b['customFields'] as Record<string, unknown>);
    const doc = insertUser(
      {
        username,
        email: (b['email'] as string).trim(),
        name: b['name'],
        reason: b['reason'],
        customFields: b['customFields'],
      },
      b['pass'] as string,
    );
    return ok({ user: visible(doc) });
  }

  function updateOwn(req: SandboxRequest, me: Doc): SandboxResponse {
    const b = body(req);
    const error = validate(b, {
      required: ['data'],
      props: {
        data: {
          type: 'object',
          schema: {
            props: Object.fromEntries(
              [
                'email',
                'name',
                'username',
                'nickname',
                'bio',
                'statusText',
                'statusType',
                'currentPassword',
                'newPassword',
              ].map((k) => [k, { type: 'string', nullable: true }] as const),
            ),
          },
        },
        customFields: { type: 'object', nullable: true },
      },
    });
    if (error) return invalid(error);
    const data = b['data'] as Record<string, string | undefined>;
    if (data['name'] && NAME_INVALID.test(data['name'])) return failure('Name contains invalid characters');
    const notAllowed = (what: string) =>
      refuse(`${what} is not allowed`, 'error-action-not-allowed', { method: 'saveUserProfile' });
    if (
      data['name'] !== undefined &&
      data['name'] !== me['name'] &&
      !settings['Accounts_AllowRealNameChange']
    )
      notAllowed('Edit user real name');
    if (
      data['username'] !== undefined &&
      data['username'] !== me.username &&
      !settings['Accounts_AllowUsernameChange']
    )
      notAllowed('Edit username');
    if (data['statusText'] !== undefined && !settings['Accounts_AllowUserStatusMessageChange'])
      notAllowed('Change status message');
    if (data['email'] !== undefined && !settings['Accounts_AllowEmailChange']) notAllowed('Edit user email');
    if (data['newPassword'] !== undefined && !settings['Accounts_AllowPasswordChange'])
      notAllowed('Edit user password');
    if (data['name'] !== undefined && !data['name'].trim())
      return failure('The name can not be empty', 'error-invalid-field', { method: 'saveUserProfile' });
    checkSizes(data);
    const current = (me['emails'] as { address: string }[] | undefined)?.[0]?.address;
    const emailChange = data['email'] !== undefined && data['email'].toLowerCase() !== current?.toLowerCase();
    // The current password is the profile's second factor: with 2FA off the server asks for none.
    if (settings['Accounts_TwoFactorAuthentication_Enabled']) {
      if ((emailChange || data['newPassword']) && !data['currentPassword'])
        return failure('TOTP Required', 'totp-required', { method: 'password', codeGenerated: false });
      if (data['currentPassword'] && !passwordMatches(me._id, data['currentPassword']))
        return failure('Invalid password', 'totp-invalid', { method: 'password' });
    }
    if (data['username'] !== undefined && data['username'] !== me.username) {
      const other = byUsername(data['username']);
      if (!usernameUsable(data['username']) || (other && other._id !== me._id))
        return failure('Could not save user identity', 'error-could-not-save-identity');
    }
    if (emailChange) {
      const other = byEmail(data['email'] as string);
      if (other && other._id !== me._id)
        return failure(`${data['email']} is already in use :(`, 'error-field-unavailable', {
          method: 'saveUserProfile',
        });
    }
    if (data['newPassword']) {
      const refused = passwordPolicy(data['newPassword']);
      if (refused) return refused;
    }
    if (data['username'] !== undefined) me.username = data['username'];
    if (data['name'] !== undefined) me['name'] = data['name'].trim();
    for (const k of ['nickname', 'bio', 'statusText'] as const) if (data[k] !== undefined) me[k] = data[k];
    if (emailChange) me['emails'] = [{ address: data['email'], verified: false }];
    if (data['newPassword']) passwords.set(me._id, data['newPassword']);
    if (b['customFields'])
      me['customFields'] = {
        ...((me['customFields'] as object | undefined) ?? {}),
        ...(b['customFields'] as object),
      };
    touch(me);
    return ok({ user: visible(me) });
  }

  function tokenRoute(kind: 'generate' | 'regenerate' | 'remove') {
    return (req: SandboxRequest, me: Doc): SandboxResponse => {
      const b = body(req);
      const error = validate(b, {
        required: ['tokenName'],
        props:
          kind === 'generate'
            ? { tokenName: 'string', bypassTwoFactor: { type: 'boolean', nullable: true } }
            : { tokenName: 'string' },
      });
      if (error) return invalid(error);
      const method = `personalAccessTokens:${kind}Token`;
      if (!can(me, 'create-personal-access-tokens'))
        return failure('Not Authorized', 'not-authorized', { method });
      const name = b['tokenName'] as string;
      if (!name) return failure("The 'tokenName' param is required");
      const existing = [...tokens].find(
        ([, t]) => t.userId === me._id && t.kind === 'pat' && t.name === name,
      );
      if (kind === 'generate' && existing)
        return failure('A token with this name already exists', 'error-token-already-exists', { method });
      if (kind !== 'generate' && !existing)
        return failure('Token does not exist', 'error-token-does-not-exists', { method });
      const bypass =
        kind === 'generate' ? b['bypassTwoFactor'] === true : existing?.[1].bypassTwoFactor === true;
      if (existing) tokens.delete(existing[0]);
      if (kind === 'remove') return ok();
      const value = secret();
      tokens.set(value, {
        userId: me._id,
        kind: 'pat',
        name,
        createdAt: Date.now(),
        bypassTwoFactor: bypass,
      });
      return ok({ token: value });
    };
  }

  function login(req: SandboxRequest): SandboxResponse {
    const b = body(req);
    const fail = () => send(401, { status: 'error', error: 'Unauthorized', message: 'Unauthorized' });
    let user: Doc | undefined;
    if (typeof b['resume'] === 'string') {
      const t = tokens.get(b['resume']);
      user = t ? users.get(t.userId) : undefined;
    } else {
      const name = str(b['user']) ?? str(b['username']);
      user = name ? (name.includes('@') ? byEmail(name) : byUsername(name)) : undefined;
      const pw = b['password'];
      const given =
        typeof pw === 'string'
          ? sha256(pw)
          : pw && typeof pw === 'object'
            ? str((pw as Record<string, unknown>)['digest'])
            : undefined;
      if (!user || !passwordMatches(user._id, given)) return fail();
    }
    if (!user?.active) return fail();
    const authToken = secret();
    tokens.set(authToken, { userId: user._id, kind: 'login', createdAt: Date.now() });
    user['lastLogin'] = isoNow();
    touch(user);
    return send(200, { status: 'success', data: { userId: user._id, authToken, me: visible(user) } });
  }

  // Routes that need no login (the caller is used when present).
  const PUBLIC_ROUTES = new Set<Op>([
    'login',
    'users.register',
    'users.forgotPassword',
    'users.sendConfirmationEmail',
    'users.verifyEmail',
    'users.2fa.sendEmailCode',
  ]);

  const ROUTES: Record<Op, (req: SandboxRequest, me: Doc, token: string) => SandboxResponse> = {
    login: (req) => login(req),
    'users.list': listUsers,
    'users.info': info,
    'users.create': create,
    'users.update': update,
    'users.setStatus': setStatus,
    'users.presence': presence,
    'users.listByStatus': listByStatus,
    'users.autocomplete': autocomplete,
    'users.setAvatar': setAvatar,
    'users.register': (req, me) => register(req, me),
    'users.updateOwnBasicInfo': updateOwn,
    'users.generatePersonalAccessToken': tokenRoute('generate'),
    'users.regeneratePersonalAccessToken': tokenRoute('regenerate'),
    'users.removePersonalAccessToken': tokenRoute('remove'),

    'users.delete'(req, me) {
      if (!can(me, 'delete-user')) return routeForbidden();
      const b = body(req);
      const error = validate(b, {
        props: {
          userId: 'string',
          username: 'string',
          user: 'string',
          confirmRelinquish: { type: 'boolean', nullable: true },
        },
      });
      if (error) return invalid(error);
      if (b['userId'] === undefined && b['username'] === undefined && b['user'] === undefined)
        return invalid(
          "must have required property 'userId'\n must have required property 'username'\n must have required property 'user'\n must match a schema in anyOf",
        );
      removeUser(userFromParams(b));
      return ok({ deletedRooms: [] });
    },

    'users.setActiveStatus'(req, me) {
      const b = body(req);
      const error = validate(b, {
        required: ['userId', 'activeStatus'],
        props: {
          userId: 'string',
          activeStatus: 'boolean',
          confirmRelinquish: { type: 'boolean', nullable: true },
        },
      });
      if (error) return invalid(error);
      if (!can(me, 'edit-other-user-active-status') && !can(me, 'manage-moderation-actions'))
        return routeForbidden();
      const target = users.get(b['userId'] as string);
      if (!target) return failure('Invalid user', 'error-invalid-user', { method: 'setUserActiveStatus' });
      setActive(target, b['activeStatus'] as boolean);
      return ok({ user: { _id: target._id, active: target.active } });
    },

    'users.getPresence'(req, me) {
      const q = Object.fromEntries(req.query);
      if (isSelf(q, me))
        return ok({
          presence: me['status'] ?? 'offline',
          connectionStatus: me['statusConnection'] ?? 'offline',
          ...(me['lastLogin'] ? { lastLogin: me['lastLogin'] } : {}),
        });
      return ok({ presence: userFromParams(q)['status'] ?? 'offline' });
    },

    'users.getStatus'(req, me) {
      const q = Object.fromEntries(req.query);
      const self = isSelf(q, me);
      const u = self ? me : userFromParams(q);
      return ok({
        _id: u._id,
        ...(self ? { connectionStatus: u['statusConnection'] ?? 'offline' } : {}),
        status: u['status'] ?? 'offline',
        ...(u['statusSource'] ? { statusSource: u['statusSource'] } : {}),
        ...(u['statusExpiresAt'] ? { statusExpiresAt: u['statusExpiresAt'] } : {}),
      });
    },

    'users.getAvatar'(req) {
      const u = userFromParams(Object.fromEntries(req.query));
      const url = `${req.origin}/rocketchat/avatar/${encodeURIComponent(u.username)}`;
      return { status: 307, body: url, headers: { 'content-type': 'application/json', location: url } };
    },

    'users.resetAvatar'(req, me) {
      const b = body(req);
      const error = validate(b, { props: { userId: 'string', username: 'string', user: 'string' } });
      if (error) return invalid(error);
      const target = userFromParams(b);
      const mine = target._id === me._id && settings['Accounts_AllowUserAvatarChange'];
      if (!mine && !can(me, 'edit-other-user-avatar') && !can(me, 'manage-moderation-actions'))
        return failure('Reset avatar is not allowed', 'error-not-allowed', { method: 'users.resetAvatar' });
      delete target['avatarImage'];
      delete target['avatarOrigin'];
      target['avatarETag'] = rng.hex(8);
      touch(target);
      return ok();
    },

    'users.getAvatarSuggestion': () => ok({ suggestions: {} }),

    'users.deactivateIdle'(req, me) {
      if (!can(me, 'edit-other-user-active-status')) return routeForbidden();
      const b = body(req);
      const error = validate(b, { required: ['daysIdle'], props: { daysIdle: 'number', role: 'string' } });
      if (error) return invalid(error);
      const cutoff = Date.now() - (b['daysIdle'] as number) * 24 * 3600 * 1000;
      const role = str(b['role']) ?? 'user';
      let count = 0;
      for (const u of users.values()) {
        // Last login before the cutoff, or never logged in and created before it.
        const seen = Date.parse(String(u['lastLogin'] ?? u['createdAt'] ?? ''));
        if (u.active && u.roles.includes(role) && seen <= cutoff) {
          setActive(u, false);
          u['inactiveReason'] = 'idle_too_long';
          count++;
        }
      }
      return ok({ count });
    },

    'users.deleteOwnAccount'(req, me) {
      const b = body(req);
      const error = validate(b, {
        required: ['password'],
        props: { password: 'string', confirmRelinquish: { type: 'boolean', nullable: true } },
      });
      if (error) return invalid(error);
      if (!settings['Accounts_AllowDeleteOwnAccount']) return failure('Not allowed', 'error-not-allowed');
      if (!passwordMatches(me._id, b['password']))
        return failure('Invalid password', 'error-invalid-password', { method: 'deleteUserOwnAccount' });
      removeUser(me);
      return ok();
    },

    'users.createToken'(req) {
      const b = body(req);
      const error = validate(b, {
        required: ['userId', 'secret'],
        props: { userId: { type: 'string', minLength: 1 }, secret: { type: 'string', minLength: 1 } },
      });
      if (error) return invalid(error);
      if (!options.createTokensSecret || b['secret'] !== options.createTokensSecret)
        return send(400, {
          success: false,
          error: 'Not authorized [error-not-authorized]',
          errorType: 'error-not-authorized',
        });
      const target = userFromParams(b);
      const authToken = secret();
      tokens.set(authToken, { userId: target._id, kind: 'login', createdAt: Date.now() });
      return ok({ data: { userId: target._id, authToken } });
    },

    'users.getPreferences'(_req, me) {
      const s = me['settings'] as { preferences?: Record<string, unknown> } | undefined;
      if (!s) return failure(PREFS_NOT_AVAILABLE);
      return ok({ preferences: { ...(s.preferences ?? {}), language: me['language'] } });
    },

    'users.setPreferences'(req, me) {
      const b = body(req);
      const error = validate(b, {
        required: ['data'],
        props: { userId: { type: 'string', nullable: true }, data: 'object' },
      });
      if (error) return invalid(error);
      const data = b['data'] as Record<string, unknown>;
      for (const k of Object.keys(data))
        if (!PREFERENCES.has(k)) return invalid('must NOT have additional properties');
      const userId = str(b['userId']);
      if (userId && userId !== me._id && !can(me, 'edit-other-user-info'))
        return failure('Editing user is not allowed', 'error-action-not-allowed');
      const target = users.get(userId || me._id);
      if (!target)
        return failure('The optional "userId" param provided does not match any users', 'error-invalid-user');
      const { language, ...prefs } = data;
      const current =
        (target['settings'] as { preferences?: Record<string, unknown> } | undefined)?.preferences ?? {};
      target['settings'] = { preferences: { ...current, ...prefs } };
      if (language !== undefined) target['language'] = language;
      touch(target);
      return ok({
        user: {
          _id: target._id,
          settings: { preferences: { ...current, ...prefs, language: target['language'] } },
        },
      });
    },

    'users.forgotPassword'(req) {
      const b = body(req);
      const error = validate(b, { required: ['email'], props: { email: 'string' } });
      if (error) return invalid(error);
      if (!settings['Accounts_PasswordReset']) return failure('Password reset is not enabled');
      const user = byEmail((b['email'] as string).toLowerCase());
      if (user)
        outbox.push({ to: (b['email'] as string).toLowerCase(), kind: 'password-reset', token: secret() });
      return ok();
    },

    'users.getUsernameSuggestion'(_req, me) {
      const base = String(me['name'] ?? me.username)
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^0-9a-z-_.]+/g, '.')
        .replace(/^\.+|\.+$/g, '');
      if (!base) return failure('No username suggestion found');
      let candidate = base;
      for (let i = 1; byUsername(candidate) && byUsername(candidate)?._id !== me._id; i++)
        candidate = `${base}-${i}`;
      return ok({ result: candidate });
    },

    'users.checkUsernameAvailability'(req, me) {
      const username = req.query.get('username');
      if (username === null) return invalid("must have required property 'username'");
      if (username.toLowerCase() === me.username.toLowerCase()) return ok({ result: true });
      if (!USERNAME_VALID.test(username))
        return failure('Invalid username', 'error-invalid-username', {
          method: 'checkUsernameAvailability',
          field: username,
        });
      return ok({ result: !byUsername(username) && !RESERVED_USERNAMES.includes(username.toLowerCase()) });
    },

    'users.getPersonalAccessTokens'(_req, me) {
      if (!can(me, 'create-personal-access-tokens')) return routeForbidden();
      const list = [...tokens]
        .filter(([, t]) => t.userId === me._id && t.kind === 'pat')
        .map(([value, t]) => ({
          name: t.name as string,
          createdAt: new Date(t.createdAt).toISOString(),
          lastTokenPart: value.slice(-6),
          bypassTwoFactor: Boolean(t.bypassTwoFactor),
        }));
      return ok({ tokens: list });
    },

    'users.requestDataDownload'(req, me) {
      const full = req.query.get('fullExport') === 'true';
      const pending = exports.get(me._id);
      if (pending && pending['fullExport'] === full)
        return ok({
          requested: false,
          exportOperation: pending,
          url: null,
          pendingOperationsBeforeMyRequest: 0,
        });
      const now = isoNow();
      const op = {
        _id: rng.meteorId(),
        userId: me._id,
        roomList: [],
        status: 'pending',
        exportPath: '',
        assetsPath: '',
        fileList: [],
        generatedFile: '',
        fullExport: full,
        userData: { _id: me._id, username: me.username, name: me['name'] },
        createdAt: now,
        _updatedAt: now,
      };
      exports.set(me._id, op);
      return ok({ requested: true, exportOperation: op, url: null, pendingOperationsBeforeMyRequest: 0 });
    },

    'users.logoutOtherClients'(_req, me, token) {
      const current = tokens.get(token);
      for (const [t, v] of tokens)
        if (v.userId === me._id && v.kind === 'login' && t !== token) tokens.delete(t);
      return ok({
        token,
        tokenExpires:
          current?.kind === 'login' ? new Date(current.createdAt + LOGIN_EXPIRATION_MS).toISOString() : '',
      });
    },

    'users.removeOtherTokens'(_req, me, token) {
      for (const [t, v] of tokens)
        if (v.userId === me._id && v.kind === 'login' && t !== token) tokens.delete(t);
      return ok();
    },

    'users.resetE2EKey'(req, me) {
      const b = body(req);
      const error = validate(b, { props: { userId: 'string', username: 'string', user: 'string' } });
      if (error) return invalid(error);
      if ('userId' in b || 'username' in b || 'user' in b) {
        const target = userFromParams(b);
        if (!can(me, 'edit-other-user-e2ee')) return failure('Not allowed', 'error-not-allowed');
        delete target['e2e'];
        for (const [t, v] of tokens) if (v.userId === target._id && v.kind === 'login') tokens.delete(t);
        return ok();
      }
      delete me['e2e'];
      return ok();
    },

    'users.resetTOTP'(req, me) {
      const b = body(req);
      const error = validate(b, { props: { userId: 'string', username: 'string', user: 'string' } });
      if (error) return invalid(error);
      if ('userId' in b || 'username' in b || 'user' in b) {
        if (!can(me, 'edit-other-user-totp')) return failure('Not allowed', 'error-not-allowed');
        if (!settings['Accounts_TwoFactorAuthentication_Enabled'])
          return failure('Two factor authentication is not enabled', 'error-two-factor-not-enabled');
        userFromParams(b);
        return ok();
      }
      return ok();
    },

    'users.listTeams'(req) {
      const userId = req.query.get('userId');
      if (userId === null) return invalid("must have required property 'userId'");
      return ok({ teams: [] }); // teams are not emulated: nobody belongs to one
    },

    'users.logout'(req, me) {
      const b = body(req);
      const error = validate(b, { props: { userId: 'string' } });
      if (error) return invalid(error);
      const userId = str(b['userId']) || me._id;
      if (userId !== me._id && !can(me, 'logout-other-user')) return forbidden();
      if (!users.has(userId)) return failure('Invalid user id', 'error-invalid-user-id');
      for (const [t, v] of tokens) if (v.userId === userId && v.kind === 'login') tokens.delete(t);
      return ok({ message: `User ${userId} has been logged out!` });
    },

    'users.sendWelcomeEmail'(req, me) {
      if (!can(me, 'send-mail')) return routeForbidden();
      const b = body(req);
      const error = validate(b, { required: ['email'], props: { email: 'string' } });
      if (error) return invalid(error);
      if (!settings['SMTP_Host'])
        return failure('SMTP is not configured', 'error-email-send-failed', { method: 'sendWelcomeEmail' });
      if (!byEmail(b['email'] as string))
        return failure('Invalid user', 'error-invalid-user', { method: 'sendWelcomeEmail' });
      outbox.push({ to: (b['email'] as string).trim(), kind: 'welcome' });
      return ok();
    },

    'users.sendConfirmationEmail'(req) {
      const b = body(req);
      const error = validate(b, { required: ['email'], props: { email: 'string' } });
      if (error) return invalid(error);
      const user = byEmail(b['email'] as string);
      const entry = (user?.['emails'] as { address: string; verified?: boolean }[] | undefined)?.find(
        (e) => e.address.toLowerCase() === (b['email'] as string).trim().toLowerCase(),
      );
      if (user && entry && !entry.verified) {
        const token = secret();
        const pending =
          (user['verificationTokens'] as { token: string; address: string }[] | undefined) ?? [];
        user['verificationTokens'] = [...pending, { token, address: entry.address }];
        outbox.push({ to: entry.address, kind: 'confirmation', token });
      }
      return ok();
    },

    'users.verifyEmail'(req) {
      const b = body(req);
      const error = validate(b, { required: ['token'], props: { token: { type: 'string', minLength: 1 } } });
      if (error) return invalid(error);
      for (const u of users.values()) {
        const pending = (u['verificationTokens'] as { token: string; address: string }[] | undefined) ?? [];
        const hit = pending.find((t) => t.token === b['token']);
        if (!hit) continue;
        u['verificationTokens'] = pending.filter((t) => t !== hit);
        u['emails'] = ((u['emails'] as { address: string; verified?: boolean }[]) ?? []).map((e) =>
          e.address === hit.address ? { ...e, verified: true } : e,
        );
        touch(u);
        return ok();
      }
      return send(404, { success: false, error: 'Resource not found' });
    },

    'users.2fa.enableEmail'(_req, me, token) {
      if ((me['emails'] as { verified?: boolean }[] | undefined)?.some((e) => !e.verified))
        return failure('You need to verify your emails before setting up 2FA', 'error-invalid-user');
      me['email2fa'] = { enabled: true, changedAt: isoNow() };
      for (const [t, v] of tokens)
        if (v.userId === me._id && v.kind === 'login' && t !== token) tokens.delete(t);
      return ok();
    },

    'users.2fa.disableEmail'(_req, me) {
      me['email2fa'] = { enabled: false, changedAt: isoNow() };
      return ok();
    },

    'users.2fa.sendEmailCode'(req, me) {
      const b = body(req);
      const error = validate(b, { required: ['emailOrUsername'], props: { emailOrUsername: 'string' } });
      if (error) return invalid(error);
      const key = b['emailOrUsername'] as string;
      const user = me ?? (key.includes('@') ? byEmail(key) : byUsername(key));
      const address = (user?.['emails'] as { address: string }[] | undefined)?.[0]?.address;
      if (address)
        outbox.push({
          to: address,
          kind: '2fa-code',
          token: String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000)),
        });
      return ok();
    },
  };

  /** The JSON body check every POST passes first, and the refusals handlers throw. */
  const answer = (req: SandboxRequest, run: () => SandboxResponse): SandboxResponse => {
    const isJsonPost =
      req.method === 'POST' && !(header(req, 'content-type') ?? '').toLowerCase().startsWith('multipart/');
    if (
      isJsonPost &&
      req.body !== undefined &&
      (req.invalidJson || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
    ) {
      return invalid('must be object');
    }
    try {
      return run();
    } catch (error) {
      if (error instanceof Refusal) return error.response;
      throw error;
    }
  };
  const me = (id: string | undefined) => (id === undefined ? undefined : users.get(id));
  const routes = {} as Record<Op, Route<string | undefined>>;
  for (const [op, handler] of Object.entries(ROUTES) as [Op, (typeof ROUTES)[Op]][])
    routes[op] = (req, _params, caller) =>
      answer(req, () => handler(req, me(caller) as Doc, header(req, 'x-auth-token') ?? ''));

  const frame = frameModule(options, {
    id: 'rocketchat',
    operations: { ...operations.rocketchat, 'POST /api/v1/login': 'login' },
    credentials: {
      userId: admin.userId,
      authToken: admin.authToken,
      regularUserId: regular.userId,
      regularAuthToken: regular.authToken,
    },
    count: () => users.size,
    onRequest: (req) => sorted.seen(req),
    authenticate(req, op): SandboxResponse | string | undefined {
      const userId = header(req, 'x-user-id');
      const token = header(req, 'x-auth-token');
      const tok = token ? tokens.get(token) : undefined;
      const caller = tok && tok.userId === userId ? users.get(tok.userId) : undefined;
      const anonymous = (op !== undefined && PUBLIC_ROUTES.has(op)) || req.path.startsWith('/avatar/');
      if (!caller && !anonymous) {
        return send(
          401,
          options.legacy401
            ? { status: 'error', message: UNAUTHORIZED }
            : { success: false, error: UNAUTHORIZED, status: 'error', message: UNAUTHORIZED },
        );
      }
      return caller?._id;
    },
    // Per caller and route; holders of `api-bypass-rate-limit` skip the limiter.
    rateLimit: {
      key: (req, caller) =>
        can(me(caller), 'api-bypass-rate-limit')
          ? undefined
          : `${caller ?? 'anonymous'}:${req.method} ${req.path}`,
      headers: (state) => ({
        'x-ratelimit-limit': String(state.limit),
        'x-ratelimit-remaining': String(state.remaining),
        'x-ratelimit-reset': String(state.resetAt),
      }),
    },
    faultResponses: {
      rateLimited: (resetAt) =>
        tooMany(resetAt, {
          'x-ratelimit-limit': String(options.rateLimit?.limit ?? 10),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(resetAt),
        }),
      serverError: (status) => send(status, { success: false, error: 'Internal server error' }),
    },
    routes,
    notFound: (req) =>
      answer(req, () => {
        // Avatars, outside the users API: `/avatar/<username>`, whatever the name holds.
        if (req.method === 'GET' && req.path.startsWith('/avatar/')) {
          let name = req.path.slice('/avatar/'.length);
          try {
            name = decodeURIComponent(name);
          } catch {
            // keep it raw
          }
          return {
            status: 200,
            text: avatarSvg(byUsername(name), name),
            headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=0' },
          };
        }
        return send(404, { success: false, error: 'Resource not found' });
      }),
  });

  return {
    ...frame,
    setSetting(id, value) {
      settings[id] = value;
    },
    setPermission(id, roles) {
      permissions[id] = [...roles];
    },
    outbox,
    password: PASSWORD,
  };
}

const PREFERENCES = new Set([
  'newRoomNotification',
  'newMessageNotification',
  'clockMode',
  'useEmojis',
  'convertAsciiEmoji',
  'alsoSendThreadToChannel',
  'saveMobileBandwidth',
  'collapseMediaByDefault',
  'autoImageLoad',
  'emailNotificationMode',
  'unreadAlert',
  'notificationsSoundVolume',
  'desktopNotifications',
  'pushNotifications',
  'enableAutoAway',
  'highlights',
  'showThreadsInMainChannel',
  'desktopNotificationRequireInteraction',
  'hideUsernames',
  'hideRoles',
  'displayAvatars',
  'hideFlexTab',
  'sendOnEnter',
  'language',
  'sidebarShowFavorites',
  'sidebarShowUnread',
  'sidebarSortby',
  'sidebarViewMode',
  'sidebarDisplayAvatar',
  'sidebarGroupByType',
  'muteFocusedConversations',
  'dontAskAgainList',
  'featuresPreview',
  'themeAppearence',
  'fontSize',
  'receiveLoginDetectionEmail',
  'notifyCalendarEvents',
  'idleTimeLimit',
  'idleTimeLimitH',
  'idleTimeLimitM',
  'idleTimeLimitS',
  'omnichannelTranscriptEmail',
  'omnichannelTranscriptPDF',
  'omnichannelHideConversationAfterClosing',
  'enableMobileRinging',
  'mentionsWithSymbol',
]);

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
