import type { CacheEntryInfo, Health, Stats } from '@caching-proxy/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('control plane over REST', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=100', vary: 'accept' });
      res.end(`body of ${req.url}`);
    });
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  async function cacheSomething(path: string): Promise<string> {
    const response = await send(proxy.dataUrl, proxy.via(origin.url, path), { headers: { accept: 'text/plain' } });
    return String(response.headers['x-cache-key']);
  }

  for (const listener of ['admin', 'data'] as const) {
    const base = () => (listener === 'admin' ? proxy.adminUrl : proxy.dataUrl);

    describe(`on the ${listener} listener`, () => {
      it("GET /health answers the seed's fields", async () => {
        const response = await send(base(), '/health');
        expect(response.status).toBe(200);
        const health = response.json<Health>();
        expect(health).toMatchObject({ status: 'healthy', cache_backend: 'memory' });
        expect(typeof health.timestamp).toBe('number');
      });

      it('GET /stats counts hits and misses and computes hit_rate in percent', async () => {
        const before = (await send(base(), '/stats')).json<Stats>();
        const path = `/stats-${listener}`;
        await send(proxy.dataUrl, proxy.via(origin.url, path));
        await send(proxy.dataUrl, proxy.via(origin.url, path));
        await send(proxy.dataUrl, proxy.via(origin.url, path));
        const after = (await send(base(), '/stats')).json<Stats>();
        expect(after.hits - before.hits).toBe(2);
        expect(after.misses - before.misses).toBe(1);
        expect(after.cache_backend).toBe('memory');
        expect(after.hit_rate).toBe(Math.round((after.hits / (after.hits + after.misses)) * 10000) / 100);
        expect(after.total_requests).toBe(after.hits + after.misses + after.bypasses + after.errors);
      });

      it('GET /cache/info/{key} describes a stored entry (on the open data port, the seed\'s summary only)', async () => {
        const key = await cacheSomething(`/info-${listener}?q=1`);
        proxy.clock.advance(3_000);
        const response = await send(base(), `/cache/info/${key}`);
        expect(response.status).toBe(200);
        const info = response.json<CacheEntryInfo>();
        expect(info).toMatchObject({
          key,
          url: `${origin.url}/info-${listener}?q=1`,
          method: 'GET',
          status_code: 200,
          age_seconds: 3,
          ttl_seconds: 97,
          hits: 0,
        });
        expect(info.body_bytes).toBe(`body of /info-${listener}?q=1`.length);
        if (listener === 'data') {
          expect(info.headers).toBeUndefined();
          expect(info.vary).toBeUndefined();
          return;
        }
        expect(info.vary).toEqual({ accept: 'text/plain' });
        expect(info.headers['content-type']).toBe('text/plain');
        expect(Date.parse(info.stale_at) - Date.parse(info.stored_at)).toBe(100_000);
      });

      it('GET /cache/info/{key} answers 404 JSON for an absent key and 400 for a malformed one', async () => {
        const absent = await send(base(), `/cache/info/${'0'.repeat(64)}`);
        expect(absent.status).toBe(404);
        expect(absent.json<ErrorBody>().error.code).toBe('PROXY_ERR_ENTRY_NOT_FOUND');
        const malformed = await send(base(), '/cache/info/not-a-key');
        expect(malformed.status).toBe(400);
        expect(malformed.json<ErrorBody>().error.code).toBe('PROXY_ERR_INVALID_REQUEST');
      });

      it('DELETE /cache/{key} removes one entry, and answers 404 the second time', async () => {
        const key = await cacheSomething(`/delete-${listener}`);
        const keep = await cacheSomething(`/keep-${listener}`);
        const deleted = await send(base(), `/cache/${key}`, { method: 'DELETE' });
        expect(deleted.status).toBe(200);
        expect(deleted.json()).toEqual({ deleted: true, key });
        expect((await send(base(), `/cache/${key}`, { method: 'DELETE' })).status).toBe(404);
        expect((await send(base(), `/cache/info/${key}`)).status).toBe(404);
        expect((await send(base(), `/cache/info/${keep}`)).status).toBe(200);
      });

      it('DELETE /cache/clear clears everything and is not taken for DELETE /cache/{key}', async () => {
        const a = await cacheSomething(`/clear-a-${listener}`);
        await cacheSomething(`/clear-b-${listener}`);
        const cleared = await send(base(), '/cache/clear', { method: 'DELETE' });
        expect(cleared.status).toBe(200);
        expect(cleared.json<{ cleared: number }>().cleared).toBeGreaterThanOrEqual(2);
        expect((await send(base(), `/cache/info/${a}`)).status).toBe(404);
        expect((await send(base(), '/stats')).json<Stats>().entries).toBe(0);
      });

      it('answers control-plane responses with Cache-Control: no-store', async () => {
        expect((await send(base(), '/stats')).headers['cache-control']).toBe('no-store');
      });
    });
  }

  it('serves the OpenAPI document, Swagger UI and the reference page on the admin listener', async () => {
    const document = (await send(proxy.adminUrl, '/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health', '/stats', '/cache/info/{key}', '/cache/{key}', '/cache/clear']),
    );
    const docs = await send(proxy.adminUrl, '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui-bundle.js');
    const bundle = await send(proxy.adminUrl, '/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.body.length).toBeGreaterThan(100_000);
    const reference = await send(proxy.adminUrl, '/redoc');
    expect(reference.status).toBe(200);
    expect(reference.text).toContain('<redoc spec-url="/openapi.json">');
    expect(reference.text).toContain('<script src="/redoc/redoc.standalone.js">');
  });

  it('answers unknown routes with 404 JSON on both listeners', async () => {
    for (const base of [proxy.adminUrl, proxy.dataUrl]) {
      const response = await send(base, '/nope');
      expect(response.status).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_NOT_FOUND');
    }
  });
});

