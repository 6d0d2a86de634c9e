import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/storage/memory-store.js';
import type { StoredResponse } from '../../src/storage/types.js';
import { storedResponse } from '../helpers/entries.js';
import { send } from '../helpers/http.js';
import { manualClock } from '../helpers/clock.js';
import { startOrigin } from '../helpers/origin.js';
import { startProxy } from '../helpers/proxy.js';

const MINUTE_MS = 60_000;

function setup(options: { maxEntries?: number; maxBytes?: number; maxVariantsPerKey?: number } = {}) {
  const clock = manualClock();
  const store = new MemoryStore({
    maxEntries: options.maxEntries ?? 100,
    maxBytes: options.maxBytes ?? 1_000_000,
    clock: clock.now,
    ...(options.maxVariantsPerKey === undefined ? {} : { maxVariantsPerKey: options.maxVariantsPerKey }),
  });
  /** An entry for `path`, received now, kept for `ttlMs` (default a minute). */
  const entry = (path: string, more: { vary?: Record<string, string | null>; bodyBytes?: number; ttlMs?: number } = {}) =>
    storedResponse({
      url: path,
      now: clock.now(),
      lifetimeSec: (more.ttlMs ?? MINUTE_MS) / 1000,
      vary: more.vary,
      bodyBytes: more.bodyBytes,
    });
  return { clock, store, entry };
}

/** Variant keys of what the store holds for a primary key, to compare without object identity. */
function variantKeys(variants: readonly StoredResponse[] | undefined): string[] | undefined {
  return variants?.map((v) => v.variantKey);
}

