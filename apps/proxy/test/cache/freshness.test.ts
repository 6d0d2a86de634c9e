import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/cache/cache-control.js';
import {
  HEURISTIC_MAX_SEC,
  correctedInitialAgeSec,
  currentAgeSec,
  determineFreshnessLifetime,
  remainingTtlSec,
} from '../../src/cache/freshness.js';
import type { HeaderMap } from '../../src/cache/headers.js';

const DEFAULT_TTL_SEC = 300;
/** The time of receipt (response_time) unless a test says otherwise. */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const SEC = 1000;
const DAY_SEC = 24 * 60 * 60;

/** IMF-fixdate of a time (RFC 9110 §5.6.7). */
function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

function lifetime(
  options: {
    status?: number;
    cacheControl?: string;
    headers?: Record<string, string | string[]>;
    responseTimeMs?: number;
    defaultTtlSec?: number;
  } = {},
) {
  const responseHeaders: HeaderMap = {
    ...options.headers,
    ...(options.cacheControl === undefined ? {} : { 'cache-control': options.cacheControl }),
  };
  return determineFreshnessLifetime({
    status: options.status ?? 200,
    responseHeaders,
    responseDirectives: parseCacheControl(options.cacheControl),
    responseTimeMs: options.responseTimeMs ?? NOW,
    defaultTtlSec: options.defaultTtlSec ?? DEFAULT_TTL_SEC,
  });
}

