import { ProxyError } from '../errors.js';

/** C0 controls, space and DEL: never valid in a target, and silently stripped by WHATWG parsing. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** `http:` or `https:` with any number of slashes (clients collapse `//`), but not `http:80` (a host named http). */
const HTTP_SCHEME = /^(https?):(?!\d)\/*/i;

/** A DNS label (letters, digits, hyphen; underscore as used by service names), 1-63 characters. */
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * Whether a parsed URL host is an IP literal or a host name of non-empty labels (RFC 1123 §2.1):
 * `..`, `a..b`, `.a`, `a.` are refused before any cache lookup or DNS query.
 */
export function isValidHostName(hostname: string): boolean {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return true; // IPv6 literal, validated by URL
  if (hostname.length > 253) return false;
  return hostname.split('.').every((label) => HOST_LABEL.test(label));
}

/**
 * Parses an absolute target URL. Rejects control characters (which `new URL` would strip rather
 * than refuse), schemes other than http(s), credentials, and missing or invalid host names. The fragment is dropped:
 * it is never sent to an origin.
 */
export function parseTargetUrl(text: string): URL {
  if (CONTROL_OR_SPACE.test(text)) {
    throw new ProxyError('PROXY_ERR_INVALID_URL', 'The target URL contains control characters or spaces');
  }
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new ProxyError('PROXY_ERR_UNSUPPORTED_SCHEME', `Scheme "${scheme}:" is not proxied; use http or https`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProxyError('PROXY_ERR_INVALID_URL', 'The target is not a valid absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyError('PROXY_ERR_UNSUPPORTED_SCHEME', `Scheme "${url.protocol}" is not proxied; use http or https`);
  }
  if (url.hostname === '') {
    throw new ProxyError('PROXY_ERR_INVALID_URL', 'The target URL has no host');
  }
  if (!isValidHostName(url.hostname)) {
    throw new ProxyError('PROXY_ERR_INVALID_URL', `The target host ${JSON.stringify(url.hostname)} is not a valid host name`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ProxyError(
      'PROXY_ERR_INVALID_URL',
      'Credentials in the target URL are not supported; send an Authorization header instead',
    );
  }
  url.hash = '';
  // An empty query (`/a?`) is the same request to the origin as `/a`: one key for both.
  if (url.search === '') url.search = '';
  return url;
}

/**
 * Parses the target of the transparent mode from the raw (undecoded) remainder after `/http/`:
 * `example.com/a?b=1` → `https://example.com/a?b=1` (the seed's default scheme), and an explicit
 * `http://host:port/a` is kept. Working on the raw URL keeps `/a%2Fb` distinct from `/a/b`.
 */
export function parseTransparentTarget(rawRemainder: string): URL {
  if (rawRemainder === '' || rawRemainder.startsWith('?')) {
    throw new ProxyError('PROXY_ERR_INVALID_URL', 'Missing target: use /http/{host}/{path}, e.g. /http/example.com/');
  }
  const explicit = HTTP_SCHEME.exec(rawRemainder);
  if (explicit) {
    return parseTargetUrl(`${explicit[1]}://${rawRemainder.slice(explicit[0].length)}`);
  }
  // `name:` not followed by a port, and not userinfo (`user:pass@host`), is another scheme.
  const schemeLike = /^([a-z][a-z0-9+.-]*):(?!\d)/i.exec(rawRemainder);
  const authority = rawRemainder.split(/[/?#]/, 1)[0] ?? '';
  if (schemeLike && !authority.includes('@')) {
    throw new ProxyError('PROXY_ERR_UNSUPPORTED_SCHEME', `Scheme "${schemeLike[1]}:" is not proxied; use http or https`);
  }
  return parseTargetUrl(`https://${rawRemainder}`);
}

/** Appends the envelope's `params` to the target's query (existing parameters are kept). */
export function appendQueryParams(
  url: URL,
  params: Readonly<Record<string, string | number | boolean | readonly (string | number | boolean)[]>>,
): URL {
  // Appended by hand: going through url.searchParams would re-encode the existing query
  // (`%20` → `+`, `flag` → `flag=`), changing what the origin receives.
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
    }
  }
  if (pairs.length === 0) return url;
  const existing = url.search.length > 1 ? `${url.search.slice(1)}&` : '';
  url.search = `?${existing}${pairs.join('&')}`;
  return url;
}
