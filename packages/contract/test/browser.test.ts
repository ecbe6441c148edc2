/**
 * The browser row of the runtime: a client bundled for the browser (esbuild, platform browser —
 * exactly what a web app ships) runs in real headless Chromium, on a page served from one
 * loopback origin, and lists users from the sandbox on another — so every call is cross-origin
 * and goes through a CORS preflight (the client sends credentials in custom headers).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { type Sandbox, type SandboxProviderId, startSandbox } from '@rosterkit/sandbox';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const ENTRY = `
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { isApiError } from '@rosterkit/core';
window.listUsers = async (options) => {
  const rc = createRocketChatClient({ ...options, retry: { maxAttempts: 3, baseDelayMs: 1 } });
  try {
    const names = [];
    for await (const user of rc.iterateUsers()) names.push(user.username);
    return { names };
  } catch (error) {
    return { error: isApiError(error) ? { kind: error.kind, attempts: error.attempts, message: error.message } : String(error) };
  }
};
`;

let page: Page;
let browser: Browser;
let pageServer: Server;
let open: Sandbox<SandboxProviderId>;
let closed: Sandbox<SandboxProviderId>;
let pageOrigin: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: here, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  expect(script).not.toMatch(/node:|require\("(http|fs|net)"\)/);
  pageServer = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>app</title><script type="module" src="/app.js"></script>');
    }
  });
  await new Promise<void>((r) => pageServer.listen(0, '127.0.0.1', r));
  pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  open = await startSandbox({ providers: ['rocketchat'], users: 230 });
  closed = await startSandbox({ providers: ['rocketchat'], users: 5, cors: false });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  await page.goto(pageOrigin);
  await page.waitForFunction(() => 'listUsers' in window);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await open?.close();
  await closed?.close();
  await new Promise((r) => pageServer?.close(r));
});

type Outcome = { names?: string[]; error?: { kind: string; attempts?: number; message: string } | string };
const listIn = (sandbox: Sandbox<SandboxProviderId>): Promise<Outcome> => {
  const info = sandbox.providers.rocketchat;
  const options = {
    baseUrl: info.baseUrl,
    userId: info.credentials['userId'],
    authToken: info.credentials['authToken'],
  };
  // biome-ignore lint/suspicious/noExplicitAny: the page's global, defined by the bundle
  return page.evaluate((o) => (window as any).listUsers(o), options);
};

describe('a browser-bundled client in headless Chromium', () => {
  it('lists every user of the sandbox across origins (credential headers force a CORS preflight)', async () => {
    const outcome = await listIn(open);
    expect(outcome.error).toBeUndefined();
    const info = open.providers.rocketchat;
    const node = createRocketChatClient({
      baseUrl: info.baseUrl,
      userId: info.credentials['userId'] ?? '',
      authToken: info.credentials['authToken'] ?? '',
    });
    const expected: string[] = [];
    for await (const user of node.iterateUsers()) expected.push(String(user.username));
    expect(expected.length).toBeGreaterThanOrEqual(230);
    expect(outcome.names).toEqual(expected);
  });

  it('a server without CORS is a distinct, non-retried `cors` error that says what to check', async () => {
    const before = closed.requests['rocketchat'] ?? 0;
    const outcome = await listIn(closed);
    expect(outcome.names).toBeUndefined();
    const error = outcome.error as { kind: string; attempts?: number; message: string };
    expect(error.kind).toBe('cors');
    expect(error.attempts).toBe(1);
    expect(error.message).toContain('Access-Control-Allow-Origin');
    expect(error.message).toContain(pageOrigin);
    // The browser stopped at the preflight: the sandbox saw at most that one OPTIONS request.
    expect((closed.requests['rocketchat'] ?? 0) - before).toBeLessThanOrEqual(1);
  });
});
