import { describe, expect, it } from 'vitest';
import { isStoredResponse, matchedRuleName } from '../../src/lib/cache-status';

describe('isStoredResponse', () => {
  it('is true for a hit and for a stored response, judging by our own (last) member', () => {
    expect(isStoredResponse('caching-proxy; hit; ttl=53')).toBe(true);
    expect(isStoredResponse('caching-proxy; fwd=uri-miss; fwd-status=200; stored; ttl=60')).toBe(true);
    expect(isStoredResponse('upstream; hit, caching-proxy; fwd=stale; fwd-status=304; stored; ttl=60')).toBe(true);
  });

  it('is false for a response that was not stored, or without the field', () => {
    expect(isStoredResponse('caching-proxy; fwd=uri-miss; fwd-status=200; detail=no-store')).toBe(false);
    expect(isStoredResponse('upstream; hit, caching-proxy; fwd=method; fwd-status=200')).toBe(false);
    expect(isStoredResponse(null)).toBe(false);
  });
});

describe('matchedRuleName', () => {
  it('reads the rule parameter of our own (last) member, quoted or as a token', () => {
    expect(matchedRuleName('caching-proxy; hit; ttl=53; rule="search"')).toBe('search');
    expect(matchedRuleName('caching-proxy; fwd=uri-miss; rule=orders-writes; fwd-status=201')).toBe('orders-writes');
    expect(matchedRuleName('upstream; hit; rule="theirs", caching-proxy; fwd=uri-miss; rule="ours"')).toBe('ours');
  });

  it('is null when no rule applied, or without the field', () => {
    expect(matchedRuleName('upstream; hit; rule="theirs", caching-proxy; fwd=uri-miss')).toBeNull();
    expect(matchedRuleName('caching-proxy; hit; ttl=53')).toBeNull();
    expect(matchedRuleName('caching-proxy; hit; ruleset=x')).toBeNull();
    expect(matchedRuleName(null)).toBeNull();
  });
});
