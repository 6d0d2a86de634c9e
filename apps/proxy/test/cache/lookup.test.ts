import { describe, expect, it } from 'vitest';
import type { HeaderMap } from '../../src/cache/headers.js';
import { isCacheableRequest, lookUp, maySendConditional, type LookupCandidate } from '../../src/cache/lookup.js';
import { captureVaryValues } from '../../src/cache/vary.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (sec: number): number => T0 + sec * 1000;

/** A stored response received at T0, fresh for 100 s, with validators. */
function stored(overrides: Partial<LookupCandidate> = {}): LookupCandidate {
  return {
    vary: {},
    responseTime: T0,
    initialAgeSec: 0,
    lifetimeSec: 100,
    noCache: false,
    mustRevalidate: false,
    staleWhileRevalidateSec: 0,
    staleIfErrorSec: 0,
    hasValidators: true,
    ...overrides,
  };
}

const get = (headers: HeaderMap = {}) => ({ method: 'GET', headers });

describe('lookUp: one decision per request (RFC 9111 §4)', () => {
  it('passes methods the cache does not answer from storage (§4.4), whatever is stored', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      expect(lookUp({ method, headers: {} }, [stored()], at(0))).toMatchObject({ action: 'pass', fwd: 'method' });
    }
  });

  it('serves a fresh stored response (§4.2) for GET and HEAD', () => {
    const entry = stored();
    expect(lookUp(get(), [entry], at(10))).toMatchObject({ action: 'serve', entry });
    expect(lookUp({ method: 'HEAD', headers: {} }, [entry], at(10))).toMatchObject({ action: 'serve', entry });
  });

  it('forwards a uri-miss when nothing is stored, coalescable for GET (RFC 9211 §2.2)', () => {
    expect(lookUp(get(), undefined, at(0))).toMatchObject({ action: 'forward', fwd: 'uri-miss', stored: undefined, coalesce: true });
    expect(lookUp({ method: 'HEAD', headers: {} }, undefined, at(0))).toMatchObject({ action: 'forward', coalesce: false });
  });

  it('forwards a vary-miss when stored variants exist but none matches (§4.1)', () => {
    const entry = stored({ vary: captureVaryValues(['accept-language'], { 'accept-language': 'fr' }) });
    expect(lookUp(get({ 'accept-language': 'de' }), [entry], at(0))).toMatchObject({ action: 'forward', fwd: 'vary-miss' });
  });

  it('validates a stale stored response that has validators (§4.3.1), keeping it for stale-if-error', () => {
    const entry = stored();
    expect(lookUp(get(), [entry], at(200))).toMatchObject({ action: 'validate', fwd: 'stale', stored: entry, coalesce: true });
  });

  it('forwards, keeping the stored response, when a stale one has no validators (§4.3)', () => {
    const entry = stored({ hasValidators: false });
    expect(lookUp(get(), [entry], at(200))).toMatchObject({ action: 'forward', fwd: 'stale', stored: entry });
  });

  it('validates a no-cache stored response before every reuse (§5.2.2.4)', () => {
    expect(lookUp(get(), [stored({ noCache: true })], at(1))).toMatchObject({ action: 'validate', fwd: 'stale' });
  });

  it('goes forward uncoalesced when the client asks for validation with no-cache (§5.2.1.4)', () => {
    expect(lookUp(get({ 'cache-control': 'no-cache' }), [stored()], at(1))).toMatchObject({
      action: 'validate',
      fwd: 'request',
      coalesce: false,
    });
    expect(lookUp(get({ 'cache-control': 'no-cache' }), undefined, at(1))).toMatchObject({ action: 'forward', coalesce: false });
  });

  it('forwards preconditions only the origin evaluates, without a stored response (RFC 9110 §13.1)', () => {
    for (const headers of [{ 'if-match': '"a"' }, { 'if-unmodified-since': new Date(T0).toUTCString() }]) {
      expect(lookUp(get(headers), [stored()], at(1))).toMatchObject({ action: 'forward', fwd: 'request', stored: undefined, coalesce: false });
    }
  });

  it('serves stale within max-stale (§5.2.1.2), without background revalidation', () => {
    expect(lookUp(get({ 'cache-control': 'max-stale=200' }), [stored()], at(150))).toMatchObject({
      action: 'serve-stale',
      reason: 'max-stale',
      revalidate: false,
    });
  });

  it('serves stale within stale-while-revalidate and asks for one background revalidation (RFC 5861 §3)', () => {
    expect(lookUp(get(), [stored({ staleWhileRevalidateSec: 60 })], at(130))).toMatchObject({
      action: 'serve-stale',
      reason: 'stale-while-revalidate',
      revalidate: true,
    });
  });

  it('answers only-if-cached with a miss decision when nothing can answer (§5.2.1.7)', () => {
    const onlyIfCached = get({ 'cache-control': 'only-if-cached' });
    expect(lookUp(onlyIfCached, undefined, at(0))).toMatchObject({ action: 'only-if-cached-miss' });
    expect(lookUp(onlyIfCached, [stored()], at(200))).toMatchObject({ action: 'only-if-cached-miss' });
    expect(lookUp(onlyIfCached, [stored()], at(10))).toMatchObject({ action: 'serve' });
  });

  it('forwards when the client refuses the stored response by max-age (§5.2.1.1) or min-fresh (§5.2.1.3)', () => {
    expect(lookUp(get({ 'cache-control': 'max-age=5' }), [stored()], at(10))).toMatchObject({ action: 'validate', fwd: 'request' });
    expect(lookUp(get({ 'cache-control': 'min-fresh=95' }), [stored()], at(10))).toMatchObject({ action: 'validate', fwd: 'request' });
  });

  it('never serves a must-revalidate response stale (§5.2.2.2)', () => {
    const entry = stored({ mustRevalidate: true, staleWhileRevalidateSec: 60 });
    expect(lookUp(get({ 'cache-control': 'max-stale' }), [entry], at(150))).toMatchObject({ action: 'validate', fwd: 'stale' });
  });

  it('honours Pragma: no-cache only without Cache-Control (§5.4)', () => {
    expect(lookUp(get({ pragma: 'no-cache' }), [stored()], at(1))).toMatchObject({ action: 'validate', fwd: 'request' });
    expect(lookUp(get({ pragma: 'no-cache', 'cache-control': 'max-age=60' }), [stored()], at(1))).toMatchObject({ action: 'serve' });
  });
});

