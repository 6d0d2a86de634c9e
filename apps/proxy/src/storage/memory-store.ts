import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { InvalidationFence } from './invalidation-fence.js';
import {
  toEntryMeta,
  type CacheAdmin,
  type CacheStore,
  type ListOptions,
  type ListPage,
  type RemovedCount,
  type StoreUsage,
  type StoredResponse,
} from './types.js';

export interface MemoryStoreOptions {
  /** MAX_CACHE_SIZE: stored responses (variants), all URLs together. */
  maxEntries: number;
  /** MAX_CACHE_BYTES. */
  maxBytes: number;
  clock: Clock;
  /** Variants kept per URL before the oldest is dropped (a Vary on User-Agent could otherwise explode). */
  maxVariantsPerKey?: number;
  /** How long invalidations fence off fills in flight, in ms (see fenceWindowFor). */
  fenceWindowMs?: number;
}

/** The variants of one URL: the LRU's unit (a URL's variants age and are evicted together). */
interface VariantGroup {
  readonly variants: readonly StoredResponse[];
  readonly size: number;
  readonly expiresAt: number;
}

/** A group's unexpired variants, or undefined when none is left. */
function liveVariants(group: VariantGroup, now: number): readonly StoredResponse[] | undefined {
  const live = group.variants.filter((v) => v.expiresAt > now);
  return live.length > 0 ? live : undefined;
}

/**
 * In-process LRU store bounded by entry count and bytes, with a per-entry TTL (`expiresAt`).
 * Synchronous, so a hit costs no promise. The LRU unit is a URL with its variants; the entry
 * bound counts variants.
 */
export class MemoryStore implements CacheStore, CacheAdmin {
  private readonly lru: LRUCache<string, VariantGroup>;
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly maxVariantsPerKey: number;
  private variantCount = 0;
  private evictions = 0;
  /** Invalidations that fills in flight must not outlive (see InvalidationFence). */
  private readonly fence: InvalidationFence;

  constructor(options: MemoryStoreOptions) {
    this.clock = options.clock;
    this.fence = new InvalidationFence(options.fenceWindowMs);
    this.maxEntries = options.maxEntries;
    this.maxBytes = options.maxBytes;
    // A URL never holds more variants than the whole entry bound.
    this.maxVariantsPerKey = Math.max(1, Math.min(options.maxVariantsPerKey ?? 32, options.maxEntries));
    this.lru = new LRUCache<string, VariantGroup>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      maxEntrySize: options.maxBytes,
      sizeCalculation: (group) => Math.max(1, group.size),
      // Resolution 0: always ask the injected clock, so expiry follows it exactly.
      ttlResolution: 0,
      perf: { now: () => this.clock() },
      allowStale: false,
      updateAgeOnGet: false,
      dispose: (group, _key, reason) => {
        this.variantCount -= group.variants.length;
        if (reason === 'evict') this.evictions += group.variants.length;
      },
    });
  }

  getVariants(key: string): readonly StoredResponse[] | undefined {
    const group = this.lru.get(key);
    if (group === undefined) return undefined;
    const now = this.clock();
    // Most groups have one variant, whose expiry is the group's own.
    if (group.variants.length === 1) return group.expiresAt > now ? group.variants : undefined;
    return liveVariants(group, now);
  }

  put(entry: StoredResponse): boolean {
    const now = this.clock();
    if (entry.expiresAt <= now || entry.size > this.maxBytes || this.fence.covers(entry)) return false;
    const existing = this.lru.peek(entry.key);
    const others = (existing?.variants ?? []).filter((v) => v.variantKey !== entry.variantKey && v.expiresAt > now);
    const variants = [...others.slice(Math.max(0, others.length - (this.maxVariantsPerKey - 1))), entry];
    const group: VariantGroup = {
      variants,
      size: variants.reduce((sum, v) => sum + v.size, 0),
      expiresAt: Math.max(...variants.map((v) => v.expiresAt)),
    };
    if (group.size > this.maxBytes) return false;
    this.makeRoomForVariants(variants.length - (existing?.variants.length ?? 0), entry.key);
    this.lru.set(entry.key, group, { ttl: group.expiresAt - now });
    this.variantCount += variants.length;
    return this.lru.has(entry.key);
  }

  /** The entry bound counts variants: evict least recently used URLs until the new ones fit. */
  private makeRoomForVariants(added: number, keepKey: string): void {
    while (added > 0 && this.variantCount + added > this.maxEntries && this.lru.size > 0) {
      let oldest: string | undefined;
      for (const key of this.lru.rkeys()) {
        if (key !== keepKey) {
          oldest = key;
          break;
        }
      }
      if (oldest === undefined) return;
      const group = this.lru.peek(oldest);
      this.lru.delete(oldest);
      if (group) this.evictions += group.variants.length;
    }
  }

  delete(key: string): boolean {
    this.fence.record({ op: 'key', key }, this.clock());
    return this.lru.delete(key);
  }

  info(key: string): readonly StoredResponse[] | undefined {
    // peek: looking at an entry from the admin API must not refresh its LRU position.
    const group = this.lru.peek(key);
    return group && liveVariants(group, this.clock());
  }

  /** Most recently used first; the cursor is an offset into that order (entries may shift between pages). */
  list(options: ListOptions): ListPage {
    const offset = options.cursor !== undefined && /^\d+$/.test(options.cursor) ? Number(options.cursor) : 0;
    const filter = options.filter?.toLowerCase();
    const now = this.clock();
    const entries: ListPage['entries'] = [];
    let matched = 0;
    for (const [key, group] of this.lru.entries()) {
      const live = liveVariants(group, now);
      if (live === undefined) continue;
      if (filter !== undefined && filter !== '' && !live[0]!.url.toLowerCase().includes(filter)) continue;
      if (matched++ < offset || entries.length === options.limit) continue;
      entries.push({ key, variants: live.map(toEntryMeta) });
    }
    const nextCursor = offset + entries.length < matched ? String(offset + entries.length) : undefined;
    return { entries, nextCursor, total: matched };
  }

  purgePrefix(prefix: string): RemovedCount {
    this.fence.record({ op: 'prefix', prefix }, this.clock());
    return this.deleteWhere((group) => group.variants[0]?.url.startsWith(prefix) === true);
  }

  purgeTag(tag: string): RemovedCount {
    this.fence.record({ op: 'tag', tag }, this.clock());
    return this.deleteWhere((group) => group.variants.some((v) => v.tags.includes(tag)));
  }

  /** Deletes the URLs whose variant group matches. */
  private deleteWhere(matches: (group: VariantGroup) => boolean): RemovedCount {
    const doomed: string[] = [];
    let responses = 0;
    for (const [key, group] of this.lru.entries()) {
      if (matches(group)) {
        doomed.push(key);
        responses += group.variants.length;
      }
    }
    for (const key of doomed) this.lru.delete(key);
    return { urls: doomed.length, responses };
  }

  clear(): RemovedCount {
    const removed = { urls: this.lru.size, responses: this.variantCount };
    this.fence.record({ op: 'all' }, this.clock());
    this.lru.clear();
    return removed;
  }

  usage(): StoreUsage {
    return {
      entries: this.variantCount,
      urls: this.lru.size,
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
