import { buildVariantKey } from '../cache/cache-key.js';
import type { FreshnessFields } from '../cache/storage-plan.js';
import type { VaryValues } from '../cache/vary.js';
import { entrySize, type StoredResponse } from '../storage/types.js';

/** Response fields this cache computes itself; the origin's copies are not relayed or stored. */
export const OWN_RESPONSE_FIELDS: ReadonlySet<string> = new Set(['age', 'cache-status', 'x-cache', 'x-cache-key', 'via']);
/** Fields not kept in storage: the length is recomputed from the stored body. */
export const NOT_STORED_FIELDS: ReadonlySet<string> = new Set([...OWN_RESPONSE_FIELDS, 'content-length']);

/** Request fields never kept with an entry: they are secrets of one client. */
const SECRET_REQUEST_FIELDS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const MAX_REQUEST_HEADER_BYTES = 4096;

/**
 * The request headers an entry keeps for the admin API: only those its response's Vary names
 * (the ones that selected it, RFC 9111 §4.1), never credentials, at most 4 KiB. Anything else a
 * client sent (an `X-Api-Token`, say) is never stored, so no admin view can reveal it.
 */
export function captureRequestHeaders(forwarded: readonly string[], varyNames: readonly string[]): string[] {
  const kept: string[] = [];
  if (varyNames.length === 0) return kept;
  const named = new Set(varyNames.map((name) => name.toLowerCase()));
  let bytes = 0;
  for (let i = 0; i < forwarded.length; i += 2) {
    const name = forwarded[i]!;
    const value = forwarded[i + 1]!;
    const lower = name.toLowerCase();
    if (!named.has(lower) || SECRET_REQUEST_FIELDS.has(lower)) continue;
    bytes += name.length + value.length;
    if (bytes > MAX_REQUEST_HEADER_BYTES) break;
    kept.push(name, value);
  }
  return kept;
}

export interface StoredResponseParts {
  key: string;
  url: string;
  status: number;
  /** Stored form of the headers (see StoredResponse.headers). */
  headers: readonly string[];
  body: Buffer;
  vary: VaryValues;
  /** Request headers to keep for the admin API (see captureRequestHeaders). */
  requestHeaders: readonly string[];
  /** request_time and response_time of RFC 9111 §4.2.3, ms since the epoch. */
  requestTime: number;
  responseTime: number;
  upstreamCacheStatus?: string | undefined;
  hits?: number;
}

/**
 * A stored response from its parts and the freshness fields the storage plan computed
 * (cache/storage-plan.ts): the shape both storage backends keep.
 */
export function createStoredResponse(parts: StoredResponseParts, freshness: FreshnessFields): StoredResponse {
  return {
    key: parts.key,
    variantKey: buildVariantKey(parts.key, parts.vary),
    url: parts.url,
    method: 'GET',
    status: parts.status,
    headers: parts.headers,
    body: parts.body,
    vary: parts.vary,
    requestHeaders: parts.requestHeaders,
    requestTime: parts.requestTime,
    responseTime: parts.responseTime,
    initialAgeSec: freshness.initialAgeSec,
    lifetimeSec: freshness.lifetimeSec,
    staleAt: freshness.staleAt,
    expiresAt: freshness.expiresAt,
    noCache: freshness.noCache,
    mustRevalidate: freshness.mustRevalidate,
    staleWhileRevalidateSec: freshness.staleWhileRevalidateSec,
    staleIfErrorSec: freshness.staleIfErrorSec,
    hasValidators: freshness.hasValidators,
    tags: freshness.tags,
    upstreamCacheStatus: parts.upstreamCacheStatus,
    size: entrySize(parts),
    hits: parts.hits ?? 0,
  };
}
