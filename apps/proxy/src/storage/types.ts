import type { FreshnessFields } from '../cache/storage-plan.js';
import type { VaryValues } from '../cache/vary.js';

/** A value or a promise of it: the memory store answers synchronously, so hits need no microtask. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * One stored response: one variant of a primary key (RFC 9111 §4.1). Timestamps are absolute
 * milliseconds since the epoch; the reuse policy (FreshnessFields: age, lifetime, staleness
 * bounds, revalidation directives, validators, tags) is precomputed when storing, so a hit only
 * compares numbers.
 */
export interface StoredResponse extends FreshnessFields {
  /** Primary cache key (method + URL); shared by every variant of the URL. */
  readonly key: string;
  /** Key of this variant: the primary key plus the Vary-selected request values. */
  readonly variantKey: string;
  /** Normalised target URL the response was fetched from. */
  readonly url: string;
  /** Request method the entry answers (GET; HEAD is served from it). */
  readonly method: string;
  readonly status: number;
  /**
   * Response headers as a flat `[name, value, name, value, …]` list, ready for `writeHead`:
   * hop-by-hop fields, Content-Length, Age and this cache's own fields removed.
   */
  readonly headers: readonly string[];
  readonly body: Buffer;
  /** Request header values the response was selected by (Vary). */
  readonly vary: VaryValues;
  /** Request headers it was fetched with, flat list, credentials and cookies left out (for the admin API). */
  readonly requestHeaders: readonly string[];
  /** request_time and response_time of RFC 9111 §4.2.3. */
  readonly requestTime: number;
  readonly responseTime: number;
  /** Cache-Status members added by caches between the origin and us (RFC 9211 §2). */
  readonly upstreamCacheStatus?: string | undefined;
  /** Bytes the entry counts against the byte bound: body, headers and a fixed overhead. */
  readonly size: number;
  /** Times served from the cache; advisory (not exact across processes). */
  hits: number;
}

/** What the data plane needs from storage. */
export interface CacheStore {
  /** The stored variants of a primary key, undefined when there are none. */
  getVariants(key: string): MaybePromise<readonly StoredResponse[] | undefined>;
  /**
   * Stores a variant, replacing the one with the same variant key; false when refused: too large,
   * or its fill began before an invalidation of its key, prefix or tag (InvalidationFence).
   */
  put(entry: StoredResponse): MaybePromise<boolean>;
  /** Deletes every variant of a primary key; fills of it already in flight are not stored after. */
  delete(key: string): MaybePromise<boolean>;
}

/**
 * What is stored now. "Entries" are stored responses: every Vary variant counts (what
 * MAX_CACHE_SIZE bounds); `urls` counts primary keys (one per URL, as the admin listing shows).
 */
export interface StoreUsage {
  /** Stored responses, Vary variants included. */
  entries: number;
  /** URLs (primary keys) with at least one stored response. */
  urls: number;
  sizeBytes: number;
  /** Bound of `entries`; 0 when there is none (Redis). */
  maxEntries: number;
  /** Bound of `sizeBytes`; 0 when there is none (Redis without maxmemory). */
  maxBytes: number;
  evictions: number;
}

/** What a clear or purge removed: URLs and the stored responses (variants) they held. */
export interface RemovedCount {
  urls: number;
  responses: number;
}

/** A stored response as the admin listing shows it: everything but the body. */
export type EntryMeta = Omit<StoredResponse, 'body'> & { readonly bodyBytes: number };

/** One URL of an admin listing, with its variants. */
export interface ListedEntry {
  readonly key: string;
  readonly variants: readonly EntryMeta[];
}

export interface ListOptions {
  /** Opaque cursor from the previous page. */
  cursor?: string | undefined;
  limit: number;
  /** Case-insensitive substring of the URL. */
  filter?: string | undefined;
}

export interface ListPage {
  entries: ListedEntry[];
  /** Undefined on the last page. */
  nextCursor: string | undefined;
  /** URLs matching the filter on every page, when the backend knows without a full walk. */
  total?: number | undefined;
}

/** What the control plane needs from storage. */
export interface CacheAdmin {
  /** Every variant stored under a primary key (without refreshing its LRU position). */
  info(key: string): MaybePromise<readonly StoredResponse[] | undefined>;
  delete(key: string): MaybePromise<boolean>;
  clear(): MaybePromise<RemovedCount>;
  /** A page of stored URLs; the cursor is opaque to callers. */
  list(options: ListOptions): MaybePromise<ListPage>;
  /** Removes every URL starting with the prefix. */
  purgePrefix(prefix: string): MaybePromise<RemovedCount>;
  /** Removes every URL one of whose variants carries the tag. */
  purgeTag(tag: string): MaybePromise<RemovedCount>;
  usage(): MaybePromise<StoreUsage>;
  /** Health of the storage backend. */
  check(): MaybePromise<{ ok: boolean; detail?: string }>;
}

/** Fixed per-entry overhead counted in `size`, covering the object, keys and bookkeeping. */
export const ENTRY_OVERHEAD_BYTES = 512;

export function entrySize(parts: {
  key: string;
  url: string;
  headers: readonly string[];
  requestHeaders?: readonly string[];
  body: Buffer;
}): number {
  let size = ENTRY_OVERHEAD_BYTES + 2 * parts.key.length + parts.url.length + parts.body.length;
  for (const h of parts.headers) size += h.length;
  for (const h of parts.requestHeaders ?? []) size += h.length;
  return size;
}

/** The metadata of a stored response, without its body. */
export function toEntryMeta(entry: StoredResponse): EntryMeta {
  const { body, ...meta } = entry;
  return { ...meta, bodyBytes: body.length };
}
