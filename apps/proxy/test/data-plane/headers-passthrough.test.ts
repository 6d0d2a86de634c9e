import type { OutgoingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';
import type { TestResponse } from '../helpers/http.js';

/** Every value a response carries for a field, line by line, in order. */
function fieldLines(res: TestResponse, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    if (res.rawHeaders[i]!.toLowerCase() === name) values.push(res.rawHeaders[i + 1]!);
  }
  return values;
}

/** End-to-end fields the origin sends, each expected back unchanged (name → lines). */
const END_TO_END: Record<string, string[]> = {
  'content-type': ['application/json; charset=utf-8'],
  etag: ['"abc-123"'],
  'last-modified': ['Wed, 31 Dec 2025 12:00:00 GMT'],
  'cache-control': ['public, max-age=60'],
  'content-language': ['en-GB'],
  'x-request-id': ['req-42'],
  'x-custom-thing': ['some value; with=params'],
  link: ['</style.css>; rel=preload; as=style', '</app.js>; rel=preload; as=script'],
  'access-control-allow-origin': ['https://app.example'],
  'access-control-expose-headers': ['X-Request-Id, ETag'],
  'access-control-allow-credentials': ['true'],
  'timing-allow-origin': ['*'],
  'content-security-policy': ["default-src 'self'"],
  'x-frame-options': ['DENY'],
};

const BODY = '{"ok":true}';

