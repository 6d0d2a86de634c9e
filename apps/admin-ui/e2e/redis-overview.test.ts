import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, startRedisServer, type RedisServer } from '../../proxy/test/helpers/redis';
import { figure, startDashboard, type Dashboard } from './harness';

describe('journey: the overview with the Redis backend and no maxmemory', () => {
  let redis: RedisServer;
  let dashboard: Dashboard;
  let other: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    other = new Redis(redis.port, '127.0.0.1');
    // Another application's keys in the same database are not this cache's entries.
    await other.mset('someone-else:a', '1', 'someone-else:b', '2', 'someone-else:c', '3');
    dashboard = await startDashboard({ config: { CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: freshPrefix() } });
  });

  afterAll(async () => {
    await dashboard?.close();
    other?.disconnect();
    await redis?.stop();
  });

  it('counts only its own entries and says "no limit" instead of "of 0"', async () => {
    const { page } = dashboard;
    expect(await other.config('GET', 'maxmemory')).toEqual(['maxmemory', '0']);
    await dashboard.fetchThroughProxy('/a');
    await dashboard.fetchThroughProxy('/b');
    await dashboard.fetchThroughProxy('/b');
    await dashboard.open('/');
    await expect.poll(() => figure(page, 'Requests').textContent()).toBe('3');

    const usage = (label: string) => page.locator('.usage').filter({ hasText: label }).locator('.usage-text');
    await expect.poll(() => usage('Stored responses').textContent()).toBe('2 (2 URLs) — no limit');
    expect(await usage('Stored bytes').textContent()).toMatch(/ — no limit$/);
    expect(await page.locator('.usage-text').allTextContents()).not.toContain(expect.stringMatching(/of 0/));
    await dashboard.screenshot('overview-redis');
    expect(dashboard.problems).toEqual([]);
  });
});
