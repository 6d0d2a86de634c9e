import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** A body of `total` bytes produced lazily, so the origin itself holds no more than a chunk. */
function lazyBody(total: number): Readable {
  const chunk = Buffer.alloc(256 * 1024, 'x');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(chunk.length, total - sent);
      sent += size;
      this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
    },
  });
}

/** Downloads through the proxy, counting bytes without keeping them; samples RSS meanwhile. */
function download(url: string, path: string): Promise<{ status: number; bytes: number; peakRssGrowth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => {
        clearInterval(sampler);
        resolve({ status: res.statusCode ?? 0, bytes, peakRssGrowth: peak - base });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('large bodies', () => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  it('streams a 1 GiB response through with memory that stays flat, and does not store it', async () => {
    cache = await startCacheUnderTest('prefix', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60' });
      lazyBody(GiB).pipe(res);
    });
    global.gc?.();
    const result = await download(cache.proxy.dataUrl, `/http/${cache.origin.url}/huge`);
    expect(result.status).toBe(200);
    expect(result.bytes).toBe(GiB);
    // Origin, proxy and client share this process; 1 GiB passed through it.
    expect(result.peakRssGrowth, `peak RSS growth ${(result.peakRssGrowth / MiB).toFixed(1)} MiB`).toBeLessThan(192 * MiB);
    expect(cache.proxy.server.stats.counters.notStoredTooLarge).toBe(1);
    expect((await cache.fetch('/huge', { method: 'HEAD' })).headers['x-cache']).toBe('MISS');
  });
});

describe.each(MODES)('bodies over MAX_OBJECT_BYTES — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  it.each([
    ['with Content-Length', true],
    ['streamed without Content-Length', false],
  ])('are delivered whole and not stored (%s)', async (_name, withLength) => {
    const size = 3 * MiB;
    cache = await startCacheUnderTest(
      mode,
      (_req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60', ...(withLength ? { 'content-length': String(size) } : {}) });
        lazyBody(size).pipe(res);
      },
      { MAX_OBJECT_BYTES: '1MiB' },
    );
    for (const expected of ['MISS', 'MISS']) {
      const response = await cache.fetch('/big');
      expect(response.body.length).toBe(size);
      expect(response.headers['x-cache']).toBe(expected);
    }
    expect(cache.originHits('/big')).toBe(2);
  });
});
