import { describe, expect, it } from 'vitest';
import { appendCacheStatus, CACHE_NAME, formatCacheStatus } from '../../src/cache/cache-status.js';

describe('formatCacheStatus (RFC 9211 §2)', () => {
  it('identifies this cache as caching-proxy', () => {
    expect(CACHE_NAME).toBe('caching-proxy');
  });

  it('is the bare cache name when no parameter applies', () => {
    expect(formatCacheStatus({})).toBe('caching-proxy');
  });

  it('reports a hit with the remaining ttl (§2.1, §2.5)', () => {
    expect(formatCacheStatus({ hit: true, ttlSec: 42 })).toBe('caching-proxy; hit; ttl=42');
  });

  it('reports a forwarded response with its reason, upstream status and storage (§2.2-§2.4)', () => {
    expect(formatCacheStatus({ fwd: 'uri-miss', fwdStatus: 200, stored: true, ttlSec: 300 })).toBe(
      'caching-proxy; fwd=uri-miss; fwd-status=200; stored; ttl=300',
    );
  });

  it('omits hit and stored when they are false', () => {
    expect(formatCacheStatus({ hit: false, fwd: 'bypass', stored: false })).toBe('caching-proxy; fwd=bypass');
  });

  it('keeps a ttl or fwd-status of zero', () => {
    expect(formatCacheStatus({ fwd: 'miss', fwdStatus: 0, ttlSec: 0 })).toBe('caching-proxy; fwd=miss; fwd-status=0; ttl=0');
  });

  it.each(['bypass', 'method', 'uri-miss', 'vary-miss', 'miss', 'request', 'stale'] as const)(
    'writes fwd=%s as a token',
    (fwd) => {
      expect(formatCacheStatus({ fwd })).toBe(`caching-proxy; fwd=${fwd}`);
    },
  );

  it('writes a token detail as is (§2.8)', () => {
    expect(formatCacheStatus({ fwd: 'miss', detail: 'too-large' })).toBe('caching-proxy; fwd=miss; detail=too-large');
  });

  it('serialises a detail that is not a token as a quoted sf-string (§2.8, RFC 8941 §4.1.6)', () => {
    expect(formatCacheStatus({ fwd: 'miss', detail: 'object too large' })).toBe(
      'caching-proxy; fwd=miss; detail="object too large"',
    );
  });
});

describe('appendCacheStatus (RFC 9211 §2: the member closest to the origin comes first)', () => {
  it('is our member alone when the origin sent no Cache-Status', () => {
    expect(appendCacheStatus(undefined, 'caching-proxy; hit')).toBe('caching-proxy; hit');
  });

  it('ignores an empty or blank upstream value', () => {
    expect(appendCacheStatus('', 'caching-proxy; hit')).toBe('caching-proxy; hit');
    expect(appendCacheStatus('   ', 'caching-proxy; hit')).toBe('caching-proxy; hit');
  });

  it('appends our member after the upstream list', () => {
    expect(appendCacheStatus('OriginCache; hit, CDN; fwd=miss', 'caching-proxy; fwd=miss; stored')).toBe(
      'OriginCache; hit, CDN; fwd=miss, caching-proxy; fwd=miss; stored',
    );
  });
});

describe('formatCacheStatus: the matched cache rule', () => {
  it('names it in the `rule` extension parameter, an RFC 8941 string', () => {
    expect(formatCacheStatus({ hit: true, ttlSec: 5, rule: 'search' })).toBe(`${CACHE_NAME}; hit; ttl=5; rule="search"`);
    expect(formatCacheStatus({ fwd: 'bypass', rule: 'a.b-c_d' })).toBe(`${CACHE_NAME}; fwd=bypass; rule="a.b-c_d"`);
  });
});
