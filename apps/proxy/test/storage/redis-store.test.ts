import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createSilentLogger } from '../../src/logger.js';
import { RedisAvailability } from '../../src/storage/redis/availability.js';
import { createRedisClient } from '../../src/storage/redis/connection.js';
import { createRedisBackend, newReplicaId } from '../../src/storage/redis/redis-backend.js';
import { RedisKeys } from '../../src/storage/redis/keys.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { manualClock } from '../helpers/clock.js';
import { storedResponse } from '../helpers/entries.js';
import { freshPrefix, startRedisServer, type RedisServer } from '../helpers/redis.js';
import { describeStoreContract } from './store-contract.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis.stop();
});

function config(prefix: string, extra: Record<string, string> = {}) {
  return parseConfig({ CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, ...extra });
}

describeStoreContract('redis', async (clock) => {
  const client = createRedisClient(config(freshPrefix()));
  const availability = new RedisAvailability(client, createSilentLogger());
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  const store = new RedisStore({
    client,
    keys: new RedisKeys(freshPrefix()),
    availability,
    clock: clock.now,
    logger: createSilentLogger(),
  });
  return {
    store,
    clock,
    close: async () => {
      availability.close();
      await client.quit();
    },
  };
});

describeStoreContract('redis with the L1 tier', async (clock) => {
  const backend = createRedisBackend({
    config: config(freshPrefix()),
    clock: clock.now,
    logger: createSilentLogger(),
    replicaId: newReplicaId(),
  });
  await backend.ready();
  return { store: backend.store, clock, close: () => backend.close() };
});

/** A backend on a fresh prefix, and a plain client to look at what it wrote; both closed afterwards. */
async function withInspectedBackend(
  test: (t: { prefix: string; clock: ReturnType<typeof manualClock>; backend: ReturnType<typeof createRedisBackend>; inspector: Redis }) => Promise<void>,
): Promise<void> {
  const prefix = freshPrefix();
  const clock = manualClock();
  const backend = createRedisBackend({ config: config(prefix), clock: clock.now, logger: createSilentLogger(), replicaId: 'r1' });
  await backend.ready();
  const inspector = new Redis(redis.port, '127.0.0.1');
  try {
    await test({ prefix, clock, backend, inspector });
  } finally {
    inspector.disconnect();
    await backend.close();
  }
}

describe('Redis key layout', () => {
  it('keeps every key under REDIS_KEY_PREFIX, sets an expiry on write, and stores the body as raw bytes', () =>
    withInspectedBackend(async ({ prefix, clock, backend, inspector }) => {
      const body = Buffer.from([0, 255, 10, 13, 0x7b]);
      const entry = storedResponse({ url: '/raw', body, now: clock.now(), lifetimeSec: 60, keepStaleSec: 30 });
      await backend.store.put(entry);
      const keys = await inspector.keys(`${prefix}*`);
      expect(keys).toEqual([`${prefix}e:${entry.key}`]);
      const ttl = await inspector.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(80_000);
      expect(ttl).toBeLessThanOrEqual(90_000);
      const stored = await inspector.hgetBuffer(keys[0]!, `b:${entry.variantKey}`);
      expect(stored?.equals(body)).toBe(true);
      expect(await inspector.hget(keys[0]!, 'u')).toBe(entry.url);
    }));

  it('treats malformed or tampered metadata as absent instead of trusting it', () =>
    withInspectedBackend(async ({ prefix, clock, backend, inspector }) => {
      const entry = storedResponse({ url: '/evil', now: clock.now() });
      const key = `${prefix}e:${entry.key}`;
      await inspector.hset(key, 'u', entry.url, `m:${entry.variantKey}`, '{"__proto__":{"polluted":true},"v":1}', `b:${entry.variantKey}`, 'x');
      expect(await backend.store.getVariants(entry.key)).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }));

  it('clears only its own prefix, never other keys in the database', () =>
    withInspectedBackend(async ({ clock, backend, inspector }) => {
      await inspector.set('someone-else:key', 'keep me');
      try {
        await backend.store.put(storedResponse({ url: '/mine', now: clock.now() }));
        expect(await backend.store.clear()).toEqual({ urls: 1, responses: 1 });
        expect(await inspector.get('someone-else:key')).toBe('keep me');
      } finally {
        await inspector.del('someone-else:key');
      }
    }));
});

