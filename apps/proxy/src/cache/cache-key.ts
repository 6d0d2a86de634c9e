import { createHash } from 'node:crypto';

/**
 * Builds the primary cache key (RFC 9111 §2: method + target URI) in one place, from structured
 * parts with an unambiguous encoding (JSON) before hashing: joining strings with a separator is how
 * undici's keys once collided (undici #5012). The hex digest is URL-safe, so it is also the
 * `cache_key` users pass to `/cache/info/{key}`.
 */
export function buildCacheKey(parts: { method: string; url: string }): string {
  return createHash('sha256').update(JSON.stringify([parts.method, parts.url])).digest('hex');
}

/**
 * The key of one variant (RFC 9111 §4.1): the primary key when the response does not vary,
 * otherwise the primary key with the Vary-selected request values, names in sorted order.
 */
export function buildVariantKey(primaryKey: string, vary: Readonly<Record<string, string | null>>): string {
  const names = Object.keys(vary).sort();
  if (names.length === 0) return primaryKey;
  return createHash('sha256')
    .update(JSON.stringify([primaryKey, names.map((name) => [name, vary[name]])]))
    .digest('hex');
}

/**
 * The key of the entry a request to `url` reads, writes or invalidates, whatever its method:
 * only GET responses are stored, HEAD is answered from them (RFC 9110 §9.3.2), and unsafe
 * methods invalidate them (RFC 9111 §4.4).
 */
export function entryKeyFor(url: URL): string {
  return buildCacheKey({ method: 'GET', url: url.href });
}
