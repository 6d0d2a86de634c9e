import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@caching-proxy/shared';

/** An error the proxy answers on purpose, with a stable code from the shared registry. */
export class ProxyError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProxyError';
    this.status = ERROR_CODES[code].status;
  }
}

export function isProxyError(error: unknown): error is ProxyError {
  return error instanceof ProxyError;
}

/** Maps any thrown value to a status and the public JSON body; unknown errors never leak detail. */
export function toErrorResponse(error: unknown, requestId?: string): { status: number; body: ErrorBody } {
  const proxyError = isProxyError(error)
    ? error
    : new ProxyError('PROXY_ERR_INTERNAL', 'An unexpected error occurred; see the proxy logs');
  const body: ErrorBody = { error: { code: proxyError.code, message: proxyError.message } };
  if (requestId) body.error.request_id = requestId;
  return { status: proxyError.status, body };
}
