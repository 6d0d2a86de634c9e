import type { ForwardReason } from './cache-status.js';
import { currentAgeSec } from './freshness.js';
import type { HeaderMap } from './headers.js';
import type { RequestDirectives } from './request-directives.js';
import { varyMatches, type VaryValues } from './vary.js';

/** The parts of a stored response the reuse decision reads. */
export interface ReusableResponse {
  readonly vary: VaryValues;
  readonly responseTime: number;
  readonly initialAgeSec: number;
  readonly lifetimeSec: number;
  readonly noCache: boolean;
  readonly mustRevalidate: boolean;
  readonly staleWhileRevalidateSec: number;
  readonly staleIfErrorSec: number;
}

/**
 * RFC 9111 §4.1: among the stored variants, those whose Vary-named request fields match; when
 * several match, the most recent one is used.
 */
export function selectVariant<T extends ReusableResponse>(
  variants: readonly T[] | undefined,
  requestHeaders: HeaderMap,
): T | undefined {
  if (variants === undefined) return undefined;
  let selected: T | undefined;
  for (const variant of variants) {
    if (varyMatches(variant.vary, requestHeaders) && (selected === undefined || variant.responseTime > selected.responseTime)) {
      selected = variant;
    }
  }
  return selected;
}

export type ReuseDecision =
  /** §4.2: fresh, and acceptable to the request. */
  | { readonly action: 'serve' }
  /** Stale, but the client (max-stale) or the origin (stale-while-revalidate) allows it. */
  | { readonly action: 'serve-stale'; readonly reason: 'max-stale' | 'stale-while-revalidate' }
  /** Must go forward: validate when possible, else fetch anew. */
  | { readonly action: 'forward'; readonly fwd: Extract<ForwardReason, 'stale' | 'request'> };

const SERVE: ReuseDecision = Object.freeze({ action: 'serve' });
const FORWARD_STALE: ReuseDecision = Object.freeze({ action: 'forward', fwd: 'stale' });
const FORWARD_REQUEST: ReuseDecision = Object.freeze({ action: 'forward', fwd: 'request' });

/** Whether a selected stored response may be reused for a request now (RFC 9111 §4, §4.2.4, §5.2). */
export function decideReuse(entry: ReusableResponse, request: RequestDirectives, nowMs: number): ReuseDecision {
  // §5.2.1.4: the client asks for validation.
  if (request.noCache) return FORWARD_REQUEST;
  // §5.2.2.4: the origin requires validation before every reuse.
  if (entry.noCache) return FORWARD_STALE;
  const ageSec = currentAgeSec(entry, nowMs);
  const freshForSec = entry.lifetimeSec - ageSec;
  // §5.2.1.1: the client does not accept a response this old (fresh or not).
  if (request.maxAgeSec !== undefined && ageSec > request.maxAgeSec) return FORWARD_REQUEST;
  if (freshForSec > 0) {
    // §5.2.1.3: it must stay fresh at least min-fresh longer.
    if (request.minFreshSec !== undefined && freshForSec < request.minFreshSec) return FORWARD_REQUEST;
    return SERVE;
  }
  // Stale (§4.2.4). must-revalidate, proxy-revalidate and s-maxage forbid serving it stale.
  if (entry.mustRevalidate) return FORWARD_STALE;
  if (request.minFreshSec !== undefined) return FORWARD_REQUEST;
  const stalenessSec = -freshForSec;
  // §5.2.1.2: the client accepts this much staleness.
  if (request.maxStaleSec !== undefined && stalenessSec <= request.maxStaleSec) {
    return { action: 'serve-stale', reason: 'max-stale' };
  }
  // RFC 5861 §3: serve stale while one background request revalidates it.
  if (entry.staleWhileRevalidateSec > 0 && stalenessSec <= entry.staleWhileRevalidateSec) {
    return { action: 'serve-stale', reason: 'stale-while-revalidate' };
  }
  return FORWARD_STALE;
}

/**
 * RFC 5861 §4: after an origin error (5xx or no answer), a stale response may be served within
 * the stale-if-error window of the response or of the request — never when it must be revalidated.
 */
export function mayServeStaleOnError(entry: ReusableResponse, request: RequestDirectives, nowMs: number): boolean {
  // A client that asked for validation (no-cache) did not accept an unvalidated response.
  if (entry.mustRevalidate || entry.noCache || request.noCache) return false;
  const stalenessSec = currentAgeSec(entry, nowMs) - entry.lifetimeSec;
  const windowSec = Math.max(entry.staleIfErrorSec, request.staleIfErrorSec ?? 0);
  return stalenessSec <= windowSec && windowSec > 0;
}
