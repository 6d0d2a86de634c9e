import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/cache/cache-control.js';
import type { HeaderMap } from '../../src/cache/headers.js';
import { isHeuristicallyCacheable, whyNotStorable, type StorabilityInput } from '../../src/cache/storability.js';

function input(overrides: {
  method?: string;
  status?: number;
  requestHeaders?: HeaderMap;
  responseHeaders?: HeaderMap;
  cacheControl?: string;
  varyNames?: string[] | '*';
}): StorabilityInput {
  return {
    method: overrides.method ?? 'GET',
    status: overrides.status ?? 200,
    requestHeaders: overrides.requestHeaders ?? {},
    responseHeaders: overrides.responseHeaders ?? {},
    responseDirectives: parseCacheControl(overrides.cacheControl),
    varyNames: overrides.varyNames ?? [],
  };
}

describe('whyNotStorable (RFC 9111 §3)', () => {
  it('stores a plain 200 response to GET', () => {
    expect(whyNotStorable(input({}))).toBeUndefined();
  });

  it('stores a response that varies on named request headers (§4.1)', () => {
    expect(whyNotStorable(input({ varyNames: ['accept-encoding'] }))).toBeUndefined();
  });

  describe('method (§3: the request method is understood and cacheable)', () => {
    it.each(['HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('does not store a response to %s', (method) => {
      expect(whyNotStorable(input({ method }))).toBe('method');
    });

    it('treats the method name case-sensitively (RFC 9110 §9.1)', () => {
      expect(whyNotStorable(input({ method: 'get' }))).toBe('method');
    });
  });

  describe('status (§3: final responses only; §3.3 and §3.4 partial and 304 are not stored)', () => {
    it.each([100, 101, 103, 199])('does not store the interim status %i', (status) => {
      expect(whyNotStorable(input({ status }))).toBe('status');
    });

    it('does not store 206 Partial Content (§3.3 not supported)', () => {
      expect(whyNotStorable(input({ status: 206 }))).toBe('status');
    });

    it('does not store 304 Not Modified as a response of its own (§3.4 / §4.3.4)', () => {
      expect(whyNotStorable(input({ status: 304 }))).toBe('status');
    });

    it('does not store a status outside the 1xx-5xx range', () => {
      expect(whyNotStorable(input({ status: 600 }))).toBe('status');
      expect(whyNotStorable(input({ status: 999 }))).toBe('status');
    });

    it.each([200, 203, 204, 301, 404, 500, 503, 599])('leaves the final status %i to the freshness rules', (status) => {
      expect(whyNotStorable(input({ status }))).toBeUndefined();
    });
  });

  describe('range (§3.3: partial content is not stored by this cache)', () => {
    it('does not store the response to a request that carries Range', () => {
      expect(whyNotStorable(input({ requestHeaders: { range: 'bytes=0-99' } }))).toBe('range');
    });
  });

  describe('no-store (§5.2.2.5)', () => {
    it('does not store a response with Cache-Control: no-store', () => {
      expect(whyNotStorable(input({ cacheControl: 'no-store' }))).toBe('no-store');
    });

    it('honours no-store whatever its case and even next to public and max-age', () => {
      expect(whyNotStorable(input({ cacheControl: 'public, max-age=3600, No-Store' }))).toBe('no-store');
    });
  });

  describe('no-cache (§5.2.2.4: reuse needs validation, which this version does not do yet)', () => {
    it('does not store a response with Cache-Control: no-cache', () => {
      expect(whyNotStorable(input({ cacheControl: 'no-cache, max-age=60' }))).toBe('no-cache');
    });
  });

  describe('private (§5.2.2.7: a shared cache must not store it)', () => {
    it('does not store a response with Cache-Control: private', () => {
      expect(whyNotStorable(input({ cacheControl: 'private, max-age=60' }))).toBe('private');
    });

    it('does not store a response with the qualified form private="field"', () => {
      expect(whyNotStorable(input({ cacheControl: 'private="set-cookie", max-age=60' }))).toBe('private');
    });
  });

  describe('set-cookie (deliberate deviation, as in Varnish and nginx)', () => {
    it('does not store a response that sets a cookie', () => {
      expect(whyNotStorable(input({ responseHeaders: { 'set-cookie': 'sid=1' } }))).toBe('set-cookie');
      expect(whyNotStorable(input({ responseHeaders: { 'set-cookie': ['a=1', 'b=2'] }, cacheControl: 'public' }))).toBe(
        'set-cookie',
      );
    });
  });

  describe('authorization (§3.5)', () => {
    const requestHeaders = { authorization: 'Bearer token' };

    it('does not store the response to a request with Authorization by default', () => {
      expect(whyNotStorable(input({ requestHeaders }))).toBe('authorization');
    });

    it('does not treat max-age alone as permission to store an authorized response', () => {
      expect(whyNotStorable(input({ requestHeaders, cacheControl: 'max-age=60' }))).toBe('authorization');
    });

    it('stores it when the response has public (§5.2.2.9)', () => {
      expect(whyNotStorable(input({ requestHeaders, cacheControl: 'public' }))).toBeUndefined();
    });

    it('stores it when the response has s-maxage (§5.2.2.10)', () => {
      expect(whyNotStorable(input({ requestHeaders, cacheControl: 's-maxage=60' }))).toBeUndefined();
    });

    it('stores it when the response has must-revalidate (§5.2.2.2)', () => {
      expect(whyNotStorable(input({ requestHeaders, cacheControl: 'must-revalidate, max-age=60' }))).toBeUndefined();
    });
  });

  describe('vary-star (§4.1: Vary: * never matches)', () => {
    it('does not store a response with Vary: *', () => {
      expect(whyNotStorable(input({ varyNames: '*' }))).toBe('vary-star');
    });
  });
});

describe('isHeuristicallyCacheable (RFC 9110 §15.1, RFC 9111 §4.2.2)', () => {
  it.each([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])('allows heuristic freshness for %i', (status) => {
    expect(isHeuristicallyCacheable(status)).toBe(true);
  });

  it.each([201, 202, 302, 303, 307, 400, 401, 403, 500, 502, 503, 504])(
    'requires explicit freshness for %i',
    (status) => {
      expect(isHeuristicallyCacheable(status)).toBe(false);
    },
  );

  it('leaves out 206 because this cache does not store partial content (§3.3)', () => {
    expect(isHeuristicallyCacheable(206)).toBe(false);
  });
});
