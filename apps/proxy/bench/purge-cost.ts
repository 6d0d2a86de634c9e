/**
 * `node --import tsx bench/purge-cost.ts [--entries=50000] [--runs=5]`: what one purge by prefix
 * costs the Redis store (storage/redis) with many stored URLs. Starts its own redis-server on a free
 * loopback port, stores `entries` URLs spread over 100 origins, then times `purgePrefix` of one
 * origin's path (the work a rule's `invalidate` does after each matching unsafe request) and the
 * commands it sent (from INFO commandstats). Not part of `npm test`; used to choose the purge walk
 * (see the README's "Cost of invalidate on Redis").
 */
import { Redis } from 'ioredis';
import { createSilentLogger } from '../src/logger.js';
import { RedisAvailability } from '../src/storage/redis/availability.js';
import { RedisKeys } from '../src/storage/redis/keys.js';
import { RedisStore } from '../src/storage/redis/redis-store.js';
import { storedResponse } from '../test/helpers/entries.js';
import { startRedisServer } from '../test/helpers/redis.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const entries = Number(args.get('entries') ?? 50_000);
const runs = Number(args.get('runs') ?? 5);
const ORIGINS = 100;

async function commandCalls(client: Redis): Promise<number> {
  const text = await client.info('commandstats');
  return [...text.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function scriptStats(client: Redis): Promise<{ calls: number; usec: number }> {
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await client.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}

const server = await startRedisServer();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
try {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  const now = Date.now();
  const keys = new RedisKeys('bench-purge:');
  const availability = new RedisAvailability(client, createSilentLogger());
  const store = new RedisStore({ client, keys, availability, clock: () => now, logger: createSilentLogger() });
  const BATCH = 500;
  for (let i = 0; i < entries; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, entries - i) }, (_, j) =>
        store.put(storedResponse({ url: `https://origin-${(i + j) % ORIGINS}.test/api/orders/${i + j}`, now, lifetimeSec: 3600, bodyBytes: 200 })),
      ),
    );
  }
  // Another connection reads one entry in a loop meanwhile: how long a fill's or a hit's read waits.
  const reader = client.duplicate();
  const readMs: number[] = [];
  let purging = true;
  const reading = (async () => {
    while (purging) {
      const started = performance.now();
      await reader.hgetall('bench-purge:e:none');
      readMs.push(performance.now() - started);
    }
  })();
  const scriptsBefore = await scriptStats(client);
  const timings: number[] = [];
  let calls = 0;
  for (let run = 0; run < runs; run++) {
    // Each run purges another origin, so that every run finds its entries (entries / ORIGINS of them).
    const before = await commandCalls(client);
    const started = performance.now();
    const removed = await store.purgePrefix(`https://origin-${run}.test/api/`);
    timings.push(performance.now() - started);
    calls = (await commandCalls(client)) - before - 1;
    if (removed.urls !== Math.ceil((entries - run) / ORIGINS)) throw new Error(`purged ${removed.urls} URLs`);
  }
  purging = false;
  await reading;
  reader.disconnect();
  timings.sort((a, b) => a - b);
  readMs.sort((a, b) => a - b);
  const scriptsAfter = await scriptStats(client);
  const scriptCalls = scriptsAfter.calls - scriptsBefore.calls;
  process.stdout.write(
    `${JSON.stringify({
      entries,
      runs,
      purge_median_ms: Math.round(timings[Math.floor(runs / 2)]!),
      purge_min_ms: Math.round(timings[0]!),
      commands_per_purge: calls,
      concurrent_read_median_ms: Number(readMs[Math.floor(readMs.length / 2)]!.toFixed(2)),
      concurrent_read_p99_ms: Number(readMs[Math.floor(readMs.length * 0.99)]!.toFixed(2)),
      // How long Redis is busy with one script call (PREFIX_PAGE, RECORD_FENCE) during the purges.
      script_usec_per_call: scriptCalls > 0 ? Math.round((scriptsAfter.usec - scriptsBefore.usec) / scriptCalls) : null,
    })}\n`,
  );
  availability.close();
} finally {
  client.disconnect();
  await server.stop();
}
