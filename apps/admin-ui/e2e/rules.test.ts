import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness';

const RULES = `rules:
  - name: search
    match: { path: "/api/search*" }
    key: { ignoreQuery: ["utm_*", "gclid"], sortQuery: true }
    tags: [search]
  - name: graphql
    match: { method: POST, path: "/graphql" }
    graphql: true
    ttl: 60
  - name: orders-writes
    match: { method: [POST, PUT, PATCH, DELETE], path: "/api/orders*" }
    invalidate: { prefixes: ["/api/orders"] }
`;

/** Two problems: a path without its leading slash (line 3) and a duration that is not one (line 5). */
const BROKEN_RULES = `rules:
  - name: search
    match: { path: "api/search*" }
  - name: graphql
    ttl: soon
`;

const PHONE = { width: 390, height: 844 };

function ruleRow(page: Page, name: string): Locator {
  return page.locator('table.rules tbody tr').filter({ has: page.locator('.rule-name', { hasText: new RegExp(`^${name}$`) }) });
}

function counter(row: Locator, label: string): Locator {
  return row.locator(`td[data-label="${label}"]`);
}

describe('journey: cache rules', () => {
  let dashboard: Dashboard;
  let dir: string;
  let rulesFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rules-journey-'));
    rulesFile = path.join(dir, 'rules.yaml');
    await writeFile(rulesFile, RULES);
    dashboard = await startDashboard({ config: { CACHE_RULES_FILE: rulesFile } });
  });

  afterAll(async () => {
    await dashboard?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the rules, moves their counters with traffic, tests a URL and shows the problems of a broken file', async () => {
    const { page } = dashboard;
    await dashboard.open('/');
    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('heading', { name: 'Cache rules' }).waitFor();
    expect(await page.locator('.facts').first().textContent()).toContain(rulesFile);
    await expect.poll(() => page.locator('table.rules tbody tr').count()).toBe(3);
    expect(await page.locator('table.rules .rule-name').allTextContents()).toEqual(['search', 'graphql', 'orders-writes']);

    const search = ruleRow(page, 'search');
    expect(await search.locator('td[data-label="Match"]').textContent()).toContain('/api/search*');
    expect(await search.locator('td[data-label="Actions"]').textContent()).toContain('ignore query utm_*, gclid; sort query');
    expect(await ruleRow(page, 'orders-writes').locator('td[data-label="Match"]').textContent()).toContain('POST, PUT, PATCH, DELETE');
    expect(await counter(search, 'Requests').textContent()).toBe('0');
    expect(await counter(search, 'Hit ratio').textContent()).toBe('—');

    // Two requests that differ only by ignored parameters: one miss and one hit, one origin request.
    expect((await dashboard.fetchThroughProxy('/api/search?q=boots&utm_source=mail')).headers['x-cache']).toBe('MISS');
    expect((await dashboard.fetchThroughProxy('/api/search?gclid=1&q=boots')).headers['x-cache']).toBe('HIT');
    expect(dashboard.origin.hits('/api/search?q=boots')).toBe(1);
    await expect.poll(() => counter(search, 'Requests').textContent()).toBe('2');
    expect(await counter(search, 'Hits').textContent()).toBe('1');
    expect(await counter(search, 'Misses').textContent()).toBe('1');
    expect(await counter(search, 'Stores').textContent()).toBe('1');
    expect(await counter(search, 'Hit ratio').textContent()).toBe('50 %');

    // The tester: which rule, why, the normalised URL and the key, without sending anything.
    const originRequests = dashboard.origin.requests.length;
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/api/search?utm_campaign=x&z=2&a=1'));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    const matched = page.locator('.matched-rule');
    await matched.waitFor();
    expect(await matched.textContent()).toBe('Matched rule search (#1).');
    const result = page.locator('.rule-test-result');
    expect(await result.textContent()).toContain(dashboard.originUrl('/api/search?a=1&z=2'));
    expect(await result.locator('.facts').textContent()).toMatch(/Cache key[0-9a-f]{64}/);
    expect(await page.locator('table.considered tbody tr').count()).toBe(1);
    expect(dashboard.origin.requests.length).toBe(originRequests);

    await page.getByLabel('Method').selectOption('DELETE');
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/api/orders/7'));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.locator('.matched-rule', { hasText: 'orders-writes' }).waitFor();
    const considered = page.locator('table.considered tbody tr');
    expect(await considered.count()).toBe(3);
    expect(await considered.nth(0).locator('td[data-label="Matched"]').textContent()).toBe('no');
    expect(await considered.nth(0).locator('td[data-label="Why"]').textContent()).not.toBe('');
    expect(await result.textContent()).toContain('prefix /api/orders');
    await dashboard.screenshot('rules');

    // A header line that is not "Name: value" is pointed out before anything is sent.
    await page.getByLabel(/Request headers/).fill('Accept-Language en');
    await page.getByText('Line 1: expected "Name: value"').waitFor();
    expect(await page.getByRole('button', { name: 'Test', exact: true }).isDisabled()).toBe(true);
    await page.getByLabel(/Request headers/).fill('');

    // A broken file: confirm the reload, see every problem with its line; the rules stay.
    await writeFile(rulesFile, BROKEN_RULES);
    const dialog = page.getByRole('dialog', { name: 'Reload the rules file?' });
    await page.getByRole('button', { name: 'Reload rules…' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Reload rules…' }).click();
    await dialog.getByRole('button', { name: 'Reload' }).click();
    const outcome = page.locator('.reload-result');
    await outcome.waitFor();
    const problems = await outcome.locator('li').allTextContents();
    expect(problems.some((p) => p.startsWith('line 3') && p.includes('rules[0].match.path'))).toBe(true);
    expect(problems.some((p) => p.startsWith('line 5') && p.includes('rules[1].ttl'))).toBe(true);
    expect(await outcome.textContent()).toContain('the previous 3 rules stay active');
    await page.locator('.last-reload', { hasText: /^refused at / }).waitFor();
    expect(await page.locator('table.rules tbody tr').count()).toBe(3);
    expect(await counter(search, 'Requests').textContent()).toBe('2');
    await dashboard.screenshot('rules-reload-problems');

    // Fixed again: the reload succeeds and the counters start over.
    await writeFile(rulesFile, RULES);
    await page.getByRole('button', { name: 'Reload rules…' }).click();
    await dialog.getByRole('button', { name: 'Reload' }).click();
    await page.locator('.reload-result', { hasText: 'Reloaded: 3 rules active.' }).waitFor();
    await expect.poll(() => counter(search, 'Requests').textContent()).toBe('0');

    expect(dashboard.problems).toEqual([]);
  });

  it('shows the matched rule in Try it, linked to the Rules page', async () => {
    const { page } = dashboard;
    await dashboard.open('/try-it');
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/api/search?q=hats&utm_source=x'));
    await page.getByRole('button', { name: 'Send' }).click();
    const row = page.locator('table.try-results tbody tr').first();
    await row.waitFor();
    expect(await row.locator('td[data-label="Cache-Status"]').textContent()).toContain('rule="search"');
    const link = row.locator('td[data-label="Rule"]').getByRole('link', { name: 'search' });
    await link.click();
    await page.getByRole('heading', { name: 'Cache rules' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/cache-rules');

    // A URL no rule matches says so.
    await dashboard.open('/try-it');
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/plain'));
    await page.getByRole('button', { name: 'Send' }).click();
    await row.waitFor();
    expect(await row.locator('td[data-label="Rule"]').textContent()).toBe('none');
    expect(dashboard.problems).toEqual([]);
  });

  it('fits a 390-pixel phone', async () => {
    const { page } = dashboard;
    await page.setViewportSize(PHONE);
    await dashboard.open('/cache-rules');
    await expect.poll(() => page.locator('table.rules tbody tr').count()).toBe(3);
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/api/search?b=2&a=1'));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.locator('.matched-rule').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const requests = counter(ruleRow(page, 'search'), 'Requests');
    const box = await requests.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(await requests.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"Requests"');
    await dashboard.screenshot('rules-phone');
    expect(dashboard.problems).toEqual([]);
  });
});

describe('journey: cache rules not configured', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard();
  });

  afterAll(async () => {
    await dashboard?.close();
  });

  it('tells how to configure CACHE_RULES_FILE, and still tests URLs', async () => {
    const { page } = dashboard;
    await dashboard.open('/cache-rules');
    await page.getByRole('heading', { name: 'No rules file' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('CACHE_RULES_FILE');
    await page.getByLabel('URL', { exact: true }).fill(dashboard.originUrl('/a?b=1'));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.locator('.matched-rule', { hasText: 'No rule matches' }).waitFor();
    expect(dashboard.problems).toEqual([]);
  });
});
