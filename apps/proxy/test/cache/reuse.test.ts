import { describe, expect, it } from 'vitest';
import { NO_REQUEST_DIRECTIVES, parseRequestDirectives, type RequestDirectives } from '../../src/cache/request-directives.js';
import { decideReuse, mayServeStaleOnError, selectVariant, type ReusableResponse } from '../../src/cache/reuse.js';
import { captureVaryValues } from '../../src/cache/vary.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The time `sec` seconds after the response was received. */
function at(sec: number): number {
  return T0 + sec * 1000;
}

/** A stored response received at T0, fresh for 100 s, with no stale-serving directives. */
function stored(overrides: Partial<ReusableResponse> = {}): ReusableResponse {
  return {
    vary: {},
    responseTime: T0,
    initialAgeSec: 0,
    lifetimeSec: 100,
    noCache: false,
    mustRevalidate: false,
    staleWhileRevalidateSec: 0,
    staleIfErrorSec: 0,
    ...overrides,
  };
}

function request(cacheControl?: string): RequestDirectives {
  return cacheControl === undefined ? NO_REQUEST_DIRECTIVES : parseRequestDirectives({ 'cache-control': cacheControl });
}

const SERVE = { action: 'serve' };
const FORWARD_STALE = { action: 'forward', fwd: 'stale' };
const FORWARD_REQUEST = { action: 'forward', fwd: 'request' };
const SERVE_MAX_STALE = { action: 'serve-stale', reason: 'max-stale' };
const SERVE_SWR = { action: 'serve-stale', reason: 'stale-while-revalidate' };

describe('selectVariant (RFC 9111 §4.1)', () => {
  it('selects nothing when nothing is stored', () => {
    expect(selectVariant(undefined, {})).toBeUndefined();
    expect(selectVariant([], {})).toBeUndefined();
  });

  it('selects a response that varies on nothing for any request', () => {
    const only = stored();
    expect(selectVariant([only], { 'accept-encoding': 'gzip' })).toBe(only);
  });

  it('selects the variant whose Vary-named request fields match the new request', () => {
    const gzip = stored({ vary: captureVaryValues(['accept-encoding'], { 'accept-encoding': 'gzip' }) });
    const br = stored({ vary: captureVaryValues(['accept-encoding'], { 'accept-encoding': 'br' }) });
    expect(selectVariant([gzip, br], { 'accept-encoding': 'br' })).toBe(br);
    expect(selectVariant([gzip, br], { 'accept-encoding': 'gzip' })).toBe(gzip);
  });

  it('selects nothing when no variant matches (a vary-miss)', () => {
    const gzip = stored({ vary: captureVaryValues(['accept-encoding'], { 'accept-encoding': 'gzip' }) });
    expect(selectVariant([gzip], { 'accept-encoding': 'identity' })).toBeUndefined();
    expect(selectVariant([gzip], {})).toBeUndefined();
  });

  it('matches a field the stored request lacked only when the new request lacks it too', () => {
    const anonymous = stored({ vary: captureVaryValues(['authorization'], {}) });
    expect(selectVariant([anonymous], {})).toBe(anonymous);
    expect(selectVariant([anonymous], { authorization: 'Bearer x' })).toBeUndefined();
  });

  it('matches values that differ only in ways normalisation removes', () => {
    const stored1 = stored({ vary: captureVaryValues(['accept-encoding'], { 'accept-encoding': 'gzip, br' }) });
    expect(selectVariant([stored1], { 'accept-encoding': ['GZIP', 'br'] })).toBe(stored1);
  });

  it('uses the most recent response when several variants match (RFC 9111 §4)', () => {
    const older = stored({ responseTime: at(0) });
    const newest = stored({ responseTime: at(20) });
    const middle = stored({ responseTime: at(10) });
    expect(selectVariant([older, newest, middle], {})).toBe(newest);
  });

  it('uses the most recent matching response, ignoring newer ones that do not match', () => {
    const oldMatch = stored({ responseTime: at(0), vary: captureVaryValues(['accept'], { accept: 'text/html' }) });
    const newMatch = stored({ responseTime: at(5), vary: captureVaryValues(['accept-language'], {}) });
    const newestOther = stored({ responseTime: at(9), vary: captureVaryValues(['accept'], { accept: 'image/png' }) });
    expect(selectVariant([oldMatch, newMatch, newestOther], { accept: 'text/html' })).toBe(newMatch);
  });
});

