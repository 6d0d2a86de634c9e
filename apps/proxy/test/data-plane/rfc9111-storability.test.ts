import type { OutgoingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';
import type { SendOptions, TestResponse } from '../helpers/http.js';

/** How the origin answers: status, headers (Date is added), body. */
interface Answer {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: string;
}

describe.each(MODES)('what a shared cache stores (%s)', (mode) => {
  let cut: CacheUnderTest | undefined;

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
  });

  /** An origin that gives every request the same answer, with a Date from the proxy's clock. */
  async function start(answer: Answer, config?: ConfigInput): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(
      mode,
      (_req, res, _body, count) => {
        res.writeHead(answer.status ?? 200, { date: cut!.httpDate(), 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? `response #${count}`);
      },
      config,
    );
    return cut;
  }

  /** Two identical requests through the cache. */
  async function twice(c: CacheUnderTest, options?: SendOptions): Promise<[TestResponse, TestResponse]> {
    const first = await c.fetch('/r', options);
    const second = await c.fetch('/r', options);
    return [first, second];
  }

  function expectStored(first: TestResponse, second: TestResponse, c: CacheUnderTest): void {
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers['cache-status']).toContain('stored');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(c.originHits('/r')).toBe(1);
  }

  function expectNotStored(first: TestResponse, second: TestResponse, c: CacheUnderTest, detail: string): void {
    expect(first.headers['cache-status']).not.toMatch(/; stored/);
    expect(first.headers['cache-status']).toContain(`detail=${detail}`);
    expect(second.headers['x-cache']).not.toBe('HIT');
    expect(second.headers['cache-status']).not.toMatch(/; stored/);
    expect(second.text).toBe('response #2');
    expect(c.originHits('/r')).toBe(2);
  }

  describe('stored', () => {
    it('stores a 200 with max-age and serves it fresh (RFC 9111 §3, §5.2.2.1)', async () => {
      const c = await start({ headers: { 'cache-control': 'max-age=60' } });
      const [first, second] = await twice(c);
      expectStored(first, second, c);
      expect(first.headers['cache-status']).toContain('ttl=60');
    });

    it('stores a 500 with max-age when CACHE_EXTRA_STATUSES lists it (RFC 9111 §3)', async () => {
      const c = await start({ status: 500, headers: { 'cache-control': 'max-age=60' } }, { CACHE_EXTRA_STATUSES: '500' });
      const [first, second] = await twice(c);
      expect(first.status).toBe(500);
      expect(second.status).toBe(500);
      expectStored(first, second, c);
    });

    it('stores a 307 with max-age: a temporary redirect with explicit freshness (RFC 9111 §3)', async () => {
      const c = await start({ status: 307, headers: { 'cache-control': 'max-age=60', location: '/elsewhere' } });
      const [first, second] = await twice(c);
      expect(second.status).toBe(307);
      expectStored(first, second, c);
    });

    it.each(['max-age=60, x-ext="a,b"', 'x-ext="no-store, private", max-age=60', 'max-age=60, community="UCI"'])(
      'ignores unknown Cache-Control extensions, even quoted ones containing commas: %s (RFC 9111 §5.2.3)',
      async (cacheControl) => {
        const c = await start({ headers: { 'cache-control': cacheControl } });
        const [first, second] = await twice(c);
        expectStored(first, second, c);
        expect(first.headers['cache-status']).toContain('ttl=60');
      },
    );

    it('stores a 200 with must-understand, no-store: it understands 200, so no-store is ignored (RFC 9111 §5.2.2.3)', async () => {
      const c = await start({ headers: { 'cache-control': 'max-age=60, must-understand, no-store' } });
      const [first, second] = await twice(c);
      expectStored(first, second, c);
    });

    it.each(['s-maxage=60', 'public, max-age=60', 'max-age=60, must-revalidate'])(
      'stores a response to a request with Authorization when it says %s (RFC 9111 §3.5)',
      async (cacheControl) => {
        const c = await start({ headers: { 'cache-control': cacheControl } });
        const [first, second] = await twice(c, { headers: { authorization: 'Bearer token-a' } });
        expectStored(first, second, c);
      },
    );

    it('stores a no-cache response but validates it before every reuse, REVALIDATED on a 304 (RFC 9111 §5.2.2.4, §4.3)', async () => {
      const c = await startCacheUnderTest(mode, (req, res, _body, count) => {
        const headers = { date: cut!.httpDate(), 'cache-control': 'no-cache', etag: '"nc-1"' };
        if (req.headers['if-none-match'] === '"nc-1"') {
          res.writeHead(304, headers);
          res.end();
          return;
        }
        res.writeHead(200, { ...headers, 'content-type': 'text/plain' });
        res.end(`response #${count}`);
      });
      cut = c;
      const first = await c.fetch('/r');
      expect(first.headers['x-cache']).toBe('MISS');
      expect(first.headers['cache-status']).toContain('stored');
      expect(c.origin.requests[0]!.headers['if-none-match']).toBeUndefined();

      for (let i = 2; i <= 3; i++) {
        const again = await c.fetch('/r');
        expect(c.originHits('/r')).toBe(i);
        expect(c.origin.requests[i - 1]!.headers['if-none-match']).toBe('"nc-1"');
        expect(again.status).toBe(200);
        expect(again.headers['x-cache']).toBe('REVALIDATED');
        expect(again.headers['cache-status']).toContain('fwd-status=304');
        expect(again.text).toBe('response #1');
      }
    });
  });

  describe('not stored', () => {
    it.each<[string, string, OutgoingHttpHeaders, string]>([
      ['no-store', 'RFC 9111 §5.2.2.5', { 'cache-control': 'no-store' }, 'no-store'],
      ['no-store with max-age', 'RFC 9111 §5.2.2.5', { 'cache-control': 'max-age=60, no-store' }, 'no-store'],
      ['private', 'RFC 9111 §5.2.2.7', { 'cache-control': 'private, max-age=60' }, 'private'],
      ['private="x-user"', 'RFC 9111 §5.2.2.7', { 'cache-control': 'private="x-user", max-age=60' }, 'private'],
      ['Set-Cookie', 'deliberate, as in Varnish and nginx', { 'cache-control': 'max-age=60', 'set-cookie': 'session=1' }, 'set-cookie'],
    ])('does not store a response with %s (%s)', async (_label, _why, headers, detail) => {
      const c = await start({ headers });
      const [first, second] = await twice(c);
      expect(first.headers['x-cache']).toBe('MISS');
      expectNotStored(first, second, c, detail);
    });

    it('does not store must-understand, no-store with a status it does not understand, like 299 (RFC 9111 §5.2.2.3)', async () => {
      const c = await start({ status: 299, headers: { 'cache-control': 'max-age=60, must-understand, no-store' } });
      const [first, second] = await twice(c);
      expect(first.status).toBe(299);
      expectNotStored(first, second, c, 'status');
    });

    it('does not store a response to a request with Authorization that does not allow it (RFC 9111 §3.5)', async () => {
      const c = await start({ headers: { 'cache-control': 'max-age=60' } });
      const [first, second] = await twice(c, { headers: { authorization: 'Bearer token-a' } });
      expectNotStored(first, second, c, 'authorization');
    });

    it('does not store a 206 Partial Content, even to a request without Range (RFC 9111 §3.3)', async () => {
      const c = await start({
        status: 206,
        headers: { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-10/100' },
        body: undefined,
      });
      const [first, second] = await twice(c);
      expect(first.status).toBe(206);
      expectNotStored(first, second, c, 'status');
    });

    it('does not store a 500 marked public without max-age: no heuristic freshness for errors (deliberate)', async () => {
      const c = await start({ status: 500, headers: { 'cache-control': 'public' } }, { CACHE_TTL: '42' });
      const [first, second] = await twice(c);
      expectNotStored(first, second, c, 'not-cacheable');
    });

    it('does not store a 500 without explicit freshness (RFC 9111 §3, §4.2.2)', async () => {
      const c = await start({ status: 500 });
      const [first, second] = await twice(c);
      expect(first.status).toBe(500);
      expectNotStored(first, second, c, 'not-cacheable');
    });

    it('does not store a response to POST, even one with max-age (RFC 9111 §3, RFC 9110 §9.3.3)', async () => {
      const c = await start({ headers: { 'cache-control': 'max-age=60' } });
      const post = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'q' };
      const [first, second] = await twice(c, post);
      expect(first.headers['x-cache']).toBe('BYPASS');
      expect(first.headers['cache-status']).toContain('fwd=method');
      expect(first.headers['cache-status']).not.toMatch(/; stored/);
      expect(second.headers['x-cache']).toBe('BYPASS');
      expect(second.text).toBe('response #2');
      // Nor is it used for a later GET.
      const get = await c.fetch('/r');
      expect(get.headers['x-cache']).toBe('MISS');
      expect(c.originHits('/r')).toBe(3);
    });
  });
});
