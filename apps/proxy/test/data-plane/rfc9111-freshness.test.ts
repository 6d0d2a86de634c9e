import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest, type ScriptedHandler } from '../helpers/cache-under-test.js';

describe.each(MODES)('freshness (RFC 9111 §4.2) — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  /** Every path answers 200 with the headers the test gives for it, and `date` = proxy time. */
  function respondWith(headers: (cache: CacheUnderTest) => Record<string, string>): ScriptedHandler {
    return (_req, res, _body, count) => {
      res.writeHead(200, { 'content-type': 'text/plain', date: cache.httpDate(), ...headers(cache) });
      res.end(`response ${count}`);
    };
  }

  async function expectServed(path: string, xCache: string, originHits: number) {
    const response = await cache.fetch(path);
    expect(response.headers['x-cache'], `${path} x-cache`).toBe(xCache);
    expect(cache.originHits(path), `${path} origin requests`).toBe(originHits);
    return response;
  }

  it('serves a response within max-age from the cache and fetches it again once stale (§4.2.1, §5.2.2.1)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({ 'cache-control': 'max-age=10' })));
    await expectServed('/a', 'MISS', 1);
    cache.advance(9);
    const hit = await expectServed('/a', 'HIT', 1);
    expect(hit.headers.age).toBe('9');
    expect(hit.text).toBe('response 1');
    cache.advance(1);
    const refetched = await expectServed('/a', 'MISS', 2);
    expect(refetched.text).toBe('response 2');
  });

  it('gives each hit the Age and TTL of its own moment, however often the entry is hit (§4.2.3, §5.1)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({ 'cache-control': 'max-age=60' })));
    await expectServed('/a', 'MISS', 1);
    const seen: [string | undefined, string | undefined][] = [];
    for (const step of [2, 0, 3, 0]) {
      cache.advance(step);
      const hit = await expectServed('/a', 'HIT', 1);
      seen.push([hit.headers.age, hit.headers['cache-status'] as string | undefined]);
    }
    expect(seen).toEqual([
      ['2', 'caching-proxy; hit; ttl=58'],
      ['2', 'caching-proxy; hit; ttl=58'],
      ['5', 'caching-proxy; hit; ttl=55'],
      ['5', 'caching-proxy; hit; ttl=55'],
    ]);
  });

  it('prefers s-maxage over max-age in a shared cache (§5.2.2.10)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({ 'cache-control': 'max-age=1, s-maxage=100' })));
    await expectServed('/a', 'MISS', 1);
    cache.advance(50);
    await expectServed('/a', 'HIT', 1);
  });

  it('uses Expires minus Date when there is no max-age (§5.3)', async () => {
    cache = await startCacheUnderTest(
      mode,
      respondWith((c) => ({ expires: c.httpDate(30) })),
    );
    await expectServed('/a', 'MISS', 1);
    cache.advance(29);
    await expectServed('/a', 'HIT', 1);
    cache.advance(1);
    await expectServed('/a', 'MISS', 2);
  });

  it('lets max-age win over Expires (§5.3)', async () => {
    cache = await startCacheUnderTest(mode, respondWith((c) => ({ expires: c.httpDate(1000), 'cache-control': 'max-age=5' })));
    await expectServed('/a', 'MISS', 1);
    cache.advance(5);
    await expectServed('/a', 'MISS', 2);
  });

  it('treats an invalid Expires as already expired (§5.3)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({ expires: '0' })));
    await expectServed('/a', 'MISS', 1);
    await expectServed('/a', 'MISS', 2);
  });

  it('counts the Age an upstream reported towards the response age (§4.2.3)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({ 'cache-control': 'max-age=60', age: '50' })));
    const miss = await expectServed('/a', 'MISS', 1);
    expect(miss.headers.age).toBe('50');
    cache.advance(9);
    expect((await expectServed('/a', 'HIT', 1)).headers.age).toBe('59');
    cache.advance(1);
    await expectServed('/a', 'MISS', 2);
  });

  it('counts a Date in the past as apparent age (§4.2.3)', async () => {
    cache = await startCacheUnderTest(
      mode,
      respondWith((c) => ({ 'cache-control': 'max-age=60', date: c.httpDate(-40) })),
    );
    expect((await expectServed('/a', 'MISS', 1)).headers.age).toBe('40');
    cache.advance(20);
    await expectServed('/a', 'MISS', 2);
  });

  it('gives 10 % of the time since Last-Modified as heuristic freshness (§4.2.2)', async () => {
    // Modified 1000 s before Date: 100 s of heuristic freshness.
    cache = await startCacheUnderTest(mode, respondWith((c) => ({ 'last-modified': c.httpDate(-1000) })), {
      CACHE_TTL: '5',
    });
    const miss = await expectServed('/a', 'MISS', 1);
    expect(miss.headers['cache-status']).toContain('ttl=100');
    cache.advance(99);
    await expectServed('/a', 'HIT', 1);
    cache.advance(1);
    await expectServed('/a', 'MISS', 2);
  });

  it('gives CACHE_TTL to heuristically cacheable responses without any freshness information (§4.2.2)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({})), { CACHE_TTL: '20' });
    await expectServed('/a', 'MISS', 1);
    cache.advance(19);
    await expectServed('/a', 'HIT', 1);
    cache.advance(1);
    await expectServed('/a', 'MISS', 2);
  });

  it('reuses nothing without freshness information when CACHE_TTL is 0, but keeps the Last-Modified heuristic', async () => {
    cache = await startCacheUnderTest(
      mode,
      (req, res) => {
        const lastModified = req.url === '/dated' ? { 'last-modified': cache.httpDate(-1000) } : {};
        res.writeHead(200, { date: cache.httpDate(), ...lastModified });
        res.end('x');
      },
      { CACHE_TTL: '0' },
    );
    await expectServed('/plain', 'MISS', 1);
    await expectServed('/plain', 'MISS', 2);
    await expectServed('/dated', 'MISS', 1);
    await expectServed('/dated', 'HIT', 1);
  });

  it('never applies heuristics when an explicit expiration is present (§4.2.2)', async () => {
    cache = await startCacheUnderTest(mode, respondWith(() => ({ 'cache-control': 'max-age=0' })), { CACHE_TTL: '300' });
    await expectServed('/a', 'MISS', 1);
    await expectServed('/a', 'MISS', 2);
  });

  it('reports the remaining freshness in Cache-Status ttl, negative when served stale (RFC 9211 §2.6)', async () => {
    cache = await startCacheUnderTest(
      mode,
      respondWith(() => ({ 'cache-control': 'max-age=10' })),
    );
    expect((await cache.fetch('/a')).headers['cache-status']).toBe('caching-proxy; fwd=uri-miss; fwd-status=200; stored; ttl=10');
    cache.advance(4);
    expect((await cache.fetch('/a')).headers['cache-status']).toBe('caching-proxy; hit; ttl=6');
    cache.advance(10);
    const stale = await cache.fetch('/a', { headers: { 'cache-control': 'max-stale' } });
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.headers['cache-status']).toBe('caching-proxy; hit; ttl=-4; detail=max-stale');
  });
});