describe('decideReuse (RFC 9111 §4.2, §4.2.4, §5.2)', () => {
  describe('fresh responses (RFC 9111 §4.2)', () => {
    it('serves a fresh response', () => {
      expect(decideReuse(stored(), request(), at(0))).toEqual(SERVE);
      expect(decideReuse(stored(), request(), at(99))).toEqual(SERVE);
    });

    it('counts the corrected initial age against the lifetime (RFC 9111 §4.2.3)', () => {
      const aged = stored({ initialAgeSec: 90 });
      expect(decideReuse(aged, request(), at(9))).toEqual(SERVE);
      expect(decideReuse(aged, request(), at(10))).toEqual(FORWARD_STALE);
    });

    it('treats a response whose age equals its lifetime as stale (RFC 9111 §4.2)', () => {
      expect(decideReuse(stored(), request(), at(100))).toEqual(FORWARD_STALE);
    });

    it('treats a zero lifetime as stale from the start (RFC 9111 §4.2)', () => {
      expect(decideReuse(stored({ lifetimeSec: 0 }), request(), at(0))).toEqual(FORWARD_STALE);
    });

    it('serves a stored response to a request with no-store, which only forbids storing (RFC 9111 §5.2.1.5)', () => {
      expect(decideReuse(stored(), request('no-store'), at(10))).toEqual(SERVE);
    });
  });

  describe('no-cache', () => {
    it('forwards for the request when the request has no-cache, even when fresh (RFC 9111 §5.2.1.4)', () => {
      expect(decideReuse(stored(), request('no-cache'), at(0))).toEqual(FORWARD_REQUEST);
      expect(decideReuse(stored(), parseRequestDirectives({ pragma: 'no-cache' }), at(0))).toEqual(FORWARD_REQUEST);
    });

    it('forwards a request with no-cache even when max-stale would accept the response (RFC 9111 §5.2.1.4)', () => {
      expect(decideReuse(stored(), request('no-cache, max-stale'), at(200))).toEqual(FORWARD_REQUEST);
    });

    it('forwards for validation when the response has no-cache, even when fresh (RFC 9111 §5.2.2.4)', () => {
      expect(decideReuse(stored({ noCache: true }), request(), at(0))).toEqual(FORWARD_STALE);
    });

    it('never serves a no-cache response stale, whatever max-stale or stale-while-revalidate allow (RFC 9111 §5.2.2.4)', () => {
      const entry = stored({ noCache: true, staleWhileRevalidateSec: 60 });
      expect(decideReuse(entry, request('max-stale'), at(110))).toEqual(FORWARD_STALE);
      expect(decideReuse(entry, request(), at(110))).toEqual(FORWARD_STALE);
    });
  });

  describe('request max-age (RFC 9111 §5.2.1.1)', () => {
    it('serves a response whose age is at most max-age', () => {
      expect(decideReuse(stored(), request('max-age=10'), at(10))).toEqual(SERVE);
    });

    it('forwards for the request when the fresh response is older than max-age', () => {
      expect(decideReuse(stored(), request('max-age=10'), at(11))).toEqual(FORWARD_REQUEST);
    });

    it('forwards for the request with max-age=0 once the response has aged a second', () => {
      expect(decideReuse(stored(), request('max-age=0'), at(1))).toEqual(FORWARD_REQUEST);
    });

    it('counts the corrected initial age against max-age (RFC 9111 §4.2.3)', () => {
      expect(decideReuse(stored({ initialAgeSec: 30 }), request('max-age=20'), at(0))).toEqual(FORWARD_REQUEST);
    });

    it('does not let max-stale accept a response older than max-age', () => {
      expect(decideReuse(stored(), request('max-age=50, max-stale'), at(120))).toEqual(FORWARD_REQUEST);
    });

    it('lets max-stale accept a stale response that is still within max-age', () => {
      expect(decideReuse(stored(), request('max-age=150, max-stale=60'), at(120))).toEqual(SERVE_MAX_STALE);
    });
  });

  describe('request min-fresh (RFC 9111 §5.2.1.3)', () => {
    it('serves a fresh response that stays fresh at least min-fresh longer', () => {
      expect(decideReuse(stored(), request('min-fresh=30'), at(70))).toEqual(SERVE);
    });

    it('forwards for the request when a fresh response would stay fresh less than min-fresh longer', () => {
      expect(decideReuse(stored(), request('min-fresh=30'), at(71))).toEqual(FORWARD_REQUEST);
    });

    it('forwards for the request when the response is stale, even with max-stale', () => {
      expect(decideReuse(stored(), request('min-fresh=10'), at(110))).toEqual(FORWARD_REQUEST);
      expect(decideReuse(stored(), request('min-fresh=10, max-stale'), at(110))).toEqual(FORWARD_REQUEST);
    });

    it('forwards for the request when the response is stale, even within stale-while-revalidate', () => {
      expect(decideReuse(stored({ staleWhileRevalidateSec: 60 }), request('min-fresh=1'), at(110))).toEqual(
        FORWARD_REQUEST,
      );
    });
  });

  describe('stale responses (RFC 9111 §4.2.4)', () => {
    it('forwards a stale response for validation when nothing allows serving it stale', () => {
      expect(decideReuse(stored(), request(), at(101))).toEqual(FORWARD_STALE);
    });

    it('never serves a must-revalidate response stale, whatever max-stale allows (RFC 9111 §5.2.2.2)', () => {
      expect(decideReuse(stored({ mustRevalidate: true }), request('max-stale'), at(101))).toEqual(FORWARD_STALE);
      expect(decideReuse(stored({ mustRevalidate: true }), request('max-stale=1000'), at(101))).toEqual(FORWARD_STALE);
    });

    it('never serves a must-revalidate response stale within stale-while-revalidate (RFC 9111 §5.2.2.2, RFC 5861 §3)', () => {
      const entry = stored({ mustRevalidate: true, staleWhileRevalidateSec: 60 });
      expect(decideReuse(entry, request(), at(101))).toEqual(FORWARD_STALE);
    });

    it('still serves a fresh must-revalidate response (RFC 9111 §5.2.2.2)', () => {
      expect(decideReuse(stored({ mustRevalidate: true }), request(), at(50))).toEqual(SERVE);
    });
  });

  describe('request max-stale (RFC 9111 §5.2.1.2)', () => {
    it('serves a stale response whose staleness is at most max-stale', () => {
      expect(decideReuse(stored(), request('max-stale=30'), at(130))).toEqual(SERVE_MAX_STALE);
    });

    it('serves a response that has just become stale with max-stale=0', () => {
      expect(decideReuse(stored(), request('max-stale=0'), at(100))).toEqual(SERVE_MAX_STALE);
    });

    it('forwards a response staler than max-stale', () => {
      expect(decideReuse(stored(), request('max-stale=30'), at(131))).toEqual(FORWARD_STALE);
    });

    it('serves a response of any staleness when max-stale has no value', () => {
      expect(decideReuse(stored(), request('max-stale'), at(1_000_000))).toEqual(SERVE_MAX_STALE);
    });

    it('serves a fresh response as fresh, not as stale', () => {
      expect(decideReuse(stored(), request('max-stale=30'), at(50))).toEqual(SERVE);
    });

    it('falls back to stale-while-revalidate when the response is staler than max-stale', () => {
      const entry = stored({ staleWhileRevalidateSec: 60 });
      expect(decideReuse(entry, request('max-stale=10'), at(130))).toEqual(SERVE_SWR);
    });
  });

  describe('stale-while-revalidate (RFC 5861 §3)', () => {
    const entry = stored({ staleWhileRevalidateSec: 60 });

    it('serves a stale response within the stale-while-revalidate window', () => {
      expect(decideReuse(entry, request(), at(100))).toEqual(SERVE_SWR);
      expect(decideReuse(entry, request(), at(160))).toEqual(SERVE_SWR);
    });

    it('forwards a stale response past the stale-while-revalidate window', () => {
      expect(decideReuse(entry, request(), at(161))).toEqual(FORWARD_STALE);
    });

    it('has no window when stale-while-revalidate is absent', () => {
      expect(decideReuse(stored({ staleWhileRevalidateSec: 0 }), request(), at(100))).toEqual(FORWARD_STALE);
    });

    it('serves a fresh response as fresh, not as stale', () => {
      expect(decideReuse(entry, request(), at(99))).toEqual(SERVE);
    });
  });
});

