import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

const BODY = 'hello, stored world'; // 19 bytes

/** What the origin answers to a HEAD, decided by each test. */
type HeadAnswer = (req: IncomingMessage, res: ServerResponse) => void;

describe.each(MODES)('HEAD and the stored GET response (%s)', (mode) => {
  let cut: CacheUnderTest | undefined;

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
  });

  /**
   * An origin whose GET is a 200 with `getHeaders` (ETag "v1" and ten seconds of freshness unless
   * overridden) and whose HEAD answers as `head` says (by default like the GET, without a body).
   */
  async function start(options: { getHeaders?: OutgoingHttpHeaders; head?: HeadAnswer } = {}): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(mode, (req, res, _body, count) => {
      const getHeaders: OutgoingHttpHeaders = {
        date: cut!.httpDate(),
        etag: '"v1"',
        'cache-control': 'max-age=10',
        'content-type': 'text/plain',
        'x-origin': 'yes',
        ...options.getHeaders,
      };
      if (req.method === 'HEAD' && options.head) {
        options.head(req, res);
        return;
      }
      // HEAD describes what a GET would get now: the first GET gets BODY, later ones a changed body.
      const body = count === 1 ? BODY : `changed #${count}`;
      res.writeHead(200, { ...getHeaders, 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    return cut;
  }

  function requestsOf(method: string) {
    return cut!.origin.requests.filter((r) => r.method === method);
  }

  it('answers a HEAD from the stored GET response: no body, the stored Content-Length, HIT (RFC 9110 §9.3.2, RFC 9111 §4)', async () => {
    const c = await start();
    const get = await c.fetch('/doc');
    expect(get.headers['cache-status']).toContain('stored');
    const head = await c.fetch('/doc', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers['cache-status']).toContain('hit');
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(head.headers.etag).toBe('"v1"');
    expect(head.headers['content-type']).toBe('text/plain');
    expect(head.headers['x-origin']).toBe('yes');
    expect(head.headers.age).toBe('0');
    expect(c.originHits('/doc')).toBe(1);
    expect(requestsOf('HEAD')).toHaveLength(0);
  });

  it('forwards a HEAD that misses as a HEAD and stores nothing from it (RFC 9110 §9.3.2, RFC 9111 §3)', async () => {
    const c = await start();
    const head = await c.fetch('/doc', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['x-cache']).toBe('MISS');
    expect(head.headers['cache-status']).toContain('fwd=uri-miss');
    expect(head.headers['cache-status']).not.toContain('stored');
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(requestsOf('HEAD')).toHaveLength(1);
    expect(requestsOf('GET')).toHaveLength(0);

    const headAgain = await c.fetch('/doc', { method: 'HEAD' });
    expect(headAgain.headers['x-cache']).toBe('MISS');
    expect(requestsOf('HEAD')).toHaveLength(2);
    // The GET is a miss too: the empty HEAD response was not stored as the GET's.
    const get = await c.fetch('/doc');
    expect(get.headers['x-cache']).toBe('MISS');
    expect(get.text).toBe('changed #3');
    // Now that the GET is stored, HEAD is answered from it.
    const headHit = await c.fetch('/doc', { method: 'HEAD' });
    expect(headHit.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/doc')).toBe(3);
  });

  it('validates a stale entry for a HEAD with a conditional HEAD, and a 304 freshens the stored GET (RFC 9111 §4.3.1, §4.3.4)', async () => {
    const c = await start({
      head: (req, res) => {
        res.writeHead(304, { date: cut!.httpDate(), etag: '"v1"', 'cache-control': 'max-age=100' });
        res.end();
      },
    });
    await c.fetch('/doc');
    c.advance(15);
    const head = await c.fetch('/doc', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['x-cache']).toBe('REVALIDATED');
    expect(head.headers['cache-status']).toContain('fwd=stale');
    expect(head.headers['cache-status']).toContain('fwd-status=304');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(head.headers['cache-control']).toBe('max-age=100');
    expect(head.body.length).toBe(0);
    const heads = requestsOf('HEAD');
    expect(heads).toHaveLength(1);
    expect(heads[0]!.headers['if-none-match']).toBe('"v1"');

    // The GET entry was freshened with the 304's fields: fresh for 100 s from now.
    c.advance(50);
    const get = await c.fetch('/doc');
    expect(get.headers['x-cache']).toBe('HIT');
    expect(get.text).toBe(BODY);
    expect(get.headers['cache-control']).toBe('max-age=100');
    expect(get.headers.age).toBe('50');
    expect(requestsOf('GET')).toHaveLength(1);
  });

  it('freshens the stored GET from a 200 to HEAD whose ETag matches it (RFC 9111 §4.3.5)', async () => {
    const c = await start({
      head: (_req, res) => {
        res.writeHead(200, {
          date: cut!.httpDate(),
          etag: '"v1"',
          'cache-control': 'max-age=100',
          'content-length': Buffer.byteLength(BODY),
          'x-origin': 'updated',
        });
        res.end();
      },
    });
    await c.fetch('/doc');
    c.advance(15);
    const head = await c.fetch('/doc', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['x-origin']).toBe('updated');
    expect(requestsOf('HEAD')).toHaveLength(1);

    c.advance(50);
    const get = await c.fetch('/doc');
    expect(get.headers['x-cache']).toBe('HIT');
    expect(get.text).toBe(BODY);
    // §4.3.4 (by way of §4.3.5): the HEAD response's fields replace the stored ones.
    expect(get.headers['x-origin']).toBe('updated');
    expect(get.headers['cache-control']).toBe('max-age=100');
    expect(get.headers['content-length']).toBe(String(Buffer.byteLength(BODY)));
    expect(requestsOf('GET')).toHaveLength(1);
  });

  it('does not freshen the stored GET from a 200 to HEAD whose ETag differs (RFC 9111 §4.3.5)', async () => {
    const c = await start({
      head: (_req, res) => {
        res.writeHead(200, {
          date: cut!.httpDate(),
          etag: '"v2"',
          'cache-control': 'max-age=100',
          'content-length': Buffer.byteLength('changed #3'),
        });
        res.end();
      },
    });
    await c.fetch('/doc');
    c.advance(15);
    const head = await c.fetch('/doc', { method: 'HEAD' });
    expect(head.headers.etag).toBe('"v2"');
    expect(head.headers['x-cache']).toBe('MISS');
    const get = await c.fetch('/doc');
    expect(get.headers['x-cache']).not.toBe('HIT');
    expect(get.text).toBe('changed #3');
    expect(requestsOf('GET')).toHaveLength(2);
  });

  it('treats a fresh stored GET as stale once a HEAD shows a different ETag (RFC 9111 §4.3.5)', async () => {
    const c = await start({
      getHeaders: { 'cache-control': 'max-age=600' },
      head: (_req, res) => {
        res.writeHead(200, { date: cut!.httpDate(), etag: '"v2"', 'cache-control': 'max-age=600' });
        res.end();
      },
    });
    await c.fetch('/doc');
    // A client insisting on validation sends the HEAD on to the origin while the GET is fresh.
    const head = await c.fetch('/doc', { method: 'HEAD', headers: { 'cache-control': 'no-cache' } });
    expect(head.headers.etag).toBe('"v2"');
    expect(requestsOf('HEAD')).toHaveLength(1);
    // "otherwise, the cache SHOULD consider the stored response to be stale"
    const get = await c.fetch('/doc');
    expect(get.headers['x-cache']).not.toBe('HIT');
    expect(get.text).toBe('changed #3');
    expect(requestsOf('GET')).toHaveLength(2);
  });

  it('does not freshen the stored GET from a HEAD whose Content-Length differs from the stored body (RFC 9111 §4.3.5)', async () => {
    const c = await start({
      head: (_req, res) => {
        res.writeHead(200, {
          date: cut!.httpDate(),
          etag: '"v1"',
          'cache-control': 'max-age=100',
          'content-length': Buffer.byteLength(BODY) + 10,
        });
        res.end();
      },
    });
    await c.fetch('/doc');
    c.advance(15);
    await c.fetch('/doc', { method: 'HEAD' });
    const get = await c.fetch('/doc');
    expect(get.headers['x-cache']).not.toBe('HIT');
    expect(requestsOf('GET')).toHaveLength(2);
  });

  it('answers a conditional HEAD with 304 from the stored GET when the ETag matches (RFC 9111 §4.3.2)', async () => {
    const c = await start();
    await c.fetch('/doc');
    const head = await c.fetch('/doc', { method: 'HEAD', headers: { 'if-none-match': '"v1"' } });
    expect(head.status).toBe(304);
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers.etag).toBe('"v1"');
    expect(head.body.length).toBe(0);
    expect(c.originHits('/doc')).toBe(1);
  });
});
