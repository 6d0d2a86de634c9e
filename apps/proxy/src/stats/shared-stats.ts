import type { Logger } from '../logger.js';
import { emptyCounters, type Stats, type StatsCounters } from './stats.js';

/**
 * Where replicas add up their counters (Redis hashes with the Redis backend:
 * storage/redis/shared-counters.ts). Calls never throw: Redis being down reads as
 * false / undefined / [].
 */
export interface SharedCounterStore {
  /** Adds the deltas to the shared totals and to the replica's own; false when not written. */
  add(replicaId: string, deltas: readonly (readonly [name: string, delta: number])[]): Promise<boolean>;
  /** The totals as stored (text), undefined when unavailable. */
  totals(): Promise<Record<string, string> | undefined>;
  /** Each live replica's counters as stored. */
  replicas(): Promise<{ id: string; fields: Record<string, string> }[]>;
}

function parseCounters(fields: Record<string, string>): StatsCounters {
  const counters = emptyCounters();
  for (const name of Object.keys(counters) as (keyof StatsCounters)[]) {
    const value = Number(fields[name] ?? 0);
    counters[name] = Number.isFinite(value) ? value : 0;
  }
  return counters;
}

/**
 * Stats shared by every replica: each process adds what it counted to the shared store (the
 * shared totals and its own), in batches, so the hit path never waits for Redis. Deltas that
 * could not be written (Redis down) are kept and written later: nothing is lost.
 */
export class SharedStats {
  private flushed: StatsCounters = emptyCounters();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: SharedCounterStore,
    readonly replicaId: string,
    private readonly stats: Stats,
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
    if (await this.store.add(this.replicaId, deltas)) this.flushed = current;
    else this.logger.debug('stats not written to redis; kept for the next flush');
  }

  /** The totals of every replica, or undefined when Redis is unavailable. */
  async totals(): Promise<StatsCounters | undefined> {
    await this.flush();
    const fields = await this.store.totals();
    return fields && parseCounters(fields);
  }

  /** Each live replica's own counters. */
  async replicas(): Promise<{ id: string; counters: StatsCounters }[]> {
    return (await this.store.replicas()).map((r) => ({ id: r.id, counters: parseCounters(r.fields) }));
  }
}
