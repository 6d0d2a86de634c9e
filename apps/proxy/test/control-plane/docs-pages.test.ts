import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** Debian's Chromium, as the dashboard journeys use it; a missing browser fails the run. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's chromium package or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

describe('API docs on the data port (forward mode)', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end(`origin says ${req.url}`);
    });
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it('serves /openapi.json describing the data plane and the seed paths of this port', async () => {
    const response = await send(proxy.dataUrl, '/openapi.json');
    expect(response.status).toBe(200);
    const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(expect.arrayContaining(['/proxy', '/http/{target}', '/health', '/stats']));
    expect(paths).not.toContain('/cache/purge');
  });

  it('serves /docs and /redoc from local files under a CSP that allows no foreign or inline script', async () => {
    for (const page of ['/docs', '/redoc']) {
      const response = await send(proxy.dataUrl, page);
      expect(response.status, page).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toContain("script-src 'self';");
      expect(response.text).not.toMatch(/<script>(?!<\/script>)|https?:\/\//);
    }
    const bundle = await send(proxy.dataUrl, '/redoc/redoc.standalone.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.body.length).toBeGreaterThan(100_000);
  });

  it('is read-only', async () => {
    const response = await send(proxy.dataUrl, '/openapi.json', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(404);
    expect(response.text).toContain('PROXY_ERR_NOT_FOUND');
  });

  it('is not served in reverse-proxy mode, where every path belongs to the origin', async () => {
    const reverse = await startProxy({ ORIGIN_URL: origin.url });
    try {
      const response = await send(reverse.dataUrl, '/docs');
      expect(response.text).toBe('origin says /docs');
    } finally {
      await reverse.close();
    }
  });
});

describe('journey: a newcomer reads the API docs in a browser', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end(`origin says ${req.url}`);
    });
    proxy = await startProxy();
    browser = await launchChromium();
  }, 30_000);

  afterEach(async () => {
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await proxy.close();
    await origin.close();
  });

  async function open(url: string): Promise<void> {
    page = await browser.newPage();
    problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) {
        problems.push(`${response.status()} ${response.url()}`);
      }
    });
    page.on('console', (message) => {
      const text = message.text();
      // Failed loads are reported above with their URL. ReDoc's menu shows a logo from its CDN
      // (not configurable); the CSP blocks it and ReDoc then hides the image: the policy at work.
      if (message.type() !== 'error' || text.startsWith('Failed to load resource')) return;
      if (text.includes("Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg'")) return;
      problems.push(`console: ${text}`);
    });
    await page.goto(url);
  }

  it('reads the /proxy operation in ReDoc on the data port, with no script or style from elsewhere', async () => {
    await open(`${proxy.dataUrl}/redoc`);
    await page
      .getByRole('heading', { name: 'Fetch a URL through the cache, described by a JSON envelope' })
      .waitFor({ timeout: 20_000 });
    await page.getByText('body_encoding', { exact: true }).first().waitFor();
    expect(problems).toEqual([]);
  }, 40_000);

  it('sends POST /proxy with Swagger UI "Try it out" on the data port and gets the origin answer', async () => {
    await open(`${proxy.dataUrl}/docs`);
    const operation = page.locator('#operations-data_plane-proxy');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('textarea.body-param__text').fill(JSON.stringify({ url: `${origin.url}/tried` }));
    await operation.getByRole('button', { name: 'Execute' }).click();
    const answer = operation.locator('.live-responses-table .response-col_description pre').first();
    await answer.waitFor({ timeout: 15_000 });
    expect(JSON.parse((await answer.textContent()) ?? '')).toMatchObject({
      status_code: 200,
      content: 'origin says /tried',
      from_cache: false,
    });
    expect(origin.hits('/tried')).toBe(1);
    expect(problems).toEqual([]);
  }, 40_000);
});
