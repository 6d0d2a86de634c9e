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
    expect(await page.locator('.usage').filter({ hasText: 'Stored responses' }).locator('.usage-text').textContent()).toMatch(
      /^36 \(36 URLs\) of 1,000 /,
    );

    // The legend shows the cards' numbers (the same /stats answer), in the cards' order; the bars appear.
    const legend = page.getByRole('list', { name: 'Outcomes since the start' });
    await expect.poll(() => legend.locator('[data-outcome="hit"] strong').textContent()).toBe('90');
    expect(await legend.locator('[data-outcome="miss"] strong').textContent()).toBe('36');
    expect(await legend.locator('[data-outcome="bypass"] strong').textContent()).toBe('6');
    // The history is polled every 5 s: wait for its bars.
    await expect.poll(() => page.locator('path.bars[data-outcome="hit"]').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('path.bars[data-outcome="miss"]').getAttribute('d')).toMatch(/^M/);
    expect(await page.locator('.ratio-line').count()).toBe(1);

    // Cards and legend: one order, one source (read at the same moment, they agree).
    const outcomeCards = ['Hits', 'Revalidated', 'Stale', 'Misses', 'Bypasses', 'Client errors', 'Upstream errors'];
    expect((await page.locator('.figure dt').allTextContents()).slice(2, 9)).toEqual(outcomeCards);
    const [cards, legendItems] = await page.evaluate(() => [
      [...document.querySelectorAll('.figure')].slice(2, 9).map((f) => `${f.querySelector('dt')?.textContent} ${f.querySelector('dd')?.textContent}`),
      [...document.querySelectorAll('.legend li')].map((li) => li.textContent),
    ]);
    expect(legendItems).toEqual(cards);

    // Every interval of both charts has a tooltip.
    const charts = page.locator('svg.chart');
    expect(await charts.nth(0).locator('.hover-bands title').count()).toBe(180);
    expect(await charts.nth(1).locator('.hover-bands title').count()).toBe(180);
    // (The proxy's own 5-second timer may close an interval too: look for the one, not at a position.)
    expect(await charts.nth(0).locator('.hover-bands title').allTextContents()).toContainEqual(
      expect.stringMatching(/: 4 hits, 1 miss, 1 bypass$/),
    );

    await dashboard.screenshot('overview');
    expect(dashboard.problems).toEqual([]);
  });
});
