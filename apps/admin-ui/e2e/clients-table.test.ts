import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness';

const NARROW = { width: 390, height: 844 };
const CI_KEY = '0123456789abcdef';

describe('journey: data-plane clients on the overview, on a 390-pixel phone', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({ viewport: NARROW, config: { DATA_API_KEYS: `ci:${CI_KEY}` } });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('shows the requests of each client name once there are any, as cards without horizontal scrolling', async () => {
    const { page } = dashboard;
    await dashboard.open('/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const table = page.getByRole('table', { name: 'Data-plane clients' });
    // No forward-mode request yet: no table.
    await page.locator('.figure').first().waitFor();
    expect(await table.count()).toBe(0);

    for (let i = 0; i < 3; i++) {
      await dashboard.fetchThroughProxy(`/k/${i}`, { headers: { 'proxy-authorization': `Bearer ${CI_KEY}` } });
    }
    await dashboard.fetchThroughProxy('/n');

    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => `${td.dataset.label}: ${td.textContent}`)),
    );
    expect(shown).toEqual([
      ['Client: ci', 'Requests: 3'],
      ['Client: network', 'Requests: 1'],
    ]);
    const requests = rows.first().locator('td[data-label="Requests"]');
    const box = await requests.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(NARROW.width);
    expect(await requests.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Requests"');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
    await dashboard.screenshot('overview-clients-phone');
    expect(dashboard.problems).toEqual([]);
  });
});
