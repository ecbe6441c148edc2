import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { cliProviders, main } from '@rosterkit/cli';
import type { ClientOptions, TransportEvent } from '@rosterkit/core';
import {
  FAULT_KINDS,
  type FaultOptions,
  type Sandbox,
  type SandboxProviderId,
  sandboxModules,
  startSandbox,
} from '@rosterkit/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxSource } from './sources.js';

/**
 * Credential hygiene: every error path of every provider, run with real (sandbox) credentials and
 * with a recognisable canary secret. No secret, nor its percent- or base64-encoded form, may appear
 * in an error's message, stack, cause chain, toJSON(), util.inspect output, a transport event
 * (the log lines), or the CLI's stdout and stderr.
 */
const PROVIDERS = Object.keys(sandboxModules) as SandboxProviderId[]; // every provider in the registry
const CANARY = 'sk_live_CANARY_7f3a9c2e5b1d4086';
const boxes: Sandbox<SandboxProviderId>[] = [];

beforeAll(async () => {
  // One sandbox per fault kind (every request fails that way), plus a healthy one.
  for (const kind of FAULT_KINDS)
    boxes.push(await startSandbox(faulty({ rate: 1, kinds: [kind], slowMs: 300 })));
  boxes.push(await startSandbox(faulty(undefined)));
});
afterAll(async () => {
  await Promise.all(boxes.map((b) => b.close()));
});

function faulty(faults: FaultOptions | undefined) {
  return { users: 30, seed: 5, ...(faults ? { faults } : {}) };
}

/**
 * The secrets of a provider in the sandbox (and the canary), with the encodings they travel in:
 * raw, percent-encoded, base64 of each, and base64 of the combinations a provider encodes
 * (imi.chat's `apiKey@domain`, HTTP Basic's `clientId:clientSecret`).
 */
function secretsOf(box: Sandbox<SandboxProviderId>, id: SandboxProviderId): string[] {
  const c = box.providers[id].credentials;
  const raw = [CANARY, ...cliProviders[id].secrets.map((k) => c[k] ?? '')].filter(Boolean);
  const combos = [
    ...(id === 'imichat' ? raw.map((k) => `${k}@${c['domainName']}`) : []),
    ...(id === 'blynk' ? raw.map((k) => `${c['clientId']}:${k}`) : []),
  ];
  return [...new Set([...raw, ...raw.map(encodeURIComponent), ...raw.map(btoa), ...combos.map(btoa)])];
}

/** Shortest run of a secret's characters that counts as a leak. */
const FRAGMENT = 8;

/**
 * Every run of FRAGMENT consecutive characters of every secret: a text containing any of them
 * leaks a piece of a secret (the old check looked for whole secrets only, so a secret cut in half
 * by truncation passed).
 */
function fragmentsOf(secrets: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (secret.length <= FRAGMENT) out.add(secret);
    for (let i = 0; i + FRAGMENT <= secret.length; i++) out.add(secret.slice(i, i + FRAGMENT));
  }
  return out;
}

/** The first fragment of a secret found in `text`, if any. */
function leak(fragments: Set<string>, text: string): string | undefined {
  for (let i = 0; i + FRAGMENT <= text.length; i++) {
    const window = text.slice(i, i + FRAGMENT);
    if (fragments.has(window)) return window;
  }
  return undefined;
}

/** Every way an error can be looked at or printed. */
function renderings(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error) ?? ''];
  for (let e: unknown = error; e instanceof Error; e = e.cause) out.push(e.message, e.stack ?? '');
  return out;
}

async function listAll(
  box: Sandbox<SandboxProviderId>,
  id: SandboxProviderId,
  options: ClientOptions,
  creds = {},
) {
  const events: TransportEvent[] = [];
  try {
    const source = sandboxSource(box, id, { ...options, onEvent: (e) => events.push(e) }, creds);
    for await (const _ of source.iterateUsers());
    return { error: undefined, events };
  } catch (error) {
    return { error, events };
  }
}

