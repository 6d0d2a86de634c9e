import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

/**
 * RFC 9111 §4.3.4: a 304 updates only the stored responses its validators select. A 304 naming
 * another representation (here: the gzip one) must not relabel the stored plain bytes.
 */
describe.each(MODES)('a 304 updates only matching stored responses (%s mode)', (mode) => {
  let cache: CacheUnderTest;
  afterEach(() => cache.close());

  it('does not apply a 304 whose ETag differs; fetches the full response instead', async () => {
    cache = await startCacheUnderTest(mode, (req, res) => {
      if (req.headers['if-none-match'] === '"r1"') {
        res.writeHead(304, { etag: '"r1-gzip"', 'content-encoding': 'gzip', 'cache-control': 'max-age=60' }).end();
        return;
      }
      const first = cache.originHits('/doc') === 1;
      res.writeHead(200, {
        etag: first ? '"r1"' : '"r2"',
        'cache-control': first ? 'max-age=1' : 'max-age=60',
        'content-type': 'text/plain',
      });
      res.end(first ? 'plain text' : 'full response');
    });
    expect((await cache.fetch('/doc')).text).toBe('plain text');
    cache.advance(2);

    const afterValidation = await cache.fetch('/doc');
    expect(afterValidation.text).toBe('full response');
    expect(afterValidation.headers['content-encoding']).toBeUndefined();
    expect(afterValidation.headers.etag).toBe('"r2"');
    // Initial fetch, the validation answered 304, and the unconditional request.
    expect(cache.originHits('/doc')).toBe(3);
    expect(cache.origin.requests.at(-1)?.headers['if-none-match']).toBeUndefined();

    const victim = await cache.fetch('/doc');
    expect(victim.headers['x-cache']).toBe('HIT');
    expect(victim.text).toBe('full response');
    expect(victim.headers['content-encoding']).toBeUndefined();
    expect(cache.originHits('/doc')).toBe(3);
  });

  it('serves stale-if-error when the unconditional re-send after a mismatched 304 fails', async () => {
    cache = await startCacheUnderTest(mode, (req, res) => {
      if (req.headers['if-none-match'] === '"a"') {
        res.writeHead(304, { etag: '"b"', 'cache-control': 'max-age=60' }).end();
        return;
      }
      if (cache.originHits('/sie') === 1) {
        res.writeHead(200, { etag: '"a"', 'cache-control': 'max-age=1, stale-if-error=600', 'content-type': 'text/plain' }).end('stored a');
        return;
      }
      res.writeHead(503, { 'content-type': 'text/plain' }).end('down');
    });
    await cache.fetch('/sie');
    cache.advance(2);
    const answer = await cache.fetch('/sie');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('stored a');
    expect(answer.headers['cache-status']).toMatch(/detail=stale-if-error/);
    // The first fetch, the conditional request answered 304 "b", and the failed re-send.
    expect(cache.originHits('/sie')).toBe(3);
  });

  it('applies a 304 whose ETag matches the stored one (weak comparison)', async () => {
    cache = await startCacheUnderTest(mode, (req, res) => {
      if (req.headers['if-none-match'] === '"r1"') {
        res.writeHead(304, { etag: 'W/"r1"', 'cache-control': 'max-age=60', 'x-version': 'refreshed' }).end();
        return;
      }
      res.writeHead(200, { etag: '"r1"', 'cache-control': 'max-age=1', 'content-type': 'text/plain' }).end('plain text');
    });
    await cache.fetch('/doc');
    cache.advance(2);
    const revalidated = await cache.fetch('/doc');
    expect(revalidated.headers['x-cache']).toBe('REVALIDATED');
    expect(revalidated.headers['x-version']).toBe('refreshed');
    expect(revalidated.text).toBe('plain text');
    expect(cache.originHits('/doc')).toBe(2);
  });

  it('does not apply a 304 whose Last-Modified differs from the stored one', async () => {
    const stored = 'Mon, 01 Dec 2025 00:00:00 GMT';
    cache = await startCacheUnderTest(mode, (req, res) => {
      if (req.headers['if-modified-since'] === stored) {
        res.writeHead(304, { 'last-modified': 'Tue, 02 Dec 2025 00:00:00 GMT', 'cache-control': 'max-age=60' }).end();
        return;
      }
      const first = cache.originHits('/lm') === 1;
      res.writeHead(200, { 'last-modified': stored, 'cache-control': 'max-age=1', 'content-type': 'text/plain' });
      res.end(first ? 'v1' : 'v2');
    });
    await cache.fetch('/lm');
    cache.advance(2);
    expect((await cache.fetch('/lm')).text).toBe('v2');
    expect(cache.originHits('/lm')).toBe(3);
  });
});
