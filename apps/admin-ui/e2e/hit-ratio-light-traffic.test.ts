import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness';

describe('journey: the hit-ratio chart under light traffic', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('draws one line across the quiet intervals instead of scattered dots', async () => {
    const { page } = dashboard;
    // A request now and then, three quiet 5-second intervals between two: a miss, then hits.
    for (const path of ['/a', '/a', '/b', '/a']) {
      for (let quiet = 0; quiet < 3; quiet++) dashboard.closeHistoryInterval();
      await dashboard.fetchThroughProxy(path);
      dashboard.closeHistoryInterval();
    }
    await dashboard.open('/');
    const line = page.locator('path.ratio-line');
    await line.waitFor();
    expect(await line.count()).toBe(1);
    // One segment per interval with traffic after the first: M x y L x y L x y L x y.
    expect((await line.getAttribute('d'))?.match(/L/g)).toHaveLength(3);
    expect(await page.locator('circle.ratio-dot').count()).toBe(4);
    const tooltips = page.locator('svg.chart').nth(1).locator('.hover-bands title');
    expect(await tooltips.last().textContent()).toMatch(/: 100 % \(1 of 1 from the cache\)$/);
    expect(dashboard.problems).toEqual([]);
  });
});
