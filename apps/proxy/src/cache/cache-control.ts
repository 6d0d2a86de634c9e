/**
 * Cache-Control parsing (RFC 9111 §5.2). Directive names are case-insensitive; values are
 * tokens or quoted strings. Unknown directives are kept (and ignored by the policy, §5.2.3).
 */
export type CacheControl = ReadonlyMap<string, string | true>;

const EMPTY: CacheControl = new Map();

export function parseCacheControl(value: string | readonly string[] | undefined): CacheControl {
  if (value === undefined) return EMPTY;
  const text = typeof value === 'string' ? value : value.join(',');
  if (text.trim() === '') return EMPTY;
  const directives = new Map<string, string | true>();
  let i = 0;
  while (i < text.length) {
    // skip separators and whitespace
    while (i < text.length && (text[i] === ',' || text[i] === ' ' || text[i] === '\t')) i++;
    const nameStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ',') i++;
    const name = text.slice(nameStart, i).trim().toLowerCase();
    let directiveValue: string | true = true;
    if (text[i] === '=') {
      i++;
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
      if (text[i] === '"') {
        i++;
        let quoted = '';
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < text.length) i++;
          quoted += text[i];
          i++;
        }
        i++; // closing quote
        directiveValue = quoted;
        while (i < text.length && text[i] !== ',') i++;
      } else {
        const valueStart = i;
        while (i < text.length && text[i] !== ',') i++;
        directiveValue = text.slice(valueStart, i).trim();
      }
    }
    // The first occurrence wins; a conflicting duplicate is not allowed to widen caching.
    if (name !== '' && !directives.has(name)) directives.set(name, directiveValue);
  }
  return directives;
}

/** RFC 9111 §1.2.2 delta-seconds: a non-negative integer, capped at 2^31. Undefined when invalid. */
export function deltaSeconds(directives: CacheControl, name: string): number | undefined {
  const value = directives.get(name);
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), 2 ** 31);
}

/** RFC 9110 §5.6.2 token: what every Cache-Control directive name must be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Whether a Cache-Control field was present but could not be fully understood: some member's
 * name is not a token (`public;max-age=0` is one member named `public;max-age`). The sender
 * meant to say something about freshness, so a cache must not fill the gap with a heuristic.
 */
export function hasUnparseableDirective(directives: CacheControl): boolean {
  for (const name of directives.keys()) {
    if (!TOKEN.test(name)) return true;
  }
  return false;
}