describe('no secret in any error, event or CLI output', () => {
  for (const id of PROVIDERS) {
    it(id, async () => {
      let errors = 0;
      const check = (box: Sandbox<SandboxProviderId>, texts: string[]) => {
        const fragments = fragmentsOf(secretsOf(box, id));
        for (const t of texts) expect(leak(fragments, t), t.slice(0, 300)).toBeUndefined();
      };
      const paths: [string, ClientOptions, Record<string, string>?][] = [
        ['retries exhausted', { retry: { maxAttempts: 2, baseDelayMs: 1 } }],
        ['timeout', { timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 1 } }],
        ['body over the cap', { maxResponseBytes: 64, retry: false }],
        ['aborted', { signal: AbortSignal.abort(), retry: false }],
        ['wrong credentials', { retry: false }, { [cliProviders[id].secrets[0] ?? '']: CANARY }],
      ];
      for (const box of boxes) {
        for (const [, options, creds] of paths) {
          const { error, events } = await listAll(box, id, options, creds);
          if (error !== undefined) errors++;
          check(box, [...renderings(error), ...events.map((e) => JSON.stringify(e))]);
        }
      }
      expect(errors).toBeGreaterThan(boxes.length * 3);

      // Bad input: the refusal names the field, never the value.
      const injected = `${CANARY}\r\nX-Evil: 1`;
      const { error } = await listAll(
        boxes.at(-1) as Sandbox<SandboxProviderId>,
        id,
        {},
        {
          [cliProviders[id].secrets[0] ?? '']: injected,
        },
      );
      expect(error).toMatchObject({ name: 'InputError' });
      check(boxes[0] as Sandbox<SandboxProviderId>, renderings(error));

      // The CLI, configured from the environment, failing on every request.
      const box = boxes[FAULT_KINDS.indexOf('status-503')] as Sandbox<SandboxProviderId>;
      const env: Record<string, string> = {};
      const info = box.providers[id];
      for (const [key, variable] of Object.entries(cliProviders[id].settings)) {
        const value = key === 'baseUrl' ? info.baseUrl : info.credentials[key];
        if (value !== undefined) env[variable] = value;
      }
      let stdout = '';
      let stderr = '';
      const code = await main(['users', '--provider', id, '--format', 'json'], {
        env,
        cwd: process.cwd(),
        isTTY: true, // progress and retry lines on stderr too
        stdout: (s) => {
          stdout += s;
        },
        stderr: (s) => {
          stderr += s;
        },
      });
      expect(code).not.toBe(0);
      expect(stderr).toContain(id);
      check(box, [stdout, stderr]);

      // `roster --verbose` and ROSTER_DEBUG=api: one line per request on stderr, never a credential.
      const healthy = boxes.at(-1) as Sandbox<SandboxProviderId>;
      for (const [args, debug, on] of [
        [['--verbose'], {}, healthy],
        [[], { ROSTER_DEBUG: 'net,api' }, box],
      ] as const) {
        const venv: Record<string, string> = { ...debug };
        for (const [key, variable] of Object.entries(cliProviders[id].settings)) {
          const value = key === 'baseUrl' ? on.providers[id].baseUrl : on.providers[id].credentials[key];
          if (value !== undefined) venv[variable] = value;
        }
        let log = '';
        let out = '';
        await main(['users', '--provider', id, '--format', 'json', ...args], {
          env: venv,
          cwd: process.cwd(),
          isTTY: false,
          stdout: (s) => {
            out += s;
          },
          stderr: (s) => {
            log += s;
          },
        });
        const lines = log.split('\n').filter((l) => / - \d{3} in \d+ ms/.test(l));
        expect(lines.length, log.slice(0, 300)).toBeGreaterThan(0);
        for (const l of lines) expect(l).toMatch(new RegExp(`^${id}: (GET|POST) http://127\\.0\\.0\\.1:`));
        check(on, [log, out]);
      }
    }, 60_000);
  }
});

/**
 * A crafted echo server: it answers the provider's token endpoint properly (or, with `refuseAuth`,
 * refuses it), and every other request with an error that echoes one of the request's header values
 * (or its URL) placed so that it straddles the cuts applied to error text: 200 characters (codes,
 * string bodies) and 500 (messages), at the middle and a few characters either side.
 */
