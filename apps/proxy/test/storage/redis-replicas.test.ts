import type { Stats } from '@caching-proxy/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import type { TieredStore } from '../../src/storage/tiered-store.js';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { freshPrefix, startRedisCluster, startRedisSentinel, startRedisServer } from '../helpers/redis.js';

interface Topology {
  name: string;
  config: () => ConfigInput;
  stop: () => Promise<void>;
}

/** Two proxy replicas sharing one Redis deployment, each with its own L1 tier. */
function describeReplicas(start: () => Promise<Topology>): void {
  let topology: Topology;
  let origin: TestOrigin;
  let a: TestProxy;
  let b: TestProxy;

  beforeAll(async () => {
    topology = await start();
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=300', 'content-type': 'text/plain' });
      res.end(`shared ${req.url}`);
    });
  });

  afterAll(async () => {
    await origin.close();
    await topology.stop();
  });

  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  async function startReplicas() {
    const shared = { CACHE_BACKEND: 'redis', REDIS_KEY_PREFIX: freshPrefix(), ...topology.config() };
    [a, b] = await Promise.all([startProxy(shared), startProxy(shared)]);
  }

  it('serves through B what A fetched, with one origin request in total', async () => {
    await startReplicas();
    const path = '/shared-1';
    const viaA = await send(a.dataUrl, a.via(origin.url, path));
    expect(viaA.headers['x-cache']).toBe('MISS');
    await storedInRedis(b, `${origin.url}${path}`);
    const viaB = await send(b.dataUrl, b.via(origin.url, path));
    expect(viaB.headers['x-cache']).toBe('HIT');
    expect(viaB.text).toBe(`shared ${path}`);
    expect(origin.hits(path)).toBe(1);
  });

  it("evicts A's L1 copy when B deletes the entry", async () => {
    await startReplicas();
    const path = '/shared-2';
    const key = String((await send(a.dataUrl, a.via(origin.url, path))).headers['x-cache-key']);
    // A now holds the entry in its L1 tier: a hit there needs no Redis round trip.
    expect((await send(a.dataUrl, a.via(origin.url, path))).headers['x-cache']).toBe('HIT');
    expect(localCopy(a, key)).toBe(true);
    const started = performance.now();
    expect((await send(b.adminUrl, `/cache/${key}`, { method: 'DELETE' })).status).toBe(200);
    // The requirement is 100 ms; pub/sub on loopback takes about a millisecond. The wait bound is
    // generous so a loaded CI machine cannot make the test flaky; the elapsed time is asserted.
    await vi.waitFor(() => expect(localCopy(a, key)).toBe(false), { timeout: 2000, interval: 1 });
    expect(performance.now() - started).toBeLessThan(500);
    const again = await send(a.dataUrl, a.via(origin.url, path));
    expect(again.headers['x-cache']).toBe('MISS');
    expect(origin.hits(path)).toBe(2);
  });

  it("evicts every replica's copy on purge and on an invalidating POST", async () => {
    await startReplicas();
    for (const path of ['/p/one', '/p/two']) {
      await send(a.dataUrl, a.via(origin.url, path));
      await storedInRedis(b, `${origin.url}${path}`);
      await send(b.dataUrl, b.via(origin.url, path));
    }
    const oneKey = String((await send(a.dataUrl, a.via(origin.url, '/p/one'))).headers['x-cache-key']);
    const twoKey = String((await send(a.dataUrl, a.via(origin.url, '/p/two'))).headers['x-cache-key']);
    expect(localCopy(a, oneKey) && localCopy(a, twoKey)).toBe(true);
    await send(b.adminUrl, '/cache/purge', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prefix: `${origin.url}/p/one` }),
    });
    await send(b.dataUrl, b.via(origin.url, '/p/two'), { method: 'POST', body: 'x' });
    await vi.waitFor(async () => {
      expect((await send(a.adminUrl, '/stats')).json<Stats>().scope).toBe('shared');
      expect(localCopy(a, oneKey)).toBe(false);
      expect(localCopy(a, twoKey)).toBe(false);
    });
    expect((await send(a.dataUrl, a.via(origin.url, '/p/one'))).headers['x-cache']).toBe('MISS');
    expect((await send(a.dataUrl, a.via(origin.url, '/p/two'))).headers['x-cache']).toBe('MISS');
  });

  /**
   * Responses are written to Redis after they were sent to the client (never delaying it): a
   * request reaching another replica right then may still miss. Tests wait for the write.
   */
  async function storedInRedis(proxy: TestProxy, url: string): Promise<void> {
    await vi.waitFor(async () => {
      const page = await send(proxy.adminUrl, `/cache/entries?filter=${encodeURIComponent(url)}`);
      expect(page.json<{ entries: { url: string }[] }>().entries.map((e) => e.url)).toContain(url);
    });
  }

  /** Whether a replica holds the key in its L1 tier. */
  function localCopy(proxy: TestProxy, key: string): boolean {
    return (proxy.server.store as TieredStore).hasLocalCopy(key);
  }

  it("purges a tag on every replica's L1 and in Redis", async () => {
    await startReplicas();
    const tagged = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=300', 'surrogate-key': req.url === '/t/a' ? 'team-a' : 'team-b' });
      res.end('tagged');
    });
    try {
      const keyA = String((await send(a.dataUrl, a.via(tagged.url, '/t/a'))).headers['x-cache-key']);
      await send(a.dataUrl, a.via(tagged.url, '/t/b'));
      await storedInRedis(b, `${tagged.url}/t/a`);
      expect((await send(b.dataUrl, b.via(tagged.url, '/t/a'))).headers['x-cache']).toBe('HIT');
      expect(localCopy(a, keyA) && localCopy(b, keyA)).toBe(true);
      const purged = await send(b.adminUrl, '/cache/purge-tag', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tag: 'team-a' }),
      });
      expect(purged.json()).toEqual({ purged: 1, urls: 1, stored_responses: 1 });
      await vi.waitFor(() => expect(localCopy(a, keyA)).toBe(false));
      expect(localCopy(b, keyA)).toBe(false);
      expect((await send(a.dataUrl, a.via(tagged.url, '/t/a'))).headers['x-cache']).toBe('MISS');
      expect((await send(a.dataUrl, a.via(tagged.url, '/t/b'))).headers['x-cache']).toBe('HIT');
    } finally {
      await tagged.close();
    }
  });

  it('reports the same shared totals on every replica, and each replica on its own', async () => {
    await startReplicas();
    for (const proxy of [a, b, a]) await send(proxy.dataUrl, proxy.via(origin.url, '/counted'));
    await vi.waitFor(async () => {
      const [statsA, statsB] = await Promise.all([
        send(a.adminUrl, '/stats').then((r) => r.json<Stats>()),
        send(b.adminUrl, '/stats').then((r) => r.json<Stats>()),
      ]);
      expect(statsA.scope).toBe('shared');
      expect(statsA.hits + statsA.misses).toBe(3);
      expect({ hits: statsB.hits, misses: statsB.misses }).toEqual({ hits: statsA.hits, misses: statsA.misses });
      expect(statsA.replica.hits + statsA.replica.misses).toBe(2);
      expect(statsB.replica.hits + statsB.replica.misses).toBe(1);
      expect(statsA.replicas.map((r) => r.id).sort()).toEqual([statsA.replica.id, statsB.replica.id].sort());
    });
  });

  it('lists and clears entries across the deployment', async () => {
    await startReplicas();
    for (const n of [1, 2, 3, 4, 5]) await send(a.dataUrl, a.via(origin.url, `/list-${n}`));
    // Stores complete after the responses (write-behind).
    for (const n of [1, 2, 3, 4, 5]) await storedInRedis(b, `${origin.url}/list-${n}`);
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
      const page = (await send(b.adminUrl, `/cache/entries${query}`)).json<{
        entries: { url: string }[];
        next_cursor: string | null;
      }>();
      listed.push(...page.entries.map((e) => e.url));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(listed.sort()).toEqual([1, 2, 3, 4, 5].map((n) => `${origin.url}/list-${n}`).sort());
    expect((await send(b.adminUrl, '/cache/clear', { method: 'DELETE' })).json()).toEqual({ cleared: 5, urls: 5, stored_responses: 5 });
    await vi.waitFor(async () => expect((await send(a.dataUrl, a.via(origin.url, '/list-1'))).headers['x-cache']).toBe('MISS'));
  });
}

describe('two replicas on one Redis', () => {
  describeReplicas(async () => {
    const server = await startRedisServer();
    return { name: 'single', config: () => ({ REDIS_URL: server.url }), stop: () => server.stop() };
  });
});

describe('two replicas on a 3-master Redis Cluster', () => {
  describeReplicas(async () => {
    const cluster = await startRedisCluster();
    return { name: 'cluster', config: () => ({ REDIS_CLUSTER_NODES: cluster.nodesConfig }), stop: () => cluster.stop() };
  });
});

describe('two replicas through Redis Sentinel', () => {
  describeReplicas(async () => {
    const sentinel = await startRedisSentinel();
    return {
      name: 'sentinel',
      config: () => ({ REDIS_SENTINELS: `127.0.0.1:${sentinel.sentinelPort}`, REDIS_SENTINEL_NAME: 'mymaster' }),
      stop: () => sentinel.stop(),
    };
  });
});
