import type { CacheControl } from './cache-control.js';
import type { HeaderMap } from './headers.js';

/** Whether a response may be stored by this shared cache (RFC 9111 §3). */
export interface StorabilityInput {
  method: string;
  status: number;
  requestHeaders: HeaderMap;
  responseHeaders: HeaderMap;
  responseDirectives: CacheControl;
  varyNames: string[] | '*';
  /** False when a targeted field (RFC 9213) replaced Cache-Control and Expires. */
  useExpires?: boolean;
}

export type NotStoredReason =
  | 'method'
  | 'status'
  | 'range'
  | 'no-store'
  | 'private'
  | 'set-cookie'
  | 'authorization'
  | 'vary-star'
  | 'not-cacheable';

/**
 * Statuses a cache may store without explicit freshness (RFC 9110 §15.1 "heuristically
 * cacheable"). 206 is left out: this cache does not store partial content (§3.3).
 */
const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);

export function isHeuristicallyCacheable(status: number): boolean {
  return HEURISTICALLY_CACHEABLE.has(status);
}

/**
 * Statuses whose semantics this cache implements, for `must-understand` (§5.2.2.3): the final
 * statuses RFC 9110 defines, except 206 and 304, which are never stored as responses of their own.
 */
const UNDERSTOOD = new Set([
  200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410,
  411, 412, 413, 414, 415, 416, 417, 421, 422, 426, 500, 501, 502, 503, 504, 505,
]);

export function whyNotStorable(input: StorabilityInput): NotStoredReason | undefined {
  const { responseDirectives: cc } = input;
  // §3: the request method must be understood and cacheable; only GET responses are stored
  // (HEAD is answered from them, §4.3.5; POST responses are not reused, a documented deviation).
  if (input.method !== 'GET') return 'method';
  // §3: a final status; 206 and 304 are never stored as complete responses (§3.3, §3.4).
  if (input.status < 200 || input.status > 599 || input.status === 206 || input.status === 304) return 'status';
  // §3.3: responses to Range requests are partial; this cache does not combine partial content.
  if (input.requestHeaders.range !== undefined) return 'range';
  // §5.2.2.3: with must-understand, store only statuses we understand, and then ignore no-store.
  const mustUnderstand = cc.has('must-understand');
  if (mustUnderstand && !UNDERSTOOD.has(input.status)) return 'status';
  // §5.2.2.5: no-store.
  if (cc.has('no-store') && !mustUnderstand) return 'no-store';
  // §5.2.2.7: a shared cache must not store a private response (qualified or not).
  if (cc.has('private')) return 'private';
  // Deliberate, as in Varnish and nginx: a response that sets a cookie is user-specific.
  if (input.responseHeaders['set-cookie'] !== undefined) return 'set-cookie';
  // §3.5: a request with Authorization only when the response explicitly allows it.
  if (
    input.requestHeaders.authorization !== undefined &&
    !cc.has('public') &&
    !cc.has('s-maxage') &&
    !cc.has('must-revalidate')
  ) {
    return 'authorization';
  }
  // §4.1: Vary: * never matches a later request, so storing it is pointless.
  if (input.varyNames === '*') return 'vary-star';
  // §3: the response must allow caching: explicit freshness, public, or a heuristically
  // cacheable status.
  const explicitlyCacheable =
    cc.has('public') ||
    cc.has('max-age') ||
    cc.has('s-maxage') ||
    (input.useExpires !== false && input.responseHeaders.expires !== undefined);
  if (!explicitlyCacheable && !isHeuristicallyCacheable(input.status)) return 'not-cacheable';
  return undefined;
}
