/**
 * Whether the response a `Cache-Status` field (RFC 9211) describes is in this cache now: our member
 * (the last one, RFC 9211 §2: each cache appends its own) says `hit` (§2.1) or `stored` (§2.6).
 * A response that was not stored has no entry page to show.
 */
export function isStoredResponse(cacheStatus: string | null): boolean {
  if (cacheStatus === null) return false;
  const ours = cacheStatus.split(',').at(-1) ?? '';
  const params = ours
    .split(';')
    .slice(1)
    .map((param) => param.trim().split('=')[0]?.toLowerCase());
  return params.includes('hit') || params.includes('stored');
}

/**
 * The cache rule that applied to a response: the `rule` parameter of our member of `Cache-Status`
 * (RFC 9211 §2, an extension parameter, RFC 8941 token or quoted string); null when none did.
 */
export function matchedRuleName(cacheStatus: string | null): string | null {
  if (cacheStatus === null) return null;
  const ours = cacheStatus.split(',').at(-1) ?? '';
  const param = /;\s*rule=(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^_`|~0-9A-Za-z:/-]+))/i.exec(ours);
  if (!param) return null;
  return param[1] !== undefined ? param[1].replace(/\\(.)/g, '$1') : (param[2] ?? null);
}
