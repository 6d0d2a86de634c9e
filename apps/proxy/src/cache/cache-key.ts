import { createHash } from 'node:crypto';

/**
 * Builds the primary cache key (RFC 9111 §2: method + target URI, plus the digest of a request
 * body that is part of the key: a GraphQL query sent by POST) in one place, from structured
 * parts with an unambiguous encoding (JSON) before hashing: joining strings with a separator is how
 * undici's keys once collided (undici #5012). The hex digest is URL-safe, so it is also the
 * `cache_key` users pass to `/cache/info/{key}`.
 */
export function buildCacheKey(parts: { method: string; url: string; bodyDigest?: string | undefined }): string {
  const encoded = parts.bodyDigest === undefined ? [parts.method, parts.url] : [parts.method, parts.url, parts.bodyDigest];
  return createHash('sha256').update(JSON.stringify(encoded)).digest('hex');
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

/**
 * The key of a GraphQL query sent by POST to `url` (see classifyGraphqlRequest): method POST, the
 * URL and the query's digest. It never equals the URL's GET entry key (another method), so a query
 * neither reads nor overwrites, and §4.4 invalidation of the URL's GET responses leaves it alone.
 */
export function queryKeyFor(url: URL, queryDigest: string): string {
  return buildCacheKey({ method: 'POST', url: url.href, bodyDigest: queryDigest });
}
