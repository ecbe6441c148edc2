import { appendFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startSandbox } from '@rosterkit/sandbox';
import {
  providers as allProviders,
  applyPlan,
  buildOffboardingPlan,
  buildOnboardingPlan,
  IMICHAT_ROLES,
  type ImichatRole,
  type LifecycleClients,
  type OnboardingProviders,
  type Plan,
  PlanError,
  type PlanStep,
  type ProviderId,
  type StepOutcome,
  type StepResult,
} from '@rosterkit/users';
import { type LoadedSettings, loadSettings, missingSettings, type Settings } from './config.js';
import { RowWriter } from './format.js';
import { cliProviders } from './providers.js';

/** Minimal I/O the lifecycle commands need (a subset of main's Io). */
export interface LifecycleIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

const OK = 0;
const FAILURE = 1;
const USAGE_EXIT = 2;
const FORMATS = ['table', 'json', 'ndjson'] as const;
type LifecycleFormat = (typeof FORMATS)[number];

export const LIFECYCLE_USAGE = `Usage:
  roster offboard <email> [options]
  roster onboard <email> --name "Full Name" --provider <id> [--provider <id> ...] [options]

Without --yes the plan is printed and nothing is written (exit 0). With --yes every step is
applied once and its outcome printed; exit 1 when any step failed or has an unknown outcome.

Options:
  --yes                      Apply the plan (write)
  --format <f>               table | json | ndjson (default: table)
  --audit-log <file>         Append one JSON line per applied step (no credentials)
  --provider <id>            offboard: providers to read (default: every configured one)
                             onboard: providers to create the account in (required, repeatable)
  --role <provider>=<role>   onboard: imichat=Team Agent|Team Manager|Team Analyst (required),
                             blynk=<roleId> (required: 1 Admin, 2 Staff, 3 User),
                             rocketchat=<role,role> (default: the server's), thena=…, rezolve=… (named in the manual step)
  --name <name>              onboard: the person's full name (never split)
  --first-name <s>  --last-name <s>   onboard: for imi.chat's separate name fields
  --username <s>             onboard: Rocket.Chat username (default: the email's local part)
  --sandbox                  Use an in-process sandbox (--users <n>, --seed <n>)
  --config <file>            Provider settings file (default: ./roster.config.json)
`;

class LifecycleUsageError extends Error {}

const OPTIONS = {
  yes: { type: 'boolean' },
  format: { type: 'string' },
  'audit-log': { type: 'string' },
  provider: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  name: { type: 'string' },
  'first-name': { type: 'string' },
  'last-name': { type: 'string' },
  username: { type: 'string' },
  sandbox: { type: 'boolean' },
  users: { type: 'string' },
  seed: { type: 'string' },
  config: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new LifecycleUsageError((error as Error).message);
  }
}

/** Whether argv asks for `offboard` or `onboard` (the first positional argument). */
export function isLifecycleCommand(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return argv[i + 1] === 'offboard' || argv[i + 1] === 'onboard';
    if (a.startsWith('--')) {
      const spec = (OPTIONS as Record<string, { type: string }>)[a.slice(2)];
      if (spec?.type === 'string' && !a.includes('=')) i++; // its value
      continue;
    }
    if (a.startsWith('-')) continue;
    return a === 'offboard' || a === 'onboard';
  }
  return false;
}

/** Control and bidi characters of provider data are shown escaped, never sent to the terminal. */
export function safeText(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return s.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const positiveInt = (raw: string | undefined, name: string, fallback: number) => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new LifecycleUsageError(`--${name} must be an integer ≥ 0`);
  return n;
};

