/**
 * The registry of stable error codes: the one place that maps each code a client can see
 * to its HTTP status. Clients switch on `error.code`; the message is for humans.
 */
export const ERROR_CODES = {
  PROXY_ERR_INVALID_JSON: { status: 400, summary: 'The request body is not valid JSON' },
  PROXY_ERR_INVALID_REQUEST: { status: 400, summary: 'The request does not match the expected shape' },
  PROXY_ERR_INVALID_URL: { status: 400, summary: 'The target URL is malformed' },
  PROXY_ERR_UNSUPPORTED_SCHEME: { status: 400, summary: 'Only http and https targets are proxied' },
  PROXY_ERR_INVALID_TTL: { status: 400, summary: 'The ttl parameter is not a non-negative integer' },
  PROXY_ERR_UNAUTHORIZED: { status: 401, summary: 'A valid bearer API key is required' },
  PROXY_ERR_FORBIDDEN: { status: 403, summary: 'This client may not call this route' },
  PROXY_ERR_TARGET_BLOCKED: { status: 403, summary: 'The target address is not allowed (SSRF guard)' },
  PROXY_ERR_NOT_FOUND: { status: 404, summary: 'No such route' },
  PROXY_ERR_ENTRY_NOT_FOUND: { status: 404, summary: 'No cache entry has this key' },
  PROXY_ERR_METHOD_NOT_ALLOWED: { status: 405, summary: 'The route does not accept this method' },
  PROXY_ERR_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is larger than allowed' },
  PROXY_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The request body has an unsupported content type' },
  PROXY_ERR_INTERNAL: { status: 500, summary: 'An unexpected error occurred in the proxy' },
  PROXY_ERR_UPSTREAM_UNREACHABLE: { status: 502, summary: 'The origin could not be reached' },
  PROXY_ERR_UPSTREAM_ERROR: { status: 502, summary: 'The origin sent an invalid or interrupted response' },
  PROXY_ERR_RESPONSE_TOO_LARGE: { status: 502, summary: 'The origin response is too large for a JSON envelope' },
  PROXY_ERR_SHUTTING_DOWN: { status: 503, summary: 'The proxy is shutting down' },
  PROXY_ERR_STORAGE_UNAVAILABLE: { status: 503, summary: 'The cache storage (Redis) is unavailable' },
  PROXY_ERR_UPSTREAM_TIMEOUT: { status: 504, summary: 'The origin did not answer in time' },
  PROXY_ERR_NOT_CACHED: { status: 504, summary: 'only-if-cached was requested and no usable response is stored' },
  PROXY_ERR_UPGRADE_UNSUPPORTED: { status: 400, summary: 'Only Upgrade: websocket (with GET) is tunnelled; other protocol upgrades are refused' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export function statusForErrorCode(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
