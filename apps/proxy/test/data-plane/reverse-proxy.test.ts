import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('reverse-proxy mode (ORIGIN_URL)', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  async function start(originPath = '', config: Record<string, string> = {}) {
    origin = await startOrigin((req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString() }));
    });
    // Private networks stay forbidden: the configured origin is trusted on its own.
    proxy = await startProxy({ ORIGIN_URL: `${origin.url}${originPath}`, ALLOW_PRIVATE_NETWORKS: 'false', ...config });
  }

  interface Echo {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
  }

  it('forwards every path and method to the origin and caches GETs', async () => {
    await start();
    const miss = await send(proxy.dataUrl, '/any/path?q=1');
    expect(miss.json<Echo>().url).toBe('/any/path?q=1');
    expect(miss.headers['x-cache']).toBe('MISS');
    expect((await send(proxy.dataUrl, '/any/path?q=1')).headers['x-cache']).toBe('HIT');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const response = await send(proxy.dataUrl, '/any/path', { method, body: 'payload' });
      expect(response.json<Echo>()).toMatchObject({ method, url: '/any/path' });
    }
    expect(origin.hits('/any/path?q=1')).toBe(1);
  });

  it('leaves every path to the origin: no control plane, /http/ or /proxy on the data port', async () => {
    await start();
    for (const path of ['/health', '/stats', '/cache/clear', '/http/example.com/', '/proxy', '/openapi.json', '/docs']) {
      const response = await send(proxy.dataUrl, path);
      expect(response.json<Echo>().url, path).toBe(path);
    }
  });

  it('keeps the control plane on the admin listener', async () => {
    await start();
    await send(proxy.dataUrl, '/page');
    const stats = (await send(proxy.adminUrl, '/stats')).json<{ misses: number }>();
    expect(stats.misses).toBe(1);
    expect((await send(proxy.adminUrl, '/health')).status).toBe(200);
  });

  it('sends Host for the origin and X-Forwarded-For/-Host/-Proto with the client side', async () => {
    await start('', { PUBLIC_HOSTS: 'shop.example', TRUSTED_PROXIES: '127.0.0.1' });
    const echoed = (await send(proxy.dataUrl, '/h', { headers: { host: 'shop.example', 'x-forwarded-for': '203.0.113.7' } })).json<Echo>();
    expect(echoed.headers.host).toBe(`127.0.0.1:${origin.port}`);
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(echoed.headers['x-forwarded-host']).toBe('shop.example');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
  });

  it('prefixes the path of ORIGIN_URL', async () => {
    await start('/api');
    expect((await send(proxy.dataUrl, '/users/1')).json<Echo>().url).toBe('/api/users/1');
  });

  it('keeps %2F in paths as sent', async () => {
    await start();
    expect((await send(proxy.dataUrl, '/a%2Fb')).json<Echo>().url).toBe('/a%2Fb');
  });

  it('refuses request targets that are not paths with 400 JSON', async () => {
    await start();
    const { port } = new URL(proxy.dataUrl);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('GET http://elsewhere.example/x HTTP/1.1\r\nHost: elsewhere.example\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toContain('PROXY_ERR_INVALID_URL');
    expect(origin.hits()).toBe(0);
  });
});
