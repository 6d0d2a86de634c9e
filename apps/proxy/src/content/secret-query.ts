/**
 * Query parameter names whose values are secrets: the name itself, or its last part after `-`,
 * `_` or `.` (`access_token`, `api_key`, `X-Amz-Signature`, `client_secret`).
 */
const SECRET_NAMES =
  /(?:^|[-_.])(?:token|key|apikey|secret|password|passwd|pwd|signature|sig|auth|code|credential|credentials|session|sessionid|jwt|otp|ticket)$/i;

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
  if (queryStart === -1) return url;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  const masked = query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      return SECRET_NAMES.test(decodedName(pair.slice(0, equals))) ? `${pair.slice(0, equals)}=${MASK}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart + 1)}${masked}${hashStart === -1 ? '' : url.slice(hashStart)}`;
}