describe('lookUp: a cacheable POST (a GraphQL query keyed on its body)', () => {
  const query = (headers: HeaderMap = {}) => ({ method: 'POST', headers, cacheablePost: true });

  it('serves a fresh stored response, and forwards a coalescable uri-miss when nothing is stored', () => {
    const entry = stored();
    expect(lookUp(query(), [entry], at(10))).toMatchObject({ action: 'serve', entry });
    expect(lookUp(query(), undefined, at(10))).toMatchObject({ action: 'forward', fwd: 'uri-miss', coalesce: true });
  });

  it('never validates a stale stored response, even with validators (RFC 9110 §13.1.1: a POST precondition answers 412)', () => {
    const entry = stored({ hasValidators: true });
    expect(lookUp(query(), [entry], at(200))).toMatchObject({ action: 'forward', fwd: 'stale', stored: entry });
    expect(isCacheableRequest(query())).toBe(true);
    expect(maySendConditional(query())).toBe(false);
  });

  it('forwards a query with any precondition to the origin, which evaluates it (RFC 9110 §13.1.1: 412, never 304)', () => {
    for (const field of ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since']) {
      expect(lookUp(query({ [field]: '"x"' }), [stored()], at(10))).toMatchObject({ action: 'forward', fwd: 'request', stored: undefined, coalesce: false });
    }
  });

  it('passes a POST without the flag, and never treats another method with the flag as cacheable', () => {
    expect(lookUp({ method: 'POST', headers: {} }, [stored()], at(10))).toMatchObject({ action: 'pass' });
    expect(lookUp({ method: 'PUT', headers: {}, cacheablePost: true }, [stored()], at(10))).toMatchObject({ action: 'pass' });
  });
});

describe('lookUp with a cache rule that bypasses the cache', () => {
  it('passes the request on without serving the fresh stored response (fwd=bypass)', () => {
    const decision = lookUp({ ...get(), bypass: true }, [stored()], at(1));
    expect(decision).toMatchObject({ action: 'pass', fwd: 'bypass' });
  });

  it('keeps `method` as the reason for methods the cache never answers', () => {
    expect(lookUp({ method: 'POST', headers: {}, bypass: true }, undefined, at(1))).toMatchObject({ action: 'pass', fwd: 'method' });
  });
});
