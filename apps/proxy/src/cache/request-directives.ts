import { deltaSeconds, parseCacheControl } from './cache-control.js';
import { headerValue, type HeaderMap } from './headers.js';

/**
 * A request's cache directives (RFC 9111 §5.2.1), read once per request. `Pragma: no-cache`
 * counts as `Cache-Control: no-cache` only when the request has no Cache-Control (§5.4).
 */
export interface RequestDirectives {
  /** §5.2.1.4: do not use a stored response without validating it. */
  noCache: boolean;
  /** §5.2.1.5: do not store the response (a stored response may still be used). */
  noStore: boolean;
  /** §5.2.1.1: the client does not accept a response older than this. */
  maxAgeSec?: number | undefined;
  /** §5.2.1.2: the client accepts a stale response, up to this many seconds stale (Infinity: any). */
  maxStaleSec?: number | undefined;
  /** §5.2.1.3: the client wants a response that stays fresh at least this much longer. */
  minFreshSec?: number | undefined;
  /** §5.2.1.7: answer from storage or with 504. */
  onlyIfCached: boolean;
  /** RFC 5861 §4: on an origin error, a stale response up to this many seconds stale is acceptable. */
  staleIfErrorSec?: number | undefined;
}

export const NO_REQUEST_DIRECTIVES: RequestDirectives = Object.freeze({
  noCache: false,
  noStore: false,
  onlyIfCached: false,
});

export function parseRequestDirectives(headers: HeaderMap): RequestDirectives {
  const cacheControl = headers['cache-control'];
  if (cacheControl === undefined) {
    const pragma = headerValue(headers, 'pragma');
    if (pragma !== undefined && /(^|,)\s*no-cache\s*(,|$)/i.test(pragma)) {
      return { ...NO_REQUEST_DIRECTIVES, noCache: true };
    }
    return NO_REQUEST_DIRECTIVES;
  }
  const directives = parseCacheControl(cacheControl);
  const maxStale = directives.get('max-stale');
  return {
    noCache: directives.has('no-cache'),
    noStore: directives.has('no-store'),
    maxAgeSec: directives.has('max-age') ? (deltaSeconds(directives, 'max-age') ?? 0) : undefined,
    // A max-stale without a (valid) value accepts a response of any staleness.
    maxStaleSec: maxStale === undefined ? undefined : (deltaSeconds(directives, 'max-stale') ?? Infinity),
    minFreshSec: deltaSeconds(directives, 'min-fresh'),
    onlyIfCached: directives.has('only-if-cached'),
    staleIfErrorSec: deltaSeconds(directives, 'stale-if-error'),
  };
}
