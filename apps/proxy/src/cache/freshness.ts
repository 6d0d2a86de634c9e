import { deltaSeconds, hasUnparseableDirective, type CacheControl } from './cache-control.js';
import { headerValue, type HeaderMap } from './headers.js';
import { parseHttpDate } from './http-date.js';
import { isHeuristicallyCacheable } from './storability.js';

/** Upper bound of heuristic freshness from Last-Modified: a deliberate choice, like Squid's refresh_pattern max. */
export const HEURISTIC_MAX_SEC = 24 * 60 * 60;
/** §4.2.2: "a typical setting of this fraction might be 10%". */
const HEURISTIC_FRACTION = 0.1;

export type FreshnessSource = 's-maxage' | 'max-age' | 'expires' | 'last-modified' | 'default' | 'none';

export interface FreshnessInput {
  status: number;
  responseHeaders: HeaderMap;
  responseDirectives: CacheControl;
  /** False when a targeted field (RFC 9213) replaced Cache-Control and Expires. */
  useExpires?: boolean;
  /** When the response was received (response_time of §4.2.3). */
  responseTimeMs: number;
  /** CACHE_TTL: heuristic lifetime for responses without Last-Modified; 0 disables it. */
  defaultTtlSec: number;
}

/**
 * Freshness lifetime of a response (RFC 9111 §4.2.1): the first of `s-maxage` (a shared cache,
 * §5.2.2.10), `max-age` (§5.2.2.1), `Expires` − `Date` (§5.3); otherwise a heuristic (§4.2.2)
 * for heuristically cacheable statuses or `public` responses: 10 % of the time since
 * `Last-Modified` (at most a day), else CACHE_TTL (0: none). Invalid values mean "already stale";
 * a Cache-Control that is present but unparseable rules out heuristics (no freshness: 0).
 */
export function determineFreshnessLifetime(input: FreshnessInput): { lifetimeSec: number; source: FreshnessSource } {
  const { responseDirectives, responseHeaders } = input;
  for (const directive of ['s-maxage', 'max-age'] as const) {
    if (!responseDirectives.has(directive)) continue;
    // §4.2.1: an invalid value is encouraged to be treated as stale.
    return { lifetimeSec: deltaSeconds(responseDirectives, directive) ?? 0, source: directive };
  }
  const expires = input.useExpires === false ? undefined : headerValue(responseHeaders, 'expires');
  if (expires !== undefined) {
    // §5.3: an invalid Expires (e.g. "0") means already expired.
    const expiresMs = parseHttpDate(expires);
    if (expiresMs === undefined) return { lifetimeSec: 0, source: 'expires' };
    const dateMs = parseHttpDate(headerValue(responseHeaders, 'date')) ?? input.responseTimeMs;
    return { lifetimeSec: Math.max(0, Math.floor((expiresMs - dateMs) / 1000)), source: 'expires' };
  }
  // §4.2.2: heuristics only without explicit expiration, for heuristically cacheable statuses
  // or responses marked explicitly cacheable (public, §5.2.2.9).
  if (!isHeuristicallyCacheable(input.status) && !responseDirectives.has('public')) {
    return { lifetimeSec: 0, source: 'none' };
  }
  // Deliberate: a malformed Cache-Control (e.g. `public;max-age=0`) most likely tried to limit
  // freshness; guessing a lifetime for it would serve what the origin meant to keep fresh.
  if (hasUnparseableDirective(responseDirectives)) return { lifetimeSec: 0, source: 'none' };
  const lastModifiedMs = parseHttpDate(headerValue(responseHeaders, 'last-modified'));
  if (lastModifiedMs !== undefined) {
    const dateMs = parseHttpDate(headerValue(responseHeaders, 'date')) ?? input.responseTimeMs;
    const sinceModifiedSec = Math.max(0, (dateMs - lastModifiedMs) / 1000);
    return {
      lifetimeSec: Math.min(HEURISTIC_MAX_SEC, Math.floor(sinceModifiedSec * HEURISTIC_FRACTION)),
      source: 'last-modified',
    };
  }
  // CACHE_TTL=0 turns this last fallback off: no freshness information means no reuse.
  if (input.defaultTtlSec <= 0) return { lifetimeSec: 0, source: 'none' };
  return { lifetimeSec: input.defaultTtlSec, source: 'default' };
}

/**
 * Corrected initial age of a response (RFC 9111 §4.2.3): the larger of the apparent age
 * (response_time − Date) and the Age header plus the response delay.
 */
export function correctedInitialAgeSec(input: {
  responseHeaders: HeaderMap;
  requestTimeMs: number;
  responseTimeMs: number;
}): number {
  const ageText = headerValue(input.responseHeaders, 'age')?.split(',')[0]?.trim();
  // §5.1: Age is a non-negative integer; an invalid one is ignored.
  const ageValueSec = ageText !== undefined && /^\d+$/.test(ageText) ? Math.min(Number(ageText), 2 ** 31) : 0;
  const dateMs = parseHttpDate(headerValue(input.responseHeaders, 'date'));
  const apparentAgeSec = dateMs === undefined ? 0 : Math.max(0, Math.floor((input.responseTimeMs - dateMs) / 1000));
  const responseDelaySec = Math.max(0, Math.floor((input.responseTimeMs - input.requestTimeMs) / 1000));
  return Math.max(apparentAgeSec, ageValueSec + responseDelaySec);
}

/** current_age (RFC 9111 §4.2.3): corrected initial age plus resident time. */
export function currentAgeSec(entry: { responseTime: number; initialAgeSec: number }, nowMs: number): number {
  return entry.initialAgeSec + Math.max(0, Math.floor((nowMs - entry.responseTime) / 1000));
}

/** Seconds of freshness left (negative when stale), for Cache-Status `ttl` (RFC 9211 §2.6). */
export function remainingTtlSec(entry: { staleAt: number }, nowMs: number): number {
  const ms = entry.staleAt - nowMs;
  return ms >= 0 ? Math.ceil(ms / 1000) : -Math.floor(-ms / 1000);
}
