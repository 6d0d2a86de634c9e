import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRows, startDashboard, type Dashboard } from './harness';

describe('journey: warming the cache', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({
      origin: (req, res) => {
        const live = req.url === '/live';
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': live ? 'no-store' : 'max-age=600' });
        res.end(`page ${req.url ?? ''}`);
      },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('fetches each URL once and shows what became of each', async () => {
    const { page } = dashboard;
    await dashboard.open('/entries');
    await page.getByText('The cache is empty.').waitFor();

    const urls = ['/', '/catalog', '/live'].map((path) => dashboard.originUrl(path));
    await page.getByLabel('URLs to fetch through the proxy, one per line').fill(`${urls.join('\n')}\n# a comment\n`);
    await page.getByRole('button', { name: 'Warm 3 URLs' }).click();
    const summary = page.getByRole('status').filter({ hasText: 'Stored 2 of 3 URLs' });
    await summary.waitFor();
    // The origin's no-store is its choice, not a failure: counted apart, and the notice is not an error.
    expect(await summary.textContent()).toBe('Stored 2 of 3 URLs; 1 not storable (the origin forbids storing).');
    expect(await summary.getAttribute('class')).toContain('notice-success');

    const rows = page.locator('table.warm-results tbody tr');
    expect(await rows.count()).toBe(3);
    const cells = (row: number) => rows.nth(row).locator('td').allTextContents();
    expect(await cells(0)).toEqual([urls[0], '200', 'MISS', 'yes']);
    expect(await cells(1)).toEqual([urls[1], '200', 'MISS', 'yes']);
    expect((await cells(2))[0]).toContain(urls[2]);
    expect((await cells(2))[0]).toContain('no-store');
    expect((await cells(2)).at(-1)).toBe('no (not storable)');
    for (const path of ['/', '/catalog', '/live']) expect(dashboard.origin.hits(path)).toBe(1);

    await expect.poll(() => entryRows(page).count()).toBe(2);
    expect((await dashboard.fetchThroughProxy('/catalog')).headers['x-cache']).toBe('HIT');
    await dashboard.screenshot('warm');
    expect(dashboard.problems).toEqual([]);
  });
});
