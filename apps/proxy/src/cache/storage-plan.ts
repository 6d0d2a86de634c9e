import { deltaSeconds, type CacheControl } from './cache-control.js';
import { correctedInitialAgeSec, determineFreshnessLifetime } from './freshness.js';
import { headerValue, type HeaderMap } from './headers.js';
import type { RequestDirectives } from './request-directives.js';
import { whyNotStorable, type NotStoredReason } from './storability.js';
import { responseTags } from './tags.js';
import { responseCacheDirectives } from './targeted-cache-control.js';
import { parseVary } from './vary.js';

/** A cache rule's freshness settings (rules/), seconds; undefined where the rule says nothing. */
export interface RuleTtl {
  readonly defaultSec?: number | undefined;
  readonly overrideSec?: number | undefined;
  readonly minSec?: number | undefined;
  readonly maxSec?: number | undefined;
  readonly staleWhileRevalidateSec?: number | undefined;
  readonly staleIfErrorSec?: number | undefined;
}

/**
 * What the cache rule matching a request (rules/) changes in the storage plan of its response:
 * freshness settings, tags added to the stored response, statuses stored beyond the defaults.
 * Rules change lifetimes, never storability: what RFC 9111 §3 forbids stays unstored.
 */
export interface StorageRule {
  readonly ttl?: RuleTtl | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly storeStatuses?: ReadonlySet<number> | undefined;
}

/** The cache policy settings the storage plan reads (from the configuration). */
export interface CachePolicySettings {
  /** Targeted cache-control fields, in precedence order (RFC 9213), e.g. CDN-Cache-Control. */
  readonly targetedFields: readonly string[];
  /** CACHE_TTL (heuristic freshness), seconds; 0 disables that fallback. */
  readonly defaultTtlSec: number;
  /** How long a stale response is kept for validation and stale serving (CACHE_STALE_RETENTION), seconds. */
  readonly staleRetentionSec: number;
  /** MAX_OBJECT_BYTES: a response declaring a larger Content-Length is not stored. */
  readonly maxObjectBytes: number;
  /** CACHE_EXTRA_STATUSES: statuses stored beyond the defaults (see isStoredStatus). */
  readonly extraStatuses?: ReadonlySet<number> | undefined;
}

/**
 * The reuse policy of a response, precomputed when it is stored so that a hit only compares
 * numbers. Times are absolute milliseconds since the epoch; durations are seconds.
 */
export interface FreshnessFields {
  /** corrected_initial_age (RFC 9111 §4.2.3). */
  readonly initialAgeSec: number;
  /** freshness_lifetime (§4.2.1). */
  readonly lifetimeSec: number;
  /** When current_age reaches the freshness lifetime. */
  readonly staleAt: number;
  /** When storage may drop it (stale responses are kept for validation and stale serving). */
  readonly expiresAt: number;
  /** §5.2.2.4 (qualified or not: the conservative reading). */
  readonly noCache: boolean;
  /** §5.2.2.2 must-revalidate, §5.2.2.8 proxy-revalidate, §5.2.2.10 s-maxage: never served stale. */
  readonly mustRevalidate: boolean;
  /** RFC 5861 windows (0 when absent). */
  readonly staleWhileRevalidateSec: number;
  readonly staleIfErrorSec: number;
  /** Whether a conditional request can validate it (ETag or Last-Modified, §4.3.1). */
  readonly hasValidators: boolean;
  /** Purge tags from Surrogate-Key / Cache-Tag. */
  readonly tags: readonly string[];
}

export interface FreshnessInput {
  readonly status: number;
  /** The header fields the stored response will have (after a 304, the merged ones). */
  readonly headers: HeaderMap;
  /** The header fields of the response just received, for its Age and Date (§4.2.3). */
  readonly receivedHeaders: HeaderMap;
  /** request_time and response_time of §4.2.3, ms since the epoch. */
  readonly requestTime: number;
  readonly responseTime: number;
  /**
   * `?ttl=` on /proxy: at most this many seconds of freshness from now. It can shorten the
   * response's own freshness lifetime, never lengthen it: in a shared cache one client's
   * parameter must not make a response be reused longer than its origin allows.
   */
  readonly overrideTtlSec?: number | undefined;
  /** The matching cache rule's ttl and tags (see StorageRule). */
  readonly rule?: StorageRule | undefined;
  /**
   * The request's header fields (lowercase names): a response to a request with credentials
   * keeps only the lifetime it states (see isSharedOnlyThroughRevalidation).
   */
  readonly requestHeaders?: HeaderMap | undefined;
  /**
   * Re-planning a stored response (a 304, a HEAD): whether the request it was stored for carried
   * credentials is not known, so a response that relies on must-revalidate alone is treated as
   * if it did — another client's validation must not give it back a heuristic or rule lifetime.
   */
  readonly storedForUnknownRequest?: boolean | undefined;
}

