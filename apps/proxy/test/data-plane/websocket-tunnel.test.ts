import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { ProxyError } from '../../src/errors.js';
import { createSilentLogger } from '../../src/logger.js';
import { WebSocketTunnels } from '../../src/data-plane/websocket-tunnel.js';
import { RequestReporter } from '../../src/data-plane/request-report.js';
import { resolveTransparentTarget } from '../../src/data-plane/request-target.js';
import { NO_OBSERVER } from '../../src/stats/observer.js';
import { Stats } from '../../src/stats/stats.js';
import { TargetGuard } from '../../src/upstream/target-guard.js';
import { send } from '../helpers/http.js';
import { spawnProxy, type ProxyProcess } from '../helpers/process.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import {
  RefusedHandshake,
  closed,
  echo,
  openWebSocket,
  startWebSocketOrigin,
  type WebSocketOrigin,
} from '../helpers/websocket-origin.js';

type RawUpgradeResult =
  | { status: 101; headers: IncomingHttpHeaders; socket: Socket }
  | { status: number; headers: IncomingHttpHeaders; body: string };

/** An upgrade request with exactly the given fields (a WebSocket client would set its own). */
function rawUpgrade(baseUrl: string, path: string, headers: Record<string, string>, method = 'GET'): Promise<RawUpgradeResult> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method, headers, agent: false });
    req.once('upgrade', (res, socket: Socket) => resolve({ status: 101, headers: res.headers, socket }));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end();
  });
}

const HANDSHAKE = {
  connection: 'Upgrade',
  upgrade: 'websocket',
  'sec-websocket-version': '13',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
};

