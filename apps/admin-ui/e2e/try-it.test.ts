import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness';

describe('journey: trying a URL', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard();
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
    expect(await newest.locator('td').nth(4).textContent()).toBe('0');
    expect(await newest.locator('td').nth(5).textContent()).toMatch(/ m?s$/);
    expect(dashboard.origin.hits('/weather/today')).toBe(1);

    await dashboard.screenshot('try-it');
    expect(dashboard.problems).toEqual([]);
  });
});
