import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../proxy/test/helpers/http';
import { entryRows, startDashboard, type Dashboard } from './harness';

const HOSTILE_BODY = '<script>window.__injected = true; alert("injected")</script><h1>Product page</h1>\n<img src=x onerror="alert(1)">';

describe('journey: inspecting and deleting an entry', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({
      origin: (req, res) => {
        // Vary names x-journey: an entry keeps only the request headers its Vary names.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'max-age=600', etag: '"v1"', vary: 'x-journey' });
        res.end(req.url === '/products/42' ? HOSTILE_BODY : `<p>${req.url ?? ''}</p>`);
      },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('finds the entry with the filter, shows its headers and body as text, and deletes it', async () => {
    const { page } = dashboard;
    const journey = { headers: { 'accept-language': 'en', 'x-journey': 'entry-detail', 'x-api-token': 'never-stored' } };
    for (const path of ['/products/41', '/products/42', '/categories/7', '/categories/8']) {
      await dashboard.fetchThroughProxy(path, journey);
    }
    const { headers } = await dashboard.fetchThroughProxy('/products/42', journey);
    const key = String(headers['x-cache-key']);

    await dashboard.open('/entries');
    await expect.poll(() => entryRows(page).count()).toBe(4);
    await page.getByLabel('Filter by URL').fill('products/42');
    await expect.poll(() => entryRows(page).count()).toBe(1);
    // The filter is kept in the address: a reload shows the same list.
    await expect.poll(() => new URL(page.url()).search).toBe('?filter=products%2F42');
    await page.reload();
    expect(await page.getByLabel('Filter by URL').inputValue()).toBe('products/42');
    await expect.poll(() => entryRows(page).count()).toBe(1);
    expect(await page.locator('.pagination').textContent()).toContain('Page 1 of 1 · 1 URL match');
    await page.getByRole('link', { name: dashboard.originUrl('/products/42') }).click();

    await page.getByRole('heading', { name: 'Body preview' }).waitFor();
    expect(page.url()).toBe(`${dashboard.proxy.adminUrl}/entries/${key}`);
    const responseHeaders = page.getByRole('table', { name: 'Stored response headers' });
    expect(await responseHeaders.getByRole('row', { name: /cache-control/ }).textContent()).toContain('max-age=600');
    expect(await responseHeaders.getByRole('row', { name: /^etag/ }).textContent()).toContain('"v1"');
    const requestHeaders = page.getByRole('table', { name: 'Request headers named by Vary' });
    expect(await requestHeaders.getByRole('row', { name: /x-journey/ }).textContent()).toContain('entry-detail');
    expect(await requestHeaders.getByRole('row', { name: /x-api-token/ }).count()).toBe(0);

    // The body is shown as text: its markup is visible, nothing of it runs or renders.
    const preview = page.getByRole('region', { name: 'Body preview' }).locator('pre');
    expect(await preview.textContent()).toBe(HOSTILE_BODY);
    expect(await preview.locator('script, img, h1').count()).toBe(0);
    expect(await page.evaluate(() => '__injected' in window)).toBe(false);
    expect(dashboard.dialogs).toEqual([]);
    await dashboard.screenshot('entry-detail');

    await page.getByRole('button', { name: 'Delete entry' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted the entry' }).waitFor();
    expect((await send(dashboard.proxy.adminUrl, `/cache/info/${key}`)).status).toBe(404);

    await page.getByRole('link', { name: 'Back to the entries' }).click();
    await expect.poll(() => entryRows(page).count()).toBe(3);
    await page.getByLabel('Filter by URL').fill('products/42');
    await page.getByText('No stored URL contains “products/42”.').waitFor();
    expect(dashboard.problems).toEqual([]);
  });
});
