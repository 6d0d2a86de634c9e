import { buildVariantKey } from '../cache/cache-key.js';
import { deltaSeconds } from '../cache/cache-control.js';
import { responseTags } from '../cache/tags.js';
import { responseCacheDirectives } from '../cache/targeted-cache-control.js';
import { correctedInitialAgeSec, determineFreshnessLifetime } from '../cache/freshness.js';
import { headerListToMap, type HeaderMap } from '../cache/headers.js';
import type { VaryValues } from '../cache/vary.js';
import { entrySize, type StoredResponse } from '../storage/types.js';

/** Response fields this cache computes itself; the origin's copies are not relayed or stored. */
export const OWN_RESPONSE_FIELDS: ReadonlySet<string> = new Set(['age', 'cache-status', 'x-cache', 'x-cache-key', 'via']);
/** Fields not kept in storage: the length is recomputed from the stored body. */
export const NOT_STORED_FIELDS: ReadonlySet<string> = new Set([...OWN_RESPONSE_FIELDS, 'content-length']);

export interface CachePolicySettings {
  /** Targeted cache-control fields, in precedence order (RFC 9213), e.g. CDN-Cache-Control. */
  targetedFields: readonly string[];
  /** CACHE_TTL (heuristic freshness); 0 disables heuristics. */
  defaultTtlSec: number;
  /** How long a stale response is kept for validation and stale serving (CACHE_STALE_RETENTION). */
  staleRetentionSec: number;
  /** CACHE_EXTRA_STATUSES: statuses stored beyond the defaults (see isStoredStatus). */
  extraStatuses?: ReadonlySet<number> | undefined;
}

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

export interface StoredResponseInput {
  key: string;
  url: string;
  status: number;
  /** Stored form of the headers (see StoredResponse.headers). */
  headers: string[];
  body: Buffer;
  vary: VaryValues;
  /** Request headers to keep for the admin API (see captureRequestHeaders). */
  requestHeaders: readonly string[];
  /** Headers of the response just received, for its Age and Date (§4.2.3). */
  receivedHeaders: HeaderMap;
  requestTime: number;
  responseTime: number;
  upstreamCacheStatus: string | undefined;
  overrideTtlSec?: number | undefined;
  hits?: number;
}

/**
 * Builds a stored response and precomputes its reuse policy: corrected initial age and freshness
 * lifetime (RFC 9111 §4.2), the directives that constrain stale use, and how long to keep it.
 * Returns undefined when keeping it would be useless (stale on arrival with no way to use it).
 */
export function createStoredResponse(input: StoredResponseInput, settings: CachePolicySettings): StoredResponse | undefined {
  const headerMap = headerListToMap(input.headers);
  const { directives, useExpires } = responseCacheDirectives(headerMap, settings.targetedFields);
  const { lifetimeSec } = determineFreshnessLifetime({
    status: input.status,
    responseHeaders: headerMap,
    responseDirectives: directives,
    useExpires,
    responseTimeMs: input.responseTime,
    defaultTtlSec: settings.defaultTtlSec,
    overrideTtlSec: input.overrideTtlSec,
  });
  // A ?ttl= override is a lifetime from now: the response's own age does not count against it.
  const initialAgeSec =
    input.overrideTtlSec !== undefined
      ? 0
      : correctedInitialAgeSec({
          responseHeaders: input.receivedHeaders,
          requestTimeMs: input.requestTime,
          responseTimeMs: input.responseTime,
        });
  const staleAt = input.responseTime + (lifetimeSec - initialAgeSec) * 1000;
  const hasValidators = headerMap.etag !== undefined || headerMap['last-modified'] !== undefined;
  const staleWhileRevalidateSec = deltaSeconds(directives, 'stale-while-revalidate') ?? 0;
  const staleIfErrorSec = deltaSeconds(directives, 'stale-if-error') ?? 0;
  // Stale responses are kept for validation (§4.3), max-stale requests (§5.2.1.2) and the RFC 5861 windows.
  const keepStaleSec = Math.max(staleWhileRevalidateSec, staleIfErrorSec, settings.staleRetentionSec);
  // Stale on arrival with no validator and no stale-* window: only a max-stale request could ever
  // use it, which is not worth the space it would take from useful entries.
  if (staleAt <= input.responseTime && !hasValidators && staleWhileRevalidateSec === 0 && staleIfErrorSec === 0) {
    return undefined;
  }
  const expiresAt = Math.max(staleAt, input.responseTime) + keepStaleSec * 1000;
  if (expiresAt <= input.responseTime) return undefined;
  const variantKey = buildVariantKey(input.key, input.vary);
  return {
    key: input.key,
    variantKey,
    url: input.url,
    method: 'GET',
    status: input.status,
    headers: input.headers,
    body: input.body,
    vary: input.vary,
    requestHeaders: input.requestHeaders,
    tags: responseTags(headerMap),
    requestTime: input.requestTime,
    responseTime: input.responseTime,
    initialAgeSec,
    lifetimeSec,
    staleAt,
    expiresAt,
    // §5.2.2.4 (qualified or not: the conservative reading).
    noCache: directives.has('no-cache'),
    // §5.2.2.2 must-revalidate, §5.2.2.8 proxy-revalidate, §5.2.2.10 s-maxage implies proxy-revalidate.
    mustRevalidate: directives.has('must-revalidate') || directives.has('proxy-revalidate') || directives.has('s-maxage'),
    staleWhileRevalidateSec,
    staleIfErrorSec,
    hasValidators,
    upstreamCacheStatus: input.upstreamCacheStatus,
    size: entrySize({
      key: input.key,
      url: input.url,
      headers: input.headers,
      requestHeaders: input.requestHeaders,
      body: input.body,
    }),
    hits: input.hits ?? 0,
  };
}
