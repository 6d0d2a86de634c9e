import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string; request_id?: string };
}

const KEY = 'admin-key-0123456789';

describe('admin listener guard', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
    proxy = origin = undefined;
  });

  it('refuses, without ADMIN_API_KEY, a Host that is not a loopback name or IP literal with 421 (DNS rebinding)', async () => {
    proxy = await startProxy({ ADMIN_ALLOWED_HOSTS: 'admin.internal' });
    const rebound = await send(proxy.adminUrl, '/stats', { headers: { host: 'evil.example:8001' } });
    expect(rebound.status).toBe(421);
    expect(rebound.json<ErrorBody>().error.code).toBe('PROXY_ERR_MISDIRECTED_REQUEST');
    expect(rebound.json<ErrorBody>().error.message).toContain('ADMIN_ALLOWED_HOSTS');
    for (const host of ['localhost:8001', 'LOCALHOST', 'app.localhost', '127.0.0.1:8001', '[::1]:8001', '10.1.2.3', 'admin.internal']) {
      expect((await send(proxy.adminUrl, '/stats', { headers: { host } })).status, host).toBe(200);
    }
    expect((await send(proxy.adminUrl, '/metrics', { headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('does not check Host when ADMIN_API_KEY is set: the key decides', async () => {
    proxy = await startProxy({ ADMIN_API_KEY: KEY });
    expect((await send(proxy.adminUrl, '/stats', { headers: { host: 'evil.example' } })).status).toBe(401);
    const authorized = await send(proxy.adminUrl, '/stats', { headers: { host: 'proxy.example', authorization: `Bearer ${KEY}` } });
    expect(authorized.status).toBe(200);
  });

  it('answers 429 with Retry-After after ADMIN_AUTH_FAILURE_LIMIT failed authentications, until the window ends', async () => {
    proxy = await startProxy({ ADMIN_API_KEY: KEY, ADMIN_AUTH_FAILURE_LIMIT: '3', ADMIN_AUTH_FAILURE_WINDOW_MS: '60000' });
    for (let i = 0; i < 3; i++) {
      expect((await send(proxy.adminUrl, '/stats', { headers: { authorization: `Bearer wrong-${i}` } })).status).toBe(401);
    }
    const limited = await send(proxy.adminUrl, '/stats', { headers: { authorization: 'Bearer wrong-again' } });
    expect(limited.status).toBe(429);
    expect(limited.json<ErrorBody>().error.code).toBe('PROXY_ERR_TOO_MANY_REQUESTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Even the right key waits: a guesser cannot tell a hit from a miss while limited.
    expect((await send(proxy.adminUrl, '/stats', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(429);
    expect((await send(proxy.adminUrl, '/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(429);
    expect(limited.json<ErrorBody>().error.request_id).toBe(limited.headers['x-request-id']);
    // /health never needs the key: a load balancer's checks from a locked address still pass.
    expect((await send(proxy.adminUrl, '/health', { headers: { authorization: 'Bearer wrong' } })).status).toBe(200);
    expect((await send(proxy.dataUrl, '/health')).status).toBe(200);
    proxy.clock.advance(60_000);
    expect((await send(proxy.adminUrl, '/stats', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
  });

  it('counts failed authentications on the data port’s control paths against the same budget', async () => {
    proxy = await startProxy({ ADMIN_API_KEY: KEY, ADMIN_AUTH_FAILURE_LIMIT: '2' });
    for (let i = 0; i < 2; i++) {
      expect((await send(proxy.dataUrl, '/stats', { headers: { authorization: `Bearer wrong-${i}` } })).status).toBe(401);
    }
    expect((await send(proxy.dataUrl, '/stats', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(429);
    expect((await send(proxy.adminUrl, '/stats', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(429);
  });

  it('sends no Access-Control-Allow-Origin to a foreign origin, on requests or preflights', async () => {
    proxy = await startProxy();
    const read = await send(proxy.adminUrl, '/stats', { headers: { origin: 'https://evil.example' } });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send(proxy.adminUrl, '/trpc/cache.clear', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('never performs a mutation over GET', async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('stored');
    });
    proxy = await startProxy();
    await send(proxy.dataUrl, proxy.via(origin.url, '/kept'));
    const entries = () => send(proxy!.adminUrl, '/stats').then((r) => r.json<{ entries: number }>().entries);
    expect(await entries()).toBe(1);
    for (const path of ['/trpc/cache.clear', '/trpc/cache.clear?input=%7B%7D', '/cache/clear']) {
      const response = await send(proxy.adminUrl, path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
    }
    expect(await entries()).toBe(1);
  });
});