/**
 * Freshness fields of a response about to be stored (RFC 9111 §4.2, RFC 5861), or undefined when
 * keeping it would be useless: stale on arrival with no validator and no stale-* window (only a
 * max-stale request could ever use it).
 */
export function planFreshness(input: FreshnessInput, settings: CachePolicySettings): FreshnessFields | undefined {
  const { directives, useExpires } = responseCacheDirectives(input.headers, settings.targetedFields);
  return freshnessFrom(input, directives, useExpires, settings);
}

function freshnessFrom(
  input: FreshnessInput,
  directives: CacheControl,
  useExpires: boolean,
  settings: CachePolicySettings,
): FreshnessFields | undefined {
  const initialAgeSec = correctedInitialAgeSec({
    responseHeaders: input.receivedHeaders,
    requestTimeMs: input.requestTime,
    responseTimeMs: input.responseTime,
  });
  const determined = determineFreshnessLifetime({
    status: input.status,
    responseHeaders: input.headers,
    responseDirectives: directives,
    useExpires,
    responseTimeMs: input.responseTime,
    defaultTtlSec: settings.defaultTtlSec,
  });
  const ttl = input.rule?.ttl;
  let lifetimeSec = ttl === undefined ? determined.lifetimeSec : ruleLifetimeSec(ttl, determined);
  const credentialShared = input.storedForUnknownRequest
    ? directives.has('must-revalidate') && !directives.has('public') && !directives.has('s-maxage')
    : isSharedOnlyThroughRevalidation(input.requestHeaders, input.headers, directives);
  if (credentialShared) {
    // Only the origin's stated lifetime (capped by a rule's max), never a heuristic or a rule's
    // default, override or min: else one user's response would be reused for another.
    lifetimeSec = STATED_LIFETIME.has(determined.source) ? determined.lifetimeSec : 0;
    if (ttl?.maxSec !== undefined) lifetimeSec = Math.min(lifetimeSec, ttl.maxSec);
  }
  // A ?ttl= override caps the freshness left from now; it never extends what the origin allows.
  if (input.overrideTtlSec !== undefined) lifetimeSec = Math.min(lifetimeSec, initialAgeSec + input.overrideTtlSec);
  const staleAt = input.responseTime + (lifetimeSec - initialAgeSec) * 1000;
  const hasValidators = input.headers.etag !== undefined || input.headers['last-modified'] !== undefined;
  // RFC 5861 windows: the response's own, else the rule's default.
  const staleWhileRevalidateSec = deltaSeconds(directives, 'stale-while-revalidate') ?? ttl?.staleWhileRevalidateSec ?? 0;
  const staleIfErrorSec = deltaSeconds(directives, 'stale-if-error') ?? ttl?.staleIfErrorSec ?? 0;
  if (staleAt <= input.responseTime && !hasValidators && staleWhileRevalidateSec === 0 && staleIfErrorSec === 0) {
    return undefined;
  }
  // Stale responses are kept for validation (§4.3), max-stale requests (§5.2.1.2) and the RFC 5861 windows.
  const keepStaleSec = Math.max(staleWhileRevalidateSec, staleIfErrorSec, settings.staleRetentionSec);
  const expiresAt = Math.max(staleAt, input.responseTime) + keepStaleSec * 1000;
  if (expiresAt <= input.responseTime) return undefined;
  return {
    initialAgeSec,
    lifetimeSec,
    staleAt,
    expiresAt,
    noCache: directives.has('no-cache'),
    mustRevalidate: directives.has('must-revalidate') || directives.has('proxy-revalidate') || directives.has('s-maxage'),
    staleWhileRevalidateSec,
    staleIfErrorSec,
    hasValidators,
    tags: responseTags(input.headers, input.rule?.tags),
  };
}

/**
 * Whether a response may be reused for other requests only because it says it must be
 * revalidated: the request carried `Authorization` (or a `Cookie` the response does not vary
 * on — this cache treats cookies as credentials) and the response has neither `public` nor
 * `s-maxage`, only `must-revalidate` (RFC 9111 §3.5). Such a response may be reused while the
 * origin said it is fresh, but a heuristic freshness lifetime (§4.2.2) or a cache rule's
 * `default`/`override`/`min` would serve one user's response to another for a lifetime the
 * origin never granted.
 */
export function isSharedOnlyThroughRevalidation(
  requestHeaders: HeaderMap | undefined,
  responseHeaders: HeaderMap,
  directives: CacheControl,
): boolean {
  if (requestHeaders === undefined || directives.has('public') || directives.has('s-maxage')) return false;
  if (requestHeaders.authorization !== undefined) return true;
  if (requestHeaders.cookie === undefined) return false;
  const varyNames = parseVary(headerValue(responseHeaders, 'vary'));
  return varyNames === '*' || !varyNames.includes('cookie');
}

