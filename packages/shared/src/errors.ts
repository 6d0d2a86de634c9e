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
  PROXY_ERR_MISDIRECTED_REQUEST: { status: 421, summary: 'The Host is not one this listener serves (PUBLIC_HOSTS on the data port; a loopback or configured admin host name on the admin listener, against DNS rebinding)' },
  PROXY_ERR_PATH_OUTSIDE_BASE: { status: 400, summary: 'The request path would leave the base path of ORIGIN_URL' },
  PROXY_ERR_MALFORMED_REQUEST: { status: 400, summary: 'The request breaks HTTP/1.1 message framing (RFC 9112)' },
  PROXY_ERR_REQUEST_TIMEOUT: { status: 408, summary: 'The request head or body did not arrive in time' },
  PROXY_ERR_URL_TOO_LONG: { status: 414, summary: 'The request target is longer than MAX_URL_BYTES' },
  PROXY_ERR_HEADERS_TOO_LARGE: { status: 431, summary: 'The request has more header fields than MAX_REQUEST_HEADERS, or too large a head' },
  PROXY_ERR_HTTP_VERSION: { status: 505, summary: 'Only HTTP/1.0 and HTTP/1.1 are served' },
  PROXY_ERR_CLIENT_NOT_ALLOWED: { status: 403, summary: 'This client may not use the forward-proxy modes (DATA_ALLOWED_CLIENTS, DATA_API_KEYS)' },
  PROXY_ERR_PROXY_AUTH_REQUIRED: { status: 407, summary: 'A valid data-plane API key (DATA_API_KEYS) is required' },
  PROXY_ERR_TARGET_NOT_ALLOWED: { status: 403, summary: 'The target host is not in TARGET_ALLOWED_HOSTS' },
  PROXY_ERR_TOO_MANY_REQUESTS: { status: 429, summary: 'Too many failed authentications from this address' },
  PROXY_ERR_EXPECTATION_FAILED: { status: 417, summary: 'The Expect field is not supported' },
  PROXY_ERR_UPGRADE_UNSUPPORTED: { status: 400, summary: 'Only Upgrade: websocket (with GET) is tunnelled; other protocol upgrades are refused' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export function statusForErrorCode(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
