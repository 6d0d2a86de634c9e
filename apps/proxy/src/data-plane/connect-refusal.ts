import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProxyError, toErrorResponse } from '../errors.js';
import type { Logger } from '../logger.js';

/** `host:port` (IPv6 in brackets): the authority form of a CONNECT target (RFC 9112 §3.2.3). */
const AUTHORITY_FORM = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i;

/** What to send instead of a tunnel to `authority`, as a `/http/` path. */
function suggestedPath(authority: string | undefined): string {
  const match = AUTHORITY_FORM.exec(authority ?? '');
  if (!match) return '/http/https://{host}/{path}';
  const port = match[2] === '443' ? '' : `:${match[2]}`;
  return `/http/https://${match[1]!.toLowerCase()}${port}/`;
}

/** The refusal of a CONNECT request: the JSON error a client (or `curl -v`) can read. */
export function connectRefusal(authority: string | undefined, mode: 'forward' | 'reverse'): ProxyError {
  const message =
    mode === 'reverse'
      ? 'CONNECT is not supported: this is a reverse proxy for one origin; send ordinary requests with a path'
      : 'CONNECT tunnels are not supported: a tunnel would hide the requests from the cache. ' +
        `Send https targets through ${suggestedPath(authority)} instead (http:// targets may use this port as an ordinary HTTP proxy)`;
  return new ProxyError('PROXY_ERR_METHOD_NOT_ALLOWED', message);
}

/**
 * The data port's `connect` listener (RFC 9110 §9.3.6): answers a CONNECT at once with 405 and a
 * JSON error, then closes the connection — without a listener Node would drop the socket and the
 * client would only see "Proxy CONNECT aborted". Nothing is tunnelled, nothing is cached.
 */
export function createConnectRefuser(options: {
  mode: 'forward' | 'reverse';
  logger: Logger;
}): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket) => {
    socket.on('error', () => socket.destroy());
    const { status, body } = toErrorResponse(connectRefusal(req.url, options.mode));
    const text = JSON.stringify(body);
    options.logger.info({ method: 'CONNECT', target: req.url, status }, 'CONNECT refused');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(text)}\r\n` +
        'cache-control: no-store\r\n' +
        'allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n' +
        'connection: close\r\n\r\n' +
        text,
    );
  };
}
