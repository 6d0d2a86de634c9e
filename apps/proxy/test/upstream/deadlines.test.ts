import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string };
}

/** A TCP server that accepts connections and never answers, counting the sockets it holds. */
async function startBlackhole(): Promise<{ url: string; accepted: () => number; requests: () => number; open: Set<Socket>; allClosed(): Promise<void>; close(): Promise<void> }> {
  const open = new Set<Socket>();
  let accepted = 0;
  let requests = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      requests += data.toString('latin1').split('\r\n\r\n').length - 1;
    });
    socket.on('close', () => open.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => accepted,
    requests: () => requests,
    open,
    allClosed: async () => {
      // Sockets accepted meanwhile are waited for too; one that never closes fails the test by timeout.
      while (open.size > 0) await Promise.all([...open].map((socket) => once(socket, 'close')));
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts a request and resolves with how it ended: a status, or the connection cut mid-body. */
function outcome(baseUrl: string, path: string): Promise<{ status: number; cut: boolean; bytes: number }> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cut: false, bytes }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, cut: true, bytes }));
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, cut: true, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('origin deadlines', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;
  let blackhole: Awaited<ReturnType<typeof startBlackhole>> | undefined;

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
    await blackhole?.close();
    proxy = origin = blackhole = undefined;
  });

  it('answers every one of 10 concurrent requests to a blackhole origin with 504 within UPSTREAM_TIMEOUT_MS, and closes its sockets', async () => {
    const timeoutMs = 250;
    proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: String(timeoutMs) });
    blackhole = await startBlackhole();
    const started = performance.now();
    const paths = Array.from({ length: 10 }, (_, i) => proxy!.via(blackhole!.url, i < 5 ? `/same` : `/distinct-${i}`));
    const answers = await Promise.all(
      paths.map(async (path) => {
        const response = await send(proxy!.dataUrl, path);
        return { response, elapsedMs: performance.now() - started };
      }),
    );
    for (const { response, elapsedMs } of answers) {
      expect(response.status).toBe(504);
      expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
      // A small margin over the bound (a loaded 2-core machine), well under what a second timeout would add.
      expect(elapsedMs).toBeLessThan(timeoutMs + 550);
    }
    // The five requests for one URL shared one origin request (coalescing); the timeout was shared too.
    expect(blackhole.requests()).toBe(6);
    expect(blackhole.accepted()).toBeGreaterThanOrEqual(6);
    await blackhole.allClosed();
    expect(blackhole.open.size).toBe(0);
  });

  it('cuts an endless drip at UPSTREAM_RESPONSE_DEADLINE_MS: client connection closed, nothing stored, waiters released', async () => {
    proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: '1000', UPSTREAM_RESPONSE_DEADLINE_MS: '150' });
    const timers = new Set<NodeJS.Timeout>();
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('.'), 10);
      timers.add(drip);
      res.on('close', () => clearInterval(drip));
    });
    const started = performance.now();
    const [leader, waiter] = await Promise.all([
      outcome(proxy.dataUrl, proxy.via(origin.url, '/drip')),
      outcome(proxy.dataUrl, proxy.via(origin.url, '/drip')),
    ]);
    for (const timer of timers) clearInterval(timer);
    expect(leader).toMatchObject({ status: 200, cut: true });
    expect(leader.bytes).toBeGreaterThan(0);
    // The waiter was released when the leader was cut, and went to the origin itself (cut the same way).
    expect(waiter.cut).toBe(true);
    expect(performance.now() - started).toBeLessThan(150 * 2 + 500);
    const stats = (await send(proxy.adminUrl, '/stats')).json<{ entries: number; stores: number }>();
    expect(stats.entries).toBe(0);
    expect(origin.hits('/drip')).toBe(2);
  });

  it('answers a JSON envelope with 504 when the origin misses its response deadline', async () => {
    proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: '1000', UPSTREAM_RESPONSE_DEADLINE_MS: '100' });
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const drip = setInterval(() => res.write('.'), 10);
      res.on('close', () => clearInterval(drip));
    });
    const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/drip` });
    expect(response.status).toBe(504);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
  });

  it('never names the origin address in reverse-proxy mode error answers', async () => {
    blackhole = await startBlackhole();
    proxy = await startProxy({ ORIGIN_URL: blackhole.url, UPSTREAM_TIMEOUT_MS: '50' });
    const response = await send(proxy.dataUrl, '/anything');
    expect(response.status).toBe(504);
    const body = response.json<ErrorBody & { error: { request_id?: string } }>();
    expect(body.error.code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
    expect(response.text).not.toContain('127.0.0.1');
    expect(response.text).not.toContain(new URL(blackhole.url).port);
    expect(body.error.request_id).toBe(response.headers['x-request-id']);
  });
});