describe('control plane authentication', () => {
  const API_KEY = 'test-key-0123456789abcdef';

  it('with ADMIN_API_KEY, every route but /health needs the bearer key, on both listeners', async () => {
    // 16 deliberate failures: above the default failed-authentication limit (admin-guard.test.ts covers it).
    const proxy = await startProxy({ ADMIN_API_KEY: API_KEY, ADMIN_AUTH_FAILURE_LIMIT: '1000' });
    try {
      for (const base of [proxy.adminUrl, proxy.dataUrl]) {
        expect((await send(base, '/health')).status).toBe(200);
        for (const [method, path] of [
          ['GET', '/stats'],
          ['GET', `/cache/info/${'a'.repeat(64)}`],
          ['DELETE', `/cache/${'a'.repeat(64)}`],
          ['DELETE', '/cache/clear'],
        ] as const) {
          const anonymous = await send(base, path, { method });
          expect(anonymous.status, `${method} ${path}`).toBe(401);
          expect(anonymous.json<ErrorBody>().error.code).toBe('PROXY_ERR_UNAUTHORIZED');
          expect(anonymous.headers['www-authenticate']).toContain('Bearer');
          const wrong = await send(base, path, { method, headers: { authorization: `Bearer ${API_KEY}x` } });
          expect(wrong.status, `${method} ${path}`).toBe(401);
          const right = await send(base, path, { method, headers: { authorization: `Bearer ${API_KEY}` } });
          expect([200, 404], `${method} ${path}`).toContain(right.status);
        }
      }
    } finally {
      await proxy.close();
    }
  });

  it('without ADMIN_API_KEY, the admin listener is open', async () => {
    const proxy = await startProxy();
    try {
      expect((await send(proxy.adminUrl, '/stats')).status).toBe(200);
      expect((await send(proxy.adminUrl, '/cache/clear', { method: 'DELETE' })).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it("without ADMIN_API_KEY, the data port refuses mutations from web pages (which share the proxied content's origin)", async () => {
    const proxy = await startProxy();
    try {
      const fromPage = await send(proxy.dataUrl, '/cache/clear', {
        method: 'DELETE',
        headers: { origin: proxy.dataUrl, 'sec-fetch-site': 'same-origin' },
      });
      expect(fromPage.status).toBe(403);
      expect(fromPage.json<ErrorBody>().error.code).toBe('PROXY_ERR_FORBIDDEN');
      // A loopback, non-browser client (curl on the host) may.
      expect((await send(proxy.dataUrl, '/cache/clear', { method: 'DELETE' })).status).toBe(200);
      // Reads stay open.
      expect((await send(proxy.dataUrl, '/stats', { headers: { origin: 'http://elsewhere' } })).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });
});
