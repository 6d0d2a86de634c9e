import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { buildConnector } from 'undici';
import { ProxyError, isProxyError, toErrorResponse } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Stats } from '../stats/stats.js';
import { createGuardedConnector } from '../upstream/agent.js';
import { VIA } from '../upstream/origin-exchange.js';
import type { TargetGuard } from '../upstream/target-guard.js';
import { toUpstreamError } from '../upstream/upstream-errors.js';
import { forwardableResponseHeaders } from './hop-by-hop.js';
import type { RequestReporter } from './request-report.js';
import type { TargetResolver } from './request-target.js';
import { hasRequestBody, originRequestHeaders } from './transparent.js';
import {
  CLOSE_GOING_AWAY,
  FrameBoundary,
  WEBSOCKET,
  closeFrame,
  serializeResponseHead,
  tunnelRequestHeaders,
  upgradeProtocols,
} from './upgrade-messages.js';

/**
 * Decides whether a client may open a tunnel; throws a ProxyError (e.g. PROXY_ERR_FORBIDDEN) to
 * refuse. The hook for the data plane's client access policy, applied before the target is
 * contacted, exactly where HTTP requests are admitted.
 */
export type AdmitClient = (req: IncomingMessage) => void | Promise<void>;

export interface WebSocketTunnelOptions {
  /** The data port's target resolver: `/http/{target}`, or every path in reverse-proxy mode. */
  resolve: TargetResolver;
  /** The SSRF guard: the target URL, every DNS answer and the connected address are checked. */
  guard: TargetGuard;
  /** Time to connect to the origin and receive its handshake response, in ms (UPSTREAM_TIMEOUT_MS). */
  upstreamTimeoutMs: number;
  /** A tunnel with no byte in either direction for this long is closed, in ms (WEBSOCKET_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number;
  stats: Stats;
  reporter: RequestReporter;
  logger: Logger;
  admit?: AdmitClient | undefined;
  /** RFC 9112 framing and limits, as for every HTTP request (throws the refusal's ProxyError). */
  checkFraming?: ((req: IncomingMessage) => void) | undefined;
  /** Reverse-proxy mode: what a client may see of an error (never the origin's address). */
  publicError?: ((error: unknown) => unknown) | undefined;
}

/** After the proxy sends its Close frames, peers get this long to answer before the sockets are cut, in ms. */
const CLOSE_GRACE_MS = 1_000;

/** Response fields the proxy sets itself on a relayed handshake response. */
const OWN_FIELDS: ReadonlySet<string> = new Set(['via']);

function noop(): void {}

/**
 * WebSocket tunnels on the data port (`server.on('upgrade')`): an `Upgrade: websocket` request is
 * resolved like an HTTP request (`/http/{target}`: ws over `http://` targets, wss over
 * `https://`; or the path in reverse-proxy mode), admitted, checked by the SSRF guard, sent to the
 * origin with its hop-by-hop fields replaced (RFC 9110 §7.6.1, §7.8), and on the origin's
 * `101 Switching Protocols` both sockets are joined byte for byte. Nothing is cached. Other
 * upgrade protocols are refused with PROXY_ERR_UPGRADE_UNSUPPORTED; an origin that declines the
 * upgrade has its response relayed and the connection closed.
 */
