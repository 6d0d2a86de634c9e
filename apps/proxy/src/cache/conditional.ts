import { headerValue, type HeaderMap } from './headers.js';
import { parseHttpDate } from './http-date.js';

/** Entity tags of an If-None-Match / If-Match value (RFC 9110 §8.8.3), or '*'. */
export function parseEntityTags(value: string): string[] | '*' {
  if (value.trim() === '*') return '*';
  return value.match(/(W\/)?"[^"]*"/g) ?? [];
}

/** Weak comparison (RFC 9110 §8.8.3.2): equal opaque tags, whether or not either is weak. */
export function weakMatch(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

/** Strong comparison: neither weak, same opaque tag. */
export function strongMatch(a: string, b: string): boolean {
  return !a.startsWith('W/') && !b.startsWith('W/') && a === b;
}

/**
 * Whether a GET/HEAD conditional request is answered with 304 from the selected stored
 * response (RFC 9111 §4.3.2, RFC 9110 §13.2.2): If-None-Match when present (weak comparison),
 * otherwise If-Modified-Since against the stored Last-Modified. Only a stored 2xx is ever
 * answered so: RFC 9110 §13.2.1 makes preconditions apply to successful responses only, so a
 * stored 404 or 301 is sent as it is, whatever the request's validators.
 */
export function isNotModified(requestHeaders: HeaderMap, stored: HeaderMap, storedStatus: number): boolean {
  if (storedStatus < 200 || storedStatus > 299) return false;
  const ifNoneMatch = headerValue(requestHeaders, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    const tags = parseEntityTags(ifNoneMatch);
    const etag = headerValue(stored, 'etag');
    if (tags === '*') return true;
    return etag !== undefined && tags.some((tag) => weakMatch(tag, etag));
  }
  const ifModifiedSince = parseHttpDate(headerValue(requestHeaders, 'if-modified-since'));
  if (ifModifiedSince === undefined) return false;
  // §4.3.2: without Last-Modified, the stored Date stands in for it.
  const lastModified = parseHttpDate(headerValue(stored, 'last-modified') ?? headerValue(stored, 'date'));
  return lastModified !== undefined && lastModified <= ifModifiedSince;
}

/** Whether the client sent a precondition this cache answers from storage (If-None-Match/If-Modified-Since). */
export function hasCacheAnswerableConditional(requestHeaders: HeaderMap): boolean {
  return requestHeaders['if-none-match'] !== undefined || requestHeaders['if-modified-since'] !== undefined;
}

/**
 * Preconditions only the origin can evaluate (If-Match, If-Unmodified-Since, RFC 9110 §13.1):
 * such requests bypass the stored response.
 */
export function hasOriginOnlyConditional(requestHeaders: HeaderMap): boolean {
  return requestHeaders['if-match'] !== undefined || requestHeaders['if-unmodified-since'] !== undefined;
}

/** Validators of a stored response for a conditional request (RFC 9111 §4.3.1). */
export function validatorHeaders(stored: HeaderMap): string[] {
  const headers: string[] = [];
  const etag = headerValue(stored, 'etag');
  if (etag !== undefined) headers.push('if-none-match', etag);
  const lastModified = headerValue(stored, 'last-modified');
  if (lastModified !== undefined) headers.push('if-modified-since', lastModified);
  return headers;
}

/**
 * Representation metadata a 304 leaves out (RFC 9110 §15.4.5: "a sender SHOULD NOT generate
 * representation metadata other than" Content-Location, Date, ETag, Vary, Cache-Control and
 * Expires). Every other stored field is sent, so that caches downstream can update theirs.
 */
const REPRESENTATION_METADATA = new Set([
  'content-type',
  'content-encoding',
  'content-language',
  'content-length',
  'content-range',
  'content-md5',
  'content-digest',
  'repr-digest',
]);

export function notModifiedHeaders(storedHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < storedHeaders.length; i += 2) {
    if (!REPRESENTATION_METADATA.has(storedHeaders[i]!.toLowerCase())) out.push(storedHeaders[i]!, storedHeaders[i + 1]!);
  }
  return out;
}

/**
 * Freshens stored header fields with those of a 304 (or a matching HEAD response) (RFC 9111
 * §3.2, §4.3.4): every field in the new response replaces the stored one, except Content-Length
 * (the stored body keeps its length) and fields the caller omits.
 */
export function freshenHeaders(
  storedHeaders: readonly string[],
  update: readonly string[],
  keep: ReadonlySet<string> = new Set(['content-length']),
): string[] {
  const replaced = new Set<string>();
  for (let i = 0; i < update.length; i += 2) {
    const name = update[i]!.toLowerCase();
    if (!keep.has(name)) replaced.add(name);
  }
  const out: string[] = [];
  for (let i = 0; i < storedHeaders.length; i += 2) {
    if (!replaced.has(storedHeaders[i]!.toLowerCase())) out.push(storedHeaders[i]!, storedHeaders[i + 1]!);
  }
  for (let i = 0; i < update.length; i += 2) {
    if (replaced.has(update[i]!.toLowerCase())) out.push(update[i]!, update[i + 1]!);
  }
  return out;
}

/**
 * Whether a 304 received for a conditional request made with a stored response's validators
 * selects that stored response for update (RFC 9111 §4.3.4): the 304's entity tag, when it has
 * one, must match the stored one (weak comparison); otherwise its Last-Modified, when it has
 * one, must equal the stored one. A 304 without validators answers the validators we sent.
 * When it selects nothing, no stored response may be updated.
 */
export function notModifiedSelects(notModified: HeaderMap, stored: HeaderMap): boolean {
  const etag = headerValue(notModified, 'etag');
  if (etag !== undefined) {
    const storedEtag = headerValue(stored, 'etag');
    return storedEtag !== undefined && weakMatch(etag.trim(), storedEtag.trim());
  }
  const lastModified = headerValue(notModified, 'last-modified');
  if (lastModified !== undefined) return lastModified.trim() === headerValue(stored, 'last-modified')?.trim();
  return true;
}
