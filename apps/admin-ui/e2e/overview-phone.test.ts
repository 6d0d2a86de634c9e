import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figure, PHONE, startDashboard, type Dashboard } from './harness';

describe('journey: the overview on a phone', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({ viewport: PHONE });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('fits a 375-pixel screen without horizontal scrolling', async () => {
    const { page } = dashboard;
    for (let interval = 0; interval < 24; interval++) {
      await dashboard.fetchThroughProxy(`/news/${interval}`);
      for (let hit = 0; hit < interval % 3; hit++) await dashboard.fetchThroughProxy(`/news/${interval}`);
      dashboard.closeHistoryInterval();
    }
    await dashboard.open('/');
    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('48');
    await page.locator('path.bars[data-outcome="miss"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await dashboard.screenshot('overview-phone');
    expect(dashboard.problems).toEqual([]);
  });
});
