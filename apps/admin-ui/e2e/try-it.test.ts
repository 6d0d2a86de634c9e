import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness';

describe('journey: trying a URL', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({
      origin: (req, res) => {
        const live = req.url?.startsWith('/live') === true;
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': live ? 'no-store' : 'max-age=300' });
        res.end(`answer for ${req.url ?? '/'}`);
      },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('shows a MISS, then a HIT for the same URL', async () => {
    const { page } = dashboard;
    const url = dashboard.originUrl('/weather/today');
    await dashboard.open('/try-it');
    await page.getByLabel('URL', { exact: true }).fill(url);
    expect(await page.getByLabel('Method').inputValue()).toBe('GET');

    const results = page.locator('table.try-results tbody tr');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => results.count()).toBe(1);
    expect(await results.nth(0).locator('.badge').textContent()).toBe('MISS');
    expect(await results.nth(0).textContent()).toContain('fwd=uri-miss');

    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => results.count()).toBe(2);
    const newest = results.nth(0);
    expect(await newest.locator('.badge').textContent()).toBe('HIT');
    expect(await newest.locator('td').nth(1).textContent()).toBe('200');
    expect(await newest.textContent()).toContain('caching-proxy; hit');
    expect(await newest.locator('td').nth(5).textContent()).toBe('0');
    expect(await newest.locator('td').nth(6).textContent()).toMatch(/ m?s$/);
    expect(dashboard.origin.hits('/weather/today')).toBe(1);

    // The stored response links to its entry page.
    expect(await newest.getByRole('link', { name: url }).count()).toBe(1);

    // A response that was not stored has no entry page to link to.
    const live = dashboard.originUrl('/live/score');
    await page.getByLabel('URL', { exact: true }).fill(live);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => results.count()).toBe(3);
    expect(await results.nth(0).textContent()).toContain('detail=no-store');
    expect(await results.nth(0).getByRole('link').count()).toBe(0);
    expect(await results.nth(0).locator('.tag').textContent()).toBe('not stored');

    await dashboard.screenshot('try-it');
    expect(dashboard.problems).toEqual([]);
  });
});