describe('MemoryStore', () => {
  describe('purge fences', () => {
    it('keeps 1,000 purge fences; one more makes them one fence of everything, refusing fills that began before it and storing later ones', () => {
      const { clock, store, entry } = setup();
      const early = entry('https://unrelated.test/page');
      clock.advance(1);
      for (let i = 0; i < 1_000; i++) store.purgePrefix(`http://127.0.0.1:${10_000 + i}/api/orders`);
      expect(store.put(early)).toBe(true);
      const slower = entry('https://unrelated.test/other');
      clock.advance(1);
      store.purgeTag('one-more');
      expect(store.put(slower)).toBe(false);
      expect(store.put(entry('https://unrelated.test/other'))).toBe(true);
    });
  });

  describe('variants of a URL (RFC 9111 §4.1)', () => {
    it('has no variants for a key never stored', () => {
      const { store } = setup();
      expect(store.getVariants('unknown')).toBeUndefined();
      expect(store.info('unknown')).toBeUndefined();
    });

    it('returns a stored response under its primary key', () => {
      const { store, entry } = setup();
      const a = entry('/a');
      expect(store.put(a)).toBe(true);
      expect(store.getVariants(a.key)).toEqual([a]);
      expect(store.getVariants(a.key)?.[0]).toBe(a);
    });

    it('keeps the variants of one URL side by side under one primary key', () => {
      const { store, entry } = setup();
      const gzip = entry('/a', { vary: { 'accept-encoding': 'gzip' } });
      const br = entry('/a', { vary: { 'accept-encoding': 'br' } });
      store.put(gzip);
      store.put(br);
      expect(gzip.key).toBe(br.key);
      expect(variantKeys(store.getVariants(gzip.key))).toEqual([gzip.variantKey, br.variantKey]);
      expect(store.usage().entries).toBe(2);
      expect(store.usage().sizeBytes).toBe(gzip.size + br.size);
    });

    it('replaces the variant with the same variant key', () => {
      const { store, entry, clock } = setup();
      const first = entry('/a', { vary: { 'accept-encoding': 'gzip' } });
      const other = entry('/a', { vary: { 'accept-encoding': 'br' } });
      store.put(first);
      store.put(other);
      clock.advance(1_000);
      const second = entry('/a', { vary: { 'accept-encoding': 'gzip' }, bodyBytes: 50 });
      expect(second.variantKey).toBe(first.variantKey);
      expect(store.put(second)).toBe(true);
      const variants = store.getVariants(first.key);
      expect(variants).toHaveLength(2);
      expect(variants).toContain(second);
      expect(variants).toContain(other);
      expect(variants).not.toContain(first);
      expect(store.usage()).toMatchObject({ entries: 2, sizeBytes: other.size + second.size });
    });

    it('replaces a response that varies on nothing', () => {
      const { store, entry } = setup();
      const first = entry('/a');
      const second = entry('/a', { bodyBytes: 99 });
      store.put(first);
      store.put(second);
      expect(store.getVariants(first.key)).toEqual([second]);
      expect(store.usage()).toMatchObject({ entries: 1, sizeBytes: second.size });
    });

    it('keeps URLs apart', () => {
      const { store, entry } = setup();
      const a = entry('/a');
      const b = entry('/b');
      store.put(a);
      store.put(b);
      expect(store.getVariants(a.key)).toEqual([a]);
      expect(store.getVariants(b.key)).toEqual([b]);
    });
  });

  describe('delete and clear', () => {
    it('deletes every variant of a primary key (RFC 9111 §4.4)', () => {
      const { store, entry } = setup();
      const gzip = entry('/a', { vary: { 'accept-encoding': 'gzip' } });
      const br = entry('/a', { vary: { 'accept-encoding': 'br' } });
      const b = entry('/b');
      [gzip, br, b].forEach((e) => store.put(e));
      expect(store.delete(gzip.key)).toBe(true);
      expect(store.getVariants(gzip.key)).toBeUndefined();
      expect(store.getVariants(b.key)).toEqual([b]);
      expect(store.usage()).toMatchObject({ entries: 1, sizeBytes: b.size, evictions: 0 });
    });

    it('reports false when there is nothing to delete', () => {
      const { store } = setup();
      expect(store.delete('unknown')).toBe(false);
    });

    it('clears every entry and reports the URLs and variants it removed', () => {
      const { store, entry } = setup();
      store.put(entry('/a', { vary: { accept: 'a' } }));
      store.put(entry('/a', { vary: { accept: 'b' } }));
      store.put(entry('/b'));
      expect(store.clear()).toEqual({ urls: 2, responses: 3 });
      expect(store.usage()).toMatchObject({ entries: 0, sizeBytes: 0, evictions: 0 });
      expect(store.clear()).toEqual({ urls: 0, responses: 0 });
    });
  });

  describe('info (admin API)', () => {
    it('returns every variant of a primary key', () => {
      const { store, entry } = setup();
      const gzip = entry('/a', { vary: { 'accept-encoding': 'gzip' } });
      const br = entry('/a', { vary: { 'accept-encoding': 'br' } });
      store.put(gzip);
      store.put(br);
      expect(variantKeys(store.info(gzip.key))).toEqual([gzip.variantKey, br.variantKey]);
    });

    it('does not refresh recency when the admin API looks at an entry', () => {
      const { store, entry } = setup({ maxEntries: 2 });
      const [a, b, c] = ['/a', '/b', '/c'].map((p) => entry(p));
      store.put(a!);
      store.put(b!);
      store.info(a!.key);
      store.put(c!);
      expect(store.getVariants(a!.key)).toBeUndefined();
      expect(store.getVariants(b!.key)).toBeDefined();
    });
  });

  describe('entry bound (MAX_CACHE_SIZE counts variants)', () => {
    it('evicts the least recently used URL beyond the bound, and counts it', () => {
      const { store, entry } = setup({ maxEntries: 2 });
      const [a, b, c] = ['/a', '/b', '/c'].map((p) => entry(p));
      store.put(a!);
      store.put(b!);
      store.getVariants(a!.key); // a is now more recent than b
      store.put(c!);
      expect(store.getVariants(a!.key)).toBeDefined();
      expect(store.getVariants(b!.key)).toBeUndefined();
      expect(store.getVariants(c!.key)).toBeDefined();
      expect(store.usage()).toMatchObject({ entries: 2, evictions: 1, maxEntries: 2 });
    });

    it('counts each variant against the bound', () => {
      const { store, entry } = setup({ maxEntries: 3 });
      const a1 = entry('/a', { vary: { accept: '1' } });
      const a2 = entry('/a', { vary: { accept: '2' } });
      const b = entry('/b');
      [a1, a2, b].forEach((e) => store.put(e));
      expect(store.usage().entries).toBe(3);
      const c = entry('/c');
      store.put(c);
      // /a is the least recently used URL: both its variants go, and both count as evictions.
      expect(store.getVariants(a1.key)).toBeUndefined();
      expect(store.getVariants(b.key)).toEqual([b]);
      expect(store.getVariants(c.key)).toEqual([c]);
      expect(store.usage()).toMatchObject({ entries: 2, evictions: 2 });
    });

    it('evicts another URL to make room for a new variant of a stored one', () => {
      const { store, entry } = setup({ maxEntries: 2 });
      const a1 = entry('/a', { vary: { accept: '1' } });
      const b = entry('/b');
      store.put(a1);
      store.put(b);
      const a2 = entry('/a', { vary: { accept: '2' } });
      expect(store.put(a2)).toBe(true);
      expect(variantKeys(store.getVariants(a1.key))).toEqual([a1.variantKey, a2.variantKey]);
      expect(store.getVariants(b.key)).toBeUndefined();
      expect(store.usage()).toMatchObject({ entries: 2, evictions: 1 });
    });

    it('evicts nothing when a variant replaces one with the same variant key', () => {
      const { store, entry } = setup({ maxEntries: 2 });
      const a = entry('/a');
      const b = entry('/b');
      store.put(a);
      store.put(b);
      store.put(entry('/a', { bodyBytes: 20 }));
      expect(store.getVariants(b.key)).toEqual([b]);
      expect(store.usage()).toMatchObject({ entries: 2, evictions: 0 });
    });

    it('never holds more variants than the bound, even for a single URL', () => {
      const { store, entry } = setup({ maxEntries: 2 });
      for (const accept of ['1', '2', '3']) store.put(entry('/a', { vary: { accept } }));
      const variants = store.getVariants(entry('/a').key) ?? [];
      expect(variants.length).toBeLessThanOrEqual(2);
      expect(store.usage().entries).toBeLessThanOrEqual(2);
    });
  });

  describe('byte bound (MAX_CACHE_BYTES)', () => {
    it('evicts least recently used URLs to stay within the byte bound, and counts them', () => {
      // Paths of equal length, so every entry has the same size.
      const size = storedResponse({ url: '/x', bodyBytes: 4_000 }).size;
      const { store, entry } = setup({ maxBytes: 3 * size });
      const entries = ['/a', '/b', '/c', '/d', '/e'].map((p) => entry(p, { bodyBytes: 4_000 }));
      for (const e of entries) store.put(e);
      const usage = store.usage();
      expect(usage.entries).toBe(3);
      expect(usage.sizeBytes).toBe(3 * size);
      expect(usage.sizeBytes).toBeLessThanOrEqual(usage.maxBytes);
      expect(usage.evictions).toBe(2);
      expect(store.getVariants(entries[0]!.key)).toBeUndefined();
      expect(store.getVariants(entries[1]!.key)).toBeUndefined();
      expect(store.getVariants(entries[4]!.key)).toBeDefined();
    });

    it('refuses an entry larger than the whole byte bound without evicting others', () => {
      const { store, entry } = setup({ maxBytes: 2_000 });
      const small = entry('/small');
      store.put(small);
      const huge = entry('/huge', { bodyBytes: 5_000 });
      expect(huge.size).toBeGreaterThan(2_000);
      expect(store.put(huge)).toBe(false);
      expect(store.getVariants(huge.key)).toBeUndefined();
      expect(store.getVariants(small.key)).toEqual([small]);
      expect(store.usage()).toMatchObject({ entries: 1, evictions: 0 });
    });

    it('counts the bytes of every variant of a URL', () => {
      const { store, entry } = setup();
      const a1 = entry('/a', { vary: { accept: '1' }, bodyBytes: 100 });
      const a2 = entry('/a', { vary: { accept: '2' }, bodyBytes: 300 });
      store.put(a1);
      store.put(a2);
      expect(store.usage().sizeBytes).toBe(a1.size + a2.size);
      store.delete(a1.key);
      expect(store.usage().sizeBytes).toBe(0);
    });
  });

  describe('TTL (expiresAt, injected clock)', () => {
    it('drops an entry once the injected clock reaches its expiresAt, without waiting for wall time', () => {
      const { store, entry, clock } = setup();
      const e = entry('/ttl', { ttlMs: 5_000 });
      store.put(e);
      clock.advance(4_999);
      expect(store.getVariants(e.key)).toEqual([e]);
      expect(store.info(e.key)).toEqual([e]);
      clock.advance(1);
      expect(store.getVariants(e.key)).toBeUndefined();
      expect(store.info(e.key)).toBeUndefined();
    });

    it('keeps a stale entry until expiresAt, which storage honours rather than staleAt', () => {
      const { store, clock } = setup();
      const e = storedResponse({ url: '/stale', now: clock.now(), lifetimeSec: 1, keepStaleSec: 60 });
      store.put(e);
      clock.advance(60_999); // stale for a minute, a millisecond before expiresAt
      expect(store.getVariants(e.key)).toEqual([e]);
      clock.advance(2);
      expect(store.getVariants(e.key)).toBeUndefined();
    });

    it('does not extend the TTL when an entry is read', () => {
      const { store, entry, clock } = setup();
      const e = entry('/ttl', { ttlMs: 5_000 });
      store.put(e);
      clock.advance(3_000);
      expect(store.getVariants(e.key)).toBeDefined();
      clock.advance(2_001); // past the original expiresAt, well within 5 s of the read
      expect(store.getVariants(e.key)).toBeUndefined();
    });

    it('refuses an entry that has already expired', () => {
      const { store, clock } = setup();
      const expired = storedResponse({ url: '/old', now: clock.now() }, { expiresAt: clock.now() });
      expect(store.put(expired)).toBe(false);
      expect(store.getVariants(expired.key)).toBeUndefined();
      expect(store.usage().entries).toBe(0);
    });

    it('drops each variant at its own expiresAt', () => {
      const { store, entry, clock } = setup();
      const short = entry('/a', { vary: { accept: 'short' }, ttlMs: 5_000 });
      const long = entry('/a', { vary: { accept: 'long' }, ttlMs: 10_000 });
      store.put(short);
      store.put(long);
      clock.advance(5_000);
      expect(store.getVariants(short.key)).toEqual([long]);
      expect(store.info(short.key)).toEqual([long]);
      clock.advance(5_000);
      expect(store.getVariants(short.key)).toBeUndefined();
      expect(store.info(short.key)).toBeUndefined();
    });

    it('drops an expired variant when a new variant of the URL is stored', () => {
      const { store, entry, clock } = setup();
      const short = entry('/a', { vary: { accept: 'short' }, ttlMs: 5_000 });
      const long = entry('/a', { vary: { accept: 'long' }, ttlMs: 60_000 });
      store.put(short);
      store.put(long);
      clock.advance(6_000);
      const next = entry('/a', { vary: { accept: 'next' } });
      store.put(next);
      expect(variantKeys(store.info(short.key))).toEqual([long.variantKey, next.variantKey]);
    });

    it('keeps the URL as long as its longest-lived variant, even when the newest expires sooner', () => {
      const { store, entry, clock } = setup();
      const long = entry('/a', { vary: { accept: 'long' }, ttlMs: 60_000 });
      store.put(long);
      store.put(entry('/a', { vary: { accept: 'short' }, ttlMs: 5_000 }));
      clock.advance(10_000);
      expect(store.getVariants(long.key)).toEqual([long]);
    });
  });

  describe('maxVariantsPerKey', () => {
    it('keeps at most 32 variants of a URL by default, dropping the oldest', () => {
      const { store, entry } = setup();
      const all = Array.from({ length: 33 }, (_, i) => entry('/ua', { vary: { 'user-agent': `agent ${i}` } }));
      for (const e of all) store.put(e);
      expect(variantKeys(store.getVariants(all[0]!.key))).toEqual(all.slice(1).map((e) => e.variantKey));
      expect(store.usage().entries).toBe(32);
    });

    it('drops the oldest variant beyond the configured number', () => {
      const { store, entry } = setup({ maxVariantsPerKey: 2 });
      const [v1, v2, v3] = ['1', '2', '3'].map((accept) => entry('/a', { vary: { accept } }));
      store.put(v1!);
      store.put(v2!);
      store.put(v3!);
      expect(variantKeys(store.getVariants(v1!.key))).toEqual([v2!.variantKey, v3!.variantKey]);
      expect(store.usage()).toMatchObject({ entries: 2, sizeBytes: v2!.size + v3!.size });
    });

    it('counts a replaced variant as the newest', () => {
      const { store, entry } = setup({ maxVariantsPerKey: 2 });
      const v1 = entry('/a', { vary: { accept: '1' } });
      const v2 = entry('/a', { vary: { accept: '2' } });
      store.put(v1);
      store.put(v2);
      store.put(entry('/a', { vary: { accept: '1' } })); // v1 again: now v2 is the oldest
      const v3 = entry('/a', { vary: { accept: '3' } });
      store.put(v3);
      expect(variantKeys(store.getVariants(v1.key))).toEqual([v1.variantKey, v3.variantKey]);
    });

    it('keeps only the newest variant when the limit is 1', () => {
      const { store, entry } = setup({ maxVariantsPerKey: 1 });
      const v1 = entry('/a', { vary: { accept: '1' } });
      const v2 = entry('/a', { vary: { accept: '2' } });
      store.put(v1);
      store.put(v2);
      expect(variantKeys(store.getVariants(v1.key))).toEqual([v2.variantKey]);
      expect(store.usage().entries).toBe(1);
    });
  });

  it('reports its bounds and a healthy backend', () => {
    const { store } = setup({ maxEntries: 7, maxBytes: 12_345 });
    expect(store.usage()).toEqual({ entries: 0, urls: 0, sizeBytes: 0, maxEntries: 7, maxBytes: 12_345, evictions: 0 });
    expect(store.check()).toEqual({ ok: true });
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
