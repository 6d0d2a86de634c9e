import type { ForwardReason } from './cache-status.js';
import { hasCacheAnswerableConditional, hasOriginOnlyConditional } from './conditional.js';
import type { HeaderMap } from './headers.js';
import { parseRequestDirectives, type RequestDirectives } from './request-directives.js';
import { decideReuse, selectVariant, type ReusableResponse } from './reuse.js';

/** The parts of a stored response the lookup reads: reuse policy, plus whether it can be validated. */
export interface LookupCandidate extends ReusableResponse {
  readonly hasValidators: boolean;
}

/** The request as the lookup sees it. */
export interface LookupRequest {
  /** Upper-case request method. */
  readonly method: string;
  /** Request header fields, lowercase names. */
  readonly headers: HeaderMap;
  /**
   * A POST whose body is part of its key and whose meaning is safe: a GraphQL query on a route
   * the operator marked `graphql: true` (see graphql-request.ts). Looked up and stored like a
   * GET; never validated (see maySendConditional), never invalidating (§4.4 is for unsafe requests).
   */
  readonly cacheablePost?: boolean | undefined;
  /** A cache rule says `bypass`: never answered from storage, never stored. */
  readonly bypass?: boolean | undefined;
}

/**
 * What to do with a request, decided once by {@link lookUp} and executed by the data plane:
 *
 * - `serve`: a stored response is fresh and acceptable (RFC 9111 §4.2); no origin contact.
 * - `serve-stale`: stale, but the client (max-stale, §5.2.1.2) or the origin
 *   (stale-while-revalidate, RFC 5861 §3: then `revalidate` is true and one background request
 *   refreshes it) allows it.
 * - `validate`: a stored response exists and has validators; send a conditional request (§4.3.1).
 * - `forward`: go to the origin without validators. `stored` is the selected response when there
 *   is one (it may still answer after an origin error, RFC 5861 §4).
 * - `only-if-cached-miss`: the client sent only-if-cached and nothing can answer (§5.2.1.7: 504).
 * - `pass`: a method this cache does not answer from storage (§4.4 may invalidate after it), or
 *   a request a cache rule bypasses (`fwd: 'bypass'`): relayed, never stored.
 *
 * `coalesce` says whether concurrent requests for the key may share one origin request: not when
 * the client asked for validation (its `no-cache` or a precondition only the origin evaluates).
 */
export type CacheLookup<T extends LookupCandidate = LookupCandidate> =
  | { readonly action: 'serve'; readonly entry: T; readonly directives: RequestDirectives }
  | {
      readonly action: 'serve-stale';
      readonly entry: T;
      readonly directives: RequestDirectives;
      readonly reason: 'max-stale' | 'stale-while-revalidate';
      readonly revalidate: boolean;
    }
  | {
      readonly action: 'validate' | 'forward';
      readonly fwd: ForwardReason;
      readonly stored: T | undefined;
      readonly directives: RequestDirectives;
      readonly coalesce: boolean;
    }
  | { readonly action: 'only-if-cached-miss'; readonly directives: RequestDirectives }
  | { readonly action: 'pass'; readonly fwd: 'method' | 'bypass'; readonly directives: RequestDirectives };

/** Methods whose responses this cache stores and reuses (RFC 9111 §2: GET, and HEAD served from it). */
export function isCacheableMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/**
 * Whether the cache answers a request from storage: GET and HEAD, and a POST whose body is part
 * of its key (`cacheablePost`). The latter deviates from RFC 9110 §9.3.3, which lets a POST
 * response answer only a later GET: the operator opts in per route, for GraphQL queries.
 */
export function isCacheableRequest(request: LookupRequest): boolean {
  return isCacheableMethod(request.method) || (request.method === 'POST' && request.cacheablePost === true);
}

/**
 * Whether a stored response may be validated with a conditional request (RFC 9111 §4.3.1). Not
 * for a POST: the origin evaluates If-None-Match / If-Modified-Since on a POST as a precondition
 * of the action (RFC 9110 §13.1.1, §13.2.2) and answers 412 instead of 304, so a stale stored
 * query is fetched again unconditionally.
 */
export function maySendConditional(request: LookupRequest): boolean {
  return isCacheableMethod(request.method);
}

/**
 * The one reuse decision of a request (RFC 9111 §4): pure, from the request's method and header
 * fields, the stored variants of its key (undefined: none) and the time `nowMs`. Called once per
 * request; coalesced waiters call it again once their leader has finished.
 */
export function lookUp<T extends LookupCandidate>(
  request: LookupRequest,
  variants: readonly T[] | undefined,
  nowMs: number,
): CacheLookup<T> {
  const directives = parseRequestDirectives(request.headers);
  if (!isCacheableRequest(request)) return { action: 'pass', fwd: 'method', directives };
  if (request.bypass === true) return { action: 'pass', fwd: 'bypass', directives };
  // RFC 9110 §13.1: If-Match and If-Unmodified-Since only the origin can evaluate; its answer may
  // still be stored.
  // On a POST every precondition is the origin's to evaluate, If-None-Match included (RFC 9110
  // §13.1.1, §13.1.2: 412, never 304); §4.3.2's cache-answered 304 is for GET and HEAD.
  const preconditions = maySendConditional(request) ? hasOriginOnlyConditional(request.headers) : hasAnyPrecondition(request.headers);
  if (preconditions) {
    return { action: 'forward', fwd: 'request', stored: undefined, directives, coalesce: false };
  }
  const entry = selectVariant(variants, request.headers);
  if (entry === undefined) {
    // §5.2.1.7: only-if-cached never goes forward.
    if (directives.onlyIfCached) return { action: 'only-if-cached-miss', directives };
    // §4.1: stored responses exist for the URL, but none whose Vary-named fields match.
    const fwd = variants !== undefined && variants.length > 0 ? 'vary-miss' : 'uri-miss';
    return { action: 'forward', fwd, stored: undefined, directives, coalesce: mayCoalesce(request, directives) };
  }
  const reuse = decideReuse(entry, directives, nowMs);
  if (reuse.action === 'serve') return { action: 'serve', entry, directives };
  if (reuse.action === 'serve-stale') {
    return {
      action: 'serve-stale',
      entry,
      directives,
      reason: reuse.reason,
      revalidate: reuse.reason === 'stale-while-revalidate',
    };
  }
  if (directives.onlyIfCached) return { action: 'only-if-cached-miss', directives };
  const coalesce = reuse.fwd !== 'request' && mayCoalesce(request, directives);
  // §4.3.1: a stored response with validators is validated rather than fetched anew.
  const validate = entry.hasValidators && maySendConditional(request);
  return { action: validate ? 'validate' : 'forward', fwd: reuse.fwd, stored: entry, directives, coalesce };
}

function hasAnyPrecondition(headers: HeaderMap): boolean {
  return hasOriginOnlyConditional(headers) || hasCacheAnswerableConditional(headers) || headers['if-range'] !== undefined;
}

/**
 * Concurrent GETs (and identical cacheable POSTs, whose bodies are buffered) share one origin
 * request unless the client asked for validation (§5.2.1.4).
 */
function mayCoalesce(request: LookupRequest, directives: RequestDirectives): boolean {
  return (request.method === 'GET' || request.cacheablePost === true) && !directives.noCache;
}
