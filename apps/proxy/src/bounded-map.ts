/**
 * A Map bounded by entry count that drops its oldest write first: the one helper for the memo
 * maps of hot paths (resolved request targets, decoded Redis metadata, a hit's response fields,
 * recent invalidations). A `get` is a single Map lookup: hits do no reordering and allocate
 * nothing, which is why these memos do not use lru-cache (its `get` allocates an options object
 * per call). Entries are meant to be immutable derived values that are cheap to recompute, so
 * oldest-first eviction is good enough; the stores' own LRU bounds use lru-cache.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  /**
   * @param capacity most entries kept (at least 1)
   * @param onEvict called with each entry dropped to make room (not for `delete` or `clear`)
   */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`expected capacity to be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores the value as the newest entry, dropping the oldest one when full. */
  set(key: K, value: V): this {
    if (!this.entries.delete(key) && this.entries.size >= this.capacity) {
      const [oldestKey, oldestValue] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldestKey);
      this.onEvict?.(oldestKey, oldestValue);
    }
    this.entries.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
