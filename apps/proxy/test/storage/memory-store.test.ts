import { describe, expect, it } from 'vitest';
import { buildCacheKey } from '../../src/cache/cache-key.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { entrySize, type StoredResponse } from '../../src/storage/types.js';
import { send } from '../helpers/http.js';
import { manualClock } from '../helpers/clock.js';
import { startOrigin } from '../helpers/origin.js';
import { startProxy } from '../helpers/proxy.js';

function entry(name: string, bodyBytes: number, now: number, ttlMs = 60_000): StoredResponse {
  const url = `https://example.test/${name}`;
  const key = buildCacheKey({ method: 'GET', url });
  const headers = ['content-type', 'text/plain'];
  const body = Buffer.alloc(bodyBytes, 'x');
  return {
    key,
    url,
    method: 'GET',
    status: 200,
    headers,
    body,
    vary: {},
    storedAt: now,
    staleAt: now + ttlMs,
    expiresAt: now + ttlMs,
    initialAgeSec: 0,
    size: entrySize({ key, url, headers, body }),
    hits: 0,
  };
}

describe('MemoryStore', () => {
  it('evicts the least recently used entry beyond MAX_CACHE_SIZE entries, and counts it', () => {
    const clock = manualClock();
    const store = new MemoryStore({ maxEntries: 2, maxBytes: 1_000_000, clock: clock.now });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => entry(n, 10, clock.now()));
    store.put(a!);
    store.put(b!);
    store.get(a!.key); // a is now more recent than b
    store.put(c!);
    expect(store.get(a!.key)).toBeDefined();
    expect(store.get(b!.key)).toBeUndefined();
    expect(store.get(c!.key)).toBeDefined();
    expect(store.usage()).toMatchObject({ entries: 2, evictions: 1, maxEntries: 2 });
  });

  it('evicts least recently used entries to stay within MAX_CACHE_BYTES', () => {
    const clock = manualClock();
    const big = (n: string) => entry(n, 4_000, clock.now());
    const store = new MemoryStore({ maxEntries: 100, maxBytes: 3 * big('x').size, clock: clock.now });
    const entries = ['a', 'b', 'c', 'd', 'e'].map(big);
    for (const e of entries) store.put(e);
    const usage = store.usage();
    expect(usage.entries).toBe(3);
    expect(usage.sizeBytes).toBeLessThanOrEqual(usage.maxBytes);
    expect(usage.evictions).toBe(2);
    expect(store.get(entries[0]!.key)).toBeUndefined();
    expect(store.get(entries[4]!.key)).toBeDefined();
  });

  it('refuses an entry larger than the whole byte bound without evicting others', () => {
    const clock = manualClock();
    const small = entry('small', 10, clock.now());
    const store = new MemoryStore({ maxEntries: 10, maxBytes: small.size * 2, clock: clock.now });
    store.put(small);
    expect(store.put(entry('huge', small.size * 3, clock.now()))).toBe(false);
    expect(store.get(small.key)).toBeDefined();
  });

  it('drops an entry when its TTL has passed', () => {
    const clock = manualClock();
    const store = new MemoryStore({ maxEntries: 10, maxBytes: 1_000_000, clock: clock.now });
    const e = entry('ttl', 10, clock.now(), 5_000);
    store.put(e);
    clock.advance(4_999);
    expect(store.get(e.key)).toBe(e);
    clock.advance(1);
    expect(store.get(e.key)).toBeUndefined();
    expect(store.info(e.key)).toBeUndefined();
  });

  it('does not refresh recency when the admin API looks at an entry', () => {
    const clock = manualClock();
    const store = new MemoryStore({ maxEntries: 2, maxBytes: 1_000_000, clock: clock.now });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => entry(n, 10, clock.now()));
    store.put(a!);
    store.put(b!);
    store.info(a!.key);
    store.put(c!);
    expect(store.get(a!.key)).toBeUndefined();
  });
});

describe('LRU bounds through the proxy', () => {
  it('evicts by entry count and reports evictions in /stats', async () => {
    const origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(`entry ${req.url}`);
    });
    const proxy = await startProxy({ MAX_CACHE_SIZE: '3' });
    try {
      for (const n of [1, 2, 3, 4, 5]) await send(proxy.dataUrl, proxy.via(origin.url, `/n${n}`));
      const stats = (await send(proxy.adminUrl, '/stats')).json<{ entries: number; evictions: number }>();
      expect(stats).toMatchObject({ entries: 3, evictions: 2 });
      expect((await send(proxy.dataUrl, proxy.via(origin.url, '/n1'))).headers['x-cache']).toBe('MISS');
      expect((await send(proxy.dataUrl, proxy.via(origin.url, '/n5'))).headers['x-cache']).toBe('HIT');
    } finally {
      await proxy.close();
      await origin.close();
    }
  });

  it('evicts by bytes and keeps size_bytes within MAX_CACHE_BYTES', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(Buffer.alloc(3000, 'z'));
    });
    const proxy = await startProxy({ MAX_CACHE_BYTES: '10000', MAX_OBJECT_BYTES: '5000' });
    try {
      for (const n of [1, 2, 3, 4, 5]) await send(proxy.dataUrl, proxy.via(origin.url, `/b${n}`));
      const stats = (await send(proxy.adminUrl, '/stats')).json<{ entries: number; evictions: number; size_bytes: number }>();
      expect(stats.entries).toBe(2);
      expect(stats.evictions).toBe(3);
      expect(stats.size_bytes).toBeLessThanOrEqual(10_000);
    } finally {
      await proxy.close();
      await origin.close();
    }
  });
});