describe('Redis usage', () => {
  it("counts only this deployment's entries (its key prefix) and reports no bound without maxmemory", () =>
    withInspectedBackend(async ({ clock, backend, inspector }) => {
      await inspector.config('SET', 'maxmemory', '0');
      await inspector.set('someone-else:key', 'not ours');
      try {
        await backend.store.put(storedResponse({ url: '/one', now: clock.now() }));
        await backend.store.put(storedResponse({ url: '/two', vary: { 'accept-language': 'en' }, now: clock.now() }));
        await backend.store.put(storedResponse({ url: '/two', vary: { 'accept-language': 'de' }, now: clock.now() }));
        const usage = await backend.store.usage();
        expect(usage).toMatchObject({ entries: 3, urls: 2, maxEntries: 0, maxBytes: 0 });
        expect(usage.sizeBytes).toBeGreaterThan(0);
      } finally {
        await inspector.del('someone-else:key');
      }
    }));

  it('reuses a count for two seconds, and recounts at once after a removal made here', () =>
    withInspectedBackend(async ({ clock, backend }) => {
      await backend.store.put(storedResponse({ url: '/a', now: clock.now() }));
      expect((await backend.store.usage()).urls).toBe(1);
      await backend.store.put(storedResponse({ url: '/b', now: clock.now() }));
      expect((await backend.store.usage()).urls).toBe(1);
      clock.advance(2_000);
      expect((await backend.store.usage()).urls).toBe(2);
      await backend.store.purgePrefix('https://example.test/a');
      expect((await backend.store.usage()).urls).toBe(1);
    }));
});

/** A RedisStore without the L1 tier on a fresh prefix, and a plain client counting the commands Redis ran. */
async function withPlainStore(test: (t: { clock: ReturnType<typeof manualClock>; store: RedisStore; inspector: Redis }) => Promise<void>): Promise<void> {
  const clock = manualClock();
  const client = createRedisClient(config(freshPrefix()));
  const availability = new RedisAvailability(client, createSilentLogger());
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  const store = new RedisStore({ client, keys: new RedisKeys(freshPrefix()), availability, clock: clock.now, logger: createSilentLogger() });
  const inspector = new Redis(redis.port, '127.0.0.1');
  try {
    await test({ clock, store, inspector });
  } finally {
    inspector.disconnect();
    availability.close();
    await client.quit();
  }
}

/** How many HGETALL commands the Redis server has run. */
async function hgetallCalls(inspector: Redis): Promise<number> {
  const stats = await inspector.info('commandstats');
  return Number(/cmdstat_hgetall:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('Redis lookups in flight', () => {
  it('answers concurrent lookups of one URL with one Redis read, byte for byte', () =>
    withPlainStore(async ({ clock, store, inspector }) => {
      const body = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => i % 251));
      const entry = storedResponse({ url: '/large', body, now: clock.now() });
      expect(await store.put(entry)).toBe(true);
      const before = await hgetallCalls(inspector);
      const lookups = await Promise.all(Array.from({ length: 20 }, () => store.getVariants(entry.key)));
      expect((await hgetallCalls(inspector)) - before).toBe(1);
      for (const variants of lookups) expect(variants?.[0]?.body.equals(body)).toBe(true);
      // Once answered, the next lookup reads again.
      await store.getVariants(entry.key);
      expect((await hgetallCalls(inspector)) - before).toBe(2);
    }));

  it('never lets a lookup that starts after a delete join a read that began before it', () =>
    withPlainStore(async ({ clock, store }) => {
      const entry = storedResponse({ url: '/deleted', now: clock.now() });
      await store.put(entry);
      const earlier = store.getVariants(entry.key);
      expect(await store.delete(entry.key)).toBe(true);
      expect(await store.getVariants(entry.key)).toBeUndefined();
      await earlier;
    }));

  it('never lets a lookup that starts after a purge join a read that began before it', () =>
    withPlainStore(async ({ clock, store }) => {
      const entry = storedResponse({ url: '/purged/page', now: clock.now() });
      await store.put(entry);
      const earlier = store.getVariants(entry.key);
      await store.purgePrefix('https://example.test/purged/');
      expect(await store.getVariants(entry.key)).toBeUndefined();
      await earlier;
    }));
});

