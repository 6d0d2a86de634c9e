import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRows, figure, startDashboard, type Dashboard } from './harness';

describe('journey: clearing the whole cache', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('asks for confirmation, does nothing on cancel, and clears on confirm', async () => {
    const { page } = dashboard;
    for (const path of ['/a', '/b', '/c']) await dashboard.fetchThroughProxy(path);
    await dashboard.open('/entries');
    await expect.poll(() => entryRows(page).count()).toBe(3);

    const dialog = page.getByRole('dialog', { name: 'Clear every cache entry?' });
    await page.getByRole('button', { name: 'Clear all entries…' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await entryRows(page).count()).toBe(3);
    expect((await dashboard.fetchThroughProxy('/a')).headers['x-cache']).toBe('HIT');

    await page.getByRole('button', { name: 'Clear all entries…' }).click();
    await dialog.waitFor();
    await dashboard.screenshot('clear-all');
    await dialog.getByRole('button', { name: 'Clear cache' }).click();
    await page.getByRole('status').filter({ hasText: 'Cleared 3 URLs (3 stored responses).' }).waitFor();
    await page.getByText('The cache is empty.').waitFor();
    expect((await dashboard.fetchThroughProxy('/a')).headers['x-cache']).toBe('MISS');

    await page.getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('5');
    expect(dashboard.problems).toEqual([]);
  });
});
