import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/config.js';
import { RowWriter } from '../src/format.js';
import { EXIT } from '../src/index.js';
import { displayWidth } from '../src/text.js';
import { run } from './run.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Sandbox settings as the ROSTER_* variables `roster sandbox` prints. */
function envFor(sandbox: { providers: Partial<Sandbox['providers']> }, ids: string[]): NodeJS.ProcessEnv {
  const names: Record<string, Record<string, string>> = {
    thena: { baseUrl: 'ROSTER_THENA_BASE_URL', apiKey: 'ROSTER_THENA_API_KEY' },
    blynk: {
      baseUrl: 'ROSTER_BLYNK_BASE_URL',
      clientId: 'ROSTER_BLYNK_CLIENT_ID',
      clientSecret: 'ROSTER_BLYNK_CLIENT_SECRET',
    },
    rocketchat: {
      baseUrl: 'ROSTER_ROCKETCHAT_BASE_URL',
      userId: 'ROSTER_ROCKETCHAT_USER_ID',
      authToken: 'ROSTER_ROCKETCHAT_TOKEN',
    },
  };
  const env: NodeJS.ProcessEnv = {};
  for (const id of ids) {
    const info = sandbox.providers[id as 'thena']!;
    const values: Record<string, string | undefined> = { baseUrl: info.baseUrl, ...info.credentials };
    for (const [k, v] of Object.entries(names[id] ?? {})) env[v] = values[k];
  }
  return env;
}

describe('a closed stdout (| head) ends the command quietly', () => {
  for (const args of [
    ['users', '--sandbox', '--format', 'ndjson', '--users', '3000'],
    ['directory', '--sandbox', '--format', 'json', '--users', '1000'],
  ]) {
    it(`roster ${args.join(' ')} | head -1`, async () => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }, 60_000);
  }
});

