import type { Health } from '@caching-proxy/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { send, type TestResponse } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { freePort, freshPrefix, startRedisServer, type RedisServer } from '../helpers/redis.js';

/**
 * Redis outages never turn into proxy errors: the proxy keeps answering from the origin, each
 * Redis command is bounded by REDIS_COMMAND_TIMEOUT_MS, /health says `degraded` and why, and
 * caching resumes by itself. The L1 tier is off here so that Redis alone decides hits.
 */
describe('Redis outages', () => {
  let origin: TestOrigin;
  let proxy: TestProxy | undefined;
  let redis: RedisServer | undefined;

  afterEach(async () => {
    await proxy?.close();
    await redis?.stop();
    await origin.close();
    proxy = undefined;
    redis = undefined;
  });

  async function start(port: number, waitForStorage: boolean) {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=300' });
      res.end(`origin ${req.url}`);
    });
    proxy = await startProxy(
      {
        CACHE_BACKEND: 'redis',
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_KEY_PREFIX: freshPrefix(),
        REDIS_COMMAND_TIMEOUT_MS: '250',
        L1_MAX_BYTES: '0',
      },
      { waitForStorage },
    );
  }

  async function timed(path: string): Promise<TestResponse & { ms: number }> {
    const started = performance.now();
    const response = await send(proxy!.dataUrl, proxy!.via(origin.url, path));
    return Object.assign(response, { ms: performance.now() - started });
  }

  async function health(): Promise<Health> {
    return (await send(proxy!.adminUrl, '/health')).json<Health>();
  }

  async function expectCachingWorks(path: string) {
    await vi.waitFor(async () => expect((await health()).status).toBe('healthy'), { timeout: 10_000, interval: 50 });
    expect((await timed(path)).headers['x-cache']).toBe('MISS');
    await vi.waitFor(async () => expect((await timed(path)).headers['x-cache']).toBe('HIT'), { timeout: 5_000, interval: 20 });
  }

  it('starts with Redis down, answers from the origin, reports degraded, and caches once Redis is up', async () => {
    const port = await freePort();
    await start(port, false);
    for (let i = 0; i < 3; i++) {
      const response = await timed('/down');
      expect(response.status).toBe(200);
      expect(response.headers['x-cache']).toBe('MISS');
      expect(response.ms).toBeLessThan(1000);
    }
    expect(origin.hits('/down')).toBe(3);
    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.checks.storage?.detail).toMatch(/redis/);
    expect((await send(proxy!.adminUrl, '/stats')).status).toBe(200);
    const clear = await send(proxy!.adminUrl, '/cache/clear', { method: 'DELETE' });
    expect(clear.status).toBe(503);
    expect(clear.json<{ error: { code: string } }>().error.code).toBe('PROXY_ERR_STORAGE_UNAVAILABLE');

    redis = await startRedisServer({ port });
    await expectCachingWorks('/after-start');
  });

  it('keeps answering when Redis is killed mid-run, and resumes caching when it is back', async () => {
    redis = await startRedisServer();
    await start(redis.port, true);
    await expectCachingWorks('/before-kill');
    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const response = await timed('/during-kill');
      expect(response.status).toBe(200);
      expect(response.ms).toBeLessThan(1000);
    }
    expect((await health()).status).toBe('degraded');
    await redis.restart();
    await expectCachingWorks('/after-restart');
  });

  it('adds at most about one command timeout when Redis hangs (SIGSTOP), then skips it until it answers', async () => {
    redis = await startRedisServer();
    await start(redis.port, true);
    await expectCachingWorks('/before-hang');
    redis.pause();
    const first = await timed('/during-hang');
    expect(first.status).toBe(200);
    // REDIS_COMMAND_TIMEOUT_MS is 250: the lookup gives up after it and the origin answers.
    expect(first.ms).toBeGreaterThanOrEqual(200);
    expect(first.ms).toBeLessThan(1000);
    const next = await timed('/during-hang-2');
    expect(next.status).toBe(200);
    expect(next.ms).toBeLessThan(first.ms);
    expect((await health()).status).toBe('degraded');
    redis.resume();
    await vi.waitFor(async () => expect((await health()).status).toBe('healthy'), { timeout: 10_000, interval: 50 });
    expect((await timed('/before-hang')).headers['x-cache']).toBe('HIT');
  });
});
