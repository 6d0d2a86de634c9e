import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface WebSocketOrigin {
  /** `http://127.0.0.1:{port}` (`https://` with `tls`) */
  url: string;
  port: number;
  /** Request line target and header fields of every upgrade request received, in order. */
  upgrades: { url: string; headers: IncomingHttpHeaders; rawHeaders: string[] }[];
  /** TCP connections accepted (proves that a refused target was never contacted). */
  connections(): number;
  /** Server-side sockets of the open WebSockets. */
  sockets: Set<WebSocket>;
  /** Resolves with the close code and reason the origin receives on its next closed WebSocket. */
  nextClose(): Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/**
 * A real WebSocket origin (the `ws` package on node:http, port 0) that echoes every message.
 * Upgrades to `/deny…` are declined with `403` and a text body, as an origin refusing a client.
 * With `tls` (PEM key and certificate) it serves wss on node:https.
 */
export async function startWebSocketOrigin(options: { tls?: { key: string; cert: string } } = {}): Promise<WebSocketOrigin> {
  const upgrades: WebSocketOrigin['upgrades'] = [];
  const sockets = new Set<WebSocket>();
  const closeWaiters: ((close: { code: number; reason: string }) => void)[] = [];
  let connections = 0;
  const answerPlainRequests = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('upgrade required');
  };
  const server = options.tls ? createTlsServer(options.tls, answerPlainRequests) : createServer(answerPlainRequests);
  server.on(options.tls ? 'secureConnection' : 'connection', () => connections++);
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    upgrades.push({ url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders });
    if (req.url?.startsWith('/deny')) {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 9\r\nx-origin: yes\r\n\r\nforbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('close', (code, reason) => {
        sockets.delete(ws);
        closeWaiters.shift()?.({ code, reason: reason.toString() });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    upgrades,
    connections: () => connections,
    sockets,
    nextClose: () => new Promise((resolve) => closeWaiters.push(resolve)),
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens a WebSocket and resolves once it is open; rejects with the HTTP status and body of a refused handshake. */
export function openWebSocket(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        reject(new RefusedHandshake(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8')));
      });
    });
    ws.once('error', reject);
  });
}

export class RefusedHandshake extends Error {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {
    super(`handshake refused with ${status}: ${body}`);
  }

  json<T = { error: { code: string; message: string } }>(): T {
    return JSON.parse(this.body) as T;
  }
}

/** Sends one text message and resolves with the echoed reply. */
export function echo(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
    ws.once('error', reject);
    ws.send(text);
  });
}

/** Resolves with the code and reason once the WebSocket is closed. */
export function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}
