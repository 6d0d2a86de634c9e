import type { VaryValues } from '../cache/vary.js';

/** A value or a promise of it: the memory store answers synchronously, so hits need no microtask. */
export type MaybePromise<T> = T | Promise<T>;

/** One stored response. Timestamps are absolute milliseconds since the epoch. */
export interface StoredResponse {
  readonly key: string;
  /** Normalised target URL the response was fetched from. */
  readonly url: string;
  /** Request method the entry answers (GET; HEAD is served from it). */
  readonly method: string;
  readonly status: number;
  /**
   * Response headers as a flat `[name, value, name, value, …]` list, ready for `writeHead`:
   * hop-by-hop fields, Content-Length, Age and this cache's own headers removed.
   */
  readonly headers: readonly string[];
  readonly body: Buffer;
  /** Request header values the response was selected by (Vary). */
  readonly vary: VaryValues;
  readonly storedAt: number;
  /** When the response stops being fresh. */
  readonly staleAt: number;
  /** When storage may drop the entry. */
  readonly expiresAt: number;
  /** Age the response already had when received (RFC 9111 §4.2.3 corrected initial age). */
  readonly initialAgeSec: number;
  /** Bytes the entry counts against the byte bound: body, headers and a fixed overhead. */
  readonly size: number;
  /** Cache-Status members added by caches between the origin and us (RFC 9211 §2). */
  readonly upstreamCacheStatus?: string | undefined;
  /** Times served from the cache; advisory (not exact across processes). */
  hits: number;
}

/** What the data plane needs from storage: the three-method store interface. */
export interface CacheStore {
  readonly backend: 'memory' | 'redis';
  get(key: string): MaybePromise<StoredResponse | undefined>;
  /** Stores the entry; false when it was refused (too large). */
  put(entry: StoredResponse): MaybePromise<boolean>;
  delete(key: string): MaybePromise<boolean>;
}

export interface StoreUsage {
  entries: number;
  sizeBytes: number;
  maxEntries: number;
  maxBytes: number;
  evictions: number;
}

/** What the control plane needs from storage. */
export interface CacheAdmin {
  readonly backend: 'memory' | 'redis';
  info(key: string): MaybePromise<StoredResponse | undefined>;
  delete(key: string): MaybePromise<boolean>;
  clear(): MaybePromise<number>;
  usage(): MaybePromise<StoreUsage>;
  /** Health of the storage backend. */
  check(): MaybePromise<{ ok: boolean; detail?: string }>;
}

/** Fixed per-entry overhead counted in `size`, covering the object, key and bookkeeping. */
export const ENTRY_OVERHEAD_BYTES = 512;

export function entrySize(parts: { key: string; url: string; headers: readonly string[]; body: Buffer }): number {
  let size = ENTRY_OVERHEAD_BYTES + parts.key.length + parts.url.length + parts.body.length;
  for (const h of parts.headers) size += h.length;
  return size;
}
