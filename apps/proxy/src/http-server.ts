import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { writeErrorResponse } from './error-response.js';
import { ProxyError, toErrorResponse } from './errors.js';
import { nextRequestId, requestIdOf } from './request-id.js';

/** Limits every listener of the proxy applies before a request reaches its handler. */
export interface ConnectionLimits {
  /** CLIENT_HEADER_TIMEOUT_MS: time for a complete request head, then 408 (Node's headersTimeout). */
  headerTimeoutMs: number;
  /** MAX_REQUEST_HEADERS: Node keeps one line more, so the handler can refuse with 431 instead of losing some. */
  maxRequestHeaders: number;
  /** MAX_URL_BYTES: tells a request line that overflowed Node's header buffer (414) from too many headers (431). */
  maxUrlBytes: number;
  /**
   * For `Expect: 100-continue` (RFC 9110 §10.1.1): an error to answer instead of inviting the
   * body (e.g. 413 for a declared length over the limit), or undefined to send `100 Continue`.
   */
  refuseBeforeBody?: ((req: IncomingMessage) => ProxyError | undefined) | undefined;
  /** The listener's admission refuses a Host-less HTTP/1.1 request itself, with a JSON body. */
  checksHost?: boolean | undefined;
}

/** Errors that leave the connection not worth keeping (framing, limits, time). */
const CLOSING_STATUSES = new Set([400, 408, 413, 414, 417, 431, 505]);


/** Answers a request with a proxy error as JSON, never cached; framing and limit errors close the connection. */
export function answerWithError(res: ServerResponse, error: ProxyError, requestId: string, extraHeaders: Record<string, string> = {}): void {
  const closing = CLOSING_STATUSES.has(error.status);
  writeErrorResponse(res, error, requestId, closing ? { ...extraHeaders, connection: 'close' } : extraHeaders);
}

/** The proxy error for what llhttp or Node's timers reported about a connection (before any request handler ran). */
export function clientErrorToProxyError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, maxUrlBytes: number): ProxyError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ProxyError('PROXY_ERR_REQUEST_TIMEOUT', 'The request was not received completely in time (CLIENT_HEADER_TIMEOUT_MS)');
    case 'HPE_HEADER_OVERFLOW': {
      // A request line with no end in sight is an over-long URL; otherwise the header section is too large.
      const packet = error.rawPacket;
      const lineEnd = packet?.indexOf('\r\n') ?? -1;
      if (packet && /^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1')) && (lineEnd === -1 || lineEnd > maxUrlBytes)) {
        return new ProxyError('PROXY_ERR_URL_TOO_LONG', `The request target is longer than MAX_URL_BYTES (${maxUrlBytes} bytes)`);
      }
      return new ProxyError('PROXY_ERR_HEADERS_TOO_LARGE', 'The request header section is too large');
    }
    case 'HPE_INVALID_VERSION':
      return new ProxyError('PROXY_ERR_HTTP_VERSION', 'Only HTTP/1.0 and HTTP/1.1 are served');
    default:
      return new ProxyError('PROXY_ERR_MALFORMED_REQUEST', `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`);
  }
}

/**
 * Answers a connection-level error with our own JSON bytes (Node's default is a bare status
 * line), unless a response is already under way on that connection; then closes it.
 */
function onClientError(maxUrlBytes: number) {
  return (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void => {
    try {
      answerClientError(error, socket, maxUrlBytes);
    } catch {
      // Whatever went wrong, a connection error must never take the process down.
      socket.destroy();
    }
  };
}

function answerClientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex, maxUrlBytes: number): void {
  // Node sets `_httpMessage` to null once a response has finished: no response in flight then.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const requestId = nextRequestId();
  const { status, body } = toErrorResponse(clientErrorToProxyError(error, maxUrlBytes), requestId);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(text)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'cache-control: no-store\r\nconnection: close\r\n\r\n' +
      text,
  );
}

/**
 * A `node:http` server with the proxy's connection limits: head timeout (408), header-line
 * count kept above the limit, JSON answers to parse errors, `Expect` handled (100-continue
 * or an early refusal; other expectations 417). Never listens.
 */
export function createGuardedServer(listener: RequestListener, limits: ConnectionLimits): Server {
  const server = createServer(
    {
      // Node answers a missing Host with a bare 400; the data port's admission answers it in JSON.
      requireHostHeader: limits.checksHost !== true,
      headersTimeout: limits.headerTimeoutMs,
      // Node's requestTimeout (whole request, body included) stays at its 300 s default unless the head bound is larger.
      requestTimeout: Math.max(300_000, limits.headerTimeoutMs),
      // Node checks both timeouts on this interval (30 s by default): a fraction of the bound keeps it precise.
      connectionsCheckingInterval: Math.min(1_000, Math.max(5, Math.floor(limits.headerTimeoutMs / 4))),
    },
    listener,
  );
  server.maxHeadersCount = limits.maxRequestHeaders + 1;
  server.on('clientError', onClientError(limits.maxUrlBytes));
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = limits.refuseBeforeBody?.(req);
    if (refusal) {
      answerWithError(res, refusal, requestIdOf(req));
      return;
    }
    res.writeContinue();
    listener(req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const error = new ProxyError('PROXY_ERR_EXPECTATION_FAILED', 'Only `Expect: 100-continue` is supported (RFC 9110 §10.1.1)');
    answerWithError(res, error, requestIdOf(req));
  });
  return server;
}
