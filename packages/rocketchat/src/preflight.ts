import { InputError } from '@rosterkit/core';

/**
 * Checks run before a request leaves, per operation path: what the server would refuse for sure
 * (an empty token name, a password that is not a SHA-256 digest, a selector that is not JSON) is
 * refused here with an InputError naming the field, and nothing is sent.
 */

type Init = { body?: unknown; params?: { query?: Record<string, unknown> } } | undefined;

const fail = (field: string, message: string): never => {
  throw new InputError('rocketchat', field, message);
};
const text = (field: string, value: unknown) => {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string');
};
const optionalText = (field: string, value: unknown) => {
  if (value !== undefined) text(field, value);
};
const email = (field: string, value: unknown) => {
  text(field, value);
  if (!(value as string).includes('@')) fail(field, 'must be an email address');
};
const sha256 = (field: string, value: unknown) => {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/i.test(value))
    fail(field, 'must be the SHA-256 hex digest of the password (64 hex characters), not the password');
};
const object = (field: string, value: unknown) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(field, 'must be an object');
};
const httpUrl = (field: string, value: unknown) => {
  text(field, value);
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    // refused below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail(field, 'must be an http(s) URL');
};
const count = (field: string, value: unknown) => {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0))
    fail(field, 'must be an integer ≥ 0');
};
/** One of userId, username, user: required (`needed`) or optional, never empty. */
const target = (where: string, source: Record<string, unknown>, needed: boolean) => {
  const keys = ['userId', 'username', 'user'].filter((k) => source[k] !== undefined);
  for (const k of keys) text(`${where}.${k}`, source[k]);
  if (needed && keys.length === 0) fail(`${where}.userId`, 'name the user with userId, username or user');
};

const body = (init: Init) => (init?.body ?? {}) as Record<string, unknown>;
const query = (init: Init) => init?.params?.query ?? {};

export const preflight: Readonly<Record<string, (init: Init) => void>> = {
  'POST /api/v1/users.register'(init) {
    const b = body(init);
    text('body.username', b['username']);
    email('body.email', b['email']);
    text('body.pass', b['pass']);
  },
  'POST /api/v1/users.updateOwnBasicInfo'(init) {
    const b = body(init);
    object('body.data', b['data']);
    const data = b['data'] as Record<string, unknown>;
    if (data['email'] !== undefined) email('body.data.email', data['email']);
    if (data['email'] !== undefined || data['newPassword'] !== undefined) {
      if (data['currentPassword'] === undefined)
        fail('body.data.currentPassword', 'is needed to change the email or the password');
    }
    if (data['currentPassword'] !== undefined) sha256('body.data.currentPassword', data['currentPassword']);
    if (data['newPassword'] !== undefined) text('body.data.newPassword', data['newPassword']);
  },
  'POST /api/v1/users.setAvatar'(init) {
    const b = body(init);
    if (typeof FormData !== 'undefined' && b instanceof FormData) return; // checked by setAvatar()
    httpUrl('body.avatarUrl', b['avatarUrl']);
    optionalText('body.userId', b['userId']);
    optionalText('body.username', b['username']);
  },
  'GET /api/v1/users.getAvatar': (init) => target('params.query', query(init), true),
  'POST /api/v1/users.resetAvatar': (init) => target('body', body(init), true),
  'POST /api/v1/users.deactivateIdle'(init) {
    const days = body(init)['daysIdle'];
    if (typeof days !== 'number' || !Number.isFinite(days) || days < 0)
      fail('body.daysIdle', 'must be a finite number of days ≥ 0');
    optionalText('body.role', body(init)['role']);
  },
  'POST /api/v1/users.deleteOwnAccount': (init) => sha256('body.password', body(init)['password']),
  'POST /api/v1/users.createToken'(init) {
    text('body.userId', body(init)['userId']);
    text('body.secret', body(init)['secret']);
  },
  'POST /api/v1/users.setPreferences'(init) {
    object('body.data', body(init)['data']);
    optionalText('body.userId', body(init)['userId']);
  },
  'POST /api/v1/users.forgotPassword': (init) => email('body.email', body(init)['email']),
  'GET /api/v1/users.checkUsernameAvailability': (init) =>
    text('params.query.username', query(init)['username']),
  'POST /api/v1/users.generatePersonalAccessToken': (init) => text('body.tokenName', body(init)['tokenName']),
  'POST /api/v1/users.regeneratePersonalAccessToken': (init) =>
    text('body.tokenName', body(init)['tokenName']),
  'POST /api/v1/users.removePersonalAccessToken': (init) => text('body.tokenName', body(init)['tokenName']),
  'GET /api/v1/users.autocomplete'(init) {
    const selector = query(init)['selector'];
    if (typeof selector !== 'string') return fail('params.query.selector', 'must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(selector);
    } catch {
      fail('params.query.selector', 'is not valid JSON');
    }
    object('params.query.selector', parsed);
  },
  'POST /api/v1/users.resetE2EKey': (init) => target('body', body(init), false),
  'POST /api/v1/users.resetTOTP': (init) => target('body', body(init), false),
  'GET /api/v1/users.listTeams': (init) => text('params.query.userId', query(init)['userId']),
  'POST /api/v1/users.logout': (init) => optionalText('body.userId', body(init)['userId']),
  'POST /api/v1/users.sendWelcomeEmail': (init) => email('body.email', body(init)['email']),
  'POST /api/v1/users.sendConfirmationEmail': (init) => email('body.email', body(init)['email']),
  'POST /api/v1/users.verifyEmail': (init) => text('body.token', body(init)['token']),
  'GET /api/v1/users.listByStatus'(init) {
    const q = query(init);
    count('params.query.count', q['count']);
    count('params.query.offset', q['offset']);
    if (q['status'] !== undefined && q['status'] !== 'active' && q['status'] !== 'deactivated')
      fail('params.query.status', 'must be active or deactivated');
  },
  'POST /api/v1/users.2fa.sendEmailCode': (init) =>
    text('body.emailOrUsername', body(init)['emailOrUsername']),
};
