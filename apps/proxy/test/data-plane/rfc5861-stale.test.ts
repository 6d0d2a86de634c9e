import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

type Failure = 'none' | '503' | 'reset';

describe.each(MODES)('serving stale responses (RFC 9111 §4.2.4, RFC 5861) — %s', (mode) => {
  let cache: CacheUnderTest;
  let failure: Failure;

  afterEach(async () => {
    await cache.close();
  });

  /** An origin that answers with `cacheControl` until told to fail. */
  async function origin(cacheControl: string, extra: Record<string, string> = {}) {
    failure = 'none';
    cache = await startCacheUnderTest(mode, (_req, res, _body, count) => {
      if (failure === 'reset') {
        res.socket?.destroy();
        return;
      }
      if (failure === '503') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('down');
        return;
      }
      res.writeHead(200, { date: cache.httpDate(), 'cache-control': cacheControl, ...extra });
      res.end(`response ${count}`);
    });
  }

  it('serves stale within stale-while-revalidate and refreshes it with one background request (RFC 5861 §3)', async () => {
    await origin('max-age=10, stale-while-revalidate=30');
    await cache.fetch('/swr');
    cache.advance(20);
    const stale = await cache.fetch('/swr');
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.text).toBe('response 1');
    expect(stale.headers['cache-status']).toBe('caching-proxy; hit; ttl=-10; detail=stale-while-revalidate');
    // Served at once; a second stale request does not start another refresh.
    await cache.fetch('/swr');
    await vi.waitFor(() => expect(cache.proxy.server.stats.counters.stores).toBe(2));
    expect(cache.originHits('/swr')).toBe(2);
    expect(cache.proxy.server.stats.counters.backgroundRevalidations).toBe(1);
    const fresh = await cache.fetch('/swr');
    expect(fresh.headers['x-cache']).toBe('HIT');
    expect(fresh.text).toBe('response 2');
  });

  it('refreshes a stale-while-revalidate response from a 304 to its background validation (RFC 9111 §4.3.4)', async () => {
    const conditions: (string | undefined)[] = [];
    cache = await startCacheUnderTest(mode, (req, res, _body, count) => {
      conditions.push(req.headers['if-none-match']);
      const headers = { date: cache.httpDate(), 'cache-control': 'max-age=10, stale-while-revalidate=30', etag: '"v1"' };
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { ...headers, 'x-refreshed': 'yes' });
        res.end();
        return;
      }
      res.writeHead(200, headers);
      res.end(`response ${count}`);
    });
    await cache.fetch('/swr304');
    cache.advance(20);
    expect((await cache.fetch('/swr304')).headers['x-cache']).toBe('STALE');
    await vi.waitFor(() => expect(cache.proxy.server.stats.counters.stores).toBe(2));
    expect(conditions).toEqual([undefined, '"v1"']);
    const fresh = await cache.fetch('/swr304');
    expect(fresh.headers['x-cache']).toBe('HIT');
    expect(fresh.headers.age).toBe('0');
    expect(fresh.headers['x-refreshed']).toBe('yes');
    expect(fresh.text).toBe('response 1');
    expect(cache.originHits('/swr304')).toBe(2);
  });

  it('goes to the origin once stale-while-revalidate has run out', async () => {
    await origin('max-age=10, stale-while-revalidate=5');
    await cache.fetch('/swr');
    cache.advance(16);
    const response = await cache.fetch('/swr');
    expect(response.headers['x-cache']).toBe('MISS');
    expect(response.text).toBe('response 2');
  });

  it.each(['503', 'reset'] as const)(
    'serves stale within stale-if-error when the origin fails (%s) (RFC 5861 §4)',
    async (kind) => {
      await origin('max-age=10, stale-if-error=60');
      await cache.fetch('/sie');
      cache.advance(30);
      failure = kind;
      const stale = await cache.fetch('/sie');
      expect(stale.status).toBe(200);
      expect(stale.text).toBe('response 1');
      expect(stale.headers['x-cache']).toBe('STALE');
      expect(stale.headers['cache-status']).toContain('detail=stale-if-error');
      if (kind === '503') expect(stale.headers['cache-status']).toContain('fwd-status=503');
    },
  );

  it('honours stale-if-error sent by the client (RFC 5861 §4)', async () => {
    await origin('max-age=10');
    await cache.fetch('/sie');
    cache.advance(30);
    failure = '503';
    const stale = await cache.fetch('/sie', { headers: { 'cache-control': 'stale-if-error=60' } });
    expect(stale.headers['x-cache']).toBe('STALE');
    const error = await cache.fetch('/sie');
    expect(error.status).toBe(503);
  });

  it('relays the error once stale-if-error has run out', async () => {
    await origin('max-age=10, stale-if-error=5');
    await cache.fetch('/sie');
    cache.advance(30);
    failure = '503';
    expect((await cache.fetch('/sie')).status).toBe(503);
    failure = 'reset';
    const unreachable = await cache.fetch('/sie');
    expect(unreachable.status).toBe(502);
    expect(unreachable.json<{ error: { code: string } }>().error.code).toBe('PROXY_ERR_UPSTREAM_ERROR');
  });

  it.each([
    'must-revalidate (§5.2.2.2)',
    'proxy-revalidate (§5.2.2.8)',
    's-maxage=10 (§5.2.2.10)',
    'no-cache (§5.2.2.4)',
  ])('never serves stale when the response says %s, even with stale-if-error', async (directive) => {
    await origin(`max-age=10, ${directive.split(' ')[0]!}, stale-if-error=60, stale-while-revalidate=60`);
    await cache.fetch('/mr');
    cache.advance(30);
    failure = 'reset';
    const response = await cache.fetch('/mr', { headers: { 'cache-control': 'max-stale' } });
    expect(response.status).toBe(502);
    expect(response.headers['x-cache']).toBeUndefined();
    failure = 'none';
    expect((await cache.fetch('/mr')).headers['x-cache']).toBe('MISS');
  });

  it('never serves a cached proxy error: failures are not stored', async () => {
    await origin('max-age=10');
    failure = 'reset';
    expect((await cache.fetch('/err')).status).toBe(502);
    failure = 'none';
    const response = await cache.fetch('/err');
    expect(response.status).toBe(200);
    expect(response.headers['x-cache']).toBe('MISS');
  });
});
