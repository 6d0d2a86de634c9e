import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { MemoryStore } from '../memory-store.js';
import { TieredStore } from '../tiered-store.js';
import { RedisAvailability } from './availability.js';
import { createRedisClient, redisTopology } from './connection.js';
import { InvalidationBus } from './invalidation-bus.js';
import { RedisKeys } from './keys.js';
import { RedisStore } from './redis-store.js';
import { RedisSharedCounters } from './shared-counters.js';
import { fenceWindowFor } from '../invalidation-fence.js';

export interface RedisBackend {
  store: TieredStore;
  availability: RedisAvailability;
  /** The stats counters every replica adds up. */
  sharedCounters: RedisSharedCounters;
  /** Resolves once commands and invalidations both flow (or after `timeoutMs`, whichever is first). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A process's identity among the replicas sharing one Redis. */
export function newReplicaId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The L1 tier holds at most this many URLs besides its byte bound. */
const L1_MAX_ENTRIES = 100_000;

/** Connections (commands + pub/sub), the Redis store, the optional L1 tier and the invalidation bus. */
export function createRedisBackend(options: {
  config: Config;
  clock: Clock;
  logger: Logger;
  replicaId: string;
}): RedisBackend {
  const { config, clock, logger } = options;
  const client = createRedisClient(config);
  const subscriber = client.duplicate();
  const keys = new RedisKeys(config.REDIS_KEY_PREFIX);
  const availability = new RedisAvailability(client, logger);
  const fenceWindowMs = fenceWindowFor(config.UPSTREAM_RESPONSE_DEADLINE_MS);
  const redis = new RedisStore({ client, keys, availability, clock, logger, fenceWindowMs });
  const l1 =
    config.L1_MAX_BYTES > 0
      ? new MemoryStore({ maxEntries: L1_MAX_ENTRIES, maxBytes: config.L1_MAX_BYTES, clock, fenceWindowMs })
      : undefined;
  const bus = new InvalidationBus(client, subscriber, keys.invalidationChannel, options.replicaId, availability, logger);
  // Connection errors are reported by RedisAvailability; the subscriber's would otherwise be unhandled.
  subscriber.on('error', () => undefined);
  logger.info(
    { topology: redisTopology(config), prefix: config.REDIS_KEY_PREFIX, l1_max_bytes: config.L1_MAX_BYTES },
    'redis backend configured',
  );
  return {
    store: new TieredStore(redis, l1, bus),
    availability,
    sharedCounters: new RedisSharedCounters(client, keys, availability),
    ready: (timeoutMs = 5000) => Promise.race([bus.subscribed(), delay(timeoutMs)]),
    close: async () => {
      availability.close();
      subscriber.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