/** Sources of a freshness lifetime the response states itself (RFC 9111 §4.2.1); the others are heuristics. */
const STATED_LIFETIME = new Set(['s-maxage', 'max-age', 'expires']);

/**
 * A rule's freshness lifetime: `default` for a response that states none of its own (no
 * s-maxage, max-age or Expires: it replaces the heuristics of §4.2.2, CACHE_TTL included),
 * `override` instead of any, then clamped to [`min`, `max`]. Seconds.
 */
export function ruleLifetimeSec(ttl: RuleTtl, determined: { lifetimeSec: number; source: string }): number {
  let lifetimeSec = determined.lifetimeSec;
  if (ttl.overrideSec !== undefined) lifetimeSec = ttl.overrideSec;
  else if (ttl.defaultSec !== undefined && !STATED_LIFETIME.has(determined.source)) lifetimeSec = ttl.defaultSec;
  if (ttl.minSec !== undefined) lifetimeSec = Math.max(lifetimeSec, ttl.minSec);
  if (ttl.maxSec !== undefined) lifetimeSec = Math.min(lifetimeSec, ttl.maxSec);
  return lifetimeSec;
}

export interface StoragePlanInput extends FreshnessInput {
  /** Upper-case request method. */
  readonly method: string;
  /** A POST whose body is part of its key (a GraphQL query, see LookupRequest.cacheablePost). */
  readonly cacheablePost?: boolean | undefined;
  /** The request's header fields (lowercase names). */
  readonly requestHeaders: HeaderMap;
  readonly requestDirectives: RequestDirectives;
}

/** Why a response is not stored (reported in Cache-Status `detail`). */
export type NotStoredBecause = NotStoredReason | 'request-no-store' | 'ttl-zero' | 'too-large' | 'stale-on-arrival' | 'close-delimited';

export type StoragePlan =
  | { readonly store: false; readonly reason: NotStoredBecause }
  | { readonly store: true; readonly freshness: FreshnessFields; readonly varyNames: readonly string[] };

/**
 * Whether a response to a GET is stored (RFC 9111 §3), decided from the request, the response's
 * status and header fields, its timings and the policy; and when it is, its freshness fields and
 * the request fields its Vary names (§4.1). Pure: no I/O, time passed in.
 */
export function planStorage(input: StoragePlanInput, settings: CachePolicySettings): StoragePlan {
  const { headers } = input;
  const varyNames = parseVary(headerValue(headers, 'vary'));
  const { directives, useExpires } = responseCacheDirectives(headers, settings.targetedFields);
  const reason = whyNotStorable({
    method: input.method,
    cacheablePost: input.cacheablePost,
    status: input.status,
    requestHeaders: input.requestHeaders,
    responseHeaders: headers,
    responseDirectives: directives,
    varyNames,
    useExpires,
    extraStatuses: storedStatuses(settings.extraStatuses, input.rule?.storeStatuses),
  });
  if (reason !== undefined) return { store: false, reason };
  // §5.2.1.5: a request with no-store must not have its response stored.
  if (input.requestDirectives.noStore) return { store: false, reason: 'request-no-store' };
  // `?ttl=0` on /proxy: the caller asked for no caching at all.
  if (input.overrideTtlSec === 0) return { store: false, reason: 'ttl-zero' };
  const declaredLength = headerValue(headers, 'content-length');
  if (declaredLength !== undefined && Number(declaredLength) > settings.maxObjectBytes) return { store: false, reason: 'too-large' };
  // RFC 9112 §6.3 (8): a body delimited only by the origin closing the connection cannot be told
  // from one cut short by a reset (undici ends both alike), so it is relayed, never stored.
  if (declaredLength === undefined && !isChunked(headers) && input.status !== 204 && input.status !== 304) {
    return { store: false, reason: 'close-delimited' };
  }
  const freshness = freshnessFrom(input, directives, useExpires, settings);
  if (freshness === undefined) return { store: false, reason: 'stale-on-arrival' };
  return { store: true, freshness, varyNames: varyNames as string[] };
}

/** CACHE_EXTRA_STATUSES joined with a rule's `storeStatuses`. */
function storedStatuses(configured: ReadonlySet<number> | undefined, rule: ReadonlySet<number> | undefined): ReadonlySet<number> | undefined {
  if (rule === undefined || rule.size === 0) return configured;
  if (configured === undefined || configured.size === 0) return rule;
  return new Set([...configured, ...rule]);
}

/** Whether a response's body is framed by the chunked transfer coding (RFC 9112 §7.1). */
function isChunked(headers: HeaderMap): boolean {
  return /(^|,)\s*chunked\s*$/i.test(headerValue(headers, 'transfer-encoding') ?? '');
}
