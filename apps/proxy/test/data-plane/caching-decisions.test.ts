import type { OutgoingHttpHeaders } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** Origin paths and the headers each answers with. */
const RESPONSES: Record<string, { status?: number; headers: OutgoingHttpHeaders }> = {
  '/plain': { headers: {} },
  '/max-age': { headers: { 'cache-control': 'max-age=30' } },
  '/s-maxage': { headers: { 'cache-control': 'max-age=5, s-maxage=120' } },
  '/no-store': { headers: { 'cache-control': 'no-store' } },
  '/private': { headers: { 'cache-control': 'private, max-age=60' } },
  '/set-cookie': { headers: { 'cache-control': 'max-age=60', 'set-cookie': 'session=abc' } },
  '/max-age-zero': { headers: { 'cache-control': 'max-age=0' } },
  '/server-error': { status: 500, headers: {} },
  '/aged': { headers: { 'cache-control': 'max-age=60', age: '50' } },
  '/vary': { headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' } },
  '/vary-star': { headers: { 'cache-control': 'max-age=60', vary: '*' } },
  '/expires': { headers: { date: 'Thu, 01 Jan 2026 00:00:00 GMT', expires: 'Thu, 01 Jan 2026 00:00:30 GMT' } },
  '/expires-invalid': { headers: { expires: '0' } },
  '/expires-future': { headers: { expires: 'Thu, 01 Jan 2099 00:00:00 GMT', date: 'Thu, 01 Jan 2099 00:00:20 GMT' } },
};

describe('what is stored and for how long', () => {
  let origin: TestOrigin;
  let proxy: TestProxy | undefined;

  beforeEach(async () => {
    origin = await startOrigin((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const spec = RESPONSES[path] ?? { headers: {} };
      res.writeHead(spec.status ?? 200, { 'content-type': 'text/plain', ...spec.headers });
      res.end(`${path} for ${req.headers['accept-language'] ?? 'anyone'}`);
    });
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await origin.close();
  });

  async function twice(path: string, headers?: Record<string, string>) {
    const first = await send(proxy!.dataUrl, proxy!.via(origin.url, path), { headers });
    const second = await send(proxy!.dataUrl, proxy!.via(origin.url, path), { headers });
    return { first, second };
  }

  it('gives responses without freshness of their own CACHE_TTL seconds, then fetches again', async () => {
    proxy = await startProxy({ CACHE_TTL: '10' });
    const { second } = await twice('/plain');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['cache-status']).toContain('ttl=10');
    proxy.clock.advance(9_999);
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/plain'))).headers['x-cache']).toBe('HIT');
    proxy.clock.advance(1);
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/plain'))).headers['x-cache']).toBe('MISS');
    expect(origin.hits('/plain')).toBe(2);
  });

  it('does not store responses without freshness of their own when CACHE_TTL is 0', async () => {
    proxy = await startProxy({ CACHE_TTL: '0' });
    const { first, second } = await twice('/plain');
    expect(first.headers['cache-status']).not.toContain('stored');
    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.hits('/plain')).toBe(2);
  });

  it('takes the lifetime from max-age (RFC 9111 §5.2.2.1)', async () => {
    proxy = await startProxy({ CACHE_TTL: '1000' });
    await twice('/max-age');
    proxy.clock.advance(30_000);
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/max-age'))).headers['x-cache']).toBe('MISS');
    expect(origin.hits('/max-age')).toBe(2);
  });

  it('prefers s-maxage over max-age in this shared cache (RFC 9111 §5.2.2.10)', async () => {
    proxy = await startProxy();
    await twice('/s-maxage');
    proxy.clock.advance(60_000);
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/s-maxage'))).headers['x-cache']).toBe('HIT');
    expect(origin.hits('/s-maxage')).toBe(1);
  });

  it('takes the lifetime from Expires minus Date when there is no max-age (RFC 9111 §5.3)', async () => {
    proxy = await startProxy({ CACHE_TTL: '1000' });
    const { first, second } = await twice('/expires');
    expect(first.headers['cache-status']).toContain('stored; ttl=30');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(origin.hits('/expires')).toBe(1);
  });

  it('counts the Age the origin reported against the lifetime (RFC 9111 §4.2.3)', async () => {
    proxy = await startProxy();
    const { second } = await twice('/aged');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers.age).toBe('50');
    proxy.clock.advance(10_000);
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/aged'))).headers['x-cache']).toBe('MISS');
  });

  it.each([
    ['/no-store', 'no-store (RFC 9111 §5.2.2.5)'],
    ['/private', 'private (RFC 9111 §5.2.2.7)'],
    ['/set-cookie', 'Set-Cookie (deliberate, as in Varnish and nginx)'],
    ['/max-age-zero', 'max-age=0'],
    ['/server-error', 'a 500 without explicit freshness'],
    ['/vary-star', 'Vary: * (RFC 9111 §4.1)'],
    ['/expires-invalid', 'an invalid Expires, which means already expired (RFC 9111 §5.3)'],
    ['/expires-future', 'an Expires earlier than Date, not CACHE_TTL (RFC 9111 §4.2.1)'],
  ])('does not store %s responses: %s', async (path) => {
    proxy = await startProxy();
    const { first, second } = await twice(path);
    expect(first.headers['cache-status']).not.toContain('stored');
    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.hits(path)).toBe(2);
  });

  it('serves a Vary response only to requests with the same selecting header values (RFC 9111 §4.1)', async () => {
    proxy = await startProxy();
    const { second } = await twice('/vary', { 'accept-language': 'fr' });
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.text).toBe('/vary for fr');
    const other = await send(proxy.dataUrl, proxy.via(origin.url, '/vary'), { headers: { 'accept-language': 'de' } });
    expect(other.headers['x-cache']).toBe('MISS');
    expect(other.headers['cache-status']).toContain('fwd=vary-miss');
    expect(other.text).toBe('/vary for de');
  });

  it('does not store responses to requests with Authorization unless the response allows it (RFC 9111 §3.5)', async () => {
    proxy = await startProxy();
    const { second } = await twice('/max-age', { authorization: 'Bearer user-token' });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(origin.hits('/max-age')).toBe(2);
  });

  it('lets ?ttl= on /proxy override the lifetime, and expire after it', async () => {
    proxy = await startProxy({ CACHE_TTL: '1000' });
    const target = { url: `${origin.url}/max-age` };
    const first = await postJson(proxy.dataUrl, '/proxy?ttl=5', target);
    expect(first.json<{ from_cache: boolean }>().from_cache).toBe(false);
    expect(first.headers['cache-status']).toContain('ttl=5');
    proxy.clock.advance(4_000);
    expect((await postJson(proxy.dataUrl, '/proxy', target)).json<{ from_cache: boolean }>().from_cache).toBe(true);
    proxy.clock.advance(1_000);
    expect((await postJson(proxy.dataUrl, '/proxy', target)).json<{ from_cache: boolean }>().from_cache).toBe(false);
    expect(origin.hits('/max-age')).toBe(2);
  });

  it('does not let ?ttl= store what the origin marked no-store', async () => {
    proxy = await startProxy();
    const target = { url: `${origin.url}/no-store` };
    await postJson(proxy.dataUrl, '/proxy?ttl=60', target);
    expect((await postJson(proxy.dataUrl, '/proxy?ttl=60', target)).json<{ from_cache: boolean }>().from_cache).toBe(
      false,
    );
    expect(origin.hits('/no-store')).toBe(2);
  });

  it('does not store a response larger than MAX_OBJECT_BYTES but still delivers it whole', async () => {
    proxy = await startProxy({ MAX_OBJECT_BYTES: '1KiB' });
    const big = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      // No Content-Length: the limit is discovered while streaming.
      res.write(Buffer.alloc(1000, 'a'));
      res.end(Buffer.alloc(1000, 'b'));
    });
    try {
      const path = proxy.via(big.url, '/big');
      const first = await send(proxy.dataUrl, path);
      expect(first.body.length).toBe(2000);
      const second = await send(proxy.dataUrl, path);
      expect(second.headers['x-cache']).toBe('MISS');
      expect(big.hits()).toBe(2);
      const stats = await send(proxy.adminUrl, '/stats');
      expect(stats.json<{ not_stored_too_large: number }>().not_stored_too_large).toBe(2);
    } finally {
      await big.close();
    }
  });
});
