import type { Clock } from '../clock.js';

/** Counters of what the data plane did. Incremented on the hit path, so plain fields only. */
export interface StatsCounters {
  hits: number;
  misses: number;
  bypasses: number;
  errors: number;
  stores: number;
  notStoredTooLarge: number;
  invalidations: number;
  bytesFromCache: number;
  bytesFromOrigin: number;
}

/** In-process statistics for one proxy process. */
export class Stats {
  readonly counters: StatsCounters = {
    hits: 0,
    misses: 0,
    bypasses: 0,
    errors: 0,
    stores: 0,
    notStoredTooLarge: 0,
    invalidations: 0,
    bytesFromCache: 0,
    bytesFromOrigin: 0,
  };
  readonly startedAt: number;

  constructor(private readonly clock: Clock) {
    this.startedAt = clock();
  }

  recordHit(bodyBytes: number): void {
    this.counters.hits++;
    this.counters.bytesFromCache += bodyBytes;
  }

  recordMiss(): void {
    this.counters.misses++;
  }

  recordBypass(): void {
    this.counters.bypasses++;
  }

  recordError(): void {
    this.counters.errors++;
  }

  recordOriginBytes(bytes: number): void {
    this.counters.bytesFromOrigin += bytes;
  }

  recordStore(): void {
    this.counters.stores++;
  }

  recordNotStoredTooLarge(): void {
    this.counters.notStoredTooLarge++;
  }

  recordInvalidation(): void {
    this.counters.invalidations++;
  }

  snapshot(): Readonly<StatsCounters> {
    return { ...this.counters };
  }

  uptimeSec(): number {
    return Math.max(0, (this.clock() - this.startedAt) / 1000);
  }
}

/** hits / (hits + misses) in percent, two decimals; 0 before the first lookup. */
export function hitRatePercent(hits: number, misses: number): number {
  const lookups = hits + misses;
  return lookups === 0 ? 0 : Math.round((hits / lookups) * 10000) / 100;
}