export async function runLifecycle(argv: readonly string[], io: LifecycleIo): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (error) {
    io.stderr(`roster: ${(error as Error).message}\n\n${LIFECYCLE_USAGE}`);
    return USAGE_EXIT;
  }
  if (values.help) {
    io.stdout(LIFECYCLE_USAGE);
    return OK;
  }
  let stop: (() => Promise<void>) | undefined;
  try {
    const [command, email, ...extra] = positionals;
    if (!email) throw new LifecycleUsageError(`${command} needs an email address`);
    if (extra.length) throw new LifecycleUsageError(`unexpected argument: ${extra[0]}`);
    const format = (values.format ?? 'table') as LifecycleFormat;
    if (!FORMATS.includes(format))
      throw new LifecycleUsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
    const requested = (values.provider ?? []) as ProviderId[];
    for (const p of requested)
      if (!allProviders.includes(p))
        throw new LifecycleUsageError(`unknown --provider "${p}" (known: ${allProviders.join(', ')})`);
    const roles = parseRoles(values.role ?? []);
    if (command === 'offboard') {
      for (const flag of ['name', 'first-name', 'last-name', 'username'] as const)
        if (values[flag] !== undefined) throw new LifecycleUsageError(`--${flag} is for onboard`);
      if (roles.size) throw new LifecycleUsageError('--role is for onboard');
    } else if (requested.length === 0) {
      throw new LifecycleUsageError('onboard needs at least one --provider');
    }

    let loaded: LoadedSettings;
    if (values.sandbox) {
      const ids = requested.length ? requested : allProviders;
      const box = await startSandbox({
        providers: ids,
        users: positiveInt(values.users, 'users', 25),
        seed: positiveInt(values.seed, 'seed', 1),
      });
      stop = () => box.close();
      loaded = { settings: {}, origins: {}, files: [] };
      for (const id of ids)
        loaded.settings[id] = { baseUrl: box.providers[id].baseUrl, ...box.providers[id].credentials };
    } else {
      loaded = await loadSettings(io.env, values.config, io.cwd);
    }
    const settings = loaded.settings;
    const ids = requested.length ? requested : (Object.keys(settings) as ProviderId[]);
    if (ids.length === 0)
      throw new LifecycleUsageError(
        'no provider is configured: set ROSTER_* variables, use --config, or --sandbox',
      );
    const clients: LifecycleClients = {};
    for (const id of ids) {
      const s = settings[id];
      if (!s)
        throw new LifecycleUsageError(
          `provider ${id} is not configured (set ${missingSettings(id, loaded).join(', ')})`,
        );
      const missing = missingSettings(id, loaded);
      if (missing.length) throw new LifecycleUsageError(`provider ${id} is missing ${missing.join(', ')}`);
      // Reads are retried as usual; applyPlan sends every write with retry: false.
      const client = cliProviders[id].create(s, {});
      if (client.provider !== id) throw new Error(`client for ${id} reports provider ${client.provider}`);
      (clients as Record<string, unknown>)[id] = client;
    }

    let plan: Plan;
    try {
      if (command === 'offboard') plan = await buildOffboardingPlan(email, clients);
      else {
        if (!values.name) throw new LifecycleUsageError('onboard needs --name "Full Name"');
        plan = await buildOnboardingPlan(
          {
            email,
            name: values.name,
            ...(values['first-name'] ? { firstName: values['first-name'] } : {}),
            ...(values['last-name'] ? { lastName: values['last-name'] } : {}),
            providers: onboardingProviders(requested, roles, values.username, settings),
          },
          clients,
        );
      }
    } catch (error) {
      if (error instanceof PlanError) {
        io.stderr(`roster: ${command} refused (${error.code}): ${safeText(error.message)}\n`);
        return FAILURE;
      }
      throw error;
    }

    if (!values.yes) {
      const out = new RowWriter(
        format,
        ['step', 'provider', 'action', 'account', 'how', 'description'],
        io.stdout,
      );
      plan.steps.forEach((step, i) => {
        out.write(planRecord(plan, step, i), [
          i + 1,
          step.provider,
          step.action,
          safeText(step.accountId ?? '(new)'),
          step.kind,
          safeText(step.description),
        ]);
      });
      out.end();
      if (!values.quiet)
        io.stderr(
          `${plan.kind} plan for ${safeText(plan.email)}: ${plan.steps.length} step(s). Nothing was written; run again with --yes to apply.\n`,
        );
      return OK;
    }

    const audit = values['audit-log'];
    const out = new RowWriter(
      format,
      ['step', 'provider', 'action', 'account', 'outcome', 'detail'],
      io.stdout,
    );
    let index = 0;
    const result = await applyPlan(plan, clients, {
      onStep: async (r) => {
        index++;
        out.write(resultRecord(plan, r, index), [
          index,
          r.step.provider,
          r.step.action,
          safeText(accountOf(r)),
          outcomeLabel(r.outcome),
          safeText(outcomeDetail(r.outcome)),
        ]);
        if (audit) await appendFile(audit, `${JSON.stringify(auditLine(plan, r))}\n`, { mode: 0o600 });
      },
    });
    out.end();
    if (!values.quiet) io.stderr(`${plan.kind} ${safeText(plan.email)}: ${result.summary}\n`);
    return result.ok ? OK : FAILURE;
  } catch (error) {
    if (error instanceof LifecycleUsageError) {
      io.stderr(`roster: ${error.message}\n\n${LIFECYCLE_USAGE}`);
      return USAGE_EXIT;
    }
    throw error;
  } finally {
    await stop?.();
  }
}

