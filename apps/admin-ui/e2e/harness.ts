import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { ConfigInput } from '../../proxy/src/config';
import { send, type SendOptions, type TestResponse } from '../../proxy/test/helpers/http';
import { startOrigin, type OriginHandler, type TestOrigin } from '../../proxy/test/helpers/origin';
import { startProxy, type TestProxy } from '../../proxy/test/helpers/proxy';

/** Debian's Chromium (CI installs it); no browser is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const BUILD_INDEX = fileURLToPath(new URL('../dist/index.html', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/** A cacheable text answer naming the path, unless a journey brings its own origin. */
const defaultOrigin: OriginHandler = (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'max-age=300' });
  res.end(`origin answer for ${req.url ?? '/'}\n`);
};

export interface Dashboard {
  origin: TestOrigin;
  proxy: TestProxy;
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened. */
  dialogs: string[];
  /** Uncaught page errors and Content-Security-Policy violations. */
  problems: string[];
  /** Loads a page of the dashboard from the admin listener. */
  open(path: string): Promise<void>;
  /** Absolute URL of an origin path. */
  originUrl(path: string): string;
  /** A GET through the data port, as a client of the proxy. */
  fetchThroughProxy(path: string, options?: SendOptions): Promise<TestResponse>;
  /** Closes the current history interval, as the proxy's 5-second timer does. */
  closeHistoryInterval(): void;
  screenshot(journey: string): Promise<void>;
  close(): Promise<void>;
}

export interface DashboardOptions {
  origin?: OriginHandler;
  config?: ConfigInput;
  viewport?: { width: number; height: number };
}

function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A real origin, the real proxy in front of it (both listeners on port 0, manual clock) and
 * Chromium on the dashboard its admin listener serves from apps/admin-ui/dist.
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  if (!existsSync(BUILD_INDEX)) {
    throw new Error('The dashboard is not built: run `npm run build -w @caching-proxy/admin-ui` (`npm test` builds it first)');
  }
  const browser = await launchChromium();
  const origin = await startOrigin(options.origin ?? defaultOrigin);
  const proxy = await startProxy(options.config);
  const page = await browser.newPage({ viewport: options.viewport ?? DESKTOP });
  page.setDefaultTimeout(10_000);
  const dialogs: string[] = [];
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) problems.push(message.text());
  });

  return {
    origin,
    proxy,
    page,
    dialogs,
    problems,
    open: async (path) => {
      await page.goto(`${proxy.adminUrl}${path}`);
    },
    originUrl: (path) => `${origin.url}${path}`,
    fetchThroughProxy: (path, sendOptions) => send(proxy.dataUrl, proxy.via(origin.url, path), sendOptions),
    closeHistoryInterval: () => {
      proxy.clock.advance(proxy.server.history.intervalSec * 1000);
      proxy.server.history.sample();
    },
    screenshot: async (journey) => {
      await page.screenshot({ path: `${SCREENSHOTS}${journey}.png`, fullPage: true, animations: 'disabled' });
    },
    close: async () => {
      await browser.close();
      await proxy.close();
      await origin.close();
    },
  };
}

/** The value shown for one figure of the overview (`<dt>label</dt><dd>value</dd>`). */
export function figure(page: Page, label: string): Locator {
  return page.locator('.figure').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
}

/** Rows of the entries table. */
export function entryRows(page: Page): Locator {
  return page.locator('table.entries tbody tr');
}