export class WebSocketTunnels {
  private readonly open = new Set<Tunnel>();
  private readonly connect: buildConnector.connector;
  private closing = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: WebSocketTunnelOptions) {
    this.connect = createGuardedConnector({ timeoutMs: options.upstreamTimeoutMs, guard: options.guard });
  }

  /** Open tunnels (101 relayed, not yet closed). */
  get size(): number {
    return this.open.size;
  }

  /** Resolves once no tunnel is open (at once when none is). */
  drained(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** The data server's `upgrade` listener. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const requestId = this.options.reporter.begin(req);
    socket.on('error', noop);
    this.establish(req, socket as Socket, head, requestId).catch((error: unknown) => {
      this.refuse(req, socket, error, requestId);
    });
  };

  /**
   * The drain of a shutdown: refuses new upgrades (PROXY_ERR_SHUTTING_DOWN) and ends every open
   * tunnel with a Close frame 1001 "going away" (RFC 6455 §7.4.1) to both peers.
   */
  closeAll(): void {
    this.closing = true;
    for (const tunnel of this.open) tunnel.close('proxy shutting down');
  }

  private async establish(req: IncomingMessage, client: Socket, clientHead: Buffer, requestId: string): Promise<void> {
    const { reporter, stats } = this.options;
    if (this.closing) throw new ProxyError('PROXY_ERR_SHUTTING_DOWN', 'The proxy is shutting down; no new tunnels are opened');
    this.options.checkFraming?.(req);
    const protocols = upgradeProtocols(req.headers);
    if (!protocols.includes(WEBSOCKET)) {
      throw new ProxyError(
        'PROXY_ERR_UPGRADE_UNSUPPORTED',
        `Upgrade to "${protocols.join(', ')}" is not supported; only Upgrade: websocket is tunnelled`,
      );
    }
    if (req.method !== 'GET') {
      throw new ProxyError('PROXY_ERR_UPGRADE_UNSUPPORTED', `A WebSocket handshake is a GET request (RFC 6455 §4.1), got ${req.method}`);
    }
    if (hasRequestBody(req)) {
      throw new ProxyError('PROXY_ERR_INVALID_REQUEST', 'A WebSocket handshake has no request content (RFC 6455 §4.1)');
    }
    const target = this.options.resolve(req);
    if (target === undefined) {
      throw new ProxyError('PROXY_ERR_NOT_FOUND', 'WebSockets are tunnelled through /http/{target} only (or every path with ORIGIN_URL)');
    }
    const { url } = target;
    reporter.setTarget(req, url);
    await this.options.admit?.(req);
    this.options.guard.assertUrlAllowed(url);
    const origin = await this.connectTo(url);
    let handshake: Handshake;
    try {
      if (client.destroyed) throw new ProxyError('PROXY_ERR_INVALID_REQUEST', 'The client went away during the handshake');
      const headers = tunnelRequestHeaders(originRequestHeaders(req, target), url, VIA);
      handshake = await this.sendHandshake(client, origin, url, headers);
    } catch (error) {
      origin.destroy();
      throw toUpstreamError(error, url);
    }
    const { response } = handshake;
    const via = response.headers.via ? `${response.headers.via}, ${VIA}` : VIA;
    const fields = forwardableResponseHeaders(response.headers, OWN_FIELDS).concat('via', via);
    if (response.headers['x-request-id'] === undefined) fields.push('x-request-id', requestId);

    if (handshake.upgraded === false) {
      // The origin declined (401, 404, 426, …): its answer is relayed, then the connection closes.
      stats.record('bypass');
      client.write(serializeResponseHead(response.statusCode ?? 502, fields.concat('connection', 'close')));
      response.pipe(client);
      response.once('error', () => client.destroy());
      client.once('close', () => {
        origin.destroy();
        reporter.finish(req, { statusCode: response.statusCode ?? 502 }, 'bypass');
      });
      return;
    }
    if (!upgradeProtocols(response.headers).includes(WEBSOCKET)) {
      handshake.socket.destroy();
      throw new ProxyError('PROXY_ERR_UPSTREAM_ERROR', `The origin ${url.origin} switched to a protocol other than websocket`);
    }
    handshake.socket.setTimeout(0);
    client.write(serializeResponseHead(101, fields.concat('connection', 'Upgrade', 'upgrade', WEBSOCKET)));
    stats.record('tunnel');
    const tunnel = new Tunnel(client, handshake.socket, this.options.idleTimeoutMs, () => {
      this.open.delete(tunnel);
      reporter.finish(req, { statusCode: 101 }, 'tunnel');
      if (this.open.size === 0) for (const resolve of this.drainWaiters.splice(0)) resolve();
    });
    this.open.add(tunnel);
    tunnel.start(clientHead, handshake.head);
    // A drain that began while this tunnel was being set up still ends it.
    if (this.closing) tunnel.close('proxy shutting down');
  }

  /** A socket to the target through the guarded connector (DNS answers and peer address checked). */
  private connectTo(url: URL): Promise<Socket> {
    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return new Promise((resolve, reject) => {
      this.connect({ hostname, host: url.host, protocol: url.protocol, port: url.port }, (error, socket) => {
        if (error || !socket) reject(toUpstreamError(error, url));
        else resolve(socket);
      });
    });
  }

  /** Sends the handshake on the connected socket and waits for the origin's response head. */
  private sendHandshake(client: Socket, origin: Socket, url: URL, headers: string[]): Promise<Handshake> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({
        method: 'GET',
        path: `${url.pathname}${url.search}`,
        headers,
        setHost: false,
        createConnection: () => origin,
      });
      request.setTimeout(this.options.upstreamTimeoutMs, () => {
        request.destroy(Object.assign(new Error('no handshake response in time'), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
      });
      const clientGone = () => request.destroy();
      client.once('close', clientGone);
      request.once('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) => {
        client.off('close', clientGone);
        resolve({ upgraded: true, response, socket, head });
      });
      request.once('response', (response: IncomingMessage) => {
        client.off('close', clientGone);
        resolve({ upgraded: false, response });
      });
      request.once('error', reject);
      request.end();
    });
  }

  /** A JSON error on the raw socket, counted and logged like any refused request. */
  private refuse(req: IncomingMessage, socket: Duplex, error: unknown, requestId: string): void {
    const { logger, reporter, stats } = this.options;
    if (!isProxyError(error)) logger.error({ err: error, method: req.method }, 'unexpected error in a WebSocket upgrade');
    stats.recordError(error);
    const shown = this.options.publicError ? this.options.publicError(error) : error;
    const { status, body } = toErrorResponse(shown, requestId);
    reporter.finish(req, { statusCode: status }, 'error');
    if (socket.destroyed || !socket.writable) {
      socket.destroy();
      return;
    }
    const text = JSON.stringify(body);
    const head = serializeResponseHead(status, [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      String(Buffer.byteLength(text)),
      'cache-control',
      'no-store',
      'connection',
      'close',
      'x-request-id',
      requestId,
    ]);
    socket.end(head + text);
  }
}

