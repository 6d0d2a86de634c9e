import { describe, expect, it } from 'vitest';
import { NO_REQUEST_DIRECTIVES, parseRequestDirectives } from '../../src/cache/request-directives.js';

describe('parseRequestDirectives (RFC 9111 §5.2.1)', () => {
  it('finds no directives in a request without Cache-Control or Pragma', () => {
    expect(parseRequestDirectives({})).toEqual(NO_REQUEST_DIRECTIVES);
    expect(parseRequestDirectives({ accept: 'text/html' })).toEqual({ noCache: false, noStore: false, onlyIfCached: false });
  });

  it('leaves every optional directive undefined when absent', () => {
    const directives = parseRequestDirectives({ 'cache-control': 'no-transform' });
    expect(directives).toEqual({ noCache: false, noStore: false, onlyIfCached: false });
    expect(directives.maxAgeSec).toBeUndefined();
    expect(directives.maxStaleSec).toBeUndefined();
    expect(directives.minFreshSec).toBeUndefined();
    expect(directives.staleIfErrorSec).toBeUndefined();
  });

  describe('no-cache (§5.2.1.4)', () => {
    it('reads Cache-Control: no-cache as a demand for validation', () => {
      expect(parseRequestDirectives({ 'cache-control': 'no-cache' })).toMatchObject({ noCache: true, noStore: false });
    });

    it('reads directives case-insensitively and among others (RFC 9111 §5.2)', () => {
      expect(parseRequestDirectives({ 'cache-control': 'max-stale=10, No-Cache' }).noCache).toBe(true);
    });

    it('reads directives from several Cache-Control lines (RFC 9110 §5.3)', () => {
      expect(parseRequestDirectives({ 'cache-control': ['max-stale=10', 'no-cache'] })).toMatchObject({
        noCache: true,
        maxStaleSec: 10,
      });
    });
  });

  describe('Pragma (§5.4)', () => {
    it('honours Pragma: no-cache as no-cache when there is no Cache-Control', () => {
      expect(parseRequestDirectives({ pragma: 'no-cache' }).noCache).toBe(true);
      expect(parseRequestDirectives({ pragma: 'No-Cache' }).noCache).toBe(true);
      expect(parseRequestDirectives({ pragma: 'x-ext, no-cache' }).noCache).toBe(true);
      expect(parseRequestDirectives({ pragma: ['x-ext', 'no-cache'] }).noCache).toBe(true);
    });

    it('ignores Pragma when Cache-Control is present', () => {
      expect(parseRequestDirectives({ 'cache-control': 'max-stale=60', pragma: 'no-cache' }).noCache).toBe(false);
    });

    it('ignores Pragma values other than no-cache', () => {
      expect(parseRequestDirectives({ pragma: 'x-no-cache-please' }).noCache).toBe(false);
      expect(parseRequestDirectives({ pragma: 'no-cacheable' }).noCache).toBe(false);
    });

    it('derives nothing but no-cache from Pragma', () => {
      expect(parseRequestDirectives({ pragma: 'no-cache' })).toEqual({ ...NO_REQUEST_DIRECTIVES, noCache: true });
    });
  });

  describe('no-store (§5.2.1.5)', () => {
    it('reads no-store, which forbids storing but not validation-free reuse', () => {
      expect(parseRequestDirectives({ 'cache-control': 'no-store' })).toMatchObject({ noStore: true, noCache: false });
      expect(parseRequestDirectives({ 'cache-control': ['max-age=0', 'NO-STORE'] }).noStore).toBe(true);
    });

    it('does not read no-cache as no-store', () => {
      expect(parseRequestDirectives({ 'cache-control': 'no-cache' }).noStore).toBe(false);
      expect(parseRequestDirectives({ pragma: 'no-cache' }).noStore).toBe(false);
    });
  });

  describe('max-age (§5.2.1.1)', () => {
    it('reads the largest acceptable age in seconds', () => {
      expect(parseRequestDirectives({ 'cache-control': 'max-age=60' }).maxAgeSec).toBe(60);
      expect(parseRequestDirectives({ 'cache-control': 'max-age=0' }).maxAgeSec).toBe(0);
    });

    it.each(['max-age=abc', 'max-age=-1', 'max-age'])(
      'reads the invalid "%s" as 0, the most restrictive value (RFC 9111 §4.2.1)',
      (cacheControl) => {
        expect(parseRequestDirectives({ 'cache-control': cacheControl }).maxAgeSec).toBe(0);
      },
    );

    it('caps a huge max-age at 2^31 seconds (RFC 9111 §1.2.2)', () => {
      expect(parseRequestDirectives({ 'cache-control': 'max-age=99999999999' }).maxAgeSec).toBe(2 ** 31);
    });
  });

  describe('max-stale (§5.2.1.2)', () => {
    it('reads the accepted staleness in seconds', () => {
      expect(parseRequestDirectives({ 'cache-control': 'max-stale=30' }).maxStaleSec).toBe(30);
      expect(parseRequestDirectives({ 'cache-control': 'max-stale=0' }).maxStaleSec).toBe(0);
    });

    it('reads max-stale without a value as accepting any staleness (Infinity)', () => {
      expect(parseRequestDirectives({ 'cache-control': 'max-stale' }).maxStaleSec).toBe(Infinity);
      expect(parseRequestDirectives({ 'cache-control': 'no-transform, MAX-STALE' }).maxStaleSec).toBe(Infinity);
    });
  });

  describe('min-fresh (§5.2.1.3)', () => {
    it('reads the freshness the client wants left, in seconds', () => {
      expect(parseRequestDirectives({ 'cache-control': 'min-fresh=20' }).minFreshSec).toBe(20);
    });

    it('ignores an invalid min-fresh', () => {
      expect(parseRequestDirectives({ 'cache-control': 'min-fresh=soon' }).minFreshSec).toBeUndefined();
    });
  });

  describe('only-if-cached (§5.2.1.7)', () => {
    it('reads only-if-cached', () => {
      expect(parseRequestDirectives({ 'cache-control': 'only-if-cached' }).onlyIfCached).toBe(true);
      expect(parseRequestDirectives({ 'cache-control': 'max-stale, Only-If-Cached' }).onlyIfCached).toBe(true);
    });

    it('does not read only-if-cached from Pragma', () => {
      expect(parseRequestDirectives({ pragma: 'only-if-cached' }).onlyIfCached).toBe(false);
    });
  });

  describe('stale-if-error (RFC 5861 §4)', () => {
    it('reads the staleness accepted on an origin error, in seconds', () => {
      expect(parseRequestDirectives({ 'cache-control': 'stale-if-error=120' }).staleIfErrorSec).toBe(120);
    });

    it('ignores an invalid stale-if-error', () => {
      expect(parseRequestDirectives({ 'cache-control': 'stale-if-error' }).staleIfErrorSec).toBeUndefined();
      expect(parseRequestDirectives({ 'cache-control': 'stale-if-error=x' }).staleIfErrorSec).toBeUndefined();
    });
  });

  it('reads every directive of one request together', () => {
    expect(
      parseRequestDirectives({
        'cache-control': 'no-store, max-age=100, max-stale=5, min-fresh=3, only-if-cached, stale-if-error=60',
      }),
    ).toEqual({
      noCache: false,
      noStore: true,
      maxAgeSec: 100,
      maxStaleSec: 5,
      minFreshSec: 3,
      onlyIfCached: true,
      staleIfErrorSec: 60,
    });
  });
});
