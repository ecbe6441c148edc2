import { describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { run } from './run.js';

/** A small RFC 4180 parser, independent of the writer under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('roster users --sandbox', () => {
  it('prints the seeded users as common User records (json)', async () => {
    const { code, stdout } = await run(['users', '--sandbox', '--users', '12', '--format', 'json']);
    expect(code).toBe(EXIT.ok);
    const users = JSON.parse(stdout) as Record<string, unknown>[];
    for (const provider of ['thena', 'imichat', 'rocketchat', 'blynk', 'rezolve']) {
      // Rocket.Chat's sandbox callers (admin, regular user) and its rocket.cat bot are users too.
      expect(
        users.filter((u) => u['provider'] === provider),
        provider,
      ).toHaveLength(provider === 'rocketchat' ? 15 : 12);
    }
    for (const u of users) {
      expect(u['id']).toBe(`${u['provider']}:${u['remoteId']}`);
      expect(typeof u['displayName']).toBe('string');
      expect(['active', 'inactive', 'invited', 'unknown']).toContain(u['status']);
      expect(u).not.toHaveProperty('raw');
    }
  });

  it('includes raw with --raw, and ndjson has one User per line', async () => {
    const { stdout } = await run([
      'users',
      '--sandbox',
      '--provider',
      'rocketchat',
      '--users',
      '3',
      '--format',
      'ndjson',
      '--raw',
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3 + 3); // + the two sandbox callers and rocket.cat
    expect(lines[0].raw._id).toBe(lines[0].remoteId);
  });

  it('CSV round-trips through a CSV parser, with chosen fields and a status filter', async () => {
    const { stdout } = await run([
      'users',
      '--sandbox',
      '--provider',
      'rocketchat',
      '--users',
      '40',
      '--format',
      'csv',
      '--fields',
      'remoteId,displayName,status,roles',
      '--status',
      'active',
    ]);
    const rows = parseCsv(stdout);
    expect(rows[0]).toEqual(['remoteId', 'displayName', 'status', 'roles']);
    const { stdout: json } = await run([
      'users',
      '--sandbox',
      '--provider',
      'rocketchat',
      '--users',
      '40',
      '--format',
      'json',
      '--status',
      'active',
    ]);
    const users = JSON.parse(json) as { remoteId: string; displayName: string; roles: string[] }[];
    expect(rows.slice(1)).toEqual(users.map((u) => [u.remoteId, u.displayName, 'active', u.roles.join(';')]));
  });

  it('prints a table by default', async () => {
    const { stdout } = await run(['users', '--sandbox', '--provider', 'rocketchat', '--users', '2']);
    expect(stdout.split('\n')[0]).toMatch(/^provider\s+remoteId\s+displayName\s+email\s+status\s+roles$/);
  });
});

describe('roster directory --sandbox', () => {
  it('merges people across providers by email, one column per provider', async () => {
    const { code, stdout } = await run(['directory', '--sandbox', '--users', '20', '--format', 'json']);
    expect(code).toBe(EXIT.ok);
    const people = JSON.parse(stdout) as {
      email: string | null;
      statuses: Record<string, string>;
      accounts: Record<string, string[]>;
    }[];
    const emails = people.map((p) => p.email);
    expect(new Set(emails).size).toBe(emails.length);
    // The sandbox seeds overlapping people: someone has accounts in several providers.
    expect(people.some((p) => Object.keys(p.accounts).length >= 3)).toBe(true);
    for (const p of people)
      expect(Object.keys(p.statuses).sort()).toEqual(['blynk', 'imichat', 'rezolve', 'rocketchat', 'thena']);
  });

  it('--only-inconsistent shows exactly the people active somewhere and inactive or missing elsewhere', async () => {
    const all = JSON.parse(
      (await run(['directory', '--sandbox', '--users', '20', '--format', 'json'])).stdout,
    ) as { email: string; statuses: Record<string, string> }[];
    const { stdout } = await run([
      'directory',
      '--sandbox',
      '--users',
      '20',
      '--format',
      'json',
      '--only-inconsistent',
    ]);
    const shown = JSON.parse(stdout) as { email: string; statuses: Record<string, string> }[];
    const expected = all.filter((p) => {
      const s = Object.values(p.statuses);
      return s.includes('active') && s.some((x) => x === 'inactive' || x === 'missing');
    });
    expect(shown.map((p) => p.email)).toEqual(expected.map((p) => p.email));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(all.length);
  });
});

describe('roster config check', () => {
  it('reports which providers are configured and reachable, without printing a secret', async () => {
    const secret = 'config-check-secret-555';
    const { code, stdout } = await run(['config', 'check'], {
      ROSTER_THENA_BASE_URL: 'http://127.0.0.1:9',
      ROSTER_THENA_API_KEY: secret,
      ROSTER_BLYNK_CLIENT_ID: 'only-the-id',
    });
    expect(code).toBe(EXIT.failure);
    expect(stdout).toMatch(/thena\s+failed/);
    expect(stdout).toMatch(/rocketchat\s+not configured/);
    expect(stdout).not.toContain(secret);
  });
});

describe('usage errors', () => {
  it('an unknown flag is one line naming the flag, and a hint', async () => {
    const { code, stderr } = await run(['users', '--frobnicate']);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toBe("roster: unknown option --frobnicate\nRun 'roster users --help' for usage.\n");
  });

  it('an unknown format, provider or field is a usage error', async () => {
    expect((await run(['users', '--sandbox', '--format', 'xml'])).code).toBe(EXIT.usage);
    expect((await run(['users', '--sandbox', '--provider', 'myspace'])).code).toBe(EXIT.usage);
    expect((await run(['users', '--sandbox', '--fields', 'password'])).code).toBe(EXIT.usage);
  });

  it('no configured provider is a usage error that names the variables', async () => {
    const { code, stderr } = await run(['users']);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/no provider is configured.*roster config check/);
    expect((await run(['users', '--help'])).stdout).toContain('ROSTER_ROCKETCHAT_TOKEN');
  });
});

describe('fault injection from the command line', () => {
  it('roster users --sandbox --faults lists the same users as without faults, or fails loudly', async () => {
    const args = ['users', '--sandbox', '--users', '60', '--format', 'json'];
    const clean = await run(args);
    const faulty = await run([...args, '--faults', '0.2', '--fault-seed', '4']);
    expect(clean.code).toBe(EXIT.ok);
    // Providers are read concurrently, so their records interleave differently: compare by id.
    const byId = (out: string) =>
      (JSON.parse(out) as { id: string }[]).sort((a, b) => a.id.localeCompare(b.id));
    if (faulty.code === EXIT.ok) expect(byId(faulty.stdout)).toEqual(byId(clean.stdout));
    else {
      expect(faulty.code).toBe(EXIT.partial);
      expect(faulty.stderr).toMatch(/failed/);
    }
  });

  it('roster sandbox --faults prints the fault settings; bad values are usage errors', async () => {
    let stdout = '';
    const code = await main(
      ['sandbox', '--faults', '0.25', '--fault-seed', '9', '--fault-kinds', 'reset,status-503'],
      {
        stdout: (s) => {
          stdout += s;
        },
        stderr: () => undefined,
        env: {},
        cwd: '/nonexistent',
        isTTY: false,
        untilInterrupted: () => Promise.resolve(),
      },
    );
    expect(code).toBe(EXIT.ok);
    expect(stdout).toContain('fault injection: 25% of requests fail (reset, status-503), seed 9');
    for (const bad of [
      ['--faults', '2'],
      ['--faults', 'x'],
      ['--faults', '0.1', '--fault-kinds', 'gremlins'],
      ['--fault-seed', '3'],
    ]) {
      const { code, stderr } = await run(['sandbox', ...bad]);
      expect(code, bad.join(' ')).toBe(EXIT.usage);
      expect(stderr).toMatch(/fault/);
    }
  });
});

describe('real-server mode', () => {
  it('reads credentials from the environment and never echoes them on failure', async () => {
    const secret = 'env-secret-token-987654';
    const { code, stdout, stderr } = await run(['users', '--provider', 'rocketchat'], {
      ROSTER_ROCKETCHAT_BASE_URL: 'http://127.0.0.1:9',
      ROSTER_ROCKETCHAT_USER_ID: 'someone',
      ROSTER_ROCKETCHAT_TOKEN: secret,
    });
    expect(code).toBe(EXIT.failure); // the only provider failed
    expect(stderr).toContain('rocketchat');
    expect(stdout + stderr).not.toContain(secret);
  });
});
