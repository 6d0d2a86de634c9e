import { parseDictionary, Token, type InnerList, type Item } from 'structured-headers';
import { parseCacheControl, type CacheControl } from './cache-control.js';
import { headerValue, type HeaderMap } from './headers.js';

/**
 * Targeted cache control (RFC 9213). A cache with a target list (e.g. `CDN-Cache-Control`) uses
 * the first listed field that has a valid, non-empty value instead of Cache-Control and Expires
 * (§2.2). Targeted fields are Structured Field Dictionaries (RFC 8941 §3.2, parsed by the
 * `structured-headers` package); one that does not parse, or whose cache directives have the
 * wrong type, is ignored as if absent (§2.1).
 */
export interface ResponseCacheDirectives {
  directives: CacheControl;
  /** Whether Expires still counts (not when a targeted field took over, RFC 9213 §2.2). */
  useExpires: boolean;
  /** The targeted field used, if any. */
  targetedField?: string;
}

/** Directives whose value must be an Integer (RFC 9213 §2.1: RFC 9111 delta-seconds, RFC 5861). */
const INTEGER_DIRECTIVES = new Set(['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error']);

/**
 * A directive's value as Cache-Control parsing gives it: text, or `true` for a bare directive.
 * Typed `unknown`: the package's BareItem names DOM types (BufferSource) that Node's types lack.
 */
function directiveValue(value: unknown): string | true {
  if (value === true) return true;
  if (typeof value === 'number' || typeof value === 'string' || value instanceof Token) return String(value);
  // Byte sequences, dates and display strings mean nothing to a cache: only their presence counts.
  return true;
}

function isInnerList(member: Item | InnerList): member is InnerList {
  return Array.isArray(member[0]);
}

/**
 * An SF Dictionary (RFC 8941 §4.2.2) as cache directives, or undefined when it is not a valid
 * one. Parameters are allowed and ignored; `?0` members are absent, `?1` members present; an
 * Inner List counts as presence (`private=("a" "b")` is read like `private`, the conservative
 * reading). Keys must be lowercase, as RFC 8941 requires.
 */
export function parseTargetedField(value: string): CacheControl | undefined {
  if (value.trim() === '') return undefined;
  let dictionary;
  try {
    dictionary = parseDictionary(value);
  } catch {
    return undefined;
  }
  const directives = new Map<string, string | true>();
  for (const [key, member] of dictionary) {
    if (isInnerList(member)) {
      if (INTEGER_DIRECTIVES.has(key)) return undefined;
      directives.set(key, true);
      continue;
    }
    const item: unknown = member[0];
    // The package reads Decimals as numbers too, so `max-age=60.0` passes as 60 (a known leniency).
    if (INTEGER_DIRECTIVES.has(key) && !Number.isInteger(item)) return undefined;
    if (item === false) continue;
    directives.set(key, directiveValue(item));
  }
  return directives;
}

/** The directives that govern this cache's handling of a response. */
export function responseCacheDirectives(headers: HeaderMap, targetedFields: readonly string[]): ResponseCacheDirectives {
  for (const field of targetedFields) {
    const value = headerValue(headers, field);
    if (value === undefined) continue;
    const directives = parseTargetedField(value);
    if (directives !== undefined) return { directives, useExpires: false, targetedField: field };
  }
  return { directives: parseCacheControl(headers['cache-control']), useExpires: true };
}
