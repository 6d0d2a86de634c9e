import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRows, startDashboard, type Dashboard } from './harness';

const GREETINGS: Record<string, string> = { en: 'Hello', de: 'Hallo', fr: 'Bonjour' };

describe('journey: inspecting every Vary variant of an entry', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({
      origin: (req, res) => {
        const language = String(req.headers['accept-language'] ?? 'en');
        res.writeHead(200, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'max-age=600',
          vary: 'accept-language',
          'content-language': language,
        });
        res.end(`${GREETINGS[language] ?? '?'} from the origin`);
      },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('shows the latest variant, and any other one chosen in the variants table', async () => {
    const { page } = dashboard;
    for (const language of ['en', 'de', 'fr']) {
      await dashboard.fetchThroughProxy('/greeting', { headers: { 'accept-language': language } });
      dashboard.proxy.clock.advance(1_000);
    }
    await dashboard.open('/entries');
    await expect.poll(() => entryRows(page).count()).toBe(1);
    expect(await entryRows(page).locator('.tag').textContent()).toBe('3 variants');
    await page.getByRole('link', { name: dashboard.originUrl('/greeting') }).click();

    const preview = page.getByRole('region', { name: 'Body preview' }).locator('pre');
    await expect.poll(() => preview.textContent()).toBe('Bonjour from the origin');
    const variants = page.locator('table.variants tbody tr');
    expect(await variants.count()).toBe(3);

    await page.getByRole('button', { name: 'Inspect the variant for accept-language: de' }).click();
    await expect.poll(() => preview.textContent()).toBe('Hallo from the origin');
    await page.getByRole('heading', { name: 'Variant', exact: true }).waitFor();
    const responseHeaders = page.getByRole('table', { name: 'Stored response headers' });
    expect(await responseHeaders.getByRole('row', { name: /content-language/ }).textContent()).toContain('de');
    expect(await page.locator('.vary-list').textContent()).toBe('accept-language: de');
    expect(await variants.filter({ hasText: 'accept-language: de' }).getAttribute('aria-current')).toBe('true');

    await page.getByRole('button', { name: 'Inspect the variant for accept-language: en' }).click();
    await expect.poll(() => preview.textContent()).toBe('Hello from the origin');
    await dashboard.screenshot('variants');
    expect(dashboard.problems).toEqual([]);
  });
});