describe('Redis purge fences (the fences hash every fill reads)', () => {
  /** A RedisStore on a fresh prefix with the given fence settings, and a plain client to look at the hash. */
  async function withFencedStore(
    options: { fenceWindowMs?: number; maxScopedFences?: number },
    test: (t: { store: RedisStore; keys: RedisKeys; clock: ReturnType<typeof manualClock>; inspector: Redis }) => Promise<void>,
  ): Promise<void> {
    const prefix = freshPrefix();
    const client = createRedisClient(config(prefix));
    const availability = new RedisAvailability(client, createSilentLogger());
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    const clock = manualClock();
    const keys = new RedisKeys(prefix);
    const store = new RedisStore({ client, keys, availability, clock: clock.now, logger: createSilentLogger(), ...options });
    const inspector = new Redis(redis.port, '127.0.0.1');
    try {
      await test({ store, keys, clock, inspector });
    } finally {
      inspector.disconnect();
      availability.close();
      await client.quit();
    }
  }

  it('past the bound, one fence of everything replaces the purge fences: fills that began before any purge are refused, later ones stored', () =>
    withFencedStore({ maxScopedFences: 5 }, async ({ store, keys, clock, inspector }) => {
      const early = storedResponse({ url: 'https://unrelated.test/page', now: clock.now() });
      clock.advance(10);
      for (let i = 0; i < 6; i++) {
        await store.purgePrefix(`http://127.0.0.1:${10_000 + i}/api/orders`);
        clock.advance(1);
      }
      const fields = await inspector.hgetall(keys.fences);
      expect(fields).toEqual({ all: String(clock.now() - 1) });
      // Over-fencing, never under-fencing: a fill of any URL that began before the purges is refused …
      expect(await store.put(early)).toBe(false);
      // … and one that began after the newest purge is stored.
      const later = storedResponse({ url: 'https://unrelated.test/page', now: clock.now() });
      expect(await store.put(later)).toBe(true);
    }));

  it('keeps 1,000 purge fences by default, and 1,001 distinct tags become one fence of everything', () =>
    withFencedStore({}, async ({ store, keys, clock, inspector }) => {
      for (let i = 0; i < 1_000; i++) await store.purgeTag(`tag-${i}`);
      expect(await inspector.hlen(keys.fences)).toBe(1_000);
      clock.advance(1);
      await store.purgeTag('one-more');
      expect(await inspector.hgetall(keys.fences)).toEqual({ all: String(clock.now()) });
    }));

  it('forgets each fence once it is older than the window, and the hash expires a window after the last one', () =>
    withFencedStore({ fenceWindowMs: 1_000 }, async ({ store, keys, clock, inspector }) => {
      await store.purgePrefix('https://a.test/');
      clock.advance(600);
      await store.purgeTag('b');
      clock.advance(600);
      await store.purgePrefix('https://c.test/');
      expect(Object.keys(await inspector.hgetall(keys.fences)).sort()).toEqual(['p:https://c.test/', 't:b']);
      const ttl = await inspector.pttl(keys.fences);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1_000);
    }));

  it('a clear drops the purge fences it covers, and a fence never moves back in time', () =>
    withFencedStore({}, async ({ store, keys, clock, inspector }) => {
      await store.purgeTag('a');
      clock.advance(5);
      await store.clear();
      expect(await inspector.hgetall(keys.fences)).toEqual({ all: String(clock.now()) });
      clock.advance(-3); // another replica's clock, behind
      await store.clear();
      await store.purgeTag('a');
      // The later clear stays, and covers the earlier purge of `a` (dropped).
      expect(await inspector.hgetall(keys.fences)).toEqual({ all: String(clock.now() + 3) });
    }));
});