describe('tables', () => {
  it('any size: 250,000 rows do not overflow the stack', () => {
    let out = '';
    const w = new RowWriter('table', ['a', 'b'], (s) => {
      out += s;
    });
    for (let i = 0; i < 250_000; i++) w.write({}, [`user${i}`, 'x']);
    w.end();
    expect(out.split('\n')).toHaveLength(250_003);
  });

  it('columns line up by display width (CJK and emoji take two columns)', () => {
    let out = '';
    const w = new RowWriter('table', ['name', 'status'], (s) => {
      out += s;
    });
    for (const name of ['Ada', '山田太郎', '👩‍💻 dev', 'Zoë']) w.write({}, [name, 'active']);
    w.end();
    const lines = out.trimEnd().split('\n');
    const at = lines.map((l) => displayWidth(l.slice(0, l.lastIndexOf('active'))));
    expect(new Set(at.slice(2)).size).toBe(1);
    expect(displayWidth('山田太郎')).toBe(8);
    expect(displayWidth('👩‍💻')).toBe(2);
  });

  it('fits the terminal width', async () => {
    const { stdout } = await run(['users', '--sandbox', '--users', '30'], {}, { columns: 60 });
    for (const line of stdout.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(60);
  });
});

describe('deterministic output', () => {
  const order = (rows: { provider: string; remoteId: string }[]) =>
    rows.map((r) => `${r.provider}\t${r.remoteId}`);
  it('json, csv and table are sorted by provider (registry order) then remote id', async () => {
    const providers = ['thena', 'imichat', 'rocketchat', 'blynk', 'rezolve'];
    const json = JSON.parse(
      (await run(['users', '--sandbox', '--users', '40', '--format', 'json'])).stdout,
    ) as {
      provider: string;
      remoteId: string;
    }[];
    const sorted = [...json].sort(
      (a, b) =>
        providers.indexOf(a.provider) - providers.indexOf(b.provider) ||
        (a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0),
    );
    expect(order(json)).toEqual(order(sorted));
    const csv = (
      await run(['users', '--sandbox', '--users', '40', '--format', 'csv', '--fields', 'provider,remoteId'])
    ).stdout;
    expect(csv.trim().split('\r\n').slice(1)).toEqual(sorted.map((u) => `${u.provider},${u.remoteId}`));
    const table = (await run(['users', '--sandbox', '--users', '40', '--fields', 'provider,remoteId']))
      .stdout;
    expect(
      table
        .trim()
        .split('\n')
        .slice(2)
        .map((l) => l.split(/\s+/).join('\t')),
    ).toEqual(order(sorted));
  });

  it('--help says ndjson streams in arrival order', async () => {
    expect((await run(['users', '--help'])).stdout).toMatch(/ndjson streams/);
  });
});

describe('exit codes', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ users: 5, providers: ['thena', 'rocketchat', 'blynk'] });
  });
  afterAll(() => sandbox.close());

  it('every provider failing is a failure (1), not partial', async () => {
    const r = await run([
      'users',
      '--sandbox',
      '--users',
      '3',
      '--faults',
      '1',
      '--fault-kinds',
      'status-503',
    ]);
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr.trim().split('\n')).toHaveLength(5);
  });

  it('some providers failing is partial (3)', async () => {
    const env = {
      ...envFor(sandbox, ['thena']),
      ROSTER_ROCKETCHAT_BASE_URL: 'http://127.0.0.1:9',
      ROSTER_ROCKETCHAT_USER_ID: 'u',
      ROSTER_ROCKETCHAT_TOKEN: 't',
    };
    const r = await run(['users', '--format', 'json'], env);
    expect(r.code).toBe(EXIT.partial);
    expect(JSON.parse(r.stdout)).toHaveLength(5);
  });

  it('refused credentials have their own code (4)', async () => {
    const env = { ...envFor(sandbox, ['rocketchat']), ROSTER_ROCKETCHAT_TOKEN: 'wrong-token' };
    const r = await run(['users'], env);
    expect(r.code).toBe(EXIT.auth);
    expect(r.stderr).toMatch(/rocketchat/);
    // A token endpoint that refuses (Blynk's OAuth2 client credentials), next to a provider that works.
    const blynk = { ...envFor(sandbox, ['blynk', 'thena']), ROSTER_BLYNK_CLIENT_SECRET: 'wrong-secret' };
    const b = await run(['users', '--format', 'json'], blynk);
    expect(b.code).toBe(EXIT.auth);
    expect(b.stderr).toMatch(/^roster: blynk: failed: /);
    expect(JSON.parse(b.stdout)).toHaveLength(5);
  });

  it('--help lists every exit code', async () => {
    const help = (await run(['--help'])).stdout;
    for (const code of Object.values(EXIT)) expect(help).toMatch(new RegExp(`^  ${code}  `, 'm'));
  });
});