describe('determineFreshnessLifetime (RFC 9111 §4.2.1)', () => {
  describe('s-maxage and max-age (§5.2.2.10, §5.2.2.1)', () => {
    it('prefers s-maxage over max-age in a shared cache (RFC 9111 §5.2.2.10)', () => {
      expect(lifetime({ cacheControl: 'max-age=20, s-maxage=10' })).toEqual({ lifetimeSec: 10, source: 's-maxage' });
      expect(lifetime({ cacheControl: 's-maxage=100, max-age=20' })).toEqual({ lifetimeSec: 100, source: 's-maxage' });
    });

    it('uses max-age when there is no s-maxage (RFC 9111 §5.2.2.1)', () => {
      expect(lifetime({ cacheControl: 'public, max-age=20' })).toEqual({ lifetimeSec: 20, source: 'max-age' });
    });

    it('uses max-age=0 as a zero lifetime rather than falling back to a heuristic (RFC 9111 §4.2.1)', () => {
      expect(lifetime({ cacheControl: 'max-age=0' })).toEqual({ lifetimeSec: 0, source: 'max-age' });
    });

    it('uses s-maxage=0 as a zero lifetime even when max-age is positive (RFC 9111 §5.2.2.10)', () => {
      expect(lifetime({ cacheControl: 's-maxage=0, max-age=60' })).toEqual({ lifetimeSec: 0, source: 's-maxage' });
    });

    it('prefers max-age over Expires (RFC 9111 §5.3)', () => {
      expect(
        lifetime({ cacheControl: 'max-age=5', headers: { date: httpDate(NOW), expires: httpDate(NOW + 3600 * SEC) } }),
      ).toEqual({ lifetimeSec: 5, source: 'max-age' });
    });

    it('prefers s-maxage over Expires (RFC 9111 §5.3)', () => {
      expect(
        lifetime({ cacheControl: 's-maxage=7', headers: { date: httpDate(NOW), expires: httpDate(NOW + 3600 * SEC) } }),
      ).toEqual({ lifetimeSec: 7, source: 's-maxage' });
    });

    it('caps huge lifetimes at 2^31 seconds (RFC 9111 §1.2.2)', () => {
      expect(lifetime({ cacheControl: 'max-age=99999999999' })).toEqual({ lifetimeSec: 2 ** 31, source: 'max-age' });
    });

    it.each(['max-age=abc', 'max-age=-1', 'max-age=1.5', 'max-age'])(
      'treats the invalid "%s" as already stale instead of using a heuristic (RFC 9111 §4.2.1)',
      (cacheControl) => {
        expect(lifetime({ cacheControl })).toEqual({ lifetimeSec: 0, source: 'max-age' });
      },
    );

    it('treats an invalid s-maxage as already stale, even next to a valid max-age (RFC 9111 §4.2.1)', () => {
      expect(lifetime({ cacheControl: 's-maxage=soon, max-age=60' })).toEqual({ lifetimeSec: 0, source: 's-maxage' });
    });

    it('uses the first max-age when the directive is repeated (RFC 9111 §4.2.1)', () => {
      expect(lifetime({ cacheControl: 'max-age=30, max-age=3000' })).toEqual({ lifetimeSec: 30, source: 'max-age' });
    });

    it('reads max-age from any of several Cache-Control lines (RFC 9110 §5.3)', () => {
      const responseHeaders = { 'cache-control': ['public', 'max-age=42'] };
      expect(
        determineFreshnessLifetime({
          status: 200,
          responseHeaders,
          responseDirectives: parseCacheControl(responseHeaders['cache-control']),
          responseTimeMs: NOW,
          defaultTtlSec: DEFAULT_TTL_SEC,
        }),
      ).toEqual({ lifetimeSec: 42, source: 'max-age' });
    });

    it('gives explicit freshness to a status that is not heuristically cacheable (RFC 9111 §4.2.1)', () => {
      expect(lifetime({ status: 500, cacheControl: 'max-age=10' })).toEqual({ lifetimeSec: 10, source: 'max-age' });
    });
  });

  describe('Expires (§5.3)', () => {
    it('uses Expires minus Date when there is no max-age (RFC 9111 §4.2.1)', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), expires: httpDate(NOW + 600 * SEC) } })).toEqual({
        lifetimeSec: 600,
        source: 'expires',
      });
    });

    it('measures Expires from Date, not from the time of receipt (RFC 9111 §4.2.1)', () => {
      // The response left the origin 100 s before it arrived: Expires − Date is still 600.
      expect(
        lifetime({
          headers: { date: httpDate(NOW - 100 * SEC), expires: httpDate(NOW + 500 * SEC) },
          responseTimeMs: NOW,
        }),
      ).toEqual({ lifetimeSec: 600, source: 'expires' });
    });

    it('measures Expires from the time of receipt when Date is absent (RFC 9110 §6.6.1)', () => {
      expect(lifetime({ headers: { expires: httpDate(NOW + 60 * SEC) } })).toEqual({ lifetimeSec: 60, source: 'expires' });
    });

    it('measures Expires from the time of receipt when Date is invalid (RFC 9110 §6.6.1)', () => {
      expect(lifetime({ headers: { date: 'yesterday', expires: httpDate(NOW + 60 * SEC) } })).toEqual({
        lifetimeSec: 60,
        source: 'expires',
      });
    });

    it('treats an invalid Expires such as "0" as already expired, never falling back to a heuristic (RFC 9111 §5.3)', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), expires: '0' } })).toEqual({ lifetimeSec: 0, source: 'expires' });
      expect(lifetime({ headers: { expires: 'next week' } })).toEqual({ lifetimeSec: 0, source: 'expires' });
    });

    it('treats an Expires in the past as already expired, never a negative lifetime (RFC 9111 §5.3)', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), expires: httpDate(NOW - 3600 * SEC) } })).toEqual({
        lifetimeSec: 0,
        source: 'expires',
      });
    });

    it('treats Expires equal to Date as already expired (RFC 9111 §5.3)', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), expires: httpDate(NOW) } })).toEqual({
        lifetimeSec: 0,
        source: 'expires',
      });
    });

    it('accepts the obsolete RFC 850 and asctime date forms (RFC 9110 §5.6.7)', () => {
      expect(
        lifetime({ headers: { date: 'Thursday, 01-Jan-26 12:00:00 GMT', expires: 'Thu Jan  1 12:05:00 2026' } }),
      ).toEqual({ lifetimeSec: 300, source: 'expires' });
    });

    it('gives explicit freshness to a status that is not heuristically cacheable (RFC 9111 §5.3)', () => {
      expect(lifetime({ status: 503, headers: { date: httpDate(NOW), expires: httpDate(NOW + 30 * SEC) } })).toEqual({
        lifetimeSec: 30,
        source: 'expires',
      });
    });
  });

  describe('heuristic freshness (§4.2.2)', () => {
    it.each(['public;max-age=0', 'public; max-age=0', 'max-age:60', 'no cache'])(
      'gives no heuristic freshness when Cache-Control is present but unparseable: %s',
      (cacheControl) => {
        expect(lifetime({ cacheControl })).toEqual({ lifetimeSec: 0, source: 'none' });
        expect(lifetime({ cacheControl, headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 1000 * SEC) } })).toEqual({
          lifetimeSec: 0,
          source: 'none',
        });
      },
    );

    it('keeps heuristics for a Cache-Control of known and unknown token directives', () => {
      expect(lifetime({ cacheControl: 'public, x-extension="a;b", community=UCI' })).toEqual({
        lifetimeSec: DEFAULT_TTL_SEC,
        source: 'default',
      });
    });

    it('uses 10% of the time between Date and Last-Modified (RFC 9111 §4.2.2)', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 1000 * SEC) } })).toEqual({
        lifetimeSec: 100,
        source: 'last-modified',
      });
    });

    it('rounds the Last-Modified heuristic down to whole seconds', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 15 * SEC) } })).toEqual({
        lifetimeSec: 1,
        source: 'last-modified',
      });
    });

    it('caps the Last-Modified heuristic at HEURISTIC_MAX_SEC (RFC 9111 §4.2.2)', () => {
      expect(HEURISTIC_MAX_SEC).toBe(DAY_SEC);
      expect(
        lifetime({ headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 365 * DAY_SEC * SEC) } }),
      ).toEqual({ lifetimeSec: HEURISTIC_MAX_SEC, source: 'last-modified' });
    });

    it('measures the Last-Modified heuristic from the time of receipt when Date is absent (RFC 9110 §6.6.1)', () => {
      expect(lifetime({ headers: { 'last-modified': httpDate(NOW - 200 * SEC) } })).toEqual({
        lifetimeSec: 20,
        source: 'last-modified',
      });
    });

    it('gives no heuristic lifetime when Last-Modified is after Date', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW + 60 * SEC) } })).toEqual({
        lifetimeSec: 0,
        source: 'last-modified',
      });
    });

    it('falls back to the configured default without explicit freshness or Last-Modified (RFC 9111 §4.2.2)', () => {
      expect(lifetime()).toEqual({ lifetimeSec: DEFAULT_TTL_SEC, source: 'default' });
      expect(lifetime({ cacheControl: 'public' })).toEqual({ lifetimeSec: DEFAULT_TTL_SEC, source: 'default' });
    });

    it('falls back to the configured default when Last-Modified is invalid', () => {
      expect(lifetime({ headers: { date: httpDate(NOW), 'last-modified': 'a while ago' } })).toEqual({
        lifetimeSec: DEFAULT_TTL_SEC,
        source: 'default',
      });
    });

    it.each([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])(
      'applies heuristics to the heuristically cacheable status %i (RFC 9110 §15.1)',
      (status) => {
        expect(lifetime({ status })).toEqual({ lifetimeSec: DEFAULT_TTL_SEC, source: 'default' });
      },
    );

    it.each([201, 202, 302, 303, 307, 400, 403, 500, 502, 503, 504])(
      'gives no heuristic lifetime to the status %i, which is not heuristically cacheable (RFC 9111 §4.2.2)',
      (status) => {
        expect(lifetime({ status })).toEqual({ lifetimeSec: 0, source: 'none' });
        expect(
          lifetime({ status, headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 1000 * SEC) } }),
        ).toEqual({ lifetimeSec: 0, source: 'none' });
      },
    );

    it('applies heuristics to any status when the response is marked public (RFC 9111 §4.2.2, §5.2.2.9)', () => {
      expect(lifetime({ status: 500, cacheControl: 'public' })).toEqual({ lifetimeSec: DEFAULT_TTL_SEC, source: 'default' });
      expect(
        lifetime({
          status: 302,
          cacheControl: 'public',
          headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 1000 * SEC) },
        }),
      ).toEqual({ lifetimeSec: 100, source: 'last-modified' });
    });

    it('disables the CACHE_TTL fallback when the default TTL is 0, but keeps the Last-Modified heuristic', () => {
      expect(lifetime({ defaultTtlSec: 0 })).toEqual({ lifetimeSec: 0, source: 'none' });
      expect(lifetime({ defaultTtlSec: 0, cacheControl: 'public' })).toEqual({ lifetimeSec: 0, source: 'none' });
      expect(
        lifetime({ defaultTtlSec: 0, headers: { date: httpDate(NOW), 'last-modified': httpDate(NOW - 1000 * SEC) } }),
      ).toEqual({ lifetimeSec: 100, source: 'last-modified' });
    });

    it('still honours explicit freshness when the default TTL is 0', () => {
      expect(lifetime({ defaultTtlSec: 0, cacheControl: 'max-age=30' })).toEqual({ lifetimeSec: 30, source: 'max-age' });
      expect(lifetime({ defaultTtlSec: 0, headers: { date: httpDate(NOW), expires: httpDate(NOW + 30 * SEC) } })).toEqual({
        lifetimeSec: 30,
        source: 'expires',
      });
    });

    it('uses no heuristic when Expires is present, even an invalid one (RFC 9111 §4.2.2)', () => {
      expect(
        lifetime({ headers: { expires: 'never', date: httpDate(NOW), 'last-modified': httpDate(NOW - 1000 * SEC) } }),
      ).toEqual({ lifetimeSec: 0, source: 'expires' });
    });
  });
});

