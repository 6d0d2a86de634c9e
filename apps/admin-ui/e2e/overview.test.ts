import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figure, startDashboard, type Dashboard } from './harness';

describe('journey: watching the overview', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('shows counters, usage and charts that move with the traffic', async () => {
    const { page } = dashboard;
    await dashboard.open('/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('0');
    expect(await page.locator('.health .badge').textContent()).toBe('Healthy');
    expect(await page.locator('path.bars[data-outcome="hit"]').getAttribute('d')).toBe('');

    // Three minutes of 5-second intervals: one new URL each (a miss), then one to four hits on
    // it, and a POST (bypass) in every sixth.
    for (let interval = 0; interval < 36; interval++) {
      const path = `/items/${interval}`;
      expect((await dashboard.fetchThroughProxy(path)).headers['x-cache']).toBe('MISS');
      for (let hit = 0; hit <= interval % 4; hit++) {
        expect((await dashboard.fetchThroughProxy(path)).headers['x-cache']).toBe('HIT');
      }
      if (interval % 6 === 5) {
        expect((await dashboard.fetchThroughProxy('/orders', { method: 'POST', body: '{}' })).headers['x-cache']).toBe('BYPASS');
      }
      dashboard.closeHistoryInterval();
      if (interval === 0) await expect.poll(() => figure(page, 'Requests').textContent()).toBe('2');
    }

    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('132');
    expect(await figure(page, 'Hits').textContent()).toBe('90');
    expect(await figure(page, 'Misses').textContent()).toBe('36');
    expect(await figure(page, 'Bypasses').textContent()).toBe('6');
    expect(await figure(page, 'Hit rate').textContent()).toBe('71.4 %');
    expect(await page.locator('.usage').filter({ hasText: 'Entries' }).locator('.usage-text').textContent()).toMatch(/^36 of 1,000 /);

    // The history is polled every 5 s: the legend counts the whole window, the bars appear.
    const legend = page.getByRole('list', { name: 'Requests in the window' });
    await expect.poll(() => legend.locator('[data-outcome="hit"] strong').textContent()).toBe('90');
    expect(await legend.locator('[data-outcome="miss"] strong').textContent()).toBe('36');
    expect(await legend.locator('[data-outcome="bypass"] strong').textContent()).toBe('6');
    expect(await page.locator('path.bars[data-outcome="hit"]').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('path.bars[data-outcome="miss"]').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('.ratio-line').count()).toBeGreaterThan(0);

    await dashboard.screenshot('overview');
    expect(dashboard.problems).toEqual([]);
  });
});
