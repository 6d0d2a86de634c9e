import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { CollapsedPurges } from '../../src/data-plane/collapsed-purges.js';
import { createSilentLogger } from '../../src/logger.js';
import { RedisAvailability } from '../../src/storage/redis/availability.js';
import { createRedisClient } from '../../src/storage/redis/connection.js';
import { RedisKeys } from '../../src/storage/redis/keys.js';
import { RedisStore } from '../../src/storage/redis/redis-store.js';
import { manualClock } from '../helpers/clock.js';
import { storedResponse } from '../helpers/entries.js';
import { freshPrefix, startRedisServer, type RedisServer } from '../helpers/redis.js';

/** A purge the test lets finish: `started` counts the runs, `finish(i)` ends run i (0-based). */
function gatedPurges() {
  const gates: (() => void)[] = [];
  const opened: Promise<void>[] = [];
  let started = 0;
  return {
    get started() {
      return started;
    },
    purge: () => {
      const index = started++;
      opened[index] ??= new Promise<void>((resolve) => (gates[index] = resolve));
      return opened[index];
    },
    finish(index: number) {
      opened[index] ??= new Promise<void>((resolve) => (gates[index] = resolve));
      gates[index]!();
    },
  };
}

function settled(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

describe('CollapsedPurges', () => {
  it('runs one purge per scope at a time, and queues one more run for every call made meanwhile', async () => {
    const purges = gatedPurges();
    const collapsed = new CollapsedPurges();
    const first = collapsed.run('prefix a', purges.purge);
    const meanwhile = Array.from({ length: 10 }, () => collapsed.run('prefix a', purges.purge));
    await vi.waitFor(() => expect(purges.started).toBe(1));
    expect(collapsed.waiting).toBe(10);
    const late = settled(Promise.all(meanwhile));
    purges.finish(0);
    await first;
    // The queued run begins after the first ends: it covers every call made while the first ran.
    await vi.waitFor(() => expect(purges.started).toBe(2));
    expect(late.done).toBe(false);
    // A call during the second run waits for a third, which begins after the second ends.
    const third = collapsed.run('prefix a', purges.purge);
    const thirdState = settled(third);
    purges.finish(1);
    await Promise.all(meanwhile);
    expect(thirdState.done).toBe(false);
    await vi.waitFor(() => expect(purges.started).toBe(3));
    purges.finish(2);
    await third;
    expect(purges.started).toBe(3);
    expect(collapsed.activeScopes).toBe(0);
  });

  it('keeps scopes apart: a purge of another prefix or a tag runs at once', async () => {
    const purges = gatedPurges();
    const collapsed = new CollapsedPurges();
    const runs = [collapsed.run('prefix a', purges.purge), collapsed.run('prefix b', purges.purge), collapsed.run('tag a', purges.purge)];
    await vi.waitFor(() => expect(purges.started).toBe(3));
    for (let i = 0; i < 3; i++) purges.finish(i);
    await Promise.all(runs);
  });

  it('runs at most maxRunsInFlight purges across scopes at once; the others start in turn as runs end', async () => {
    const purges = gatedPurges();
    const collapsed = new CollapsedPurges(2);
    const runs = ['prefix http://a.test/', 'prefix http://b.test/', 'prefix http://c.test/', 'tag d'].map((scope) => collapsed.run(scope, purges.purge));
    await vi.waitFor(() => expect(purges.started).toBe(2));
    purges.finish(0);
    await runs[0];
    await vi.waitFor(() => expect(purges.started).toBe(3));
    expect(settled(runs[3]!).done).toBe(false);
    purges.finish(1);
    await vi.waitFor(() => expect(purges.started).toBe(4));
    purges.finish(2);
    purges.finish(3);
    await Promise.all(runs);
    expect(collapsed.activeScopes).toBe(0);
  });

  it("gives every waiter a failed run's error, and starts afresh afterwards", async () => {
    const collapsed = new CollapsedPurges();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('redis is down'));
    };
    const results = await Promise.allSettled([collapsed.run('tag t', failing), collapsed.run('tag t', failing), collapsed.run('tag t', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(2);
    await collapsed.run('tag t', () => Promise.resolve());
    expect(collapsed.activeScopes).toBe(0);
  });
});

describe('CollapsedPurges over the real Redis store', () => {
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('fifty concurrent purges of one prefix cost two purge runs, and every entry under it is gone afterwards', async () => {
    const prefix = freshPrefix();
    const client = createRedisClient(parseConfig({ CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix }));
    const availability = new RedisAvailability(client, createSilentLogger());
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    const clock = manualClock();
    const store = new RedisStore({ client, keys: new RedisKeys(prefix), availability, clock: clock.now, logger: createSilentLogger() });
    try {
      const orders = Array.from({ length: 20 }, (_, i) => storedResponse({ url: `https://shop.test/api/orders/${i}`, now: clock.now() }));
      const other = storedResponse({ url: 'https://shop.test/api/users/1', now: clock.now() });
      for (const entry of [...orders, other]) expect(await store.put(entry)).toBe(true);
      clock.advance(1);
      const purgePrefix = vi.spyOn(store, 'purgePrefix');
      const collapsed = new CollapsedPurges();
      await Promise.all(
        Array.from({ length: 50 }, () => collapsed.run('prefix https://shop.test/api/orders', () => Promise.resolve(store.purgePrefix('https://shop.test/api/orders')))),
      );
      expect(purgePrefix).toHaveBeenCalledTimes(2);
      for (const entry of orders) expect(await store.getVariants(entry.key)).toBeUndefined();
      expect(await store.getVariants(other.key)).toHaveLength(1);
    } finally {
      availability.close();
      await client.quit();
    }
  });
});
