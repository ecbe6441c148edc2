import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProviders } from '../src/index.js';
import { isLifecycleCommand, safeText } from '../src/lifecycle.js';
import { run } from './run.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Runs the built `roster` binary. */
function roster(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env['PATH'], ...env }, cwd: tmpdir(), timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('done-when: roster offboard against `roster sandbox` configured through ROSTER_* variables', () => {
  let child: ChildProcess;
  let env: NodeJS.ProcessEnv = {};
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roster-lifecycle-'));
    child = spawn(process.execPath, [BIN, 'sandbox', '--users', '12', '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Every variable `roster sandbox` prints, read from its output (VAR=value).
    const expected = Object.values(cliProviders).flatMap((p) => Object.values(p.settings));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        env = {};
        for (const m of out.matchAll(/\b(ROSTER_[A-Z_]+)=(\S+)$/gm)) env[m[1] as string] = m[2] as string;
        // The listing ends with the Ctrl-C hint; by then every provider's variables are out.
        if (/ctrl-c/i.test(out) && expected.some((v) => env[v] !== undefined)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`roster sandbox exited with ${code}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the plan (one step or more per account, manual ones included), applies it once with --yes, reports everything already done the second time, and roster users shows it', async () => {
    expect(Object.keys(env)).toContain('ROSTER_ROCKETCHAT_TOKEN');
    // Someone active in Rocket.Chat and a member of two Thena teams.
    const listed = await roster(
      ['users', '--format', 'json', '--fields', 'provider,remoteId,email,status,teams'],
      env,
    );
    expect(listed.code).toBe(0);
    const users = JSON.parse(listed.stdout) as {
      provider: string;
      email?: string;
      status: string;
      teams: string[];
    }[];
    const email = users.find(
      (u) =>
        u.provider === 'thena' &&
        u.teams.length >= 2 &&
        users.some((r) => r.provider === 'rocketchat' && r.email === u.email && r.status === 'active'),
    )?.email as string;
    expect(email).toBeTruthy();
    const accounts = users.filter((u) => u.email?.toLowerCase() === email.toLowerCase());

    // 1. The plan, without --yes: printed, exit 0, nothing written.
    const dry = await roster(['offboard', email, '--format', 'ndjson'], env);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('Nothing was written');
    const steps = ndjson(dry.stdout);
    for (const a of accounts) expect(steps.some((s) => s['provider'] === a.provider)).toBe(true);
    expect(steps.filter((s) => s['kind'] === 'api').map((s) => `${s['provider']}:${s['action']}`)).toEqual([
      'thena:removeFromTeams',
      'thena:removeFromTeams',
      'rocketchat:deactivate',
    ]);
    expect(steps.some((s) => s['kind'] === 'manual')).toBe(true);
    const table = await roster(['offboard', email], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^step\s+provider\s+action\s+account\s+how\s+description$/);
    const stillThere = await roster(
      ['users', '--format', 'json', '--provider', 'rocketchat', '--fields', 'email,status'],
      env,
    );
    expect(
      (JSON.parse(stillThere.stdout) as { email: string; status: string }[]).find((u) => u.email === email)
        ?.status,
    ).toBe('active');

    // 2. --yes applies it.
    const audit = join(dir, 'audit.jsonl');
    const applied = await roster(['offboard', email, '--yes', '--format', 'json', '--audit-log', audit], env);
    expect(applied.code).toBe(0);
    const outcomes = JSON.parse(applied.stdout) as Record<string, unknown>[];
    expect(outcomes).toHaveLength(steps.length);
    for (const o of outcomes) {
      const step = steps.find((s) => s['id'] === o['id']);
      expect(o['outcome'], String(o['id'])).toBe(step?.['kind'] === 'api' ? 'done' : o['outcome']);
      if (step?.['kind'] === 'manual') expect(['manual', 'already']).toContain(o['outcome']);
    }

    // 3. A second --yes: every step already done (manual ones stay manual until someone does them).
    const again = await roster(['offboard', email, '--yes', '--format', 'ndjson', '--audit-log', audit], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing changed/);
    for (const o of ndjson(again.stdout)) expect(['already', 'manual']).toContain(o['outcome']);
    // Every API action again, each already done: Thena in no team (re-checked), Rocket.Chat inactive.
    expect(
      ndjson(again.stdout)
        .filter(
          (o) =>
            (o['provider'] === 'thena' && o['action'] === 'removeFromTeams') ||
            o['provider'] === 'rocketchat',
        )
        .map((o) => `${o['provider']}:${o['action']}:${o['outcome']}`),
    ).toEqual(['thena:removeFromTeams:already', 'rocketchat:deactivate:already']);

    // 4. roster users shows the result.
    const after = await roster(
      [
        'users',
        '--format',
        'json',
        '--provider',
        'rocketchat',
        '--provider',
        'thena',
        '--fields',
        'provider,email,status,teams',
      ],
      env,
    );
    const mine = (
      JSON.parse(after.stdout) as { provider: string; email: string; status: string; teams: string[] }[]
    ).filter((u) => u.email === email);
    expect(mine.find((u) => u.provider === 'rocketchat')?.status).toBe('inactive');
    expect(mine.find((u) => u.provider === 'thena')?.teams).toEqual([]);

    // The audit log: one JSON line per applied step, the agreed fields, never a credential.
    const text = await readFile(audit, 'utf8');
    const lines = ndjson(text);
    expect(lines.length).toBe(outcomes.length + ndjson(again.stdout).length);
    for (const l of lines) {
      for (const k of ['time', 'provider', 'action', 'accountId', 'outcome']) expect(l).toHaveProperty(k);
      expect(new Date(l['time'] as string).toISOString()).toBe(l['time']);
    }
    for (const [k, v] of Object.entries(env))
      if (/TOKEN|KEY|SECRET/.test(k) && v) expect(text.includes(v), k).toBe(false);
  }, 120_000);

  it('onboard: plan, apply, already; bad input is a usage error before anything is read', async () => {
    const args = [
      'onboard',
      'Ida.Rhodes@example.com',
      '--name',
      'Ida Rhodes',
      '--provider',
      'rocketchat',
      '--provider',
      'blynk',
      '--role',
      'blynk=3',
    ];
    const dry = await roster([...args, '--format', 'ndjson'], env);
    expect(dry.code).toBe(0);
    expect(ndjson(dry.stdout).map((s) => `${s['provider']}:${s['action']}`)).toEqual([
      'rocketchat:create',
      'blynk:invite',
    ]);
    const applied = await roster([...args, '--yes', '--format', 'ndjson'], env);
    expect(applied.code).toBe(0);
    expect(ndjson(applied.stdout).map((o) => o['outcome'])).toEqual(['done', 'done']);
    const again = await roster([...args, '--yes', '--format', 'ndjson'], env);
    expect(ndjson(again.stdout).map((o) => o['outcome'])).toEqual(['already', 'already']);
    const listed = await roster(
      ['users', '--format', 'json', '--provider', 'rocketchat', '--fields', 'email,username'],
      env,
    );
    const ida = (JSON.parse(listed.stdout) as { email: string; username: string; status: string }[]).find(
      (u) => u.email === 'ida.rhodes@example.com',
    );
    expect(ida?.username).toBe('ida.rhodes');

    expect((await roster(['onboard', 'x@example.com', '--provider', 'rocketchat'], env)).code).toBe(2);
    const noRole = await roster(['onboard', 'x@example.com', '--name', 'X', '--provider', 'imichat'], env);
    expect(noRole.code).toBe(2);
    expect(noRole.stderr).toContain('--role imichat=');
    expect((await roster(['offboard', 'x@example.com', '--role', 'blynk=1'], env)).code).toBe(2);
    const nobody = await roster(['offboard', 'nobody@example.com'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('refused (no-account)');
  }, 120_000);
});

describe('roster offboard --yes with a fault during the writes', () => {
  it('reports the unknown outcome with its read-back, writes once, and exits non-zero', async () => {
    const box = await startSandbox({
      users: 12,
      seed: 1,
      providers: ['rocketchat', 'thena'],
      providerFaults: { rocketchat: { rate: 1, kinds: ['reset'], methods: ['POST'] } },
    });
    try {
      const rc = box.providers.rocketchat;
      const env = {
        ROSTER_ROCKETCHAT_BASE_URL: rc.baseUrl,
        ROSTER_ROCKETCHAT_USER_ID: rc.credentials['userId'],
        ROSTER_ROCKETCHAT_TOKEN: rc.credentials['authToken'],
        ROSTER_THENA_BASE_URL: box.providers.thena.baseUrl,
        ROSTER_THENA_API_KEY: box.providers.thena.credentials['apiKey'],
      };
      const listed = await run(
        ['users', '--format', 'json', '--provider', 'rocketchat', '--fields', 'email,status'],
        env,
      );
      const email = (JSON.parse(listed.stdout) as { email: string; status: string }[]).find(
        (u) => u.status === 'active',
      )?.email as string;
      const before = box.requests['rocketchat'] ?? 0;
      const result = await run(
        ['offboard', email, '--provider', 'rocketchat', '--yes', '--format', 'ndjson'],
        env,
      );
      expect(result.code).toBe(1);
      const [step] = ndjson(result.stdout);
      expect(step?.['outcome']).toBe('unknown');
      expect(step?.['readBack']).toBe('applied');
      expect(step?.['writes']).toBe(1);
      expect(String(step?.['detail'])).toContain('not written again');
      // Plan: one listing page; apply: info before, the one write, info after.
      expect(box.faults['rocketchat']?.reset).toBe(1);
      expect((box.requests['rocketchat'] ?? 0) - before).toBeGreaterThanOrEqual(4);
      for (const v of Object.values(env))
        if (v && !v.startsWith('http')) expect(result.stdout + result.stderr).not.toContain(v);
    } finally {
      await box.close();
    }
  });
});

describe('provider data in lifecycle output', () => {
  it('control and bidi characters are shown escaped, never sent to the terminal', () => {
    expect(safeText('Ada\u001b[2J\u202eevil\r\n')).toBe('Ada\\u001b[2J\\u202eevil\\u000d\\u000a');
    expect(safeText('Zoë Ünal')).toBe('Zoë Ünal');
  });
});

describe('routing to the lifecycle commands', () => {
  it('finds offboard/onboard as the command wherever the options are', () => {
    expect(isLifecycleCommand(['offboard', 'a@b.c'])).toBe(true);
    expect(isLifecycleCommand(['--config', 'x.json', 'onboard', 'a@b.c'])).toBe(true);
    expect(isLifecycleCommand(['--format=json', '--yes', 'offboard', 'a@b.c'])).toBe(true);
    expect(isLifecycleCommand(['users', '--provider', 'offboard'])).toBe(false);
    expect(isLifecycleCommand(['--config', 'offboard', 'users'])).toBe(false);
    expect(isLifecycleCommand([])).toBe(false);
  });
});