function wsUrl(httpUrl: string, path: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}${path}`;
}

async function refusal(promise: Promise<unknown>): Promise<RefusedHandshake> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RefusedHandshake) return error;
    throw error;
  }
  throw new Error('the handshake was not refused');
}

describe('WebSocket tunnels', () => {
  let origin: WebSocketOrigin;
  let proxy: TestProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await origin?.close();
  });

  it('echoes through /http/{target}, counted as a tunnel and never stored', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy();
    const ws = await openWebSocket(wsUrl(proxy.dataUrl, `/http/${origin.url}/chat?room=1`));
    expect(await echo(ws, 'hello')).toBe('hello');
    expect((await send(proxy.adminUrl, '/metrics')).text).toMatch(/^caching_proxy_websocket_tunnels_open 1$/m);
    expect(await echo(ws, 'second message')).toBe('second message');
    const done = closed(ws);
    ws.close(1000, 'bye');
    expect(await done).toEqual({ code: 1000, reason: 'bye' });
    await proxy.server.tunnels.drained();

    expect(origin.upgrades).toHaveLength(1);
    expect(origin.upgrades[0]!.url).toBe('/chat?room=1');
    expect(origin.upgrades[0]!.headers.host).toBe(`127.0.0.1:${origin.port}`);
    const stats = (await send(proxy.adminUrl, '/stats')).json<{ tunnels: number; misses: number; stores: number; entries: number; total_requests: number }>();
    expect(stats).toMatchObject({ tunnels: 1, misses: 0, stores: 0, entries: 0, total_requests: 1 });
    const metrics = (await send(proxy.adminUrl, '/metrics')).text;
    expect(metrics).toMatch(/caching_proxy_requests_total\{outcome="tunnel",method="GET"\} 1/);
    expect(metrics).toMatch(/^caching_proxy_websocket_tunnels_open 0$/m);
  });

  it('echoes through reverse-proxy mode with the same forwarded-field policy as HTTP requests', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy({ ORIGIN_URL: origin.url });
    const ws = await openWebSocket(wsUrl(proxy.dataUrl, '/live'), {
      headers: { 'x-forwarded-host': 'attacker.example', 'x-forwarded-for': '203.0.113.9' },
      protocols: ['chat'],
    });
    expect(ws.protocol).toBe('chat');
    expect(await echo(ws, 'through the reverse proxy')).toBe('through the reverse proxy');
    ws.close();
    const { headers } = origin.upgrades[0]!;
    expect(origin.upgrades[0]!.url).toBe('/live');
    // The request-field policy of HTTP requests (README, Security model): without PUBLIC_HOSTS no
    // X-Forwarded-Host at all, and X-Forwarded-For is the peer, never the client's own value.
    expect(headers['x-forwarded-host']).toBeUndefined();
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['sec-websocket-protocol']).toBe('chat');
  });

  it('forwards Upgrade, Connection and Sec-WebSocket-* and strips other hop-by-hop fields (RFC 9110 §7.6.1, §7.8)', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy();
    const result = await rawUpgrade(proxy.dataUrl, `/http/${origin.url}/raw`, {
      ...HANDSHAKE,
      connection: 'Upgrade, X-Hop-Secret',
      'x-hop-secret': 'for the proxy only',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic c2VjcmV0',
      'sec-websocket-extensions': 'permessage-deflate',
      'x-end-to-end': 'kept',
    });
    expect(result.status).toBe(101);
    if (result.status === 101 && 'socket' in result) result.socket.destroy();
    expect(result.headers.upgrade).toBe('websocket');
    expect(result.headers.connection?.toLowerCase()).toBe('upgrade');
    expect(result.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(result.headers.via).toMatch(/1\.1 caching-proxy/);
    const { headers } = origin.upgrades[0]!;
    expect(headers).toMatchObject({
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': HANDSHAKE['sec-websocket-key'],
      'sec-websocket-version': '13',
      'sec-websocket-extensions': 'permessage-deflate',
      'x-end-to-end': 'kept',
    });
    expect(headers.via).toMatch(/1\.1 caching-proxy/);
    for (const hop of ['x-hop-secret', 'keep-alive', 'proxy-authorization']) expect(headers[hop]).toBeUndefined();
  });

  it('refuses a target the SSRF guard blocks without contacting it: IP literal and resolved name', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy({ ALLOW_PRIVATE_NETWORKS: 'false' });
    for (const host of ['127.0.0.1', 'localhost']) {
      const refused = await refusal(openWebSocket(wsUrl(proxy.dataUrl, `/http/http://${host}:${origin.port}/chat`)));
      expect(refused.status).toBe(403);
      expect(refused.headers['cache-control']).toBe('no-store');
      expect(refused.json().error.code).toBe('PROXY_ERR_TARGET_BLOCKED');
    }
    expect(origin.connections()).toBe(0);
    const stats = (await send(proxy.adminUrl, '/stats')).json<{ tunnels: number; errors: number }>();
    expect(stats).toMatchObject({ tunnels: 0, errors: 2 });
  });

  it('applies the forward modes\' client access policy to tunnels, as to HTTP requests', async () => {
    origin = await startWebSocketOrigin();
    // Loopback is not an allowed client network here, so this test's client is an outsider.
    proxy = await startProxy({ DATA_ALLOWED_CLIENTS: '10.0.0.0/8' });
    const refused = await refusal(openWebSocket(wsUrl(proxy.dataUrl, `/http/${origin.url}/chat`)));
    expect(refused.status).toBe(403);
    expect(refused.json().error.code).toBe('PROXY_ERR_CLIENT_NOT_ALLOWED');
    expect(origin.connections()).toBe(0);
    await proxy.close();
    // Reverse-proxy mode stays open to every client.
    proxy = await startProxy({ DATA_ALLOWED_CLIENTS: '10.0.0.0/8', ORIGIN_URL: origin.url });
    const ws = await openWebSocket(wsUrl(proxy.dataUrl, '/chat'));
    expect(await echo(ws, 'open to all')).toBe('open to all');
    ws.close();
  });

  it('applies the RFC 9112 framing checks to handshakes, as to every HTTP request', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy();
    const framing = await rawUpgrade(proxy.dataUrl, `/http/${origin.url}/chat`, { ...HANDSHAKE, connection: 'Upgrade, Host' });
    expect(framing.status).toBe(400);
    expect('body' in framing && JSON.parse(framing.body)).toMatchObject({ error: { code: 'PROXY_ERR_MALFORMED_REQUEST' } });
    expect(origin.connections()).toBe(0);
  });

  it('answers a refused handshake in reverse mode without the origin address, with its request id', async () => {
    const unused = createTcpServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const { port } = unused.address() as AddressInfo;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    proxy = await startProxy({ ORIGIN_URL: `http://127.0.0.1:${port}/base` });
    const refused = await rawUpgrade(proxy.dataUrl, '/chat', HANDSHAKE);
    expect(refused.status).toBe(502);
    const body = 'body' in refused ? refused.body : '';
    expect(body).not.toContain(String(port));
    expect(body).not.toContain('127.0.0.1');
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'PROXY_ERR_UPSTREAM_UNREACHABLE', request_id: refused.headers['x-request-id'] } });
  });

  it('refuses other upgrade protocols and non-GET handshakes with a JSON error, origin untouched', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy();
    const h2c = await rawUpgrade(proxy.dataUrl, `/http/${origin.url}/`, { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAAP__' });
    expect(h2c.status).toBe(400);
    expect('body' in h2c && JSON.parse(h2c.body)).toMatchObject({ error: { code: 'PROXY_ERR_UPGRADE_UNSUPPORTED' } });
    expect(h2c.headers['content-type']).toMatch(/^application\/json/);
    const post = await rawUpgrade(proxy.dataUrl, `/http/${origin.url}/`, HANDSHAKE, 'POST');
    expect(post.status).toBe(400);
    expect('body' in post && JSON.parse(post.body)).toMatchObject({ error: { code: 'PROXY_ERR_UPGRADE_UNSUPPORTED' } });
    const notProxied = await rawUpgrade(proxy.dataUrl, '/stats', HANDSHAKE);
    expect(notProxied.status).toBe(404);
    expect(origin.connections()).toBe(0);
  });

  it("relays an origin's refusal of the upgrade and closes the connection", async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy();
    const refused = await refusal(openWebSocket(wsUrl(proxy.dataUrl, `/http/${origin.url}/deny`)));
    expect(refused.status).toBe(403);
    expect(refused.body).toBe('forbidden');
    expect(refused.headers['x-origin']).toBe('yes');
    const stats = (await send(proxy.adminUrl, '/stats')).json<{ tunnels: number; bypasses: number }>();
    expect(stats).toMatchObject({ tunnels: 0, bypasses: 1 });
  });

  it('answers 504 when the origin does not answer the handshake within UPSTREAM_TIMEOUT_MS', async () => {
    origin = await startWebSocketOrigin();
    const held: Socket[] = [];
    const silent = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: '50' });
      const port = (silent.address() as AddressInfo).port;
      const refused = await refusal(openWebSocket(wsUrl(proxy.dataUrl, `/http/http://127.0.0.1:${port}/slow`)));
      expect(refused.status).toBe(504);
      expect(refused.json().error.code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('closes a silent tunnel after WEBSOCKET_IDLE_TIMEOUT_MS with 1001 to both peers', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy({ WEBSOCKET_IDLE_TIMEOUT_MS: '40' });
    const originClosed = origin.nextClose();
    const ws = await openWebSocket(wsUrl(proxy.dataUrl, `/http/${origin.url}/quiet`));
    expect(await closed(ws)).toEqual({ code: 1001, reason: 'idle timeout' });
    expect(await originClosed).toEqual({ code: 1001, reason: 'idle timeout' });
    await proxy.server.tunnels.drained();
  });

  it('closes open tunnels on shutdown so the data server drains, and refuses new upgrades', async () => {
    origin = await startWebSocketOrigin();
    proxy = await startProxy();
    const ws = await openWebSocket(wsUrl(proxy.dataUrl, `/http/${origin.url}/long`));
    expect(await echo(ws, 'before shutdown')).toBe('before shutdown');
    const wsClosed = closed(ws);
    const originClosed = origin.nextClose();
    proxy.server.closeTunnels();
    expect(await wsClosed).toEqual({ code: 1001, reason: 'proxy shutting down' });
    expect(await originClosed).toEqual({ code: 1001, reason: 'proxy shutting down' });
    // Clients still connected while the listener drains cannot open new tunnels.
    const refused = await refusal(openWebSocket(wsUrl(proxy.dataUrl, `/http/${origin.url}/late`)));
    expect(refused.status).toBe(503);
    expect(refused.json().error.code).toBe('PROXY_ERR_SHUTTING_DOWN');
    await new Promise<void>((resolve) => proxy!.server.dataServer.close(() => resolve()));
    expect(proxy.server.tunnels.size).toBe(0);
  });
});

