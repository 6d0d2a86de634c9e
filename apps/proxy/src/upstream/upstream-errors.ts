import { ERROR_CODES, type ErrorCode } from '@caching-proxy/shared';
import { ProxyError, isProxyError } from '../errors.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
]);

/** OpenSSL's answers when the peer of a TLS handshake speaks plain HTTP. */
const PLAIN_HTTP_PEER_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/** Whether an origin exchange failed by running out of time (PROXY_ERR_UPSTREAM_TIMEOUT). */
export function isUpstreamTimeout(error: unknown): error is ProxyError {
  return isProxyError(error) && error.code === 'PROXY_ERR_UPSTREAM_TIMEOUT';
}

const ORIGIN_ERROR_CODES: ReadonlySet<ErrorCode> = new Set([
  'PROXY_ERR_UPSTREAM_TIMEOUT',
  'PROXY_ERR_UPSTREAM_UNREACHABLE',
  'PROXY_ERR_UPSTREAM_ERROR',
  'PROXY_ERR_TARGET_BLOCKED',
]);

/**
 * An origin error as a reverse proxy answers it: the stable code and its registry summary, never
 * the origin's internal address or the low-level cause (nginx answers a bare 502). The caller
 * logs the original; the client correlates by request id. Other errors pass unchanged.
 */
export function withoutOriginDetails(error: unknown): unknown {
  if (!isProxyError(error) || !ORIGIN_ERROR_CODES.has(error.code)) return error;
  return new ProxyError(error.code, ERROR_CODES[error.code].summary, { cause: error });
}

/** Maps what undici or the socket threw to a stable proxy error (502 unreachable, 504 timeout, …). */
export function toUpstreamError(error: unknown, target: URL): ProxyError {
  if (isProxyError(error)) return error;
  const cause = error as { code?: unknown; message?: string; cause?: unknown } | null | undefined;
  if (isProxyError(cause?.cause)) return cause.cause;
  // Codes are strings by convention only: an error thrown with a numeric one must not throw here.
  const rawCode = cause?.code ?? (cause?.cause as { code?: unknown } | undefined)?.code;
  const code = typeof rawCode === 'string' ? rawCode : '';
  const origin = target.origin;
  if (TIMEOUT_CODES.has(code)) {
    return new ProxyError('PROXY_ERR_UPSTREAM_TIMEOUT', `The origin ${origin} did not answer in time`, { cause: error });
  }
  if (UNREACHABLE_CODES.has(code)) {
    const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'could not be resolved' : 'could not be reached';
    return new ProxyError('PROXY_ERR_UPSTREAM_UNREACHABLE', `The origin ${origin} ${what} (${code})`, { cause: error });
  }
  if (target.protocol === 'https:' && PLAIN_HTTP_PEER_CODES.has(code)) {
    const plain = `http://${target.host}${target.pathname}${target.search}`;
    return new ProxyError(
      'PROXY_ERR_UPSTREAM_ERROR',
      `TLS with the origin ${origin} failed (${code}): it does not seem to speak TLS. https was assumed ` +
        `(a /http/ target without a scheme is fetched over https); if it serves plain HTTP, use ${plain} ` +
        `(e.g. /http/${plain})`,
      { cause: error },
    );
  }
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new ProxyError('PROXY_ERR_UPSTREAM_ERROR', `TLS with the origin ${origin} failed (${code})`, { cause: error });
  }
  return new ProxyError(
    'PROXY_ERR_UPSTREAM_ERROR',
    `The origin ${origin} sent an invalid or interrupted response${code ? ` (${code})` : ''}`,
    { cause: error },
  );
}