describe('argument validation', () => {
  it.each([
    [['sandbox', '--port', '99999'], /--port must be a whole number from 0 to 65535, got "99999"/],
    [['users', '--sandbox', '--users', '-5'], /--users must be a whole number .*got "-5"/],
    [['users', '--sandbox', '--users', '1e3'], /--users must be a whole number .*got "1e3"/],
    [['users', '--sandbox', '--users', '0x10'], /--users must be a whole number .*got "0x10"/],
    [['users', '--sandbox', '--raw'], /--raw applies to --format json or ndjson/],
    [['directory', '--sandbox', '--status', 'active'], /--status does not apply to roster directory/],
    [['directory', '--sandbox', '--fields', 'email'], /--fields does not apply to roster directory/],
    [['users', '--faults', '0.1'], /--faults applies only with --sandbox/],
    [['users', '--sandbox', '--no-formula-escape'], /--no-formula-escape applies to --format csv/],
  ])('roster %j is refused clearly', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('--provider given twice is read once', async () => {
    const r = await run([
      'users',
      '--sandbox',
      '--provider',
      'thena',
      '--provider',
      'thena',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(EXIT.ok);
    const users = JSON.parse(r.stdout) as { id: string }[];
    expect(users.length).toBe(25);
    expect(new Set(users.map((u) => u.id)).size).toBe(25);
  });
});

describe('errors are one line', () => {
  it("Blynk's HTML error page becomes one short line", async () => {
    const r = await run([
      'users',
      '--sandbox',
      '--provider',
      'blynk',
      '--users',
      '3',
      '--faults',
      '1',
      '--fault-kinds',
      'html-error',
    ]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^roster: blynk: failed: /);
    expect(lines[0]?.length).toBeLessThanOrEqual(300);
    expect(lines[0]).not.toMatch(/<html|<body/i);
  });
});

describe('provider data is untrusted', () => {
  // A Rocket.Chat server that answers with hostile names (the sandbox, like the real server, now
  // refuses them on users.create; a compromised or buggy server need not).
  let server: Server;
  let env: NodeJS.ProcessEnv;
  const evil = 'Mallory \x1b]0;pwned\x07\x1b[31mRED\x1b[2J\u009b2J\u202e';
  beforeAll(async () => {
    const users = [
      ['m1', 'mallory', evil],
      ['f1', 'formula', '=HYPERLINK("http://evil","x")'],
    ].map(([_id, username, name]) => ({
      _id,
      username,
      name,
      emails: [{ address: `${username}@example.com`, verified: true }],
      active: true,
      roles: ['user'],
      type: 'user',
    }));
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (!req.url?.startsWith('/api/v1/users.list')) {
        res.statusCode = 404;
        res.end(JSON.stringify({ success: false, error: 'not found' }));
        return;
      }
      res.end(JSON.stringify({ users, count: users.length, offset: 0, total: users.length, success: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    env = {
      ROSTER_ROCKETCHAT_BASE_URL: `http://127.0.0.1:${port}`,
      ROSTER_ROCKETCHAT_USER_ID: 'u1',
      ROSTER_ROCKETCHAT_TOKEN: 'hostile-server-token',
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
  const unsafe = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/;
  it.each(['table', 'csv', 'json', 'ndjson'])(
    'no control character reaches the terminal (%s)',
    async (format) => {
      const r = await run(['users', '--format', format], env);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout.replace(/\r\n/g, '\n')).not.toMatch(unsafe);
      expect(r.stdout).toMatch(/Mallory/);
      if (format === 'json') {
        const names = (JSON.parse(r.stdout) as { displayName: string }[]).map((u) => u.displayName);
        expect(names).toContain(evil); // same data, escaped
      }
    },
  );

  it('csv neutralises formulas, and --no-formula-escape turns that off', async () => {
    const escaped = await run(['users', '--format', 'csv', '--fields', 'displayName'], env);
    expect(escaped.stdout).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    const raw = await run(
      ['users', '--format', 'csv', '--fields', 'displayName', '--no-formula-escape'],
      env,
    );
    expect(raw.stdout).toContain(`"=HYPERLINK(""http://evil"",""x"")"`);
  });
});

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-config-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('a malformed file never quotes its content', async () => {
    const p = file('bad.json', '{"providers":{"rocketchat":{"authToken":SUPERSECRET-TOKEN-abc123}}}');
    const r = await run(['config', 'check', '--config', p]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/not valid JSON \(syntax error at line 1, column 41/);
    expect(r.stderr).not.toMatch(/SUPER|uthToken/);
  });

  it.each([
    ['null', /must be an object like \{"providers"/],
    ['{"rocketchat":{}}', /"rocketchat" must be inside "providers"/],
    ['{"$schema":"x"}', /missing "providers"/],
    ['{"providers":{"myspace":{}}}', /unknown provider "providers.myspace"/],
    ['{"providers":{"rocketchat":{"token":"x"}}}', /unknown key "providers.rocketchat.token"/],
    [
      '{"providers":{"imichat":{"teamId":12}}}',
      /"providers.imichat.teamId" must be a string, found a number/,
    ],
    ['{"providers":{"thena":null}}', /"providers.thena" must be an object, found null/],
  ])('%s is a clear error naming the key', async (text, message) => {
    const r = await run(['users', '--config', file('c.json', text)]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
  });

  it('the shipped schema is current and is what editors get', () => {
    const shipped = JSON.parse(
      readFileSync(new URL('../roster.config.schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(configSchema());
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.files).toContain('roster.config.schema.json');
    expect(pkg.exports['./roster.config.schema.json']).toBe('./roster.config.schema.json');
  });

  it('an incomplete provider names what is missing in the terms the user used', async () => {
    const p = file(
      'inc.json',
      '{"$schema":"./roster.config.schema.json","providers":{"rocketchat":{"baseUrl":"http://127.0.0.1:9"}}}',
    );
    const viaFile = await run(['config', 'check', '--config', p]);
    expect(viaFile.code).toBe(EXIT.failure);
    expect(viaFile.stdout).toMatch(/rocketchat\s+incomplete: missing "providers.rocketchat.userId" in /);
    const viaEnv = await run(['config', 'check'], { ROSTER_ROCKETCHAT_BASE_URL: 'http://127.0.0.1:9' });
    expect(viaEnv.code).toBe(EXIT.failure);
    expect(viaEnv.stdout).toMatch(
      /rocketchat\s+incomplete: missing ROSTER_ROCKETCHAT_USER_ID, ROSTER_ROCKETCHAT_TOKEN/,
    );
  });

  it('config check with nothing configured exits non-zero', async () => {
    expect((await run(['config', 'check'])).code).toBe(EXIT.failure);
  });

  it('user config < project file < environment', async () => {
    const sandbox = await startSandbox({ users: 2, providers: ['thena'] });
    try {
      const xdg = join(dir, 'xdg');
      mkdirSync(join(xdg, 'roster'), { recursive: true });
      const { baseUrl, credentials } = sandbox.providers.thena;
      writeFileSync(
        join(xdg, 'roster', 'config.json'),
        JSON.stringify({ providers: { thena: { baseUrl, apiKey: credentials.apiKey } } }),
      );
      const fromUser = await run(['users', '--format', 'json'], { XDG_CONFIG_HOME: xdg });
      expect(fromUser.code).toBe(EXIT.ok);
      expect(JSON.parse(fromUser.stdout)).toHaveLength(2);
      // ~/.config when XDG_CONFIG_HOME is not set
      const home = join(dir, 'home');
      mkdirSync(join(home, '.config'), { recursive: true });
      writeFileSync(join(home, '.config', 'roster.tmp'), '');
      const { cpSync } = await import('node:fs');
      cpSync(join(xdg, 'roster'), join(home, '.config', 'roster'), { recursive: true });
      expect((await run(['users', '--format', 'json'], { HOME: home })).code).toBe(EXIT.ok);
      // the project file wins over the user file
      const project = join(dir, 'project');
      mkdirSync(project, { recursive: true });
      writeFileSync(
        join(project, 'roster.config.json'),
        JSON.stringify({ providers: { thena: { apiKey: 'project-key-wrong' } } }),
      );
      expect((await run(['users'], { XDG_CONFIG_HOME: xdg }, { cwd: project })).code).toBe(EXIT.auth);
      // the environment wins over both
      const fromEnv = await run(
        ['users'],
        { XDG_CONFIG_HOME: xdg, ROSTER_THENA_API_KEY: credentials.apiKey },
        { cwd: project },
      );
      expect(fromEnv.code).toBe(EXIT.ok);
    } finally {
      await sandbox.close();
    }
  });
});

describe('conventions', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const r = await run(['--version']);
    expect(r).toMatchObject({ code: EXIT.ok, stdout: `${pkg.version}\n` });
  });

  it('roster <command> --help shows that command with an example', async () => {
    for (const cmd of [['users'], ['directory'], ['sandbox'], ['config', 'check'], ['completion']]) {
      const r = await run([...cmd, '--help']);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout).toContain(`Usage: roster ${cmd.join(' ')}`);
      expect(r.stdout).toMatch(/Examples:\n {2}roster /);
    }
    expect((await run(['directory', '--help'])).stdout).not.toContain('--status');
  });

  it('"did you mean" for a mistyped command or flag; one line and a hint', async () => {
    const cmd = await run(['user']);
    expect(cmd.stderr).toBe(
      "roster: unknown command: user (did you mean users?)\nRun 'roster --help' for usage.\n",
    );
    const flag = await run(['users', '--fromat', 'json']);
    expect(flag.code).toBe(EXIT.usage);
    expect(flag.stderr).toBe(
      "roster: unknown option --fromat (did you mean --format?)\nRun 'roster users --help' for usage.\n",
    );
  });

  it('--fields applies to json and ndjson', async () => {
    const json = JSON.parse(
      (await run(['users', '--sandbox', '--users', '2', '--format', 'json', '--fields', 'id,email'])).stdout,
    );
    for (const u of json) expect(Object.keys(u)).toEqual(['id', 'email']);
    const nd = (await run(['users', '--sandbox', '--users', '2', '--format', 'ndjson', '--fields', 'status']))
      .stdout;
    for (const l of nd.trim().split('\n')) expect(Object.keys(JSON.parse(l))).toEqual(['status']);
  });

  it('roster completion bash completes commands, flags and values', async () => {
    const script = (await run(['completion', 'bash'])).stdout;
    const complete = (words: string[]) =>
      spawnSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _roster; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(complete(['roster', 'dir'])).toBe('directory');
    expect(complete(['roster', 'users', '--for'])).toBe('--format');
    expect(complete(['roster', 'users', '--format', 'nd'])).toBe('ndjson');
    expect(complete(['roster', 'config', 'ch'])).toBe('check');
    expect(complete(['roster', 'directory', '--sta'])).toBe('');
  });

  const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

  it.skipIf(!has('zsh'))(
    'roster completion zsh completes commands, flags and values (zsh installed)',
    async () => {
      const script = (await run(['completion', 'zsh'])).stdout;
      expect(script).toMatch(/^#compdef roster/);
      const complete = (words: string[]) =>
        spawnSync(
          'zsh',
          [
            '-c',
            `compdef() { :; }; compadd() { shift; print -l -- "$@"; }\n${script}\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _roster`,
          ],
          { encoding: 'utf8' },
        ).stdout.trim();
      expect(complete(['roster', ''])).toContain('directory');
      expect(complete(['roster', 'users', '--format', ''])).toBe('table\njson\nndjson\ncsv');
      expect(complete(['roster', 'config', ''])).toBe('check');
      expect(complete(['roster', 'directory', '']).split('\n')).not.toContain('--status');
    },
  );

  it.skipIf(!has('fish'))(
    'roster completion fish completes commands, flags and values (fish installed)',
    async () => {
      const script = (await run(['completion', 'fish'])).stdout;
      const complete = (line: string) =>
        spawnSync('fish', ['-c', `${script}\ncomplete -C '${line}'`], { encoding: 'utf8' })
          .stdout.trim()
          .split('\n')
          .map((l) => l.split('\t')[0]);
      expect(complete('roster dir')).toEqual(['directory']);
      expect(complete('roster users --format ').sort()).toEqual(['csv', 'json', 'ndjson', 'table']);
      expect(complete('roster config ')).toEqual(['check']);
      expect(complete('roster directory --sta')).toEqual(['']);
    },
  );

  it('roster completion with an unknown or no shell is a usage error', async () => {
    expect((await run(['completion', 'tcsh'])).code).toBe(EXIT.usage);
    expect((await run(['completion'])).code).toBe(EXIT.usage);
  });

  it('--help and --version do not load the sandbox, clients or facade', async () => {
    const hook = join(mkdtempSync(join(tmpdir(), 'roster-hook-')), 'trace.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
import { writeSync } from 'node:fs';
export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'LOADED ' + r.url + '\\\\n'); return r; }\`));`,
    );
    for (const arg of ['--version', '--help']) {
      const { stderr } = await new Promise<{ stderr: string }>((resolve, reject) =>
        execFile(process.execPath, ['--import', hook, BIN, arg], (err, _out, stderr) =>
          err ? reject(err) : resolve({ stderr }),
        ),
      );
      const loaded = stderr.split('\n').filter((l) => l.startsWith('LOADED '));
      expect(loaded.some((l) => l.includes('/cli/dist/main.js'))).toBe(true);
      expect(
        loaded.filter((l) => /sandbox|users|rocketchat|thena|blynk|imichat|rezolve|core|openapi/.test(l)),
      ).toEqual([]);
    }
  });
});
