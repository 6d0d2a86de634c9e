import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseCacheControl } from '../../src/cache/cache-control.js';
import type { HeaderMap } from '../../src/cache/headers.js';
import {
  isHeuristicallyCacheable,
  whyNotStorable,
  type NotStoredReason,
  type StorabilityInput,
} from '../../src/cache/storability.js';

function input(overrides: {
  method?: string;
  status?: number;
  requestHeaders?: HeaderMap;
  responseHeaders?: HeaderMap;
  cacheControl?: string;
  varyNames?: string[] | '*';
  extraStatuses?: number[];
  cacheablePost?: boolean;
}): StorabilityInput {
  return {
    method: overrides.method ?? 'GET',
    cacheablePost: overrides.cacheablePost,
    status: overrides.status ?? 200,
    requestHeaders: overrides.requestHeaders ?? {},
    responseHeaders: overrides.responseHeaders ?? {},
    responseDirectives: parseCacheControl(overrides.cacheControl),
    varyNames: overrides.varyNames ?? [],
    extraStatuses: overrides.extraStatuses && new Set(overrides.extraStatuses),
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

    it.each([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])(
      'stores the heuristically cacheable status %i without explicit freshness (RFC 9110 §15.1)',
      (status) => {
        expect(whyNotStorable(input({ status }))).toBeUndefined();
      },
    );

    it.each([302, 307])('stores the redirect %i only with explicit freshness', (status) => {
      expect(whyNotStorable(input({ status, cacheControl: 'max-age=60' }))).toBeUndefined();
      expect(whyNotStorable(input({ status, responseHeaders: { expires: 'Thu, 01 Jan 2099 00:00:00 GMT' } }))).toBeUndefined();
      expect(whyNotStorable(input({ status }))).toBe('not-cacheable');
      expect(whyNotStorable(input({ status, cacheControl: 'public' }))).toBe('not-cacheable');
    });

    it.each([201, 400, 401, 403, 500, 502, 503, 504, 599, 299])(
      'never stores %i, even with max-age=600, unless a setting lists it (CPDoS)',
      (status) => {
        expect(whyNotStorable(input({ status, cacheControl: 'max-age=600' }))).toBe('status');
        expect(whyNotStorable(input({ status, cacheControl: 'public, s-maxage=600' }))).toBe('status');
      },
    );

    it('stores a status CACHE_EXTRA_STATUSES lists, with explicit freshness only', () => {
      expect(whyNotStorable(input({ status: 503, cacheControl: 'max-age=5', extraStatuses: [503] }))).toBeUndefined();
      expect(whyNotStorable(input({ status: 503, cacheControl: 'public', extraStatuses: [503] }))).toBe('not-cacheable');
      expect(whyNotStorable(input({ status: 500, cacheControl: 'max-age=5', extraStatuses: [503] }))).toBe('status');
    });
  });

  describe('not-cacheable (§3: nothing allows caching the response)', () => {
    it.each([201, 202, 302, 303, 307, 400, 403, 500, 502, 503, 504, 599])(
      'does not store %i without max-age, s-maxage, Expires or public',
      (status) => {
        expect(whyNotStorable(input({ status }))).toBe('not-cacheable');
      },
    );

    it('does not treat Last-Modified as permission to store a non-heuristic status (RFC 9111 §4.2.2)', () => {
      expect(
        whyNotStorable(input({ status: 500, responseHeaders: { 'last-modified': 'Thu, 01 Jan 2026 00:00:00 GMT' } })),
      ).toBe('not-cacheable');
    });

    it('does not treat directives that allow no caching as permission to store (RFC 9111 §3)', () => {
      expect(whyNotStorable(input({ status: 500, cacheControl: 'no-cache, must-revalidate' }))).toBe('not-cacheable');
    });

    it('does not store a non-heuristic status marked public without explicit freshness (deliberate, CPDoS)', () => {
      expect(whyNotStorable(input({ status: 500, cacheControl: 'public' }))).toBe('not-cacheable');
    });

    it('stores a non-heuristic redirect with max-age (RFC 9111 §5.2.2.1)', () => {
      expect(whyNotStorable(input({ status: 307, cacheControl: 'max-age=10' }))).toBeUndefined();
    });

    it('stores a non-heuristic status with s-maxage (RFC 9111 §5.2.2.10)', () => {
      expect(whyNotStorable(input({ status: 302, cacheControl: 's-maxage=10' }))).toBeUndefined();
    });

    it('stores a non-heuristic status with Expires, even an invalid one (RFC 9111 §3, §5.3)', () => {
      expect(
        whyNotStorable(input({ status: 307, responseHeaders: { expires: 'Thu, 01 Jan 2026 00:00:00 GMT' } })),
      ).toBeUndefined();
      expect(whyNotStorable(input({ status: 302, responseHeaders: { expires: '0' } }))).toBeUndefined();
    });

    it('stores a heuristically cacheable 200 without any caching directive (RFC 9111 §4.2.2)', () => {
      expect(whyNotStorable(input({ status: 200 }))).toBeUndefined();
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

  describe('no-cache (§5.2.2.4: reuse needs validation, storing is allowed)', () => {
    it('stores a response with Cache-Control: no-cache', () => {
      expect(whyNotStorable(input({ cacheControl: 'no-cache, max-age=60' }))).toBeUndefined();
      expect(whyNotStorable(input({ cacheControl: 'no-cache' }))).toBeUndefined();
    });

    it('stores a response with the qualified form no-cache="field"', () => {
      expect(whyNotStorable(input({ cacheControl: 'no-cache="set-cookie", max-age=60' }))).toBeUndefined();
    });

    it('stores the response to a request with no-cache (RFC 9111 §5.2.1.4)', () => {
      expect(whyNotStorable(input({ requestHeaders: { 'cache-control': 'no-cache' } }))).toBeUndefined();
    });

    it('has no "no-cache" reason for not storing', () => {
      expectTypeOf<'no-cache'>().not.toExtend<NotStoredReason>();
    });
  });

  describe('must-understand (§5.2.2.3)', () => {
    it('stores an understood status despite no-store', () => {
      expect(whyNotStorable(input({ status: 200, cacheControl: 'must-understand, no-store, max-age=60' }))).toBeUndefined();
      expect(whyNotStorable(input({ status: 404, cacheControl: 'no-store, must-understand' }))).toBeUndefined();
    });

    it('does not store a status it does not understand, like 299', () => {
      expect(whyNotStorable(input({ status: 299, cacheControl: 'must-understand, no-store, max-age=60' }))).toBe('status');
      expect(whyNotStorable(input({ status: 299, cacheControl: 'must-understand, max-age=60' }))).toBe('status');
    });

    it('does not store 206 or 304 with must-understand either (RFC 9111 §3.3, §4.3.4)', () => {
      expect(whyNotStorable(input({ status: 206, cacheControl: 'must-understand, no-store' }))).toBe('status');
      expect(whyNotStorable(input({ status: 304, cacheControl: 'must-understand, no-store' }))).toBe('status');
    });

    it('reads must-understand case-insensitively', () => {
      expect(whyNotStorable(input({ status: 200, cacheControl: 'Must-Understand, No-Store' }))).toBeUndefined();
    });

    it('still refuses a private response (RFC 9111 §5.2.2.7)', () => {
      expect(whyNotStorable(input({ cacheControl: 'must-understand, no-store, private' }))).toBe('private');
    });

    it('still needs something that allows caching a non-heuristic status (RFC 9111 §3)', () => {
      expect(whyNotStorable(input({ status: 302, cacheControl: 'must-understand, no-store' }))).toBe('not-cacheable');
      expect(whyNotStorable(input({ status: 302, cacheControl: 'must-understand, no-store, max-age=5' }))).toBeUndefined();
    });

    it('leaves no-store in force without must-understand (RFC 9111 §5.2.2.5)', () => {
      expect(whyNotStorable(input({ status: 200, cacheControl: 'no-store, max-age=60' }))).toBe('no-store');
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

  describe('cookie (treated as §3.5 treats Authorization)', () => {
    const requestHeaders = { cookie: 'session=alice' };

    it('does not store the response to a request with Cookie by default, even with max-age', () => {
      expect(whyNotStorable(input({ requestHeaders }))).toBe('cookie');
      expect(whyNotStorable(input({ requestHeaders, cacheControl: 'max-age=60' }))).toBe('cookie');
    });

    it.each(['public', 's-maxage=60', 'must-revalidate, max-age=60'])('stores it when the response says %s', (cacheControl) => {
      expect(whyNotStorable(input({ requestHeaders, cacheControl }))).toBeUndefined();
    });

    it('stores it when the response varies on Cookie (§4.1: only the same cookie selects it)', () => {
      expect(whyNotStorable(input({ requestHeaders, varyNames: ['accept', 'cookie'], cacheControl: 'max-age=60' }))).toBeUndefined();
    });

    it('stores the response to a cookie-less request as usual', () => {
      expect(whyNotStorable(input({ cacheControl: 'max-age=60' }))).toBeUndefined();
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

describe('whyNotStorable: a cacheable POST (a GraphQL query keyed on its body)', () => {
  it('stores a POST only when it is flagged cacheable, and still applies §3 to it', () => {
    expect(whyNotStorable(input({ method: 'POST' }))).toBe('method');
    expect(whyNotStorable(input({ method: 'POST', cacheablePost: true }))).toBeUndefined();
    expect(whyNotStorable(input({ method: 'PUT', cacheablePost: true }))).toBe('method');
    expect(whyNotStorable(input({ method: 'POST', cacheablePost: true, cacheControl: 'no-store' }))).toBe('no-store');
    expect(whyNotStorable(input({ method: 'POST', cacheablePost: true, requestHeaders: { authorization: 'Bearer a' } }))).toBe('authorization');
  });
});
