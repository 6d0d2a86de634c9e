import type { ErrorRequestHandler, RequestHandler } from 'express';
import { writeErrorResponse } from './error-response.js';
import { ProxyError, isProxyError } from './errors.js';
import type { Logger } from './logger.js';
import { requestIdOf } from './request-id.js';

/** Errors raised by Express's own body parsers carry a `type`; give them stable codes. */
function fromBodyParser(error: { type?: string; status?: number }): ProxyError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ProxyError('PROXY_ERR_INVALID_JSON', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new ProxyError('PROXY_ERR_PAYLOAD_TOO_LARGE', 'The request body is larger than MAX_ENVELOPE_BYTES');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProxyError('PROXY_ERR_UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported');
    case 'request.aborted':
      return new ProxyError('PROXY_ERR_INVALID_REQUEST', 'The request body was not received completely');
    default:
      return undefined;
  }
}

/** Every error on an Express app ends here: a JSON body with a stable code, never a stack trace. */
export function createJsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const mapped = isProxyError(error) ? error : (fromBodyParser(error as { type?: string }) ?? error);
    if (!isProxyError(mapped)) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unexpected error');
    }
    if (res.headersSent || req.socket.destroyed) {
      res.destroy();
      return;
    }
    writeErrorResponse(res, mapped, requestIdOf(req));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ProxyError('PROXY_ERR_NOT_FOUND', `No route for ${req.method} ${req.path}`));
};
