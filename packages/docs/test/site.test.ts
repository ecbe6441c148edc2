import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { serveStatic } from '../scripts/static.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const site = resolve(here, '../site');
const artifacts = resolve(here, '../../../.artifacts/docs');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Late requests (Redoc's telemetry posted ~6 s after load) must have had their chance. */
const KEEP_OPEN_MS = 15_000;

interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  route: string;
  href: string;
  iterator: string | null;
}

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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const isLocal = (url: string) => {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
};

interface Watched {
  context: BrowserContext;
  page: Page;
  /** Every request (or WebSocket) to a host other than loopback: attempted, blocked or failed. */
  outside: string[];
  /** Console errors, uncaught page errors, failed or 4xx/5xx loopback requests. */
  errors: string[];
  loadedAt: number;
}

/**
 * Opens a page in its own context that records every request leaving loopback (they are also
 * aborted, so a test run never phones anywhere either) and every error the page shows.
 */
async function open(path: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const outside: string[] = [];
  const errors: string[] = [];
  context.on('request', (r) => {
    if (!isLocal(r.url())) outside.push(`${r.method()} ${r.url()}`);
  });
  context.on('requestfailed', (r) => {
    if (isLocal(r.url())) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  context.on('response', (r) => {
    if (isLocal(r.url()) && r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await context.route('**/*', (route) =>
    isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  const page = await context.newPage();
  page.on('websocket', (ws) => {
    if (!isLocal(ws.url())) outside.push(`WebSocket ${ws.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  return { context, page, outside, errors, loadedAt: Date.now() };
}

/** Waits out the rest of KEEP_OPEN_MS since the page loaded. */
async function keepOpen(w: Watched) {
  const left = KEEP_OPEN_MS - (Date.now() - w.loadedAt);
  if (left > 0) await w.page.waitForTimeout(left);
}

/** Resolves when the operation's heading is at the top of the view and its TypeScript sample is on screen. */
async function operationShown(page: Page, op: Operation, timeout = 15_000): Promise<boolean> {
  const call = `client.${op.method}('${op.path}'`;
  return page
    .waitForFunction(
      ({ summary, call }) => {
        const inView = (e: Element, max: number) => {
          const r = e.getBoundingClientRect();
          return r.height > 0 && r.top >= -5 && r.top < max;
        };
        const heading = [...document.querySelectorAll('h1, h2')].some(
          (h) => h.textContent?.startsWith(summary) && inView(h, 300),
        );
        const sample = [...document.querySelectorAll('pre')].some(
          (p) => p.textContent?.includes(call) && inView(p, window.innerHeight),
        );
        return heading && sample;
      },
      { summary: op.summary, call },
      { timeout },
    )
    .then(() => true)
    .catch(() => false);
}

const operations = JSON.parse(
  await readFile(resolve(site, 'operations.json'), 'utf8').catch(() => '{}'),
) as Record<string, Operation[]>;
const apis = Object.keys(operations);

describe('docs site in headless Chromium', () => {
  it('the landing page loads cleanly, stays on 127.0.0.1, every link resolves', async () => {
    const w = await open('/');
    const { page } = w;
    const links = await page.evaluate(() =>
      [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).href),
    );
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) {
      const res = await fetch(link);
      expect(res.status, link).toBe(200);
    }
    for (const id of apis) expect(await page.locator(`#${id}`).count()).toBe(1);
    expect(w.errors).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.context.close();
  }, 60_000);

  it('one search finds operations of every provider and links to them', async () => {
    const w = await open('/');
    const { page } = w;
    const hrefs = async () =>
      page.locator('#search-results a.hit').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    const all = Object.values(operations).flat();

    // `deactivate`: every operation that says so in its id or summary, in whichever provider.
    await page.fill('#search', 'deactivate');
    const expected = all
      .filter((o) => /deactivate/i.test(`${o.operationId} ${o.summary}`))
      .map((o) => o.href);
    expect(expected.length).toBeGreaterThan(0);
    const found = await hrefs();
    for (const href of expected) expect(found).toContain(href);
    await page.screenshot({ path: resolve(artifacts, 'landing-search.png') });

    // An operation id: the exact operation first.
    await page.fill('#search', 'users.list');
    expect((await hrefs())[0]).toBe('rocketchat/index.html#/users/users.list');

    // A name several providers use: results from all of them.
    await page.fill('#search', 'listUsers');
    const providers = new Set((await hrefs()).map((h) => h.split('/')[0]));
    const withListUsers = apis.filter((a) => operations[a]?.some((o) => o.operationId === 'listUsers'));
    expect(withListUsers.length).toBeGreaterThan(1);
    expect([...providers].sort()).toEqual(expect.arrayContaining(withListUsers.sort()));

    // Nothing matches: says so, lists nothing.
    await page.fill('#search', 'zzzz-no-such-operation');
    expect(await hrefs()).toEqual([]);
    await expect.poll(() => page.textContent('#search-status')).toMatch(/^0 operations/);

    // Following a result opens that operation in its reference.
    await page.fill('#search', 'users.list');
    await page.click('#search-results a.hit >> nth=0');
    await page.waitForURL(/rocketchat\/index\.html#\/users\/users\.list$/);
    const usersList = operations['rocketchat']?.find((o) => o.operationId === 'users.list');
    expect(usersList && (await operationShown(page, usersList))).toBe(true);
    expect(w.errors).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.context.close();
  }, 60_000);

  it('the User model page renders its Markdown (code spans) and links back home', async () => {
    const w = await open('/user-model.html');
    const { page } = w;
    expect(await page.locator('tbody tr').count()).toBeGreaterThanOrEqual(22);
    const meaning = await page.locator('tbody td:nth-child(2)').allTextContents();
    expect(meaning.join('\n')).not.toContain('`');
    expect(await page.locator('tbody td:nth-child(2) code').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href="index.html"]').count()).toBeGreaterThan(0);
    expect(w.errors).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.context.close();
  });

  it('package READMEs and CHANGELOGs are rendered Markdown with a way back', async () => {
    const w = await open(`/${apis[0]}/readme.html`);
    const { page } = w;
    let codeBlocks = 0;
    for (const api of apis) {
      for (const file of ['readme.html', 'changelog.html']) {
        await page.goto(`${base}/${api}/${file}`);
        const html = await page.locator('article.markdown').innerHTML();
        expect(html, `${api}/${file}`).toMatch(/<h1[ >]/);
        expect(await page.locator('pre.md').count()).toBe(0);
        // Markdown syntax must not survive as text: no "# " headings, no ``` fences.
        const prose = await page.locator('article.markdown > :not(pre)').allInnerTexts();
        expect(prose.join('\n'), `${api}/${file}`).not.toMatch(/^#{1,6} |^```/m);
        expect(await page.locator('a[href="../index.html"]').count()).toBe(1);
        codeBlocks += await page.locator('article.markdown pre code').count();
      }
    }
    // The READMEs have code: fenced blocks become <pre><code>.
    expect(codeBlocks).toBeGreaterThan(0);
    expect(w.errors).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.context.close();
  }, 60_000);

  it('every reference opens every operation with its TypeScript sample, stays open 15 s, never leaves 127.0.0.1', async () => {
    expect(apis.length).toBeGreaterThanOrEqual(5);
    // All references at once, one browser: each page is then open for the whole run.
    const results = await Promise.all(
      apis.map(async (api) => {
        const w = await open(`/${api}/index.html`);
        const { page } = w;
        const routes = new Set<string>();
        const missing: string[] = [];
        for (const op of operations[api] ?? []) {
          await page.evaluate((route) => {
            location.hash = route;
          }, op.route);
          const ok = await operationShown(page, op);
          if (!ok) missing.push(`${op.route} (${op.summary})`);
          for (const h of await page.evaluate(() =>
            [...document.querySelectorAll('a[href^="#/"]')].map((a) => a.getAttribute('href') ?? ''),
          )) {
            if (/^#\/[^/#]+\/[^/#]+$/.test(h)) routes.add(h);
          }
        }
        if (api === 'rocketchat') {
          await page.evaluate(() => {
            location.hash = '#/users/users.setactivestatus';
          });
          await page.waitForTimeout(1_000);
          await page.screenshot({ path: resolve(artifacts, `reference-${api}.png`) });
        }
        const home = await page.locator('#rk-home a[href="../index.html"]').isVisible();
        await keepOpen(w);
        const result = {
          api,
          missing,
          routes: [...routes].sort(),
          expectedRoutes: (operations[api] ?? []).map((o) => o.route).sort(),
          home,
          openMs: Date.now() - w.loadedAt,
          outside: w.outside,
          errors: w.errors,
        };
        await w.context.close();
        return result;
      }),
    );
    for (const r of results) {
      expect(r.missing, `${r.api}: operations that did not render with their sample`).toEqual([]);
      // The sidebar routes Redoc itself links are exactly the ones the index (and search) uses.
      expect(r.routes, `${r.api}: Redoc's operation routes`).toEqual(r.expectedRoutes);
      expect(r.home, `${r.api}: link back to the landing page`).toBe(true);
      expect(r.openMs).toBeGreaterThanOrEqual(KEEP_OPEN_MS);
      expect(r.outside, `${r.api}: requests that left 127.0.0.1`).toEqual([]);
      expect(r.errors, `${r.api}: console errors`).toEqual([]);
    }
  }, 180_000);

  it('doc-bug and unverified callouts use glyphs the page fonts have (no emoji font needed)', async () => {
    const api = apis.find((a) => a === 'rocketchat') ?? apis[0];
    const w = await open(`/${api}/index.html#/users/users.list`);
    const { page } = w;
    await page.getByText('Doc bug (provider documentation is wrong here):').first().waitFor();
    await page.getByText('Unverified:', { exact: false }).first().waitFor();
    expect(await page.getByText(/^Doc bug$/i).count()).toBeGreaterThan(0);
    expect(await page.getByText(/^Unverified$/i).count()).toBeGreaterThan(0);
    const glyphs = await page.evaluate(() => {
      const draw = (text: string, font: string) => {
        const c = document.createElement('canvas');
        c.width = 48;
        c.height = 48;
        const g = c.getContext('2d') as CanvasRenderingContext2D;
        g.font = `32px ${font}`;
        g.fillText(text, 4, 38);
        return c.toDataURL();
      };
      const out: { text: string; glyph: string; missing: boolean; blank: boolean }[] = [];
      for (const strong of document.querySelectorAll('blockquote strong')) {
        const label = strong.textContent ?? '';
        if (!/^(Doc bug|Unverified)/.test(label)) continue;
        const before = (strong.parentElement?.textContent ?? '').split(label)[0]?.trim() ?? '';
        const font = getComputedStyle(strong).fontFamily;
        out.push({
          text: label,
          glyph: before,
          // U+10FFFD is never in a font: what a missing glyph (an empty box) looks like here.
          missing: before === '' || draw(before, font) === draw('\u{10FFFD}', font),
          blank: draw(before, font) === draw(' ', font),
        });
      }
      return out;
    });
    expect(glyphs.length).toBeGreaterThan(0);
    for (const g of glyphs) {
      expect(g.missing, `${g.text} glyph ${JSON.stringify(g.glyph)} has no font`).toBe(false);
      expect(g.blank).toBe(false);
    }
    expect(w.errors).toEqual([]);
    expect(w.outside).toEqual([]);
    await w.context.close();
  }, 60_000);
});
