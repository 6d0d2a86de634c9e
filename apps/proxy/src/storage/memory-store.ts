import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import type { CacheAdmin, CacheStore, StoreUsage, StoredResponse } from './types.js';

export interface MemoryStoreOptions {
  maxEntries: number;
  maxBytes: number;
  clock: Clock;
}

/**
 * In-process LRU store bounded by entry count and bytes, with a per-entry TTL
 * (the entry's `expiresAt`). Synchronous, so a hit costs no promise.
 */
export class MemoryStore implements CacheStore, CacheAdmin {
  readonly backend = 'memory' as const;
  private readonly lru: LRUCache<string, StoredResponse>;
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private evictions = 0;

  constructor(options: MemoryStoreOptions) {
    this.clock = options.clock;
    this.maxEntries = options.maxEntries;
    this.maxBytes = options.maxBytes;
    this.lru = new LRUCache<string, StoredResponse>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      maxEntrySize: options.maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.size),
      // Resolution 0: always ask the injected clock, so expiry follows it exactly.
      ttlResolution: 0,
      perf: { now: () => this.clock() },
      allowStale: false,
      updateAgeOnGet: false,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.evictions++;
      },
    });
  }

  get(key: string): StoredResponse | undefined {
    const entry = this.lru.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.lru.delete(key);
      return undefined;
    }
    return entry;
  }

  put(entry: StoredResponse): boolean {
    const ttlMs = entry.expiresAt - this.clock();
    if (ttlMs <= 0 || entry.size > this.maxBytes) return false;
    this.lru.set(entry.key, entry, { ttl: ttlMs });
    return this.lru.has(entry.key);
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  info(key: string): StoredResponse | undefined {
    // peek: looking at an entry from the admin API must not refresh its LRU position.
    const entry = this.lru.peek(key);
    if (entry === undefined || entry.expiresAt <= this.clock()) return undefined;
    return entry;
  }

  clear(): number {
    const count = this.lru.size;
    this.lru.clear();
    return count;
  }

  usage(): StoreUsage {
    return {
      entries: this.lru.size,
      sizeBytes: this.lru.calculatedSize,
      maxEntries: this.maxEntries,
      maxBytes: this.maxBytes,
      evictions: this.evictions,
    };
  }

  check(): { ok: boolean } {
    return { ok: true };
  }
}
