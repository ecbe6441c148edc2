import { inspect } from 'node:util';
import { cliProviders, main } from '@rosterkit/cli';
import type { ClientOptions, TransportEvent } from '@rosterkit/core';
import {
  FAULT_KINDS,
  type FaultOptions,
  type Sandbox,
  type SandboxProviderId,
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
const PROVIDERS: SandboxProviderId[] = ['thena', 'imichat', 'rocketchat', 'blynk', 'rezolve'];
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

/** The secrets of a provider in the sandbox, with the encodings they travel in. */
function secretsOf(box: Sandbox<SandboxProviderId>, id: SandboxProviderId): string[] {
  const c = box.providers[id].credentials;
  const raw = [CANARY, ...cliProviders[id].secrets.map((k) => c[k] ?? '')].filter(Boolean);
  const derived = [btoa(`${c['apiKey']}@${c['domainName']}`), btoa(`${c['clientId']}:${c['clientSecret']}`)];
  return [...raw, ...raw.map(encodeURIComponent), ...(id === 'imichat' || id === 'blynk' ? derived : [])];
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
        for (const secret of secretsOf(box, id)) for (const t of texts) expect(t).not.toContain(secret);
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
    }, 60_000);
  }
});
