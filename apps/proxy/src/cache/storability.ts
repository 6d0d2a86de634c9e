import type { CacheControl } from './cache-control.js';
import type { HeaderMap } from './headers.js';

/** Whether a response may be stored by this shared cache (RFC 9111 §3). */
export interface StorabilityInput {
  method: string;
  /** A POST whose body is part of its key (a GraphQL query, see LookupRequest.cacheablePost). */
  cacheablePost?: boolean | undefined;
  status: number;
  requestHeaders: HeaderMap;
  responseHeaders: HeaderMap;
  responseDirectives: CacheControl;
  varyNames: string[] | '*';
  /** False when a targeted field (RFC 9213) replaced Cache-Control and Expires. */
  useExpires?: boolean;
  /**
   * Statuses stored beyond the default ones (CACHE_EXTRA_STATUSES), when the response gives
   * explicit freshness: the operator's choice, never the client's.
   */
  extraStatuses?: ReadonlySet<number> | undefined;
}

export type NotStoredReason =
  | 'method'
  | 'status'
  | 'range'
  | 'no-store'
  | 'private'
  | 'set-cookie'
  | 'authorization'
  | 'cookie'
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
 * Redirects stored only with explicit freshness (max-age, s-maxage or Expires), as Varnish and
 * Fastly do: their target is usually temporary.
 */
const STORED_WITH_EXPLICIT_FRESHNESS = new Set([302, 307]);

/**
 * Whether this shared cache stores a status at all. By default only the heuristically cacheable
 * statuses (RFC 9110 §15.1) and 302/307 with explicit freshness: another error a client can
 * provoke (400, 403, 500, 503, …) is never served to everyone else (cache-poisoned denial of
 * service, "CPDoS"), unless the operator lists it in `extraStatuses`.
 */
export function isStoredStatus(status: number, explicitFreshness: boolean, extraStatuses?: ReadonlySet<number>): boolean {
  if (HEURISTICALLY_CACHEABLE.has(status)) return true;
  if (!explicitFreshness) return false;
  return STORED_WITH_EXPLICIT_FRESHNESS.has(status) || extraStatuses?.has(status) === true;
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
  // (HEAD is answered from them, §4.3.5; POST responses are not reused, a documented deviation),
  // and POST responses to GraphQL queries, keyed on their body, where the operator opted in.
  if (input.method !== 'GET' && !(input.method === 'POST' && input.cacheablePost === true)) return 'method';
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
  const sharingAllowed = cc.has('public') || cc.has('s-maxage') || cc.has('must-revalidate');
  if (input.requestHeaders.authorization !== undefined && !sharingAllowed) return 'authorization';
  // Deliberate: Cookie is a credential too, treated as §3.5 treats Authorization. A response
  // made for a cookie is stored only when it says it may be shared, or varies on Cookie (then
  // only a request with the same Cookie value selects it, §4.1).
  const variesOnCookie = input.varyNames !== '*' && input.varyNames.includes('cookie');
  if (input.requestHeaders.cookie !== undefined && !sharingAllowed && !variesOnCookie) return 'cookie';
  // §4.1: Vary: * never matches a later request, so storing it is pointless.
  if (input.varyNames === '*') return 'vary-star';
  const explicitFreshness =
    cc.has('max-age') || cc.has('s-maxage') || (input.useExpires !== false && input.responseHeaders.expires !== undefined);
  if (!isHeuristicallyCacheable(input.status)) {
    // §3: the response must allow caching: explicit freshness or a heuristically cacheable status.
    if (!explicitFreshness) return 'not-cacheable';
    // And this shared cache stores only the statuses of isStoredStatus: never a client-provoked error.
    if (!isStoredStatus(input.status, explicitFreshness, input.extraStatuses)) return 'status';
  }
  return undefined;
}
