import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { serveStatic } from '../scripts/static.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const site = resolve(here, '../site');
const artifacts = resolve(here, '../../../.artifacts/docs');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  if (!existsSync(resolve(site, 'index.html')))
    throw new Error('site not built: run `pnpm docs:build` first');
  server = createServer(serveStatic(site));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  await mkdir(artifacts, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** Opens a page that records console errors and blocks (and records) every request leaving 127.0.0.1. */
async function open(path: string): Promise<{ page: Page; errors: string[]; outside: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  return { page, errors, outside };
}

/**
 * Clicks every tag in the sidebar (client-side routes); each tag's page lists its operations as
 * `#/<tag>/<operationid>` links. Returns the operation ids seen.
 */
async function visitTags(page: Page): Promise<Set<string>> {
  await page.waitForSelector('a[href^="/"]:not([href="/"])', { state: 'attached' });
  const tags = await page.evaluate(() =>
    [...document.querySelectorAll('a[href^="/"]')]
      .map((a) => a.getAttribute('href') ?? '')
      .filter((h) => h !== '/'),
  );
  const seen = new Set<string>();
  for (const tag of new Set(tags)) {
    await page.click(`a[href="${tag}"]`);
    await page.waitForSelector(`a[href^="#${tag}/"]`, { state: 'attached' });
    for (const h of await page.evaluate(() =>
      [...document.querySelectorAll('a[href^="#/"]')].map((a) => a.getAttribute('href') ?? ''),
    )) {
      if (h.split('/').length === 3) seen.add(h.split('/')[2] as string);
    }
  }
  return seen;
}

const operations = JSON.parse(
  await readFile(resolve(site, 'operations.json'), 'utf8').catch(() => '{}'),
) as Record<string, { method: string; path: string; operationId: string }[]>;

describe('docs site in headless Chromium', () => {
  it('the landing page loads cleanly, stays on 127.0.0.1, and every link resolves', async () => {
    const { page, errors, outside } = await open('/');
    await page.screenshot({ path: resolve(artifacts, 'landing.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
    );
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) {
      const res = await fetch(link);
      expect(res.status, link).toBe(200);
    }
    for (const id of Object.keys(operations)) expect(await page.locator(`#${id}`).count()).toBe(1);
    await page.context().close();
  });

  it('the User model page lists every field and every provider', async () => {
    const { page, errors, outside } = await open('/user-model.html');
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(22);
    await page.context().close();
  });

  for (const [api, ops] of Object.entries(operations)) {
    it(`${api}: the reference renders every operation of the spec, offline, without errors`, async () => {
      const { page, errors, outside } = await open(`/${api}/index.html`);
      const seen = await visitTags(page);
      if (api === 'rocketchat') await page.screenshot({ path: resolve(artifacts, `reference-${api}.png`) });
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      expect([...seen].sort()).toEqual(ops.map((o) => o.operationId.toLowerCase()).sort());
      await page.context().close();
    }, 60_000);
  }

  it('doc-bug and unverified markers are visible as badges', async () => {
    const marked = Object.keys(operations);
    expect(marked.length).toBeGreaterThan(0);
    const { page } = await open(`/${marked[0]}/index.html`);
    await visitTags(page);
    const badges = await page.evaluate(() => document.body.textContent ?? '');
    expect(badges).toMatch(/Doc bug|Unverified/i);
    await page.context().close();
  });
});
