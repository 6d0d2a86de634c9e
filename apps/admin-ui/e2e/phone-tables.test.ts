import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRows, startDashboard, type Dashboard } from './harness';

const NARROW = { width: 390, height: 844 };

describe('journey: the tables on a 390-pixel phone', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({ viewport: NARROW });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('shows every entry as a card whose key columns are visible, without horizontal scrolling', async () => {
    const { page } = dashboard;
    for (const path of ['/catalog/winter-collection/boots?size=42&colour=black', '/catalog/hats', '/about']) {
      await dashboard.fetchThroughProxy(path);
    }
    await dashboard.fetchThroughProxy('/catalog/hats');
    await dashboard.open('/entries');
    await expect.poll(() => entryRows(page).count()).toBe(3);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);

    const hats = entryRows(page).filter({ hasText: '/catalog/hats' });
    for (const [label, value] of [
      ['Status', '200'],
      ['TTL left', /m/],
      ['Hits', '1'],
    ] as const) {
      const cell = hats.locator(`td[data-label="${label}"]`);
      const box = await cell.boundingBox();
      expect(box, label).not.toBeNull();
      expect(box!.x + box!.width, label).toBeLessThanOrEqual(NARROW.width);
      expect(await cell.textContent(), label).toMatch(value);
      // Each cell names its column in the card (the header row is hidden on a phone).
      expect(await cell.evaluate((td) => getComputedStyle(td, '::before').content), label).toBe(`"${label}"`);
    }
    await dashboard.screenshot('entries-phone');

    // The Try it results are cards too.
    await page.getByRole('link', { name: 'Try it' }).click();
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/catalog/hats'));
    await page.getByRole('button', { name: 'Send' }).click();
    const result = page.locator('table.try-results tbody tr').first();
    await result.waitFor();
    expect(await result.locator('td[data-label="X-Cache"]').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
    expect(dashboard.problems).toEqual([]);
  });
});
