import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyError } from '../errors.js';
import { answerWithError } from '../http-server.js';
import type { Stats } from '../stats/stats.js';
import { admitClient, type AdmittedClient, type ClientAccessPolicy } from './client-access.js';
import type { RequestReporter } from './request-report.js';
import { TRANSPARENT_PREFIX } from './request-target.js';

/** The bounds a request must respect before anything else looks at it. */
export interface AdmissionLimits {
  /** MAX_URL_BYTES: longest request target (and `url` of POST /proxy), like nginx's and Varnish's 8 KiB. */
  maxUrlBytes: number;
  /** MAX_REQUEST_HEADERS: most header lines (Varnish http_max_hdr 64, Apache LimitRequestFields 100). */
  maxRequestHeaders: number;
  /** CLIENT_BODY_TIMEOUT_MS: longest pause while a request body arrives. */
  bodyIdleTimeoutMs: number;
}

/** Methods the proxy serves; `OPTIONS *` lists them (RFC 9110 §9.3.7). */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Fields that frame the message or route it: a `Connection` header naming them would have the
 * proxy strip them as hop-by-hop and forward a message framed differently from the one it read
 * (request smuggling, RFC 9112 §11.2).
 */
const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding', 'host']);

function countField(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === name) count++;
  return count;
}

function connectionNamesFraming(rawHeaders: readonly string[]): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'connection') continue;
    for (const option of rawHeaders[i + 1]!.split(',')) {
      const name = option.trim().toLowerCase();
      if (FRAMING_FIELDS.has(name)) return name;
    }
  }
  return undefined;
}

/** What the framing check concluded: admit, answer `OPTIONS *` here, or refuse with an error. */
export type FramingVerdict = { action: 'admit' } | { action: 'options-asterisk' } | { action: 'refuse'; error: ProxyError };

const ADMIT: FramingVerdict = { action: 'admit' };

/**
 * Checks a parsed request head against RFC 9112 and the configured limits. Pure: reads only the
 * IncomingMessage's head. Header lines past the limit are counted from `rawHeaders`, which holds
 * them as long as `server.maxHeadersCount` is above the limit (Node drops the rest silently).
 */
export function checkFraming(req: IncomingMessage, limits: Pick<AdmissionLimits, 'maxUrlBytes' | 'maxRequestHeaders'>): FramingVerdict {
  // RFC 9112 §2.3: HTTP/1.0 and HTTP/1.1 only (llhttp already refuses most others).
  if (req.httpVersionMajor !== 1 || (req.httpVersionMinor !== 0 && req.httpVersionMinor !== 1)) {
    return refuse('PROXY_ERR_HTTP_VERSION', `HTTP/${req.httpVersion} is not supported; use HTTP/1.1`);
  }
  const { rawHeaders } = req;
  if (rawHeaders.length / 2 > limits.maxRequestHeaders) {
    return refuse('PROXY_ERR_HEADERS_TOO_LARGE', `The request has more than MAX_REQUEST_HEADERS (${limits.maxRequestHeaders}) header lines`);
  }
  const url = req.url ?? '';
  if (url.length > limits.maxUrlBytes) {
    return refuse('PROXY_ERR_URL_TOO_LONG', `The request target is longer than MAX_URL_BYTES (${limits.maxUrlBytes} bytes)`);
  }
  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host field, or
  // with more than one (Node's own check answers a bare 400, so ours runs instead).
  const hosts = countField(rawHeaders, 'host');
  if (hosts > 1) return refuse('PROXY_ERR_MALFORMED_REQUEST', 'The request has more than one Host field (RFC 9112 §3.2)');
  if (hosts === 0 && req.httpVersionMinor === 1) {
    return refuse('PROXY_ERR_MALFORMED_REQUEST', 'An HTTP/1.1 request must have a Host field (RFC 9112 §3.2)');
  }
  const named = connectionNamesFraming(rawHeaders);
  if (named !== undefined) {
    return refuse('PROXY_ERR_MALFORMED_REQUEST', `Connection may not name the framing field ${named} (RFC 9112 §9.6)`);
  }
  // RFC 9112 §3.2.4: the asterisk form is only for a server-wide OPTIONS.
  if (url === '*') {
    return req.method === 'OPTIONS'
      ? { action: 'options-asterisk' }
      : refuse('PROXY_ERR_MALFORMED_REQUEST', 'The asterisk-form request target is only allowed with OPTIONS (RFC 9112 §3.2.4)');
  }
  return ADMIT;
}

