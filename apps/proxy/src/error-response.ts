import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { toErrorResponse } from './errors.js';

/**
 * Writes every plain-HTTP error response of both listeners (data-plane failures, Express's error
 * middleware, /metrics): the status of the error's code and `{ error: { code, message,
 * request_id } }` (unknown errors become PROXY_ERR_INTERNAL without detail), with
 * `X-Request-Id` equal to `request_id` and `Cache-Control: no-store` — errors are never cached,
 * here or by any cache in front of us. `extraHeaders` adds fields such as `WWW-Authenticate`
 * (RFC 9110 §11.6.1) or `Connection: close`. The caller checks that headers were not sent yet.
 */
export function writeErrorResponse(
  res: ServerResponse,
  error: unknown,
  requestId: string,
  extraHeaders: OutgoingHttpHeaders = {},
): void {
  const { status, body } = toErrorResponse(error, requestId);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...extraHeaders,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-request-id': requestId,
  });
  res.end(text);
}
