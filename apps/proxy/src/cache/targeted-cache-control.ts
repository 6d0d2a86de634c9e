import { parseCacheControl, type CacheControl } from './cache-control.js';
import { headerValue, type HeaderMap } from './headers.js';

/**
 * Targeted cache control (RFC 9213). A cache with a target list (e.g. `CDN-Cache-Control`) uses
 * the first listed field that has a valid, non-empty value instead of Cache-Control and Expires
 * (§2.2). Targeted fields are Structured Field Dictionaries (RFC 8941 §3.2); one that does not
 * parse, or whose cache directives have the wrong type, is ignored as if absent.
 */
export interface ResponseCacheDirectives {
  directives: CacheControl;
  /** Whether Expires still counts (not when a targeted field took over, RFC 9213 §2.2). */
  useExpires: boolean;
  /** The targeted field used, if any. */
  targetedField?: string;
}

const KEY = /^[a-z*][a-z0-9_\-.*]*$/;
const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d{1,12}\.\d{1,3}$/;
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;
/** RFC 8941 §3.3.3: printable ASCII, with `"` and `\` escaped. */
const STRING = /^"(?:[ !#-[\]-~]|\\["\\])*"$/;
/** Directives whose value must be an integer (RFC 9111 delta-seconds, RFC 5861). */
const INTEGER_DIRECTIVES = new Set(['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error']);

/** Splits on commas outside quoted strings. */
function splitMembers(text: string): string[] {
  const members: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (c === ',' && !quoted) {
      members.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  members.push(current);
  return members;
}

/** An SF Dictionary as cache directives, or undefined when it is not a valid one. */
export function parseTargetedField(value: string): CacheControl | undefined {
  if (value.trim() === '') return undefined;
  const directives = new Map<string, string | true>();
  for (const rawMember of splitMembers(value)) {
    const member = rawMember.trim();
    if (member === '') return undefined;
    // Parameters (`;a=1`) are allowed by RFC 8941 and meaningless here.
    const [item] = member.split(';');
    const eq = item!.indexOf('=');
    // Keys are lowercase in RFC 8941; upper case is accepted, as HTTP directive names are case-insensitive.
    const key = (eq === -1 ? item! : item!.slice(0, eq)).toLowerCase();
    if (!KEY.test(key)) return undefined;
    if (eq === -1) {
      directives.set(key, true);
      continue;
    }
    const raw = item!.slice(eq + 1);
    let parsed: string | true;
    if (INTEGER.test(raw) || DECIMAL.test(raw)) parsed = raw;
    else if (raw === '?1') parsed = true;
    else if (raw === '?0') continue;
    else if (TOKEN.test(raw)) parsed = raw;
    else if (STRING.test(raw)) parsed = raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
    else return undefined;
    if (INTEGER_DIRECTIVES.has(key) && (typeof parsed !== 'string' || !INTEGER.test(raw))) return undefined;
    directives.set(key, parsed);
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