function refuse(code: ConstructorParameters<typeof ProxyError>[0], message: string): FramingVerdict {
  return { action: 'refuse', error: new ProxyError(code, message) };
}

export interface RequestAdmissionOptions {
  limits: AdmissionLimits;
  /** Forward-mode access policy; undefined in reverse-proxy mode, which is open to every client. */
  access: ClientAccessPolicy | undefined;
  reporter: RequestReporter;
  stats: Stats;
  /** Counts the requests of each admitted client name (metrics label). */
  onClientAdmitted?: ((name: string) => void) | undefined;
}

const NETWORK: AdmittedClient = { name: 'network' };

/** Whether a request uses a forward mode (`/http/…` or `/proxy`) rather than a control-plane path. */
function isForwardMode(url: string): boolean {
  return url.startsWith(TRANSPARENT_PREFIX) || url === '/proxy' || url.startsWith('/proxy?');
}

/** Whether the client sends a body (RFC 9112 §6.3: a non-zero length or a transfer coding). */
function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The first step of every data-port request: framing and limits, then who may use the forward
 * modes, then a bound on pauses in the request body. Returns false when it answered the request
 * itself (an error, or `OPTIONS *`); the caller then does nothing more with it.
 */
export function createRequestAdmission(options: RequestAdmissionOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { limits, access, reporter, stats } = options;
  const refuse = (req: IncomingMessage, res: ServerResponse, error: ProxyError, extraHeaders?: Record<string, string>) => {
    stats.record('error');
    answerWithError(res, error, reporter.requestId(req), extraHeaders);
    reporter.finish(req, res, 'error');
    return false;
  };
  const networkAdmitted = new WeakSet<Socket>();
  return function admit(req, res) {
    const verdict = checkFraming(req, limits);
    if (verdict.action === 'refuse') return refuse(req, res, verdict.error);
    if (verdict.action === 'options-asterisk') {
      res.writeHead(200, { allow: ALLOWED_METHODS.join(', '), 'content-length': 0, 'x-request-id': reporter.requestId(req) });
      res.end();
      reporter.finish(req, res, 'bypass');
      return false;
    }
    if (access !== undefined && isForwardMode(req.url ?? '')) {
      try {
        // A connection's peer address never changes: once its network is admitted, keep-alive requests skip the parse.
        const keyless = req.headers['proxy-authorization'] === undefined;
        const client = keyless && networkAdmitted.has(req.socket) ? NETWORK : admitClient(access, req.socket.remoteAddress, req.headers);
        if (keyless) networkAdmitted.add(req.socket);
        reporter.setClient(req, client.name);
        options.onClientAdmitted?.(client.name);
      } catch (error) {
        const proxyError = error as ProxyError;
        return refuse(
          req,
          res,
          proxyError,
          proxyError.status === 407 ? { 'proxy-authenticate': 'Bearer realm="caching-proxy"' } : undefined,
        );
      }
    }
    if (announcesBody(req)) boundBodyPauses(req, res, limits.bodyIdleTimeoutMs, (error) => refuse(req, res, error));
    return true;
  };
}

/**
 * Cuts a request whose body stalls for `idleMs` (a slow-body "slowloris"): 408 when no response
 * has started, then the connection is closed. The socket's inactivity timer is reset by every
 * chunk the parser consumes, and cleared once the body is complete.
 */
function boundBodyPauses(req: IncomingMessage, res: ServerResponse, idleMs: number, answer: (error: ProxyError) => void): void {
  const socket = req.socket;
  req.setTimeout(idleMs, () => {
    const stalled = new ProxyError('PROXY_ERR_REQUEST_TIMEOUT', `The request body paused for more than CLIENT_BODY_TIMEOUT_MS (${idleMs} ms)`);
    // Destroying the request with an error (which closes the socket) also fails whatever reads the
    // body — the origin request it streams into is aborted, not left waiting for the rest.
    if (!res.headersSent) {
      answer(stalled);
      res.once('finish', () => req.destroy(stalled));
    } else {
      req.destroy(stalled);
    }
  });
  req.once('end', () => socket.setTimeout(0));
}
