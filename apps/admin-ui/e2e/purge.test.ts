import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRows, startDashboard, type Dashboard } from './harness';

describe('journey: purging by URL prefix', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('removes every entry under the prefix and keeps the others', async () => {
    const { page } = dashboard;
    for (const path of ['/api/v1/users', '/api/v1/orders', '/api/v1/orders/7', '/api/v2/users', '/static/app.css']) {
      await dashboard.fetchThroughProxy(path);
    }
    await dashboard.open('/entries');
    await expect.poll(() => entryRows(page).count()).toBe(5);

    await page.getByRole('textbox', { name: 'URL prefix' }).fill(dashboard.originUrl('/api/v1/'));
    await page.getByRole('button', { name: 'Purge', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Purged 3 URLs (3 stored responses)' }).waitFor();

    await expect.poll(() => entryRows(page).count()).toBe(2);
    expect(await entryRows(page).locator('td.url-cell').allTextContents()).toEqual(
      expect.arrayContaining([dashboard.originUrl('/api/v2/users'), dashboard.originUrl('/static/app.css')]),
    );
    expect((await dashboard.fetchThroughProxy('/api/v1/users')).headers['x-cache']).toBe('MISS');
    await dashboard.screenshot('purge');
    expect(dashboard.problems).toEqual([]);
  });
});