describe('correctedInitialAgeSec (RFC 9111 §4.2.3)', () => {
  const requestTimeMs = NOW - 2 * SEC;
  const responseTimeMs = NOW;

  function initialAge(responseHeaders: HeaderMap, times: { requestTimeMs?: number; responseTimeMs?: number } = {}) {
    return correctedInitialAgeSec({
      responseHeaders,
      requestTimeMs: times.requestTimeMs ?? requestTimeMs,
      responseTimeMs: times.responseTimeMs ?? responseTimeMs,
    });
  }

  it('is zero for a response without Age or Date received instantly', () => {
    expect(initialAge({}, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(0);
  });

  it('uses the apparent age, response_time − date_value, when it is the larger', () => {
    expect(initialAge({ date: httpDate(NOW - 30 * SEC), age: '5' })).toBe(30);
  });

  it('uses Age plus the response delay, response_time − request_time, when it is the larger', () => {
    expect(initialAge({ date: httpDate(NOW), age: '10' })).toBe(12);
  });

  it('counts the response delay even without Age, since the response may have aged in transit', () => {
    expect(initialAge({ date: httpDate(NOW) })).toBe(2);
  });

  it('never uses a negative apparent age when Date is in the future (clock skew)', () => {
    expect(initialAge({ date: httpDate(NOW + 3600 * SEC), age: '3' }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(3);
  });

  it('ignores an invalid Date', () => {
    expect(initialAge({ date: 'now', age: '4' }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(4);
  });

  it.each(['abc', '-5', '1.5', '', '10s'])('ignores the invalid Age value "%s" (RFC 9111 §5.1)', (age) => {
    expect(initialAge({ age }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(0);
  });

  it('uses the first member when Age is a list (RFC 9111 §5.1)', () => {
    expect(initialAge({ age: '10, 20' }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(10);
  });

  it('uses the first line when Age is repeated (RFC 9111 §5.1)', () => {
    expect(initialAge({ age: ['7', '70'] }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(7);
  });

  it('accepts whitespace around the Age value', () => {
    expect(initialAge({ age: ' 9 ' }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(9);
  });

  it('caps a huge Age at 2^31 seconds (RFC 9111 §1.2.2)', () => {
    expect(initialAge({ age: '99999999999' }, { requestTimeMs: NOW, responseTimeMs: NOW })).toBe(2 ** 31);
  });

  it('rounds the apparent age and the response delay down to whole seconds', () => {
    expect(initialAge({ date: httpDate(NOW) }, { requestTimeMs: NOW - 1999, responseTimeMs: NOW + 999 })).toBe(2);
  });
});

describe('currentAgeSec (RFC 9111 §4.2.3)', () => {
  const responseTime = Date.UTC(2026, 0, 1);

  it('is the corrected initial age when no time has passed since the response was received', () => {
    expect(currentAgeSec({ responseTime, initialAgeSec: 7 }, responseTime)).toBe(7);
  });

  it('adds the resident time, now − response_time, in whole seconds rounded down', () => {
    expect(currentAgeSec({ responseTime, initialAgeSec: 0 }, responseTime + 999)).toBe(0);
    expect(currentAgeSec({ responseTime, initialAgeSec: 0 }, responseTime + 1_000)).toBe(1);
    expect(currentAgeSec({ responseTime, initialAgeSec: 10 }, responseTime + 61_500)).toBe(71);
  });

  it('never subtracts resident time when the clock is behind the response time', () => {
    expect(currentAgeSec({ responseTime, initialAgeSec: 5 }, responseTime - 10_000)).toBe(5);
  });
});

describe('remainingTtlSec (RFC 9211 §2.6 ttl)', () => {
  const staleAt = Date.UTC(2026, 0, 1, 0, 5);

  it('counts the seconds of freshness left, rounding up', () => {
    expect(remainingTtlSec({ staleAt }, staleAt - 300_000)).toBe(300);
    expect(remainingTtlSec({ staleAt }, staleAt - 1_500)).toBe(2);
    expect(remainingTtlSec({ staleAt }, staleAt - 1)).toBe(1);
  });

  it('is zero when the response becomes stale', () => {
    expect(remainingTtlSec({ staleAt }, staleAt)).toBe(0);
  });

  it('is negative once the response is stale, by the whole seconds of staleness', () => {
    expect(remainingTtlSec({ staleAt }, staleAt + 1_000)).toBe(-1);
    expect(remainingTtlSec({ staleAt }, staleAt + 1_500)).toBe(-1);
    expect(remainingTtlSec({ staleAt }, staleAt + 60_000)).toBe(-60);
  });
});
