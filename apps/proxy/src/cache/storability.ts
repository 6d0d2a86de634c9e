import type { CacheControl } from './cache-control.js';
import type { HeaderMap } from './headers.js';

/**
 * Whether a response may be stored by this shared cache. The foundation's minimal rules;
 * the full RFC 9111 §3 set comes with the RFC 9111 issue.
 */
export interface StorabilityInput {
  method: string;
  status: number;
  requestHeaders: HeaderMap;
  responseHeaders: HeaderMap;
  responseDirectives: CacheControl;
  varyNames: string[] | '*';
}

export type NotStoredReason =
  | 'method'
  | 'status'
  | 'no-store'
  | 'private'
  | 'no-cache'
  | 'set-cookie'
  | 'authorization'
  | 'vary-star'
  | 'range';

/**
 * Statuses a cache may store without explicit freshness (RFC 9110 §15.1 "heuristically
 * cacheable"); other final statuses are stored only when the origin gives them a lifetime.
 */
const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

export function isHeuristicallyCacheable(status: number): boolean {
  return HEURISTICALLY_CACHEABLE.has(status);
}

export function whyNotStorable(input: StorabilityInput): NotStoredReason | undefined {
  // §3: only responses to methods the cache understands as cacheable; HEAD responses carry no body.
  if (input.method !== 'GET') return 'method';
  // 206 partial content and 304 are not complete responses to store (§3.3, §3.4 not supported).
  if (input.status < 200 || input.status === 206 || input.status === 304 || input.status >= 600) return 'status';
  // §3: a request carrying Range is answered with partial content; not stored.
  if (input.requestHeaders.range !== undefined) return 'range';
  // §5.2.2.5 / §5.2.1.5: no-store in the response or the request.
  if (input.responseDirectives.has('no-store')) return 'no-store';
  // §5.2.2.7: a shared cache must not store a private response.
  if (input.responseDirectives.has('private')) return 'private';
  // §5.2.2.4: a no-cache response must be validated before every reuse. Validation is not
  // implemented yet (it comes with the RFC 9111 issue), so such responses are not stored.
  if (input.responseDirectives.has('no-cache')) return 'no-cache';
  // Deliberate, as in Varnish and nginx: a response that sets a cookie is user-specific.
  if (input.responseHeaders['set-cookie'] !== undefined) return 'set-cookie';
  // §3.5: requests with Authorization only when the response explicitly allows it.
  if (
    input.requestHeaders.authorization !== undefined &&
    !input.responseDirectives.has('public') &&
    !input.responseDirectives.has('s-maxage') &&
    !input.responseDirectives.has('must-revalidate')
  ) {
    return 'authorization';
  }
  // §4.1: Vary: * always fails to match, so storing it is pointless.
  if (input.varyNames === '*') return 'vary-star';
  return undefined;
}
