import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

describe.each(MODES)('validation (RFC 9111 §4.3) — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  const ETAG = '"v1"';

  /** An origin that validates with an ETag: 304 when If-None-Match matches, else the full 200. */
  async function etagOrigin(headers: Record<string, string> = {}, changedAfter = Infinity) {
    cache = await startCacheUnderTest(mode, (req, res, _body, count) => {
      const etag = count > changedAfter ? '"v2"' : ETAG;
      const common = { date: cache.httpDate(), etag, 'cache-control': 'max-age=10', 'x-served': String(count), ...headers };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, common);
        res.end();
        return;
      }
      res.writeHead(200, { ...common, 'content-type': 'text/plain' });
      res.end(`body ${etag}`);
    });
  }

  it('revalidates a stale response with If-None-Match and serves it after a 304 (§4.3.1, §4.3.3)', async () => {
    await etagOrigin();
    await cache.fetch('/r');
    cache.advance(11);
    const revalidated = await cache.fetch('/r');
    expect(revalidated.status).toBe(200);
    expect(revalidated.text).toBe('body "v1"');
    expect(revalidated.headers['x-cache']).toBe('REVALIDATED');
    expect(revalidated.headers['cache-status']).toBe('caching-proxy; fwd=stale; fwd-status=304; stored; ttl=10');
    expect(cache.origin.requests[1]!.headers['if-none-match']).toBe(ETAG);
  });

  it('refreshes the stored freshness and headers from the 304 (§4.3.4, §3.2)', async () => {
    await etagOrigin();
    await cache.fetch('/r');
    cache.advance(11);
    const revalidated = await cache.fetch('/r');
    expect(revalidated.headers['x-served']).toBe('2'); // header updated from the 304
    cache.advance(9);
    const hit = await cache.fetch('/r');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['x-served']).toBe('2');
    expect(hit.headers['content-length']).toBe(String('body "v1"'.length));
    expect(cache.originHits('/r')).toBe(2);
  });

  it('never stores a Set-Cookie that arrives on a 304 (a deliberate policy: cookies are per user)', async () => {
    cache = await startCacheUnderTest(mode, (req, res) => {
      if (req.headers['if-none-match'] === ETAG) {
        res.writeHead(304, { etag: ETAG, 'cache-control': 'max-age=10', 'set-cookie': 'session=for-one-user' });
        res.end();
        return;
      }
      res.writeHead(200, { etag: ETAG, 'cache-control': 'max-age=10' });
      res.end('shared');
    });
    await cache.fetch('/sc');
    cache.advance(11);
    await cache.fetch('/sc');
    const hit = await cache.fetch('/sc');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['set-cookie']).toBeUndefined();
  });

  it('stores and serves the new response when validation answers 200 (§4.3.3)', async () => {
    await etagOrigin({}, 1);
    await cache.fetch('/r');
    cache.advance(11);
    const changed = await cache.fetch('/r');
    expect(changed.headers['x-cache']).toBe('MISS');
    expect(changed.text).toBe('body "v2"');
    const hit = await cache.fetch('/r');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe('body "v2"');
  });

  it('revalidates with If-Modified-Since when the response only has Last-Modified (§4.3.1)', async () => {
    let lastModified = '';
    cache = await startCacheUnderTest(mode, (req, res) => {
      lastModified ||= cache.httpDate(-3600);
      if (req.headers['if-modified-since'] === lastModified) {
        res.writeHead(304, { date: cache.httpDate(), 'cache-control': 'max-age=10' });
        res.end();
        return;
      }
      res.writeHead(200, { date: cache.httpDate(), 'last-modified': lastModified, 'cache-control': 'max-age=10' });
      res.end('dated');
    });
    await cache.fetch('/lm');
    cache.advance(11);
    const revalidated = await cache.fetch('/lm');
    expect(revalidated.headers['x-cache']).toBe('REVALIDATED');
    expect(revalidated.text).toBe('dated');
    expect(cache.origin.requests[1]!.headers['if-modified-since']).toBe(lastModified);
  });

  it('validates a stored no-cache response on every reuse (§5.2.2.4)', async () => {
    await etagOrigin({ 'cache-control': 'no-cache' });
    expect((await cache.fetch('/nc')).headers['x-cache']).toBe('MISS');
    for (const n of [2, 3]) {
      const response = await cache.fetch('/nc');
      expect(response.headers['x-cache']).toBe('REVALIDATED');
      expect(cache.originHits('/nc')).toBe(n);
    }
  });

  it('keeps a response stored with max-age=0 and an ETag, and validates it each time (§4.2.4, §4.3)', async () => {
    await etagOrigin({ 'cache-control': 'max-age=0' });
    await cache.fetch('/zero');
    const second = await cache.fetch('/zero');
    expect(second.headers['x-cache']).toBe('REVALIDATED');
    expect(second.text).toBe('body "v1"');
  });

  it('answers a matching If-None-Match from a fresh stored response with 304 (§4.3.2)', async () => {
    await etagOrigin();
    await cache.fetch('/c');
    const notModified = await cache.fetch('/c', { headers: { 'if-none-match': `"other", W/${ETAG}` } });
    expect(notModified.status).toBe(304);
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.etag).toBe(ETAG);
    expect(notModified.headers['cache-control']).toBe('max-age=10');
    expect(notModified.headers['x-cache']).toBe('HIT');
    expect(notModified.headers['content-type']).toBeUndefined();
    const full = await cache.fetch('/c', { headers: { 'if-none-match': '"other"' } });
    expect(full.status).toBe(200);
    expect(cache.originHits('/c')).toBe(1);
  });

  it('answers If-Modified-Since from a fresh stored response (§4.3.2)', async () => {
    const lastModified = 'Wed, 01 Jan 2025 00:00:00 GMT';
    cache = await startCacheUnderTest(mode, (_req, res) => {
      res.writeHead(200, { 'last-modified': lastModified, 'cache-control': 'max-age=60' });
      res.end('x');
    });
    await cache.fetch('/ims');
    expect((await cache.fetch('/ims', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    expect((await cache.fetch('/ims', { headers: { 'if-modified-since': 'Tue, 31 Dec 2024 00:00:00 GMT' } })).status).toBe(
      200,
    );
    expect(cache.originHits('/ims')).toBe(1);
  });

  it("answers a client's conditional request after revalidating a stale response (§4.3.2)", async () => {
    await etagOrigin();
    await cache.fetch('/cr');
    cache.advance(11);
    const response = await cache.fetch('/cr', { headers: { 'if-none-match': ETAG } });
    expect(response.status).toBe(304);
    expect(response.headers['x-cache']).toBe('REVALIDATED');
    expect(cache.originHits('/cr')).toBe(2);
  });

  it('forwards If-Match and If-Unmodified-Since to the origin, which alone can evaluate them (RFC 9110 §13.1)', async () => {
    cache = await startCacheUnderTest(mode, (req, res) => {
      res.writeHead(req.headers['if-match'] ? 412 : 200, { etag: ETAG, 'cache-control': 'max-age=60' });
      res.end();
    });
    await cache.fetch('/p');
    const precondition = await cache.fetch('/p', { headers: { 'if-match': '"nope"' } });
    expect(precondition.status).toBe(412);
    expect(cache.originHits('/p')).toBe(2);
  });
});

describe.each(MODES)('request directives (RFC 9111 §5.2.1) — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  async function countingOrigin(cacheControl = 'max-age=100', etag?: string) {
    cache = await startCacheUnderTest(mode, (req, res, _body, count) => {
      if (etag && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { date: cache.httpDate(), etag, 'cache-control': cacheControl });
        res.end();
        return;
      }
      res.writeHead(200, { date: cache.httpDate(), 'cache-control': cacheControl, ...(etag ? { etag } : {}) });
      res.end(`response ${count}`);
    });
  }

  it('no-cache makes the cache validate even a fresh response (§5.2.1.4)', async () => {
    await countingOrigin('max-age=100', '"e"');
    await cache.fetch('/x');
    const validated = await cache.fetch('/x', { headers: { 'cache-control': 'no-cache' } });
    expect(validated.headers['x-cache']).toBe('REVALIDATED');
    expect(validated.headers['cache-status']).toContain('fwd=request');
    expect(cache.originHits('/x')).toBe(2);
  });

  it('Pragma: no-cache counts as no-cache without Cache-Control (§5.4)', async () => {
    await countingOrigin();
    await cache.fetch('/x');
    expect((await cache.fetch('/x', { headers: { pragma: 'no-cache' } })).headers['x-cache']).toBe('MISS');
    expect((await cache.fetch('/x', { headers: { pragma: 'no-cache', 'cache-control': 'max-stale' } })).headers['x-cache']).toBe(
      'HIT',
    );
    expect(cache.originHits('/x')).toBe(2);
  });

  it('no-store lets a stored response be used but stores nothing new (§5.2.1.5)', async () => {
    await countingOrigin();
    const first = await cache.fetch('/x', { headers: { 'cache-control': 'no-store' } });
    expect(first.headers['cache-status']).toContain('detail=request-no-store');
    expect((await cache.fetch('/x')).headers['x-cache']).toBe('MISS');
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'no-store' } })).headers['x-cache']).toBe('HIT');
  });

  it('max-age refuses responses older than asked (§5.2.1.1)', async () => {
    await countingOrigin();
    await cache.fetch('/x');
    cache.advance(30);
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'max-age=40' } })).headers['x-cache']).toBe('HIT');
    const refused = await cache.fetch('/x', { headers: { 'cache-control': 'max-age=20' } });
    expect(refused.headers['x-cache']).toBe('MISS');
    expect(refused.headers['cache-status']).toContain('fwd=request');
  });

  it('min-fresh refuses responses that will not stay fresh long enough (§5.2.1.3)', async () => {
    await countingOrigin();
    await cache.fetch('/x');
    cache.advance(80);
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'min-fresh=10' } })).headers['x-cache']).toBe('HIT');
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'min-fresh=30' } })).headers['x-cache']).toBe('MISS');
  });

  it('max-stale accepts stale responses up to the given staleness, or any without a value (§5.2.1.2)', async () => {
    await countingOrigin('max-age=10');
    await cache.fetch('/x');
    cache.advance(15);
    const stale = await cache.fetch('/x', { headers: { 'cache-control': 'max-stale=5' } });
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.text).toBe('response 1');
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'max-stale' } })).headers['x-cache']).toBe('STALE');
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'max-stale=4' } })).headers['x-cache']).toBe('MISS');
  });

  it('max-stale does not override must-revalidate (§5.2.2.2)', async () => {
    await countingOrigin('max-age=10, must-revalidate');
    await cache.fetch('/x');
    cache.advance(15);
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'max-stale' } })).headers['x-cache']).toBe('MISS');
  });

  it('only-if-cached answers from storage or with 504 (§5.2.1.7)', async () => {
    await countingOrigin('max-age=10');
    const nothing = await cache.fetch('/x', { headers: { 'cache-control': 'only-if-cached' } });
    expect(nothing.status).toBe(504);
    expect(nothing.json<{ error: { code: string } }>().error.code).toBe('PROXY_ERR_NOT_CACHED');
    expect(cache.originHits('/x')).toBe(0);
    await cache.fetch('/x');
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'only-if-cached' } })).headers['x-cache']).toBe('HIT');
    cache.advance(11);
    expect((await cache.fetch('/x', { headers: { 'cache-control': 'only-if-cached' } })).status).toBe(504);
    expect(
      (await cache.fetch('/x', { headers: { 'cache-control': 'only-if-cached, max-stale' } })).headers['x-cache'],
    ).toBe('STALE');
    expect(cache.originHits('/x')).toBe(1);
  });
});
