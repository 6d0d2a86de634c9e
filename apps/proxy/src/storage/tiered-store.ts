import type { InvalidationBus } from './redis/invalidation-bus.js';
import type { RedisStore } from './redis/redis-store.js';
import type { MemoryStore } from './memory-store.js';
import type { CacheAdmin, CacheStore, ListOptions, ListPage, MaybePromise, RemovedCount, StoreUsage, StoredResponse } from './types.js';

/**
 * Redis with an optional in-process L1 tier in front (L1_MAX_BYTES): hot hits cost no round trip.
 * L1 holds copies of Redis entries with their own expiry (never longer than in Redis), and every
 * change anywhere is published so that every replica drops its copy (InvalidationBus).
 */
export class TieredStore implements CacheStore, CacheAdmin {
  constructor(
    private readonly redis: RedisStore,
    private readonly l1: MemoryStore | undefined,
    private readonly bus: InvalidationBus,
  ) {
    bus.onInvalidate((message) => {
      // A lookup after the invalidation must not join a Redis read that began before it (and
      // would then copy what was dropped into L1 under a newer generation).
      redis.forgetReads(message.op === 'key' ? message.key : undefined);
      if (!this.l1) return;
      if (message.op === 'key') this.l1.delete(message.key);
      else if (message.op === 'purge') this.l1.purgePrefix(message.prefix);
      else if (message.op === 'tag') this.l1.purgeTag(message.tag);
      else this.l1.clear();
    });
  }

  /** Whether this replica's L1 tier holds the key (diagnostics and tests). */
  hasLocalCopy(key: string): boolean {
    return this.l1?.info(key) !== undefined;
  }

  getVariants(key: string): MaybePromise<readonly StoredResponse[] | undefined> {
    const local = this.l1?.getVariants(key);
    if (local !== undefined) return local;
    const generation = this.bus.generation;
    return this.redis.getVariants(key).then((variants) => {
      // A copy read while an invalidation for it arrived would resurrect what was just dropped.
      if (variants && this.l1 && !this.bus.invalidatedSince(key, generation)) {
        for (const variant of variants) this.l1.put(variant);
      }
      return variants;
    });
  }

  /**
   * Redis first: a fill that an invalidation fenced off (on any replica) is refused there and never
   * reaches L1. Others are told once Redis has the new entry, so a replica that re-reads gets it.
   */
  async put(entry: StoredResponse): Promise<boolean> {
    const stored = await this.redis.put(entry);
    if (!stored) return false;
    this.l1?.put(entry);
    this.bus.publish({ op: 'key', key: entry.key });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    this.l1?.delete(key);
    const deleted = await this.redis.delete(key);
    this.bus.publish({ op: 'key', key });
    return deleted;
  }

  info(key: string): Promise<readonly StoredResponse[] | undefined> {
    return this.redis.info(key);
  }

  async clear(): Promise<RemovedCount> {
    const cleared = await this.redis.clear();
    this.l1?.clear();
    this.bus.publish({ op: 'clear' });
    return cleared;
  }

  list(options: ListOptions): Promise<ListPage> {
    return this.redis.list(options);
  }

  async purgePrefix(prefix: string): Promise<RemovedCount> {
    const purged = await this.redis.purgePrefix(prefix);
    this.l1?.purgePrefix(prefix);
    this.bus.publish({ op: 'purge', prefix });
    return purged;
  }

  async purgeTag(tag: string): Promise<RemovedCount> {
    const purged = await this.redis.purgeTag(tag);
    this.l1?.purgeTag(tag);
    this.bus.publish({ op: 'tag', tag });
    return purged;
  }

  usage(): Promise<StoreUsage> {
    return this.redis.usage();
  }

  check(): Promise<{ ok: boolean; detail?: string }> {
    return this.redis.check();
  }
}
