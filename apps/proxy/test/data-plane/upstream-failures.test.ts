import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string };
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('origin failures', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
    proxy = undefined;
    origin = undefined;
  });

  it('answers 502 PROXY_ERR_UPSTREAM_UNREACHABLE JSON when the origin refuses connections', async () => {
    proxy = await startProxy();
    const port = await closedPort();
    for (const response of [
      await send(proxy.dataUrl, `/http/http://127.0.0.1:${port}/x`),
      await postJson(proxy.dataUrl, '/proxy', { url: `http://127.0.0.1:${port}/x` }),
    ]) {
      expect(response.status).toBe(502);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json<ErrorBody>();
      expect(body.error.code).toBe('PROXY_ERR_UPSTREAM_UNREACHABLE');
      expect(body.error.message).not.toMatch(/\n\s+at /);
    }
  });

  it('answers 504 PROXY_ERR_UPSTREAM_TIMEOUT JSON when the origin does not answer within UPSTREAM_TIMEOUT_MS', async () => {
    proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: '150' });
    origin = await startOrigin(() => {
      // never answers
    });
    const viaPrefix = await send(proxy.dataUrl, proxy.via(origin.url, '/slow'));
    expect(viaPrefix.status).toBe(504);
    expect(viaPrefix.json<ErrorBody>().error.code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
    const viaEnvelope = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/slow` });
    expect(viaEnvelope.status).toBe(504);
    expect(viaEnvelope.json<ErrorBody>().error.code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
  });

  it('never caches a proxy error: the next request goes to the origin again', async () => {
    proxy = await startProxy();
    let calls = 0;
    origin = await startOrigin((_req, res) => {
      calls++;
      if (calls === 1) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('recovered');
    });
    const failed = await send(proxy.dataUrl, proxy.via(origin.url, '/flaky'));
    expect(failed.status).toBe(502);
    expect(failed.json<ErrorBody>().error.code).toBe('PROXY_ERR_UPSTREAM_ERROR');
    const recovered = await send(proxy.dataUrl, proxy.via(origin.url, '/flaky'));
    expect(recovered.status).toBe(200);
    expect(recovered.headers['x-cache']).toBe('MISS');
    expect(recovered.text).toBe('recovered');
    const stats = (await send(proxy.adminUrl, '/stats')).json<{ errors: number; misses: number }>();
    expect(stats.errors).toBe(1);
    expect(stats.misses).toBe(1);
  });

  it('cuts the client connection and stores nothing when the origin fails mid-body', async () => {
    proxy = await startProxy();
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    });
    await expect(send(proxy.dataUrl, proxy.via(origin.url, '/cut'))).rejects.toThrow();
    const again = await send(proxy.dataUrl, proxy.via(origin.url, '/cut')).catch(() => undefined);
    expect(again?.headers['x-cache']).not.toBe('HIT');
    expect(origin.hits('/cut')).toBe(2);
    expect((await send(proxy.adminUrl, '/stats')).json<{ entries: number }>().entries).toBe(0);
  });

  it('aborts the origin exchange and stores nothing when the client disconnects mid-body', async () => {
    proxy = await startProxy();
    let firstAborted: () => void = () => {};
    const originSawAbort = new Promise<void>((resolve) => (firstAborted = resolve));
    let hits = 0;
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      if (++hits > 1) {
        res.end('first half;second half');
        return;
      }
      res.write('first half;');
      // The rest never comes: the proxy must give up on this exchange when its client leaves.
      res.once('close', () => firstAborted());
    });
    const { port } = new URL(proxy.dataUrl);
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: proxy!.via(origin!.url, '/abandoned'), agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (error.message.includes('socket hang up') ? resolve() : reject(error)));
      req.end();
    });
    await originSawAbort;
    const next = await send(proxy.dataUrl, proxy.via(origin.url, '/abandoned'));
    expect(next.headers['x-cache']).toBe('MISS');
    expect(next.text).toBe('first half;second half');
    expect(origin.hits('/abandoned')).toBe(2);
  });

  it('aborts the origin exchange when the client disconnects before the response head', async () => {
    proxy = await startProxy({ UPSTREAM_TIMEOUT_MS: '30000' });
    let requestArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (requestArrived = resolve));
    let connectionClosed: () => void = () => {};
    const originSawAbort = new Promise<void>((resolve) => (connectionClosed = resolve));
    origin = await startOrigin((req) => {
      // No head, ever: only the proxy giving up on its client's behalf ends this exchange.
      req.socket.once('close', () => connectionClosed());
      requestArrived();
    });
    const { port } = new URL(proxy.dataUrl);
    const req = httpRequest({ host: '127.0.0.1', port, path: proxy.via(origin.url, '/headless'), agent: false });
    req.on('error', () => {});
    req.end();
    await arrived;
    req.destroy();
    await originSawAbort;
    expect(origin.hits('/headless')).toBe(1);
  });
});
