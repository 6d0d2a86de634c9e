import { strongMatch } from './conditional.js';
import { headerValue, type HeaderMap } from './headers.js';
import { parseHttpDate } from './http-date.js';

export type RangeSelection = { start: number; end: number } | 'unsatisfiable' | undefined;

/**
 * A single byte range of a stored representation of `length` bytes (RFC 9110 §14.1.2), or
 * undefined to ignore the Range header and send the whole representation (always allowed,
 * §14.2): several ranges, other units, or an If-Range that does not match (§13.1.5).
 */
export function selectByteRange(requestHeaders: HeaderMap, stored: HeaderMap, length: number): RangeSelection {
  const range = headerValue(requestHeaders, 'range');
  if (range === undefined) return undefined;
  const ifRange = headerValue(requestHeaders, 'if-range');
  if (ifRange !== undefined && !ifRangeMatches(ifRange.trim(), stored)) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range);
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    // A suffix of an empty representation selects nothing to send: send it whole.
    if (length === 0) return undefined;
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, length - suffix), end: length - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? length - 1 : Math.min(Number(match[2]), length - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined; // invalid: ignore
  if (start >= length) return 'unsatisfiable';
  return { start, end };
}

/**
 * §13.1.5: an entity tag must match strongly; a date must equal a Last-Modified that is strong,
 * i.e. at least 60 s older than the stored Date (RFC 9110 §8.8.2.2).
 */
function ifRangeMatches(value: string, stored: HeaderMap): boolean {
  if (value.startsWith('"') || value.startsWith('W/')) {
    const etag = headerValue(stored, 'etag');
    return etag !== undefined && strongMatch(value, etag);
  }
  const date = parseHttpDate(value);
  const lastModified = parseHttpDate(headerValue(stored, 'last-modified'));
  const storedDate = parseHttpDate(headerValue(stored, 'date'));
  return (
    date !== undefined &&
    lastModified !== undefined &&
    storedDate !== undefined &&
    date === lastModified &&
    storedDate - lastModified >= 60_000
  );
}