async function echoServer() {
  const state = { pick: 0, offset: 0, shape: 0, refuseAuth: false };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  function echoes(req: IncomingMessage): string[] {
    const values = Object.keys(req.headers)
      .sort()
      .map((k) => String(req.headers[k]))
      .filter((v) => v.length >= FRAGMENT);
    return [...values, req.url ?? ''];
  }
  function straddle(cut: number, value: string): string {
    const start = Math.max(0, cut - Math.floor(value.length / 2) + state.offset);
    return `${'x'.repeat(start)}${value} tail`;
  }
  function answer(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '';
    const isToken = url.includes('/oauth2/token') || url.endsWith('/authorize');
    if (isToken && !state.refuseAuth) {
      res.writeHead(200, {
        'content-type': 'application/json',
        access_token: 'echo-access-token-0123456789',
      });
      res.end(
        JSON.stringify({
          access_token: 'echo-access-token-0123456789',
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
      return;
    }
    const all = echoes(req);
    const value = all[state.pick % all.length] as string;
    const [m, c] = [straddle(500, value), straddle(200, value)];
    if (state.shape === 2) {
      res.writeHead(401, { 'content-type': 'text/plain', trxid: c });
      res.end(c);
      return;
    }
    const body =
      state.shape === 0
        ? {
            message: m,
            description: m,
            error: { code: c, message: m },
            errorType: c,
            status_code: c,
            success: false,
          }
        : {
            error: c,
            error_description: m,
            message: [m, m],
            statusCode: 401,
            status_code: c,
            success: false,
          };
    res.writeHead(401, { 'content-type': 'application/json', trxid: c });
    res.end(JSON.stringify(body));
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('no fragment of a secret in errors from crafted echoes split at the cut boundaries', () => {
  for (const id of PROVIDERS) {
    it(id, async () => {
      const echo = await echoServer();
      try {
        const box = boxes.at(-1) as Sandbox<SandboxProviderId>;
        const fragments = fragmentsOf(secretsOf(box, id));
        const info = box.providers[id];
        // The echo server stands where the provider's API root is (imi.chat's is below /v3.1).
        const base = `${echo.url}${box.module(id).basePath}`;
        let failures = 0;
        for (const refuseAuth of [false, true])
          for (const shape of [0, 1, 2])
            for (const offset of [-5, 0, 5])
              for (let pick = 0; pick < 8; pick++) {
                Object.assign(echo.state, { pick, offset, shape, refuseAuth });
                for (const creds of [{}, { [cliProviders[id].secrets[0] ?? '']: CANARY }]) {
                  const source = cliProviders[id].create(
                    { ...info.credentials, baseUrl: base, ...creds },
                    { retry: false },
                  );
                  let error: unknown;
                  try {
                    for await (const _ of source.iterateUsers());
                  } catch (e) {
                    error = e;
                  }
                  expect(error).toBeDefined();
                  failures++;
                  for (const t of renderings(error))
                    expect(leak(fragments, t), t.slice(0, 300)).toBeUndefined();
                }
              }
        expect(failures).toBe(2 * 3 * 3 * 8 * 2);

        // The CLI against the same echoes: neither stdout nor stderr carries a fragment.
        for (let pick = 0; pick < 8; pick++) {
          Object.assign(echo.state, { pick, offset: 0, shape: pick % 3, refuseAuth: pick % 2 === 1 });
          const env: Record<string, string> = {};
          for (const [key, variable] of Object.entries(cliProviders[id].settings)) {
            const value = key === 'baseUrl' ? base : info.credentials[key];
            if (value !== undefined) env[variable] = value;
          }
          let out = '';
          const code = await main(['users', '--provider', id, '--format', 'json'], {
            env,
            cwd: process.cwd(),
            isTTY: true,
            stdout: (t) => {
              out += t;
            },
            stderr: (t) => {
              out += t;
            },
          });
          expect(code).not.toBe(0);
          expect(leak(fragments, out), out.slice(0, 300)).toBeUndefined();
        }
      } finally {
        await echo.close();
      }
    }, 60_000);
  }
});