describe.each(MODES)('response header fields through the cache (%s)', (mode) => {
  let cut: CacheUnderTest | undefined;

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
  });

  /** An origin that answers with the END_TO_END fields, plus `extra` (set with setHeader, arrays as lines). */
  async function start(extra: OutgoingHttpHeaders = {}): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(mode, (_req, res) => {
      res.setHeader('date', cut!.httpDate());
      for (const [name, lines] of Object.entries(END_TO_END)) res.setHeader(name, lines.length === 1 ? lines[0]! : lines);
      for (const [name, value] of Object.entries(extra)) if (value !== undefined) res.setHeader(name, value);
      res.end(BODY);
    });
    return cut;
  }

  function expectEndToEndFields(res: TestResponse): void {
    for (const [name, lines] of Object.entries(END_TO_END)) {
      expect(fieldLines(res, name), name).toEqual(lines);
    }
    expect(res.text).toBe(BODY);
    expect(res.headers['content-length']).toBe(String(BODY.length));
  }

  it('relays the origin end-to-end fields unchanged on a MISS and on a HIT, repeated Link lines included (RFC 9110 §6.3, RFC 9111 §3.1)', async () => {
    const c = await start();
    const miss = await c.fetch('/h');
    expect(miss.headers['x-cache']).toBe('MISS');
    expectEndToEndFields(miss);
    const hit = await c.fetch('/h');
    expect(hit.headers['x-cache']).toBe('HIT');
    expectEndToEndFields(hit);
    expect(fieldLines(hit, 'date')).toEqual(fieldLines(miss, 'date'));
    expect(c.originHits('/h')).toBe(1);
  });

  it('relays the fields unchanged on a HEAD answered from the stored GET (RFC 9110 §9.3.2)', async () => {
    const c = await start();
    await c.fetch('/h');
    const head = await c.fetch('/h', { method: 'HEAD' });
    expect(head.headers['x-cache']).toBe('HIT');
    for (const [name, lines] of Object.entries(END_TO_END)) expect(fieldLines(head, name), name).toEqual(lines);
  });

  it('removes hop-by-hop fields and those the origin Connection header names, on MISS and HIT (RFC 9110 §7.6.1)', async () => {
    const c = await start({ connection: 'x-hop-secret', 'x-hop-secret': 'do not forward', 'keep-alive': 'timeout=99' });
    const miss = await c.fetch('/h');
    const hit = await c.fetch('/h');
    expect(hit.headers['x-cache']).toBe('HIT');
    for (const res of [miss, hit]) {
      expect(res.headers['x-hop-secret']).toBeUndefined();
      expect(fieldLines(res, 'keep-alive')).not.toContain('timeout=99');
      expect(fieldLines(res, 'connection')).not.toContain('x-hop-secret');
      expectEndToEndFields(res);
    }
  });

  it('adds "1.1 caching-proxy" to Via, after what the origin sent (RFC 9110 §7.6.3)', async () => {
    const c = await start({ via: '1.1 upstream-cdn' });
    const miss = await c.fetch('/h');
    const hit = await c.fetch('/h');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(miss.headers.via).toBe('1.1 upstream-cdn, 1.1 caching-proxy');
    expect(hit.headers.via).toBe('1.1 upstream-cdn, 1.1 caching-proxy');
  });

  it('sends Via "1.1 caching-proxy" alone when the origin sent none (RFC 9110 §7.6.3)', async () => {
    const c = await start();
    const miss = await c.fetch('/h');
    const hit = await c.fetch('/h');
    expect(miss.headers.via).toBe('1.1 caching-proxy');
    expect(hit.headers.via).toBe('1.1 caching-proxy');
  });

  it('adds itself to Via on requests it forwards to the origin (RFC 9110 §7.6.3)', async () => {
    const c = await start();
    await c.fetch('/h', { headers: { via: '1.1 client-proxy' } });
    expect(c.origin.requests[0]!.headers.via).toBe('1.1 client-proxy, 1.1 caching-proxy');
  });

  it('keeps an upstream Cache-Status and appends its own member last, on MISS and HIT (RFC 9211 §2)', async () => {
    const c = await start({ 'cache-status': 'UpstreamCDN; hit; ttl=300' });
    const miss = await c.fetch('/h');
    expect(miss.headers['cache-status']).toMatch(/^UpstreamCDN; hit; ttl=300, caching-proxy; fwd=uri-miss; fwd-status=200; stored/);
    const hit = await c.fetch('/h');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers['cache-status']).toMatch(/^UpstreamCDN; hit; ttl=300, caching-proxy; hit/);
    // Exactly one member of ours, whatever the number of hits.
    const again = await c.fetch('/h');
    expect(String(again.headers['cache-status']).match(/caching-proxy/g)).toHaveLength(1);
  });

  it('keeps several upstream Cache-Status members in order (RFC 9211 §2)', async () => {
    const c = await start({ 'cache-status': ['OriginCache; fwd=uri-miss', 'EdgeCDN; hit'] });
    const miss = await c.fetch('/h');
    expect(miss.headers['cache-status']).toMatch(/^OriginCache; fwd=uri-miss, EdgeCDN; hit, caching-proxy; fwd=uri-miss/);
    const hit = await c.fetch('/h');
    expect(hit.headers['cache-status']).toMatch(/^OriginCache; fwd=uri-miss, EdgeCDN; hit, caching-proxy; hit/);
  });

  it('sends an Age on every response from storage, growing with the clock (RFC 9111 §5.1, §4.2.3)', async () => {
    const c = await start();
    const miss = await c.fetch('/h');
    expect(miss.headers.age).toBe('0');
    const hit = await c.fetch('/h');
    expect(hit.headers.age).toBe('0');
    c.advance(7);
    expect((await c.fetch('/h')).headers.age).toBe('7');
    expect((await c.fetch('/h', { method: 'HEAD' })).headers.age).toBe('7');
    expect((await c.fetch('/h', { headers: { range: 'bytes=0-1' } })).headers.age).toBe('7');
    const notModified = await c.fetch('/h', { headers: { 'if-none-match': '"abc-123"' } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.age).toBe('7');
    c.advance(52);
    expect((await c.fetch('/h')).headers.age).toBe('59');
    expect(fieldLines(await c.fetch('/h'), 'age')).toHaveLength(1);
    expect(c.originHits('/h')).toBe(1);
  });

  it('counts the Age the origin sent in the Age it reports (RFC 9111 §4.2.3)', async () => {
    const c = await start({ age: '5' });
    const miss = await c.fetch('/h');
    expect(fieldLines(miss, 'age')).toEqual(['5']);
    const hit = await c.fetch('/h');
    expect(fieldLines(hit, 'age')).toEqual(['5']);
    c.advance(10);
    expect(fieldLines(await c.fetch('/h'), 'age')).toEqual(['15']);
  });

  it('counts the apparent age from the origin Date in Age (RFC 9111 §4.2.3)', async () => {
    const c = await startCacheUnderTest(mode, (_req, res) => {
      res.writeHead(200, { date: cut!.httpDate(-20), 'cache-control': 'max-age=60' });
      res.end('old');
    });
    cut = c;
    expect((await c.fetch('/h')).headers.age).toBe('20');
    expect((await c.fetch('/h')).headers.age).toBe('20');
    c.advance(5);
    expect((await c.fetch('/h')).headers.age).toBe('25');
  });

  it('sends an Age on stale and revalidated responses from storage (RFC 9111 §5.1, §4.3.4)', async () => {
    const c = await startCacheUnderTest(mode, (req, res) => {
      const headers = { date: cut!.httpDate(), 'cache-control': 'max-age=10', etag: '"e1"' };
      if (req.headers['if-none-match'] === '"e1"') {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, headers);
      res.end('body');
    });
    cut = c;
    await c.fetch('/h');
    c.advance(15);
    const stale = await c.fetch('/h', { headers: { 'cache-control': 'max-stale=60' } });
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.headers.age).toBe('15');
    const revalidated = await c.fetch('/h');
    expect(revalidated.headers['x-cache']).toBe('REVALIDATED');
    expect(revalidated.headers.age).toBe('0');
    expect(revalidated.text).toBe('body');
    c.advance(3);
    const hit = await c.fetch('/h');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.headers.age).toBe('3');
  });

  it('relays the fields of a response it does not store unchanged too (RFC 9110 §7.6)', async () => {
    const c = await start({ 'cache-control': 'no-store', 'x-request-id': 'req-43' });
    const res = await c.fetch('/h');
    expect(res.headers['cache-status']).not.toMatch(/; stored/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-request-id']).toBe('req-43');
    expect(fieldLines(res, 'link')).toEqual(END_TO_END.link);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});
