import { afterEach, describe, expect, it } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

const BODY = '0123456789abcdefghij'; // 20 bytes
const N = BODY.length;
const LAST_MODIFIED = 'Wed, 31 Dec 2025 00:00:00 GMT';

/** A single byte range of BODY, as an origin that supports ranges would answer it. */
function originRange(range: string): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range);
  if (!match) return undefined;
  if (match[1] === '') return { start: N - Number(match[2]), end: N - 1 };
  return { start: Number(match[1]), end: match[2] === '' ? N - 1 : Math.min(Number(match[2]), N - 1) };
}

describe.each(MODES)('byte ranges and the cache (%s)', (mode) => {
  let cut: CacheUnderTest | undefined;

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
  });

  /** An origin with a 20-byte representation, fresh for a minute, that honours single ranges. */
  async function start(): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(mode, (req, res) => {
      const headers = {
        date: cut!.httpDate(),
        'cache-control': 'max-age=60',
        'content-type': 'text/plain',
        etag: '"strong-1"',
        'last-modified': LAST_MODIFIED,
        'accept-ranges': 'bytes',
      };
      const range = typeof req.headers.range === 'string' ? originRange(req.headers.range) : undefined;
      if (range) {
        res.writeHead(206, { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${N}` });
        res.end(BODY.slice(range.start, range.end + 1));
        return;
      }
      res.writeHead(200, headers);
      res.end(BODY);
    });
    return cut;
  }

  /** Stores the full representation with one GET. */
  async function storeFull(c: CacheUnderTest): Promise<void> {
    const full = await c.fetch('/file');
    expect(full.status).toBe(200);
    expect(full.headers['cache-status']).toContain('stored');
  }

  it('forwards a Range request that misses and does not store the 206 it gets (RFC 9111 §3.3, RFC 9110 §14.2)', async () => {
    const c = await start();
    const partial = await c.fetch('/file', { headers: { range: 'bytes=0-4' } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe('01234');
    expect(partial.headers['content-range']).toBe(`bytes 0-4/${N}`);
    expect(partial.headers['x-cache']).toBe('MISS');
    expect(partial.headers['cache-status']).not.toContain('stored');
    expect(partial.headers['cache-status']).toMatch(/detail=/);
    expect(c.origin.requests[0]!.headers.range).toBe('bytes=0-4');

    // Nothing was stored: neither a later GET nor the same range is answered from the cache.
    const again = await c.fetch('/file', { headers: { range: 'bytes=0-4' } });
    expect(again.headers['x-cache']).toBe('MISS');
    const full = await c.fetch('/file');
    expect(full.status).toBe(200);
    expect(full.headers['x-cache']).toBe('MISS');
    expect(full.text).toBe(BODY);
    expect(c.originHits('/file')).toBe(3);
  });

  it('answers bytes=0-4 from a stored 200 with a 206 and Content-Range bytes 0-4/N (RFC 9110 §14.1.2, §15.3.7)', async () => {
    const c = await start();
    await storeFull(c);
    const partial = await c.fetch('/file', { headers: { range: 'bytes=0-4' } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe('01234');
    expect(partial.headers['content-range']).toBe(`bytes 0-4/${N}`);
    expect(partial.headers['content-length']).toBe('5');
    expect(partial.headers['content-type']).toBe('text/plain');
    expect(partial.headers.etag).toBe('"strong-1"');
    expect(partial.headers['x-cache']).toBe('HIT');
    expect(partial.headers.age).toBe('0');
    expect(c.originHits('/file')).toBe(1);
  });

  it('answers a suffix range bytes=-3 with the last three bytes (RFC 9110 §14.1.2)', async () => {
    const c = await start();
    await storeFull(c);
    const partial = await c.fetch('/file', { headers: { range: 'bytes=-3' } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe('hij');
    expect(partial.headers['content-range']).toBe(`bytes 17-19/${N}`);
    expect(partial.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/file')).toBe(1);
  });

  it('answers an open range bytes=5- with everything from byte 5 (RFC 9110 §14.1.2)', async () => {
    const c = await start();
    await storeFull(c);
    const partial = await c.fetch('/file', { headers: { range: 'bytes=5-' } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe(BODY.slice(5));
    expect(partial.headers['content-range']).toBe(`bytes 5-19/${N}`);
    expect(partial.headers['content-length']).toBe(String(N - 5));
    expect(partial.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/file')).toBe(1);
  });

  it('clips a last-pos beyond the representation to its end (RFC 9110 §14.1.2)', async () => {
    const c = await start();
    await storeFull(c);
    const partial = await c.fetch('/file', { headers: { range: 'bytes=15-1000' } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe('fghij');
    expect(partial.headers['content-range']).toBe(`bytes 15-19/${N}`);
    expect(c.originHits('/file')).toBe(1);
  });

  it('answers an unsatisfiable range with 416 and Content-Range bytes */N (RFC 9110 §15.5.17, §14.4)', async () => {
    const c = await start();
    await storeFull(c);
    const refused = await c.fetch('/file', { headers: { range: `bytes=${N}-` } });
    expect(refused.status).toBe(416);
    expect(refused.headers['content-range']).toBe(`bytes */${N}`);
    expect(refused.body.length).toBe(0);
    expect(refused.headers['x-cache']).toBe('HIT');
    const farOut = await c.fetch('/file', { headers: { range: 'bytes=100-200' } });
    expect(farOut.status).toBe(416);
    expect(farOut.headers['content-range']).toBe(`bytes */${N}`);
    expect(c.originHits('/file')).toBe(1);
  });

  it('answers a request for several ranges with the whole representation in a 200 (RFC 9110 §14.2)', async () => {
    const c = await start();
    await storeFull(c);
    const whole = await c.fetch('/file', { headers: { range: 'bytes=0-1,5-6' } });
    expect(whole.status).toBe(200);
    expect(whole.text).toBe(BODY);
    expect(whole.headers['content-range']).toBeUndefined();
    expect(whole.headers['content-length']).toBe(String(N));
    expect(whole.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/file')).toBe(1);
  });

  it('ignores a Range in another unit and sends the whole representation (RFC 9110 §14.2)', async () => {
    const c = await start();
    await storeFull(c);
    const whole = await c.fetch('/file', { headers: { range: 'items=0-4' } });
    expect(whole.status).toBe(200);
    expect(whole.text).toBe(BODY);
    expect(c.originHits('/file')).toBe(1);
  });

  it('honours the Range when If-Range carries the stored strong ETag (RFC 9110 §13.1.5)', async () => {
    const c = await start();
    await storeFull(c);
    const partial = await c.fetch('/file', { headers: { range: 'bytes=0-4', 'if-range': '"strong-1"' } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe('01234');
    expect(partial.headers['content-range']).toBe(`bytes 0-4/${N}`);
    expect(partial.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/file')).toBe(1);
  });

  it('sends the whole 200 when If-Range carries another ETag (RFC 9110 §13.1.5)', async () => {
    const c = await start();
    await storeFull(c);
    const whole = await c.fetch('/file', { headers: { range: 'bytes=0-4', 'if-range': '"strong-0"' } });
    expect(whole.status).toBe(200);
    expect(whole.text).toBe(BODY);
    expect(whole.headers['content-range']).toBeUndefined();
    expect(whole.headers['x-cache']).toBe('HIT');
    // A weak tag never matches for If-Range, even with the same opaque value.
    const weak = await c.fetch('/file', { headers: { range: 'bytes=0-4', 'if-range': 'W/"strong-1"' } });
    expect(weak.status).toBe(200);
    expect(weak.text).toBe(BODY);
    expect(c.originHits('/file')).toBe(1);
  });

  it('honours If-Range with a date equal to the stored Last-Modified, and not with another date (RFC 9110 §13.1.5)', async () => {
    const c = await start();
    await storeFull(c);
    const partial = await c.fetch('/file', { headers: { range: 'bytes=5-9', 'if-range': LAST_MODIFIED } });
    expect(partial.status).toBe(206);
    expect(partial.text).toBe('56789');
    const whole = await c.fetch('/file', { headers: { range: 'bytes=5-9', 'if-range': 'Thu, 01 Jan 2026 00:00:00 GMT' } });
    expect(whole.status).toBe(200);
    expect(whole.text).toBe(BODY);
    expect(c.originHits('/file')).toBe(1);
  });

  it('ignores Range on a HEAD, range handling being defined for GET only (RFC 9110 §14.2)', async () => {
    const c = await start();
    await storeFull(c);
    const head = await c.fetch('/file', { method: 'HEAD', headers: { range: 'bytes=0-4' } });
    expect(head.status).toBe(200);
    expect(head.headers['content-range']).toBeUndefined();
    expect(head.headers['content-length']).toBe(String(N));
    expect(head.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/file')).toBe(1);
  });

  it('serves every range of a sequence from the one stored response (RFC 9111 §4, RFC 9110 §14)', async () => {
    const c = await start();
    await storeFull(c);
    const ranges: [string, number, string][] = [
      ['bytes=0-4', 206, '01234'],
      ['bytes=-3', 206, 'hij'],
      ['bytes=5-', 206, BODY.slice(5)],
      ['bytes=0-1,5-6', 200, BODY],
    ];
    for (const [range, status, text] of ranges) {
      const res = await c.fetch('/file', { headers: { range } });
      expect(res.status).toBe(status);
      expect(res.text).toBe(text);
      expect(res.headers['x-cache']).toBe('HIT');
    }
    c.advance(30);
    const later = await c.fetch('/file', { headers: { range: 'bytes=0-0' } });
    expect(later.status).toBe(206);
    expect(later.text).toBe('0');
    expect(later.headers.age).toBe('30');
    expect(c.originHits('/file')).toBe(1);
  });
});