describe('the admission hook of WebSocket tunnels', () => {
  let server: Server | undefined;
  let origin: WebSocketOrigin | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await origin?.close();
  });

  it('refuses a client the access policy rejects before the target is contacted', async () => {
    origin = await startWebSocketOrigin();
    const config = parseConfig({});
    const seen: string[] = [];
    const tunnels = new WebSocketTunnels({
      resolve: resolveTransparentTarget,
      guard: new TargetGuard({ allowPrivateNetworks: true, allowedHosts: [] }),
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      idleTimeoutMs: config.WEBSOCKET_IDLE_TIMEOUT_MS,
      stats: new Stats(() => 0),
      reporter: new RequestReporter(createSilentLogger(), NO_OBSERVER),
      logger: createSilentLogger(),
      admit: (req) => {
        seen.push(req.headers.authorization ?? '');
        if (req.headers.authorization !== 'Bearer letmein') {
          throw new ProxyError('PROXY_ERR_FORBIDDEN', 'This client may not open tunnels');
        }
      },
    });
    server = createServer();
    server.on('upgrade', tunnels.handleUpgrade);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const refused = await refusal(openWebSocket(`${base}/http/${origin.url}/x`));
    expect(refused.status).toBe(403);
    expect(refused.json().error.code).toBe('PROXY_ERR_FORBIDDEN');
    expect(origin.connections()).toBe(0);

    const ws = await openWebSocket(`${base}/http/${origin.url}/x`, { headers: { authorization: 'Bearer letmein' } });
    expect(await echo(ws, 'admitted')).toBe('admitted');
    ws.terminate();
    expect(seen).toEqual(['', 'Bearer letmein']);
  });
});

