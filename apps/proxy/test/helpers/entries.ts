import { buildCacheKey, buildVariantKey } from '../../src/cache/cache-key.js';
import type { VaryValues } from '../../src/cache/vary.js';
import { entrySize, type StoredResponse } from '../../src/storage/types.js';

/** The default time of receipt of test entries (the start of `manualClock()`). */
export const ENTRY_EPOCH = Date.UTC(2026, 0, 1);

export interface EntryOptions {
  /** Absolute URL, or a path resolved against `https://example.test/`. */
  url?: string;
  /** Request values the variant was selected by (its Vary). */
  vary?: VaryValues;
  status?: number;
  headers?: readonly string[];
  /** Body length in bytes (filled with `x`); ignored when `body` is given. */
  bodyBytes?: number;
  body?: Buffer;
  /** request_time and response_time, ms since the epoch. */
  now?: number;
  initialAgeSec?: number;
  lifetimeSec?: number;
  /** How long storage keeps the entry once stale (expiresAt − staleAt), seconds. */
  keepStaleSec?: number;
  /** Purge tags (Surrogate-Key / Cache-Tag). */
  tags?: readonly string[];
}

/** Every field of T present, optional ones included (with their `undefined`). */
type Complete<T> = { [K in keyof Required<T>]: T[K] };

/**
 * A StoredResponse with every field set, consistent with itself (key and variant key from the
 * URL and Vary values, staleAt and expiresAt from the lifetime, size from the parts). `overrides`
 * replace fields afterwards, without recomputing the others.
 */
export function storedResponse(options: EntryOptions = {}, overrides: Partial<StoredResponse> = {}): StoredResponse {
  const url = new URL(options.url ?? '/', 'https://example.test/').href;
  const key = buildCacheKey({ method: 'GET', url });
  const vary = options.vary ?? {};
  const headers = options.headers ?? ['content-type', 'text/plain'];
  const body = options.body ?? Buffer.alloc(options.bodyBytes ?? 10, 'x');
  const now = options.now ?? ENTRY_EPOCH;
  const initialAgeSec = options.initialAgeSec ?? 0;
  const lifetimeSec = options.lifetimeSec ?? 60;
  const staleAt = now + (lifetimeSec - initialAgeSec) * 1000;
  const entry: Complete<StoredResponse> = {
    key,
    variantKey: buildVariantKey(key, vary),
    url,
    method: 'GET',
    status: options.status ?? 200,
    headers,
    body,
    vary,
    requestHeaders: ['accept', '*/*'],
    tags: options.tags ?? [],
    requestTime: now,
    responseTime: now,
    initialAgeSec,
    lifetimeSec,
    staleAt,
    expiresAt: staleAt + (options.keepStaleSec ?? 0) * 1000,
    noCache: false,
    mustRevalidate: false,
    staleWhileRevalidateSec: 0,
    staleIfErrorSec: 0,
    hasValidators: false,
    upstreamCacheStatus: undefined,
    size: entrySize({ key, url, headers, body }),
    hits: 0,
  };
  return { ...entry, ...overrides };
}
