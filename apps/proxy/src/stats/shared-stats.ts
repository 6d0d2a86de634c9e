import type { Logger } from '../logger.js';
import type { RedisAvailability } from '../storage/redis/availability.js';
import type { RedisClient } from '../storage/redis/connection.js';
import type { RedisKeys } from '../storage/redis/keys.js';
import { emptyCounters, type Stats, type StatsCounters } from './stats.js';

const REPLICA_TTL_SEC = 24 * 60 * 60;

function parseCounters(fields: Record<string, string>): StatsCounters {
  const counters = emptyCounters();
  for (const name of Object.keys(counters) as (keyof StatsCounters)[]) {
    const value = Number(fields[name] ?? 0);
    counters[name] = Number.isFinite(value) ? value : 0;
  }
  return counters;
}

/**
 * Stats shared by every replica: each process adds what it counted to Redis hashes (the shared
 * totals and its own), in batches, so the hit path never waits for Redis. Deltas that could not
 * be written (Redis down) are kept and written later: nothing is lost.
 */
export class SharedStats {
  private flushed: StatsCounters = emptyCounters();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeys,
    readonly replicaId: string,
    private readonly stats: Stats,
    private readonly availability: RedisAvailability,
    private readonly logger: Logger,
  ) {}

  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Writes what was counted since the last flush. */
  flush(): Promise<void> {
    this.flushing ??= this.writeDeltas().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeDeltas(): Promise<void> {
    const current = { ...this.stats.counters };
    const deltas = (Object.keys(current) as (keyof StatsCounters)[])
      .map((name) => [name, current[name] - this.flushed[name]] as const)
      .filter(([, delta]) => delta !== 0);
    if (deltas.length === 0) return;
    const replicaKey = this.keys.replicaStats(this.replicaId);
    const written = await this.availability.run(
      'stats',
      async () => {
        // Separate commands: in a Cluster these keys live in different slots.
        await Promise.all([
          ...deltas.map(([name, delta]) => this.client.hincrby(this.keys.stats, name, delta)),
          ...deltas.map(([name, delta]) => this.client.hincrby(replicaKey, name, delta)),
          this.client.expire(replicaKey, REPLICA_TTL_SEC),
          this.client.sadd(this.keys.replicas, this.replicaId),
        ]);
        return true;
      },
      false,
    );
    if (written) this.flushed = current;
    else this.logger.debug('stats not written to redis; kept for the next flush');
  }

  /** The totals of every replica, or undefined when Redis is unavailable. */
  async totals(): Promise<StatsCounters | undefined> {
    await this.flush();
    return this.availability.run('stats', async () => parseCounters(await this.client.hgetall(this.keys.stats)), undefined);
  }

  /** Each live replica's own counters. */
  async replicas(): Promise<{ id: string; counters: StatsCounters }[]> {
    return this.availability.run(
      'stats',
      async () => {
        const ids = await this.client.smembers(this.keys.replicas);
        const all = await Promise.all(ids.map((id) => this.client.hgetall(this.keys.replicaStats(id))));
        const live = ids.map((id, i) => ({ id, fields: all[i]! })).filter((r) => Object.keys(r.fields).length > 0);
        const gone = ids.filter((id) => !live.some((r) => r.id === id));
        if (gone.length > 0) await this.client.srem(this.keys.replicas, ...gone);
        return live.map((r) => ({ id: r.id, counters: parseCounters(r.fields) }));
      },
      [],
    );
  }
}
