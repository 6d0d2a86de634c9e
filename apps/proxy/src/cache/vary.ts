import { headerValue, type HeaderMap } from './headers.js';

/** Request header values an entry was selected by (RFC 9111 §4.1); null when the header was absent. */
export type VaryValues = Readonly<Record<string, string | null>>;

/** Field names listed by Vary, lowercased and de-duplicated; `'*'` when any member is `*`. */
export function parseVary(value: string | undefined): string[] | '*' {
  if (value === undefined) return [];
  const names = value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  return names.includes('*') ? '*' : [...new Set(names)];
}

/** List fields whose members are case-insensitive tokens, so case can be normalised (§4.1). */
const CASE_INSENSITIVE_FIELDS = new Set(['accept-encoding', 'accept-charset', 'accept-language', 'te']);

/**
 * RFC 9111 §4.1 allows normalising values in ways known to keep their semantics: several lines
 * of a list field are one comma-separated value, whitespace around separators is not
 * significant, and some fields are case-insensitive.
 */
export function normalizeFieldValue(name: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  const normalized = value
    .split(',')
    .map((member) => member.trim().replace(/\s*;\s*/g, ';').replace(/\s+/g, ' '))
    .filter((member) => member !== '')
    .join(',');
  return CASE_INSENSITIVE_FIELDS.has(name) ? normalized.toLowerCase() : normalized;
}

export function captureVaryValues(names: readonly string[], requestHeaders: HeaderMap): VaryValues {
  const values: Record<string, string | null> = {};
  for (const name of names) values[name] = normalizeFieldValue(name, headerValue(requestHeaders, name));
  return values;
}

/** Whether a new request selects the stored response: every Vary-named header matches (§4.1). */
export function varyMatches(stored: VaryValues, requestHeaders: HeaderMap): boolean {
  for (const name in stored) {
    if (normalizeFieldValue(name, headerValue(requestHeaders, name)) !== stored[name]) return false;
  }
  return true;
}
