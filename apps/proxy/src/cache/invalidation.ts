import { headerValue, type HeaderMap } from './headers.js';

/**
 * URLs whose stored responses an unsafe request invalidates (RFC 9111 §4.4): after a non-error
 * (2xx or 3xx) response, the target URI, and the Location and Content-Location URIs when they
 * have the same origin as the target (a cache must not invalidate another origin's URIs).
 */
export function invalidationTargets(target: URL, status: number, responseHeaders: HeaderMap): URL[] {
  if (status < 200 || status >= 400) return [];
  const urls = [target];
  for (const field of ['location', 'content-location']) {
    const value = headerValue(responseHeaders, field);
    if (value === undefined) continue;
    let resolved: URL;
    try {
      resolved = new URL(value.trim(), target);
    } catch {
      continue;
    }
    resolved.hash = '';
    if (resolved.origin === target.origin && !urls.some((u) => u.href === resolved.href)) urls.push(resolved);
  }
  return urls;
}

/** Methods that are safe (RFC 9110 §9.2.1): they never invalidate. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method);
}
