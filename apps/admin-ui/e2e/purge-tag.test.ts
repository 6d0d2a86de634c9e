import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryRows, startDashboard, type Dashboard } from './harness';

/** Each product page is tagged with its product and its category (Surrogate-Key). */
const TAGS: Record<string, string> = {
  '/shoes/1': 'product-1 shoes',
  '/shoes/2': 'product-2 shoes',
  '/hats/1': 'product-3 hats',
};

describe('journey: purging by tag', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({
      origin: (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=600', 'surrogate-key': TAGS[req.url ?? ''] ?? '' });
        res.end(`page ${req.url ?? ''}`);
      },
    });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('removes exactly the tagged entries, says how many, and clears that message when a new tag is typed', async () => {
    const { page } = dashboard;
    for (const path of Object.keys(TAGS)) await dashboard.fetchThroughProxy(path);
    await dashboard.open('/entries');
    await expect.poll(() => entryRows(page).count()).toBe(3);

    const tag = page.getByRole('textbox', { name: 'Tag' });
    await tag.fill('shoes');
    await page.getByRole('button', { name: 'Purge tag' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Purged 2 URLs (2 stored responses) tagged shoes.' });
    await done.waitFor();
    await expect.poll(() => entryRows(page).count()).toBe(1);
    expect(await entryRows(page).locator('td.url-cell').textContent()).toBe(dashboard.originUrl('/hats/1'));
    expect((await dashboard.fetchThroughProxy('/shoes/1')).headers['x-cache']).toBe('MISS');
    expect((await dashboard.fetchThroughProxy('/hats/1')).headers['x-cache']).toBe('HIT');
    await dashboard.screenshot('purge-tag');

    // The message was about "shoes": typing another tag clears it.
    await tag.fill('hats');
    await expect.poll(() => done.count()).toBe(0);
    expect(dashboard.problems).toEqual([]);
  });
});
