import type { RedisAvailability } from './availability.js';
import type { RedisClient } from './connection.js';
import type { RedisKeys } from './keys.js';

/** A replica that stopped writing is forgotten after a day. */
const REPLICA_TTL_SEC = 24 * 60 * 60;

/**
 * Counters shared by every replica, in Redis hashes: the totals, and each replica's own (kept
 * while the replica writes). Values are read back as the raw hash fields; the stats layer gives
 * them meaning. Every call goes through the availability breaker and never throws.
 */
export class RedisSharedCounters {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    private readonly availability: RedisAvailability,
  ) {}

  /** Adds each delta to the totals and to the replica's own hash; false when Redis did not take them. */
  add(replicaId: string, deltas: readonly (readonly [name: string, delta: number])[]): Promise<boolean> {
    const replicaKey = this.keys.replicaStats(replicaId);
    return this.availability.run(
      'stats',
      async () => {
        // Separate commands: in a Cluster these keys live in different slots.
        await Promise.all([
          ...deltas.map(([name, delta]) => this.client.hincrby(this.keys.stats, name, delta)),
          ...deltas.map(([name, delta]) => this.client.hincrby(replicaKey, name, delta)),
          this.client.expire(replicaKey, REPLICA_TTL_SEC),
          this.client.sadd(this.keys.replicas, replicaId),
        ]);
        return true;
      },
      false,
    );
  }

  /** The totals' fields, or undefined when Redis is unavailable. */
  totals(): Promise<Record<string, string> | undefined> {
    return this.availability.run('stats', () => this.client.hgetall(this.keys.stats), undefined);
  }

  /** Each live replica's fields; replicas whose hash expired are forgotten. */
  replicas(): Promise<{ id: string; fields: Record<string, string> }[]> {
    return this.availability.run(
      'stats',
      async () => {
        const ids = await this.client.smembers(this.keys.replicas);
        const all = await Promise.all(ids.map((id) => this.client.hgetall(this.keys.replicaStats(id))));
        const live = ids.map((id, i) => ({ id, fields: all[i]! })).filter((r) => Object.keys(r.fields).length > 0);
        const gone = ids.filter((id) => !live.some((r) => r.id === id));
        if (gone.length > 0) await this.client.srem(this.keys.replicas, ...gone);
        return live;
      },
      [],
    );
  }
}
