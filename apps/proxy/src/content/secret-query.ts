/**
 * Parameter names whose values are secrets: the name itself, or its last part after `-`, `_`,
 * `.` or a camelCase boundary (`access_token`, `api_key`, `X-Amz-Signature`, `accessToken`),
 * array brackets ignored (`token[]`).
 */
const SECRET_NAMES =
  /(?:^|[-_.])(?:token|key|apikey|secret|password|passwd|pwd|signature|sig|auth|code|credential|credentials|session|sessionid|jsessionid|phpsessid|sid|bearer|jwt|otp|ticket)$/i;

function isSecretName(encodedName: string): boolean {
  const name = decodedName(encodedName)
    .replace(/\[[^\]]*\]$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  return SECRET_NAMES.test(name);
}

/** `name=value` pairs after `separator`, each value ending before a character of `valueEnd`, secret values masked. */
function maskPairs(text: string, separator: RegExp, valueEnd: string): string {
  return text.replace(new RegExp(`(^|${separator.source})([^=&;/]*)=([^${valueEnd}]*)`, 'g'), (whole, lead: string, name: string) =>
    isSecretName(name) ? `${lead}${name}=${MASK}` : whole,
  );
}

/** What a masked value reads as. */
export const MASK = '***';

function decodedName(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return encoded;
  }
}

/**
 * A URL for display (entry listings, entry info, request logs) with the values of secret-like
 * query parameters replaced by `***`: `?token=abc&page=2` → `?token=***&page=2`. Everything
 * else is kept byte for byte (no re-encoding), and a text that is not a URL is returned as is.
 */
export function maskSecretQueryValues(url: string): string {
  const queryStart = url.indexOf('?');
  const pathEnd = queryStart === -1 ? url.length : queryStart;
  // Path parameters (`;jsessionid=…`, RFC 3986 §3.3) are masked like query parameters.
  const path = url.includes(';') ? maskPairs(url.slice(0, pathEnd), /;/, ';/') : url.slice(0, pathEnd);
  if (queryStart === -1) return path;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  return `${path}?${maskPairs(query, /[&;]/, '&;')}${hashStart === -1 ? '' : url.slice(hashStart)}`;
}
