import { parseCacheControl } from './cache-control.js';
import type { HeaderMap } from './headers.js';
import { headerValue } from './headers.js';

/**
 * Request directives that make the cache forward instead of answering from storage
 * (RFC 9111 §5.2.1): `no-cache` asks for validation with the origin, `no-store` forbids
 * using or storing a response. `Pragma: no-cache` counts only without Cache-Control (§5.4).
 */
export function requestForbidsStoredResponse(headers: HeaderMap): boolean {
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined) {
    const directives = parseCacheControl(cacheControl);
    return directives.has('no-cache') || directives.has('no-store');
  }
  const pragma = headerValue(headers, 'pragma');
  return pragma !== undefined && /(^|,)\s*no-cache\s*(,|$)/i.test(pragma);
}

/** §5.2.1.5: a request with no-store must not have its response stored. */
export function requestForbidsStoring(headers: HeaderMap): boolean {
  const cacheControl = headers['cache-control'];
  return cacheControl !== undefined && parseCacheControl(cacheControl).has('no-store');
}
