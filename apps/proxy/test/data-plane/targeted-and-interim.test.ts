import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

describe.each(MODES)('CDN-Cache-Control (RFC 9213) — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  async function origin(headers: Record<string, string>, config: Record<string, string> = {}) {
    cache = await startCacheUnderTest(
      mode,
      (_req, res, _body, count) => {
        res.writeHead(200, { date: cache.httpDate(), ...headers });
        res.end(`response ${count}`);
      },
      config,
    );
  }

  it('stores and reuses by CDN-Cache-Control even when Cache-Control says no-store', async () => {
    await origin({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' });
    await cache.fetch('/t');
    const hit = await cache.fetch('/t');
    expect(hit.headers['x-cache']).toBe('HIT');
    // The targeted field is passed on for caches further down.
    expect(hit.headers['cdn-cache-control']).toBe('max-age=600');
    expect(hit.headers['cache-control']).toBe('no-store');
  });

  it('honours a CDN-Cache-Control whose string holds an escaped backslash (RFC 8941 §3.3.3)', async () => {
    await origin({ 'cache-control': 'no-store', 'cdn-cache-control': 'x-note="C:\\\\", max-age=600' });
    await cache.fetch('/t');
    expect((await cache.fetch('/t')).headers['x-cache']).toBe('HIT');
    expect(cache.originHits('/t')).toBe(1);
  });

  it.each(['private', 'no-store', 'max-age=0', 'max-age=60, private="a;b"'])('does not reuse with CDN-Cache-Control: %s, whatever Cache-Control says', async (value) => {
    await origin({ 'cache-control': 'max-age=600', 'cdn-cache-control': value });
    await cache.fetch('/t');
    expect((await cache.fetch('/t')).headers['x-cache']).toBe('MISS');
  });

  it('ignores an invalid CDN-Cache-Control and follows Cache-Control', async () => {
    await origin({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age="600"' });
    await cache.fetch('/t');
    expect((await cache.fetch('/t')).headers['x-cache']).toBe('MISS');
  });

  it('ignores CDN-Cache-Control when CACHE_TARGETED_FIELDS is empty', async () => {
    await origin({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600' }, { CACHE_TARGETED_FIELDS: '' });
    await cache.fetch('/t');
    expect((await cache.fetch('/t')).headers['x-cache']).toBe('MISS');
  });
});

describe.each(MODES)('interim responses (RFC 9110 §15.2) — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  it('passes 103 Early Hints through and stores only the final response', async () => {
    cache = await startCacheUnderTest(mode, (_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200, { 'cache-control': 'max-age=60', link: '</final>; rel=next' });
      res.end('final');
    });
    const path = mode === 'reverse' ? '/hints' : `/http/${cache.origin.url}/hints`;
    const { port } = new URL(cache.proxy.dataUrl);
    const interim: { status: number; link: unknown }[] = [];
    const final = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('information', (info) => interim.push({ status: info.statusCode, link: info.headers.link }));
      req.on('error', reject);
      req.end();
    });
    expect(interim).toEqual([{ status: 103, link: '</style.css>; rel=preload; as=style' }]);
    expect(final).toEqual({ status: 200, body: 'final' });
    const hit = await cache.fetch('/hints');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers.link).toBe('</final>; rel=next');
  });
});
