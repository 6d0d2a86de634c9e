import { headerValue, type HeaderMap } from './headers.js';

/** Request header values an entry was selected by (RFC 9111 §4.1); null when the header was absent. */
export type VaryValues = Readonly<Record<string, string | null>>;

/** Field names listed by Vary, lowercased; `'*'` when any member is `*`. */
export function parseVary(value: string | undefined): string[] | '*' {
  if (value === undefined) return [];
  const names = value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  return names.includes('*') ? '*' : [...new Set(names)];
}

/** RFC 9111 §4.1 allows normalising whitespace around list separators; nothing more is assumed here. */
function normalizeFieldValue(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.trim().replace(/\s*,\s*/g, ',').replace(/\s+/g, ' ');
}

export function captureVaryValues(names: readonly string[], requestHeaders: HeaderMap): VaryValues {
  const values: Record<string, string | null> = {};
  for (const name of names) values[name] = normalizeFieldValue(headerValue(requestHeaders, name));
  return values;
}

/** Whether a new request selects the stored response: every Vary-named header matches (§4.1). */
export function varyMatches(stored: VaryValues, requestHeaders: HeaderMap): boolean {
  for (const name in stored) {
    if (normalizeFieldValue(headerValue(requestHeaders, name)) !== stored[name]) return false;
  }
  return true;
}
