import { deltaSeconds, type CacheControl } from './cache-control.js';
import { parseHttpDate } from './http-date.js';

/**
 * Freshness lifetime of a response to be stored (RFC 9111 §4.2.1): an explicit `?ttl=` override,
 * then `s-maxage` (shared caches only, §5.2.2.10), then `max-age` (§5.2.2.1), then
 * `Expires` − `Date` (§5.3), then the configured default (`CACHE_TTL`, our heuristic, §4.2.2).
 * Zero means "stale on arrival": not stored until validation exists.
 */
export interface FreshnessInput {
  responseDirectives: CacheControl;
  /** Raw `Expires` and `Date` response header values. */
  expires?: string | undefined;
  date?: string | undefined;
  /** When the response was received. */
  nowMs: number;
  defaultTtlSec: number;
  overrideTtlSec?: number | undefined;
}

export type FreshnessSource = 'override' | 's-maxage' | 'max-age' | 'expires' | 'default';

export function determineFreshnessLifetime(input: FreshnessInput): { lifetimeSec: number; source: FreshnessSource } {
  if (input.overrideTtlSec !== undefined) return { lifetimeSec: input.overrideTtlSec, source: 'override' };
  const { responseDirectives } = input;
  for (const directive of ['s-maxage', 'max-age'] as const) {
    if (!responseDirectives.has(directive)) continue;
    // §4.2.1: an invalid value is encouraged to be treated as stale.
    return { lifetimeSec: deltaSeconds(responseDirectives, directive) ?? 0, source: directive };
  }
  if (input.expires !== undefined) {
    // §5.3: an invalid Expires (e.g. "0") means already expired.
    const expiresMs = parseHttpDate(input.expires);
    if (expiresMs === undefined) return { lifetimeSec: 0, source: 'expires' };
    const dateMs = parseHttpDate(input.date) ?? input.nowMs;
    return { lifetimeSec: Math.max(0, Math.floor((expiresMs - dateMs) / 1000)), source: 'expires' };
  }
  return { lifetimeSec: input.defaultTtlSec, source: 'default' };
}

/** The Age a stored response has now (RFC 9111 §4.2.3, simplified: initial age + resident time). */
export function currentAgeSec(entry: { storedAt: number; initialAgeSec: number }, nowMs: number): number {
  return entry.initialAgeSec + Math.max(0, Math.floor((nowMs - entry.storedAt) / 1000));
}

/** Seconds of freshness left, never negative. */
export function remainingTtlSec(entry: { staleAt: number }, nowMs: number): number {
  return Math.max(0, Math.ceil((entry.staleAt - nowMs) / 1000));
}
