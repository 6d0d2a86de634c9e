import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figure, startDashboard, type Dashboard } from './harness';

const API_KEY = 'correct-horse-battery-staple';

describe('journey: unlocking a proxy that has ADMIN_API_KEY', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard({ config: { ADMIN_API_KEY: API_KEY } });
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('asks for the key, asks again after a wrong one, and shows the overview with the right one', async () => {
    const { page } = dashboard;
    await dashboard.open('/');
    const prompt = page.getByRole('heading', { name: 'API key required' });
    await prompt.waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByLabel('Admin API key').fill('wrong-key');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').filter({ hasText: 'The proxy refused that key' }).waitFor();
    expect(await page.getByLabel('Admin API key').inputValue()).toBe('');
    await dashboard.screenshot('api-key');

    await page.getByLabel('Admin API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('0');
    expect(await prompt.count()).toBe(0);

    // The key lives in this tab's session storage only, and survives a reload there.
    expect(await page.evaluate(() => [Object.values(sessionStorage), localStorage.length])).toEqual([[API_KEY], 0]);
    await page.reload();
    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('0');
    expect(await prompt.count()).toBe(0);

    // On a shared computer: forget the key; the prompt comes back and nothing loaded with it stays.
    await page.getByRole('button', { name: 'Forget API key' }).click();
    await prompt.waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.locator('.figure').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Forget API key' }).count()).toBe(0);
    await page.reload();
    await prompt.waitFor();
    expect(dashboard.problems).toEqual([]);
  });
});
