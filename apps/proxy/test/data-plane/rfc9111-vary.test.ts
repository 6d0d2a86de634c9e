import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { MODES, startCacheUnderTest, type CacheUnderTest, type ScriptedHandler } from '../helpers/cache-under-test.js';

/** What the origin echoes so a test can tell which response (and for which request) it got. */
function echo(req: IncomingMessage, count: number): string {
  const lang = req.headers['accept-language'] ?? '-';
  const enc = req.headers['accept-encoding'] ?? '-';
  return `#${count} lang=${String(lang)} enc=${String(enc)}`;
}

describe.each(MODES)('Vary: selecting stored responses by request headers (%s)', (mode) => {
  let cut: CacheUnderTest | undefined;

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
  });

  async function start(handler: ScriptedHandler, config?: ConfigInput): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(mode, handler, config);
    return cut;
  }

  /** An origin that answers every request with `vary` and a minute of freshness. */
  function varyingOrigin(vary: string): ScriptedHandler {
    return (req, res, _body, count) => {
      res.writeHead(200, {
        date: cut!.httpDate(),
        'cache-control': 'max-age=60',
        'content-type': 'text/plain',
        vary,
      });
      res.end(echo(req, count));
    };
  }

  it('stores two variants and serves each from the cache to requests that select it (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Language'));
    const fr1 = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
    const de1 = await c.fetch('/page', { headers: { 'accept-language': 'de' } });
    expect(fr1.headers['x-cache']).toBe('MISS');
    expect(fr1.headers['cache-status']).toContain('fwd=uri-miss');
    expect(fr1.headers['cache-status']).toContain('stored');
    expect(de1.headers['x-cache']).toBe('MISS');
    expect(de1.headers['cache-status']).toContain('stored');
    expect(c.originHits('/page')).toBe(2);

    for (let round = 0; round < 2; round++) {
      const fr = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
      const de = await c.fetch('/page', { headers: { 'accept-language': 'de' } });
      expect(fr.headers['x-cache']).toBe('HIT');
      expect(fr.text).toBe('#1 lang=fr enc=-');
      expect(de.headers['x-cache']).toBe('HIT');
      expect(de.text).toBe('#2 lang=de enc=-');
    }
    expect(c.originHits('/page')).toBe(2);
  });

  it('treats a request without the selecting header as its own variant (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Language'));
    const none = await c.fetch('/page');
    expect(none.headers['x-cache']).toBe('MISS');
    expect(none.headers['cache-status']).toContain('stored');

    const fr = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
    expect(fr.headers['x-cache']).toBe('MISS');
    expect(fr.headers['cache-status']).toContain('fwd=vary-miss');
    expect(fr.text).toBe('#2 lang=fr enc=-');

    const noneAgain = await c.fetch('/page');
    expect(noneAgain.headers['x-cache']).toBe('HIT');
    expect(noneAgain.text).toBe('#1 lang=- enc=-');
    const frAgain = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
    expect(frAgain.headers['x-cache']).toBe('HIT');
    expect(frAgain.text).toBe('#2 lang=fr enc=-');
    // An empty value is a header that is present: it does not select the "absent" variant.
    const empty = await c.fetch('/page', { headers: { 'accept-language': '' } });
    expect(empty.headers['x-cache']).toBe('MISS');
    expect(c.originHits('/page')).toBe(3);
  });

  it('matches values that differ only in whitespace around list separators (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Encoding'));
    await c.fetch('/page', { headers: { 'accept-encoding': 'gzip, br' } });
    const hit = await c.fetch('/page', { headers: { 'accept-encoding': 'gzip,br' } });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe('#1 lang=- enc=gzip, br');
    const spaced = await c.fetch('/page', { headers: { 'accept-encoding': 'gzip ,  br' } });
    expect(spaced.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/page')).toBe(1);
  });

  it('matches Accept-Encoding values that differ only in case, its codings being case-insensitive (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Encoding'));
    await c.fetch('/page', { headers: { 'accept-encoding': 'GZIP' } });
    const hit = await c.fetch('/page', { headers: { 'accept-encoding': 'gzip' } });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe('#1 lang=- enc=GZIP');
    expect(c.originHits('/page')).toBe(1);
  });

  it('matches a selecting header sent as several field lines with the same value combined (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Language'));
    await c.fetch('/page', { headers: { 'accept-language': ['fr', 'de;q=0.5'] } });
    const hit = await c.fetch('/page', { headers: { 'accept-language': 'fr, de;q=0.5' } });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(c.originHits('/page')).toBe(1);
  });

  it('does not treat different values as equal: a mismatch is forwarded with fwd=vary-miss (RFC 9111 §4.1, RFC 9211 §2.2)', async () => {
    const c = await start(varyingOrigin('Accept-Encoding'));
    await c.fetch('/page', { headers: { 'accept-encoding': 'gzip' } });
    const miss = await c.fetch('/page', { headers: { 'accept-encoding': 'br' } });
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.headers['cache-status']).toContain('fwd=vary-miss');
    expect(miss.headers['cache-status']).toContain('stored');
    expect(miss.text).toBe('#2 lang=- enc=br');
    expect(c.originHits('/page')).toBe(2);
  });

  it('requires every field of a multi-field Vary to match (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Language, Accept-Encoding'));
    const both = { 'accept-language': 'fr', 'accept-encoding': 'gzip' };
    await c.fetch('/page', { headers: both });
    const hit = await c.fetch('/page', { headers: { 'Accept-Encoding': 'gzip', 'Accept-Language': 'fr' } });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe('#1 lang=fr enc=gzip');

    const otherEncoding = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'br' } });
    expect(otherEncoding.headers['x-cache']).toBe('MISS');
    expect(otherEncoding.headers['cache-status']).toContain('fwd=vary-miss');
    const otherLanguage = await c.fetch('/page', { headers: { 'accept-language': 'de', 'accept-encoding': 'gzip' } });
    expect(otherLanguage.headers['x-cache']).toBe('MISS');
    expect(otherLanguage.headers['cache-status']).toContain('fwd=vary-miss');
    const onlyOne = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
    expect(onlyOne.headers['x-cache']).toBe('MISS');
    expect(c.originHits('/page')).toBe(4);

    // Each of those is now a stored variant of its own.
    const again = await c.fetch('/page', { headers: { 'accept-language': 'de', 'accept-encoding': 'gzip' } });
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.text).toBe('#3 lang=de enc=gzip');
    expect(c.originHits('/page')).toBe(4);
  });

  it('reads the Vary field names case-insensitively and across several Vary lines (RFC 9110 §12.5.5)', async () => {
    const c = await start((req, res, _body, count) => {
      res.setHeader('date', cut!.httpDate());
      res.setHeader('cache-control', 'max-age=60');
      res.setHeader('vary', ['accept-LANGUAGE', 'Accept-Encoding']);
      res.end(echo(req, count));
    });
    await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'gzip' } });
    const hit = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'gzip' } });
    expect(hit.headers['x-cache']).toBe('HIT');
    const miss = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'br' } });
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.headers['cache-status']).toContain('fwd=vary-miss');
    expect(c.originHits('/page')).toBe(2);
  });

  it('never stores a response with Vary: *, which no later request can match (RFC 9111 §4.1)', async () => {
    const c = await start(varyingOrigin('Accept-Language, *'));
    const first = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers['cache-status']).not.toContain('stored');
    expect(first.headers['cache-status']).toContain('detail=vary-star');
    const second = await c.fetch('/page', { headers: { 'accept-language': 'fr' } });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(second.headers['cache-status']).not.toContain('stored');
    expect(c.originHits('/page')).toBe(2);
  });

  it('selects by the Vary field list of the newest response when the origin changes it for the same URL (RFC 9111 §4.1)', async () => {
    const c = await start((req, res, _body, count) => {
      res.writeHead(200, {
        date: cut!.httpDate(),
        // The first response varies by language; from the second on, by encoding.
        'cache-control': count === 1 ? 'max-age=10' : 'max-age=60',
        vary: count === 1 ? 'Accept-Language' : 'Accept-Encoding',
      });
      res.end(echo(req, count));
    });
    const fr = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'gzip' } });
    expect(fr.text).toBe('#1 lang=fr enc=gzip');
    c.advance(11);
    const refetched = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'gzip' } });
    expect(refetched.headers['x-cache']).toBe('MISS');
    expect(refetched.headers['cache-status']).toContain('stored');
    expect(refetched.text).toBe('#2 lang=fr enc=gzip');

    // Language no longer selects: any language with gzip gets the new response from the cache.
    const de = await c.fetch('/page', { headers: { 'accept-language': 'de', 'accept-encoding': 'gzip' } });
    expect(de.headers['x-cache']).toBe('HIT');
    expect(de.text).toBe('#2 lang=fr enc=gzip');
    const frAgain = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'gzip' } });
    expect(frAgain.headers['x-cache']).toBe('HIT');
    expect(frAgain.text).toBe('#2 lang=fr enc=gzip');
    // Encoding now selects.
    const br = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'br' } });
    expect(br.headers['x-cache']).toBe('MISS');
    expect(br.text).toBe('#3 lang=fr enc=br');
    expect(c.originHits('/page')).toBe(3);
  });

  it('prefers the most recent of several matching stored responses with different Vary lists (RFC 9111 §4.1)', async () => {
    const c = await start((req, res, _body, count) => {
      cut!.advance(1); // each response is a second newer than the last
      res.writeHead(200, {
        date: cut!.httpDate(),
        'cache-control': 'max-age=600',
        vary: count === 1 ? 'Accept-Language' : 'Accept-Encoding',
      });
      res.end(echo(req, count));
    });
    await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'br' } });
    // A language mismatch reaches the origin, which now varies by encoding.
    const de = await c.fetch('/page', { headers: { 'accept-language': 'de', 'accept-encoding': 'gzip' } });
    expect(de.headers['cache-status']).toContain('fwd=vary-miss');
    // fr + gzip matches both stored responses: the newer one is used.
    const both = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'gzip' } });
    expect(both.headers['x-cache']).toBe('HIT');
    expect(both.text).toBe('#2 lang=de enc=gzip');
    // fr + br matches only the first.
    const first = await c.fetch('/page', { headers: { 'accept-language': 'fr', 'accept-encoding': 'br' } });
    expect(first.headers['x-cache']).toBe('HIT');
    expect(first.text).toBe('#1 lang=fr enc=br');
    expect(c.originHits('/page')).toBe(2);
  });
});
