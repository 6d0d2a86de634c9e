import { describe, expect, it } from 'vitest';
import type { HeaderMap } from '../../src/cache/headers.js';
import { NO_REQUEST_DIRECTIVES, parseRequestDirectives } from '../../src/cache/request-directives.js';
import { planFreshness, planStorage, type CachePolicySettings, type StoragePlanInput } from '../../src/cache/storage-plan.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const DATE = new Date(T0).toUTCString();
const SETTINGS: CachePolicySettings = {
  targetedFields: ['cdn-cache-control'],
  defaultTtlSec: 300,
  staleRetentionSec: 3600,
  maxObjectBytes: 1000,
};

function plan(headers: HeaderMap, overrides: Partial<StoragePlanInput> = {}, settings = SETTINGS) {
  return planStorage(
    {
      method: 'GET',
      requestHeaders: {},
      requestDirectives: NO_REQUEST_DIRECTIVES,
      status: 200,
      // A framed body (Content-Length): close-delimited ones are never stored.
      headers: { date: DATE, 'content-length': '5', ...headers },
      receivedHeaders: { date: DATE, 'content-length': '5', ...headers },
      requestTime: T0,
      responseTime: T0,
      ...overrides,
    },
    settings,
  );
}

describe('planStorage: whether a response is stored (RFC 9111 §3)', () => {
  it('stores a response with max-age and gives its freshness fields (§4.2.1)', () => {
    expect(plan({ 'cache-control': 'max-age=60', etag: '"a"', vary: 'Accept-Encoding', 'surrogate-key': 't1 t2' })).toEqual({
      store: true,
      varyNames: ['accept-encoding'],
      freshness: {
        initialAgeSec: 0,
        lifetimeSec: 60,
        staleAt: T0 + 60_000,
        expiresAt: T0 + 60_000 + 3_600_000,
        noCache: false,
        mustRevalidate: false,
        staleWhileRevalidateSec: 0,
        staleIfErrorSec: 0,
        hasValidators: true,
        tags: ['t1', 't2'],
      },
    });
  });

  it('counts the corrected initial age from Age and the response delay (§4.2.3)', () => {
    const result = plan({ 'cache-control': 'max-age=60', age: '10' }, { requestTime: T0 - 2000 });
    expect(result.store && result.freshness.initialAgeSec).toBe(12);
    expect(result.store && result.freshness.staleAt).toBe(T0 + 48_000);
  });

  it('does not store for a method other than GET (§3)', () => {
    expect(plan({ 'cache-control': 'max-age=60' }, { method: 'HEAD' })).toEqual({ store: false, reason: 'method' });
  });

  it('does not store no-store (§5.2.2.5), private (§5.2.2.7) or Vary: * (§4.1) responses', () => {
    expect(plan({ 'cache-control': 'no-store, max-age=60' })).toMatchObject({ store: false, reason: 'no-store' });
    expect(plan({ 'cache-control': 'private, max-age=60' })).toMatchObject({ store: false, reason: 'private' });
    expect(plan({ 'cache-control': 'max-age=60', vary: '*' })).toMatchObject({ store: false, reason: 'vary-star' });
  });

  it('does not store when the request said no-store (§5.2.1.5)', () => {
    const requestDirectives = parseRequestDirectives({ 'cache-control': 'no-store' });
    expect(plan({ 'cache-control': 'max-age=60' }, { requestDirectives })).toEqual({ store: false, reason: 'request-no-store' });
  });

  it('does not store with ?ttl=0; a ?ttl= override caps the freshness left from now', () => {
    expect(plan({ 'cache-control': 'max-age=60' }, { overrideTtlSec: 0 })).toEqual({ store: false, reason: 'ttl-zero' });
    const result = plan({ 'cache-control': 'max-age=60', age: '30' }, { overrideTtlSec: 10 });
    expect(result.store && [result.freshness.initialAgeSec, result.freshness.lifetimeSec]).toEqual([30, 40]);
  });

  it('never lets ?ttl= lengthen what the origin allows: one client cannot pin a shared entry', () => {
    const capped = plan({ 'cache-control': 'max-age=60' }, { overrideTtlSec: 2_000_000_000 });
    expect(capped.store && capped.freshness.lifetimeSec).toBe(60);
    // max-age=0 stays stale on arrival whatever the ttl (nothing to validate it with: not stored).
    expect(plan({ 'cache-control': 'max-age=0' }, { overrideTtlSec: 2_000_000_000 })).toEqual({ store: false, reason: 'stale-on-arrival' });
    const heuristic = plan({}, { overrideTtlSec: 2_000_000_000 });
    expect(heuristic.store && heuristic.freshness.lifetimeSec).toBe(300);
  });

  it('does not store a response declaring more than MAX_OBJECT_BYTES', () => {
    expect(plan({ 'cache-control': 'max-age=60', 'content-length': '1001' })).toEqual({ store: false, reason: 'too-large' });
    expect(plan({ 'cache-control': 'max-age=60', 'content-length': '1000' })).toMatchObject({ store: true });
  });

  it('does not store a response stale on arrival with nothing to validate or serve it stale with', () => {
    expect(plan({ 'cache-control': 'max-age=0' })).toEqual({ store: false, reason: 'stale-on-arrival' });
    expect(plan({ 'cache-control': 'max-age=0', etag: '"a"' })).toMatchObject({ store: true });
    expect(plan({ 'cache-control': 'max-age=0, stale-if-error=60' })).toMatchObject({ store: true });
  });

  it('uses heuristic freshness (§4.2.2): 10 % of Last-Modified age, else CACHE_TTL', () => {
    const lastModified = new Date(T0 - 1000_000).toUTCString();
    const heuristic = plan({ 'last-modified': lastModified });
    expect(heuristic.store && heuristic.freshness.lifetimeSec).toBe(100);
    const fallback = plan({});
    expect(fallback.store && fallback.freshness.lifetimeSec).toBe(300);
  });

  it('obeys a valid targeted field instead of Cache-Control (RFC 9213 §2.2)', () => {
    const result = plan({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=30' });
    expect(result.store && result.freshness.lifetimeSec).toBe(30);
  });

  it('keeps a stale response for the longest of the retention and the RFC 5861 windows', () => {
    const result = plan({ 'cache-control': 'max-age=10, stale-while-revalidate=7200, stale-if-error=60' });
    expect(result.store && result.freshness).toMatchObject({
      staleWhileRevalidateSec: 7200,
      staleIfErrorSec: 60,
      expiresAt: T0 + 10_000 + 7_200_000,
    });
  });

  it('marks must-revalidate, proxy-revalidate and s-maxage responses as never served stale (§5.2.2.2, §5.2.2.8, §5.2.2.10)', () => {
    for (const cacheControl of ['max-age=60, must-revalidate', 'max-age=60, proxy-revalidate', 's-maxage=60']) {
      const result = plan({ 'cache-control': cacheControl });
      expect(result.store && result.freshness.mustRevalidate).toBe(true);
    }
  });
});

describe('planStorage: a body delimited by the connection closing (RFC 9112 §6.3)', () => {
  it('is not stored (a reset cannot be told from the end), while Content-Length and chunked bodies are', () => {
    const closeDelimited = planStorage(
      { method: 'GET', requestHeaders: {}, requestDirectives: NO_REQUEST_DIRECTIVES, status: 200, headers: { date: DATE, 'cache-control': 'max-age=600' }, receivedHeaders: { date: DATE }, requestTime: T0, responseTime: T0 },
      SETTINGS,
    );
    expect(closeDelimited).toEqual({ store: false, reason: 'close-delimited' });
    expect(plan({ 'cache-control': 'max-age=600' }).store).toBe(true);
    expect(plan({ 'cache-control': 'max-age=600', 'content-length': undefined, 'transfer-encoding': 'chunked' }).store).toBe(true);
  });
});

describe('planFreshness: the freshness fields of a freshened response (§4.3.4)', () => {
  it('recomputes the lifetime from the merged header fields and the 304 timings', () => {
    const freshness = planFreshness(
      { status: 200, headers: { 'cache-control': 'max-age=120', etag: '"a"' }, receivedHeaders: {}, requestTime: T0, responseTime: T0 },
      SETTINGS,
    );
    expect(freshness).toMatchObject({ lifetimeSec: 120, staleAt: T0 + 120_000, hasValidators: true });
  });
});

describe('planStorage with a cache rule: ttl changes lifetimes, never storability', () => {
  const lifetime = (headers: HeaderMap, rule: Partial<StoragePlanInput>['rule'], overrides: Partial<StoragePlanInput> = {}) => {
    const result = plan(headers, { rule, ...overrides });
    return result.store ? result.freshness.lifetimeSec : result.reason;
  };

  it('uses `default` only when the response states no lifetime of its own, instead of CACHE_TTL and Last-Modified heuristics', () => {
    expect(lifetime({}, { ttl: { defaultSec: 42 } })).toBe(42);
    expect(lifetime({ 'last-modified': new Date(T0 - 100 * 86_400_000).toUTCString() }, { ttl: { defaultSec: 42 } })).toBe(42);
    expect(lifetime({ 'cache-control': 'max-age=7' }, { ttl: { defaultSec: 42 } })).toBe(7);
    expect(lifetime({ 'cache-control': 's-maxage=8' }, { ttl: { defaultSec: 42 } })).toBe(8);
    expect(lifetime({ expires: new Date(T0 + 9000).toUTCString() }, { ttl: { defaultSec: 42 } })).toBe(9);
  });

  it('replaces any lifetime with `override`, then clamps to min and max', () => {
    expect(lifetime({ 'cache-control': 'max-age=7' }, { ttl: { overrideSec: 100 } })).toBe(100);
    expect(lifetime({ 'cache-control': 'max-age=7' }, { ttl: { minSec: 30 } })).toBe(30);
    expect(lifetime({ 'cache-control': 'max-age=7000' }, { ttl: { maxSec: 60 } })).toBe(60);
    expect(lifetime({}, { ttl: { defaultSec: 5, minSec: 10, maxSec: 20 } })).toBe(10);
    expect(lifetime({ 'cache-control': 'max-age=7' }, { ttl: { overrideSec: 100, maxSec: 50 } })).toBe(50);
  });

  it('never makes storable what RFC 9111 §3 forbids', () => {
    const ttl = { overrideSec: 100, defaultSec: 100 };
    expect(lifetime({ 'cache-control': 'no-store' }, { ttl })).toBe('no-store');
    expect(lifetime({ 'cache-control': 'private' }, { ttl })).toBe('private');
    expect(lifetime({}, { ttl }, { requestHeaders: { authorization: 'Bearer x' } })).toBe('authorization');
    expect(lifetime({}, { ttl }, { status: 500 })).toBe('not-cacheable');
  });

  it('keeps a ?ttl= cap below the rule', () => {
    expect(lifetime({}, { ttl: { defaultSec: 100 } }, { overrideTtlSec: 10 })).toBe(10);
  });

  it('adds stale-while-revalidate and stale-if-error windows only when the response has none', () => {
    const windows = (headers: HeaderMap) => {
      const result = plan(headers, { rule: { ttl: { staleWhileRevalidateSec: 30, staleIfErrorSec: 40 } } });
      return result.store ? [result.freshness.staleWhileRevalidateSec, result.freshness.staleIfErrorSec] : result.reason;
    };
    expect(windows({ 'cache-control': 'max-age=10' })).toEqual([30, 40]);
    expect(windows({ 'cache-control': 'max-age=10, stale-while-revalidate=5, stale-if-error=0' })).toEqual([5, 0]);
  });

  it('stores a rule’s storeStatuses in addition to CACHE_EXTRA_STATUSES, and adds its tags', () => {
    expect(lifetime({ 'cache-control': 'max-age=10' }, {}, { status: 503 })).toBe('status');
    expect(lifetime({ 'cache-control': 'max-age=10' }, { storeStatuses: new Set([503]) }, { status: 503 })).toBe(10);
    const withConfigured = { ...SETTINGS, extraStatuses: new Set([500]) };
    const both = plan({ 'cache-control': 'max-age=10' }, { status: 500, rule: { storeStatuses: new Set([503]) } }, withConfigured);
    expect(both.store).toBe(true);
    const tagged = plan({ 'cache-control': 'max-age=10', 'surrogate-key': 'a b' }, { rule: { tags: ['b', 'c'] } });
    expect(tagged.store && tagged.freshness.tags).toEqual(['a', 'b', 'c']);
  });

  it('applies the rule in planFreshness too (a 304 refreshing a stored response)', () => {
    const fields = planFreshness(
      { status: 200, headers: {}, receivedHeaders: {}, requestTime: T0, responseTime: T0, rule: { ttl: { defaultSec: 77 } } },
      SETTINGS,
    );
    expect(fields?.lifetimeSec).toBe(77);
  });
});

describe('planStorage for a response shared only because it must be revalidated (RFC 9111 §3.5)', () => {
  const lifetime = (headers: HeaderMap, requestHeaders: HeaderMap, rule?: Partial<StoragePlanInput>['rule']) => {
    const result = plan(headers, { requestHeaders, rule });
    return result.store ? result.freshness.lifetimeSec : result.reason;
  };
  const alice = { authorization: 'Bearer alice' };

  it('gets no heuristic lifetime (CACHE_TTL, Last-Modified) when the request had Authorization or an unvaried Cookie: without validators it is not kept at all', () => {
    expect(lifetime({ 'cache-control': 'must-revalidate' }, alice)).toBe('stale-on-arrival');
    // With a validator it is kept, stale at once, for validation only.
    expect(lifetime({ 'cache-control': 'must-revalidate', 'last-modified': new Date(T0 - 86_400_000).toUTCString() }, alice)).toBe(0);
    expect(lifetime({ 'cache-control': 'must-revalidate' }, { cookie: 'sid=a' })).toBe('stale-on-arrival');
    // Without credentials, or with a response that varies on the cookie, the heuristic applies as before.
    expect(lifetime({ 'cache-control': 'must-revalidate' }, {})).toBe(300);
    expect(lifetime({ 'cache-control': 'must-revalidate', vary: 'cookie' }, { cookie: 'sid=a' })).toBe(300);
  });

  it("keeps the stated lifetime, ignores a rule's default, override and min, and still applies its max", () => {
    expect(lifetime({ 'cache-control': 'max-age=60, must-revalidate' }, alice)).toBe(60);
    expect(lifetime({ 'cache-control': 'max-age=0, must-revalidate' }, alice, { ttl: { overrideSec: 3600, minSec: 60 } })).toBe('stale-on-arrival');
    expect(lifetime({ 'cache-control': 'must-revalidate' }, alice, { ttl: { defaultSec: 60 } })).toBe('stale-on-arrival');
    expect(lifetime({ 'cache-control': 'max-age=600, must-revalidate' }, alice, { ttl: { maxSec: 30 } })).toBe(30);
  });

  it('is not limited when the response says public or s-maxage: the origin allowed sharing outright', () => {
    expect(lifetime({ 'cache-control': 'public' }, alice, { ttl: { defaultSec: 60 } })).toBe(60);
    expect(lifetime({ 'cache-control': 's-maxage=5' }, alice, { ttl: { overrideSec: 90 } })).toBe(90);
  });
});

describe('planFreshness of a stored response re-planned after a 304 or HEAD (storedForUnknownRequest)', () => {
  const refreshed = (cc: string, rule?: Partial<StoragePlanInput>['rule']) =>
    planFreshness(
      { status: 200, headers: { date: DATE, 'cache-control': cc, etag: '"v1"' }, receivedHeaders: { date: DATE }, requestTime: T0, responseTime: T0, rule, storedForUnknownRequest: true },
      SETTINGS,
    )?.lifetimeSec;

  it('treats must-revalidate without public or s-maxage as shared through revalidation only: no heuristic, no rule default or override', () => {
    expect(refreshed('must-revalidate')).toBe(0);
    expect(refreshed('must-revalidate', { ttl: { defaultSec: 60, overrideSec: 90 } })).toBe(0);
    expect(refreshed('max-age=30, must-revalidate')).toBe(30);
  });

  it('leaves other responses to the usual rules', () => {
    expect(refreshed('')).toBe(300);
    expect(refreshed('public, must-revalidate', { ttl: { defaultSec: 60 } })).toBe(60);
  });
});