describe('WebSocket tunnels to https targets', () => {
  let proc: ProxyProcess | undefined;
  let origin: WebSocketOrigin | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await proc?.stop();
    await origin?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reaches an https:// target with wss, verifying its certificate', { timeout: 30_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'ws-tls-'));
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    // A certificate for 127.0.0.1 that the proxy process trusts through NODE_EXTRA_CA_CERTS.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'ignore' });
    origin = await startWebSocketOrigin({ tls: { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') } });
    // Not trusted by a proxy without that CA: refused with a TLS error, never tunnelled unverified.
    const untrusting = await startProxy();
    try {
      const refused = await refusal(openWebSocket(wsUrl(untrusting.dataUrl, `/http/${origin.url}/secure`)));
      expect(refused.status).toBe(502);
      expect(refused.json().error.message).toMatch(/TLS/);
    } finally {
      await untrusting.close();
    }
    proc = spawnProxy({ HOST: '127.0.0.1', PORT: '0', ADMIN_PORT: '0', ALLOW_PRIVATE_NETWORKS: 'true', NODE_EXTRA_CA_CERTS: certFile });
    const listening = await proc.waitForLog('caching-proxy listening');
    const ws = await openWebSocket(`${String(listening.data).replace(/^http/, 'ws')}/http/${origin.url}/secure`);
    expect(await echo(ws, 'over wss')).toBe('over wss');
    ws.close();
    expect(origin.upgrades[0]!.url).toBe('/secure');
    expect(origin.upgrades[0]!.headers.host).toBe(`127.0.0.1:${origin.port}`);
  });
});
