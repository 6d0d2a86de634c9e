/** What a rule's `key` does to the query: parameters left out (names or `prefix*`), and sorting. */
export interface QueryNormalization {
  /** Exact parameter names left out (compared on the percent-decoded name). */
  readonly ignoredNames: ReadonlySet<string>;
  /** Name prefixes left out (`utm_*` → `utm_`). */
  readonly ignoredPrefixes: readonly string[];
  /** Stable sort by decoded name. */
  readonly sort: boolean;
}

/** Compiles `ignoreQuery` patterns: `utm_*` is a prefix, anything else an exact name. */
export function compileQueryNormalization(ignoreQuery: readonly string[] | undefined, sort: boolean | undefined): QueryNormalization | undefined {
  if ((ignoreQuery === undefined || ignoreQuery.length === 0) && sort !== true) return undefined;
  const names = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of ignoreQuery ?? []) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else names.add(pattern);
  }
  return { ignoredNames: names, ignoredPrefixes: prefixes, sort: sort === true };
}

/**
 * A query parameter's name as an application reads it (application/x-www-form-urlencoded,
 * WHATWG URL §5.1): `+` is a space and percent-escapes are decoded; an invalid escape is kept
 * literally. Only used to compare names: the raw text is what is kept.
 */
export function decodeQueryName(rawName: string): string {
  const plus = rawName.replace(/\+/g, ' ');
  if (!plus.includes('%')) return plus;
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : escape;
    });
  }
}

function isIgnored(name: string, normalization: QueryNormalization): boolean {
  if (normalization.ignoredNames.has(name)) return true;
  for (const prefix of normalization.ignoredPrefixes) if (name.startsWith(prefix)) return true;
  return false;
}

/**
 * Normalises a raw query string (`URL.search`, with or without its `?`) for the cache key and
 * the origin request alike: ignored parameters are removed, the rest optionally sorted by
 * decoded name (stable: equal names keep their order). What stays is never re-encoded: each
 * `name=value` member is kept byte for byte. Empty members (`a=1&&b=2`) are dropped. Returns the
 * new search (`''` when nothing is left, so the URL loses its `?`), or `?…` otherwise.
 */
export function normalizeQuery(search: string, normalization: QueryNormalization): string {
  const raw = search.startsWith('?') ? search.slice(1) : search;
  if (raw === '') return '';
  const kept: { name: string; member: string }[] = [];
  for (const member of raw.split('&')) {
    if (member === '') continue;
    const equals = member.indexOf('=');
    const name = decodeQueryName(equals === -1 ? member : member.slice(0, equals));
    if (!isIgnored(name, normalization)) kept.push({ name, member });
  }
  // Array.prototype.sort is stable (ES2019); names compare by UTF-16 code units, like a byte order.
  if (normalization.sort) kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return kept.length === 0 ? '' : `?${kept.map((k) => k.member).join('&')}`;
}