type Handshake =
  | { upgraded: true; response: IncomingMessage; socket: Socket; head: Buffer }
  | { upgraded: false; response: IncomingMessage };

/** One open tunnel: two sockets piped both ways, an idle timer, and a clean close. */
class Tunnel {
  /** Frame boundaries of each direction, so the proxy's own Close frame never lands inside a frame. */
  private readonly toOrigin = new FrameBoundary();
  private readonly toClient = new FrameBoundary();
  private closing = false;

  constructor(
    private readonly client: Socket,
    private readonly origin: Socket,
    private readonly idleTimeoutMs: number,
    onClosed: () => void,
  ) {
    let closedSockets = 0;
    for (const [socket, other] of [
      [client, origin],
      [origin, client],
    ] as const) {
      socket.on('error', () => other.destroy());
      socket.once('close', () => {
        other.destroy();
        if (++closedSockets === 2) onClosed();
      });
    }
  }

  /** Joins the sockets; `clientHead`/`originHead` are bytes either side sent right after the handshake. */
  start(clientHead: Buffer, originHead: Buffer): void {
    const { client, origin } = this;
    this.toOrigin.push(clientHead);
    this.toClient.push(originHead);
    if (clientHead.length > 0) origin.write(clientHead);
    if (originHead.length > 0) client.write(originHead);
    client.on('data', (chunk: Buffer) => this.toOrigin.push(chunk));
    origin.on('data', (chunk: Buffer) => this.toClient.push(chunk));
    client.pipe(origin);
    origin.pipe(client);
    // Socket inactivity counts reads and writes, so the client side's timer sees both directions
    // (like nginx's proxy_read_timeout for upgraded connections).
    client.setTimeout(this.idleTimeoutMs, () => this.close('idle timeout'));
  }

  /**
   * Ends the tunnel cleanly: stops relaying, sends each peer a Close frame 1001 "going away"
   * (RFC 6455 §7.4.1; masked towards the origin, §5.3) where its stream stands between frames,
   * half-closes both sockets, and cuts them if a peer has not closed after a short grace.
   */
  close(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    const { client, origin } = this;
    client.setTimeout(0);
    client.unpipe(origin);
    origin.unpipe(client);
    if (this.toClient.atBoundary && client.writable) client.write(closeFrame(CLOSE_GOING_AWAY, reason, false));
    if (this.toOrigin.atBoundary && origin.writable) origin.write(closeFrame(CLOSE_GOING_AWAY, reason, true));
    client.end();
    origin.end();
    // Read (and drop) the peers' Close replies, so that they can finish closing.
    client.resume();
    origin.resume();
    const cut = setTimeout(() => {
      client.destroy();
      origin.destroy();
    }, CLOSE_GRACE_MS);
    cut.unref();
    client.once('close', () => clearTimeout(cut));
  }
}