describe('mayServeStaleOnError (RFC 5861 §4)', () => {
  it('allows a stale response within the response stale-if-error window', () => {
    const entry = stored({ staleIfErrorSec: 60 });
    expect(mayServeStaleOnError(entry, request(), at(101))).toBe(true);
    expect(mayServeStaleOnError(entry, request(), at(160))).toBe(true);
  });

  it('forbids a stale response past the response stale-if-error window', () => {
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 60 }), request(), at(161))).toBe(false);
  });

  it('allows a stale response within the request stale-if-error window', () => {
    expect(mayServeStaleOnError(stored(), request('stale-if-error=30'), at(130))).toBe(true);
    expect(mayServeStaleOnError(stored(), request('stale-if-error=30'), at(131))).toBe(false);
  });

  it('allows a stale response within either window when both are present', () => {
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 10 }), request('stale-if-error=60'), at(150))).toBe(true);
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 60 }), request('stale-if-error=10'), at(150))).toBe(true);
  });

  it('forbids a stale response when neither the response nor the request gives a window', () => {
    expect(mayServeStaleOnError(stored(), request(), at(101))).toBe(false);
    expect(mayServeStaleOnError(stored(), request('max-stale'), at(101))).toBe(false);
  });

  it('forbids it with a zero window, even for a response that has just become stale', () => {
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 0 }), request('stale-if-error=0'), at(100))).toBe(false);
  });

  it('forbids a must-revalidate response (RFC 9111 §4.2.4, §5.2.2.2)', () => {
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 60, mustRevalidate: true }), request(), at(101))).toBe(false);
    expect(mayServeStaleOnError(stored({ mustRevalidate: true }), request('stale-if-error=60'), at(101))).toBe(false);
  });

  it('forbids a no-cache response (RFC 9111 §4.2.4, §5.2.2.4)', () => {
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 60, noCache: true }), request(), at(101))).toBe(false);
  });

  it('forbids it when the request has no-cache (RFC 9111 §5.2.1.4)', () => {
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 60 }), request('no-cache'), at(101))).toBe(false);
    expect(mayServeStaleOnError(stored({ staleIfErrorSec: 60 }), parseRequestDirectives({ pragma: 'no-cache' }), at(101))).toBe(
      false,
    );
  });
});
