import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { send } from '../helpers/http.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('ANY /http/{target}', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeEach(async () => {
    origin = await startOrigin((req, res, body) => {
      const url = req.url ?? '/';
      if (url.startsWith('/echo')) {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
        res.end(
          JSON.stringify({ method: req.method, url, headers: req.headers, body: body.toString('utf8') }),
        );
        return;
      }
      if (url.startsWith('/hop')) {
        res.writeHead(200, {
          'content-type': 'text/plain',
          connection: 'x-secret-hop, keep-alive',
          'x-secret-hop': 'must not pass',
          'keep-alive': 'timeout=5',
          'x-end-to-end': 'passes',
          'cache-control': 'max-age=60',
        });
        res.end('hop');
        return;
      }
      if (url.startsWith('/binary')) {
        const bytes = Buffer.alloc(256);
        for (let i = 0; i < 256; i++) bytes[i] = i;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60' });
        res.end(bytes);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end(`path ${url}`);
    });
    proxy = await startProxy();
  });

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  it('serves a miss from the origin, then the same URL from the cache with one origin request', async () => {
    const path = proxy.via(origin.url, '/resource?x=1');
    const miss = await send(proxy.dataUrl, path);
    expect(miss.status).toBe(200);
    expect(miss.text).toBe('path /resource?x=1');
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.headers['cache-status']).toBe('caching-proxy; fwd=uri-miss; fwd-status=200; stored; ttl=60');

    const hit = await send(proxy.dataUrl, path);
    expect(hit.status).toBe(200);
    expect(hit.text).toBe('path /resource?x=1');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['cache-status']).toBe('caching-proxy; hit; ttl=60');
    expect(origin.hits('/resource?x=1')).toBe(1);
  });

  it('puts Age, Cache-Status, X-Cache and X-Cache-Key on misses and hits alike', async () => {
    const path = proxy.via(origin.url, '/headers');
    const miss = await send(proxy.dataUrl, path);
    proxy.clock.advance(7_000);
    const hit = await send(proxy.dataUrl, path);
    for (const response of [miss, hit]) {
      expect(response.headers['x-cache-key']).toMatch(/^[0-9a-f]{64}$/);
      expect(response.headers['cache-status']).toMatch(/^caching-proxy; /);
      expect(response.headers.age).toMatch(/^\d+$/);
      expect(response.headers.via).toBe('1.1 caching-proxy');
    }
    expect(miss.headers.age).toBe('0');
    expect(hit.headers.age).toBe('7');
    expect(hit.headers['cache-status']).toBe('caching-proxy; hit; ttl=53');
    expect(hit.headers['x-cache-key']).toBe(miss.headers['x-cache-key']);
  });

  it('answers HEAD from the stored GET response without a body', async () => {
    const path = proxy.via(origin.url, '/page');
    await send(proxy.dataUrl, path);
    const head = await send(proxy.dataUrl, path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers['content-length']).toBe(String('path /page'.length));
    expect(head.body.length).toBe(0);
    expect(origin.hits('/page')).toBe(1);
  });

  it('keeps /a%2Fb and /a/b as different resources', async () => {
    const encoded = await send(proxy.dataUrl, proxy.via(origin.url, '/a%2Fb'));
    const plain = await send(proxy.dataUrl, proxy.via(origin.url, '/a/b'));
    expect(encoded.text).toBe('path /a%2Fb');
    expect(plain.text).toBe('path /a/b');
    expect(plain.headers['x-cache']).toBe('MISS');
    expect(encoded.headers['x-cache-key']).not.toBe(plain.headers['x-cache-key']);
    expect(origin.hits('/a%2Fb')).toBe(1);
    expect(origin.hits('/a/b')).toBe(1);
  });

  it('forwards method, body and end-to-end headers, and strips hop-by-hop headers towards the origin', async () => {
    const response = await send(proxy.dataUrl, proxy.via(origin.url, '/echo'), {
      method: 'PUT',
      headers: {
        'content-type': 'text/plain',
        'x-custom': 'kept',
        connection: 'x-drop-me',
        'x-drop-me': 'secret',
        'proxy-authorization': 'Basic c2VjcmV0',
        te: 'trailers',
      },
      body: 'request body',
    });
    expect(response.status).toBe(200);
    const echoed = response.json<{ method: string; headers: Record<string, string>; body: string }>();
    expect(echoed.method).toBe('PUT');
    expect(echoed.body).toBe('request body');
    expect(echoed.headers['x-custom']).toBe('kept');
    expect(echoed.headers['x-drop-me']).toBeUndefined();
    expect(echoed.headers['proxy-authorization']).toBeUndefined();
    expect(echoed.headers.te).toBeUndefined();
    expect(echoed.headers.host).toBe(`127.0.0.1:${origin.port}`);
    expect(echoed.headers.via).toBe('1.1 caching-proxy');
    expect(response.headers['x-cache']).toBe('BYPASS');
    expect(response.headers['cache-status']).toContain('fwd=method');
  });

  it('strips hop-by-hop headers and those named in Connection from the response', async () => {
    for (const expected of ['MISS', 'HIT']) {
      const response = await send(proxy.dataUrl, proxy.via(origin.url, '/hop'));
      expect(response.headers['x-cache']).toBe(expected);
      expect(response.headers['x-end-to-end']).toBe('passes');
      expect(response.headers['x-secret-hop']).toBeUndefined();
      expect(response.headers['keep-alive']).toBeUndefined();
    }
  });

  it('streams a large request body to the origin', async () => {
    const body = Buffer.alloc(3 * 1024 * 1024, 'a');
    const response = await send(proxy.dataUrl, proxy.via(origin.url, '/upload'), { method: 'POST', body });
    expect(response.status).toBe(200);
    expect(origin.requests.at(-1)?.body.length).toBe(body.length);
  });

  it('returns binary bodies byte for byte, on the miss and on the hit', async () => {
    const path = proxy.via(origin.url, '/binary');
    const miss = await send(proxy.dataUrl, path);
    const hit = await send(proxy.dataUrl, path);
    expect(hit.headers['x-cache']).toBe('HIT');
    for (const response of [miss, hit]) {
      expect(response.body.length).toBe(256);
      expect([...response.body]).toEqual([...Array(256).keys()]);
    }
  });

  it('passes POST through and invalidates the stored entry of that URL', async () => {
    const path = proxy.via(origin.url, '/item');
    await send(proxy.dataUrl, path);
    expect((await send(proxy.dataUrl, path)).headers['x-cache']).toBe('HIT');

    const post = await send(proxy.dataUrl, path, { method: 'POST', body: 'x' });
    expect(post.headers['x-cache']).toBe('BYPASS');
    expect(origin.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    const after = await send(proxy.dataUrl, path);
    expect(after.headers['x-cache']).toBe('MISS');
    expect(origin.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it('does not invalidate after an unsafe method the origin refused', async () => {
    const refusing = await startOrigin((req, res) => {
      res.writeHead(req.method === 'GET' ? 200 : 500, { 'cache-control': 'max-age=60' });
      res.end(req.method);
    });
    try {
      const path = proxy.via(refusing.url, '/x');
      await send(proxy.dataUrl, path);
      expect((await send(proxy.dataUrl, path, { method: 'DELETE' })).status).toBe(500);
      expect((await send(proxy.dataUrl, path)).headers['x-cache']).toBe('HIT');
    } finally {
      await refusing.close();
    }
  });

  it('uses https as the default scheme and accepts an explicit http scheme', async () => {
    // The seed's default scheme is https; the target host does not exist, so this must be an error
    // about reaching https://nonexistent.invalid, not a parse failure.
    const implicit = await send(proxy.dataUrl, '/http/nonexistent.invalid/a');
    expect(implicit.status).toBe(502);
    expect(implicit.json<{ error: { code: string; message: string } }>().error.message).toContain(
      'https://nonexistent.invalid',
    );
    const explicit = await send(proxy.dataUrl, proxy.via(origin.url, '/explicit'));
    expect(explicit.status).toBe(200);
  });

  it('answers a request that sends Cache-Control: no-cache from the origin', async () => {
    const path = proxy.via(origin.url, '/fresh');
    await send(proxy.dataUrl, path);
    const forced = await send(proxy.dataUrl, path, { headers: { 'cache-control': 'no-cache' } });
    expect(forced.headers['x-cache']).toBe('MISS');
    expect(forced.headers['cache-status']).toContain('fwd=request');
    expect(origin.hits('/fresh')).toBe(2);
  });
});