function parseRoles(list: readonly string[]): Map<ProviderId, string> {
  const roles = new Map<ProviderId, string>();
  for (const item of list) {
    const at = item.indexOf('=');
    const provider = item.slice(0, at) as ProviderId;
    if (at < 1 || !allProviders.includes(provider))
      throw new LifecycleUsageError(`--role must be <provider>=<role>, got "${item}"`);
    roles.set(provider, item.slice(at + 1).trim());
  }
  return roles;
}

function onboardingProviders(
  chosen: readonly ProviderId[],
  roles: Map<ProviderId, string>,
  username: string | undefined,
  settings: Settings,
): OnboardingProviders {
  const out: OnboardingProviders = {};
  for (const [p] of roles)
    if (!chosen.includes(p)) throw new LifecycleUsageError(`--role ${p}=… but --provider ${p} is not chosen`);
  for (const p of chosen) {
    const role = roles.get(p);
    switch (p) {
      case 'rocketchat': {
        const list = role
          ?.split(',')
          .map((r) => r.trim())
          .filter(Boolean);
        out.rocketchat = { ...(username ? { username } : {}), ...(list?.length ? { roles: list } : {}) };
        break;
      }
      case 'imichat':
        if (!role || !(IMICHAT_ROLES as readonly string[]).includes(role))
          throw new LifecycleUsageError(
            `onboarding to imichat needs --role imichat=<${IMICHAT_ROLES.join('|')}>`,
          );
        out.imichat = { role: role as ImichatRole, teamId: Number(settings.imichat?.['teamId']) };
        break;
      case 'blynk': {
        const roleId = Number(role);
        if (!role || !Number.isInteger(roleId) || roleId < 1)
          throw new LifecycleUsageError(
            'onboarding to blynk needs --role blynk=<roleId> (1 Admin, 2 Staff, 3 User)',
          );
        out.blynk = { roleId };
        break;
      }
      case 'thena':
      case 'rezolve':
        out[p] = role ? { role } : {};
        break;
    }
  }
  return out;
}

function planRecord(plan: Plan, step: PlanStep, i: number): Record<string, unknown> {
  return { plan: plan.kind, step: i + 1, ...step };
}

const accountOf = (r: StepResult) =>
  (r.outcome.kind === 'done' ? r.outcome.accountId : undefined) ?? r.step.accountId ?? '(new)';

function outcomeLabel(o: StepOutcome): string {
  return o.kind === 'unknown' ? `unknown (read back: ${o.readBack.state})` : o.kind;
}

function outcomeDetail(o: StepOutcome): string {
  switch (o.kind) {
    case 'done':
    case 'already':
      return o.detail;
    case 'manual':
      return `${o.instruction} — ${o.where}`;
    case 'failed':
      return o.error.message;
    case 'unknown':
      return `${o.error.message}; not written again${o.readBack.state === 'unreadable' ? `; read-back failed: ${o.readBack.error.message}` : ''}`;
  }
}

function errorFields(o: StepOutcome): Record<string, unknown> {
  if (o.kind !== 'failed' && o.kind !== 'unknown') return {};
  const e = o.error as { name: string; code?: unknown; kind?: unknown; status?: unknown; message: string };
  return {
    error: {
      name: e.name,
      ...(e.kind !== undefined ? { kind: e.kind } : {}),
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.code !== undefined ? { code: e.code } : {}),
      message: e.message,
    },
    ...(o.kind === 'unknown' ? { readBack: o.readBack.state } : {}),
  };
}

function resultRecord(plan: Plan, r: StepResult, index: number): Record<string, unknown> {
  return {
    plan: plan.kind,
    email: plan.email,
    step: index,
    id: r.step.id,
    provider: r.step.provider,
    action: r.step.action,
    accountId: accountOf(r),
    outcome: r.outcome.kind,
    detail: outcomeDetail(r.outcome),
    writes: r.writes,
    at: r.at,
    ...errorFields(r.outcome),
  };
}

/** One audit line: when, where, what, on which account, and how it ended. Never a credential. */
function auditLine(plan: Plan, r: StepResult): Record<string, unknown> {
  return {
    time: r.at,
    plan: plan.kind,
    email: plan.email,
    provider: r.step.provider,
    host: plan.hosts[r.step.provider] ?? null,
    action: r.step.action,
    stepId: r.step.id,
    accountId: accountOf(r),
    outcome: r.outcome.kind,
    writes: r.writes,
    ...errorFields(r.outcome),
  };
}
