import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/cache/cache-control.js';
import { currentAgeSec, determineFreshnessLifetime, remainingTtlSec } from '../../src/cache/freshness.js';

const DEFAULT_TTL_SEC = 300;
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function lifetime(
  cacheControl: string | undefined,
  overrideTtlSec?: number,
  headers: { expires?: string; date?: string } = {},
) {
  return determineFreshnessLifetime({
    responseDirectives: parseCacheControl(cacheControl),
    ...headers,
    nowMs: NOW,
    defaultTtlSec: DEFAULT_TTL_SEC,
    overrideTtlSec,
  });
}

describe('determineFreshnessLifetime (RFC 9111 §4.2.1)', () => {
  it('prefers an explicit ttl override over every response directive', () => {
    expect(lifetime('s-maxage=10, max-age=20', 5)).toEqual({ lifetimeSec: 5, source: 'override' });
  });

  it('keeps an override of zero, which means "do not store"', () => {
    expect(lifetime('max-age=600', 0)).toEqual({ lifetimeSec: 0, source: 'override' });
  });

  it('prefers s-maxage over max-age in a shared cache (§5.2.2.10)', () => {
    expect(lifetime('max-age=20, s-maxage=10')).toEqual({ lifetimeSec: 10, source: 's-maxage' });
    expect(lifetime('s-maxage=100, max-age=20')).toEqual({ lifetimeSec: 100, source: 's-maxage' });
  });

  it('uses max-age when there is no s-maxage (§5.2.2.1)', () => {
    expect(lifetime('public, max-age=20')).toEqual({ lifetimeSec: 20, source: 'max-age' });
  });

  it('uses max-age=0 as a zero lifetime rather than falling back to the default', () => {
    expect(lifetime('max-age=0')).toEqual({ lifetimeSec: 0, source: 'max-age' });
  });

  it('uses s-maxage=0 as a zero lifetime even when max-age is positive', () => {
    expect(lifetime('s-maxage=0, max-age=60')).toEqual({ lifetimeSec: 0, source: 's-maxage' });
  });

  it('falls back to the configured default without explicit freshness (§4.2.2)', () => {
    expect(lifetime(undefined)).toEqual({ lifetimeSec: DEFAULT_TTL_SEC, source: 'default' });
    expect(lifetime('public')).toEqual({ lifetimeSec: DEFAULT_TTL_SEC, source: 'default' });
  });

  it('caps huge lifetimes at 2^31 seconds (§1.2.2)', () => {
    expect(lifetime('max-age=99999999999')).toEqual({ lifetimeSec: 2 ** 31, source: 'max-age' });
  });

  it('treats an invalid max-age as stale instead of using the default (§4.2.1)', () => {
    expect(lifetime('max-age=abc')).toEqual({ lifetimeSec: 0, source: 'max-age' });
  });

  it('uses Expires minus Date when there is no max-age (§5.3)', () => {
    expect(
      lifetime(undefined, undefined, { date: 'Thu, 01 Jan 2026 12:00:00 GMT', expires: 'Thu, 01 Jan 2026 12:10:00 GMT' }),
    ).toEqual({ lifetimeSec: 600, source: 'expires' });
  });

  it('measures Expires from the time of receipt when Date is absent (§4.2.1)', () => {
    expect(lifetime(undefined, undefined, { expires: 'Thu, 01 Jan 2026 12:01:00 GMT' })).toEqual({
      lifetimeSec: 60,
      source: 'expires',
    });
  });

  it('lets max-age win over Expires (§5.3)', () => {
    expect(lifetime('max-age=5', undefined, { expires: 'Thu, 01 Jan 2026 13:00:00 GMT' })).toEqual({
      lifetimeSec: 5,
      source: 'max-age',
    });
  });

  it('treats an invalid or past Expires as already expired, never falling back to the default (§5.3)', () => {
    expect(lifetime(undefined, undefined, { expires: '0' })).toEqual({ lifetimeSec: 0, source: 'expires' });
    expect(lifetime(undefined, undefined, { expires: 'Thu, 01 Jan 2026 11:00:00 GMT' })).toEqual({
      lifetimeSec: 0,
      source: 'expires',
    });
  });

  it('uses the first max-age when the directive is repeated (§4.2.1)', () => {
    expect(lifetime('max-age=30, max-age=3000')).toEqual({ lifetimeSec: 30, source: 'max-age' });
  });
});

describe('currentAgeSec (RFC 9111 §4.2.3)', () => {
  const storedAt = Date.UTC(2026, 0, 1);

  it('is the initial age when no time has passed', () => {
    expect(currentAgeSec({ storedAt, initialAgeSec: 7 }, storedAt)).toBe(7);
  });

  it('adds whole seconds of resident time, rounding down', () => {
    expect(currentAgeSec({ storedAt, initialAgeSec: 0 }, storedAt + 999)).toBe(0);
    expect(currentAgeSec({ storedAt, initialAgeSec: 0 }, storedAt + 1_000)).toBe(1);
    expect(currentAgeSec({ storedAt, initialAgeSec: 10 }, storedAt + 61_500)).toBe(71);
  });

  it('never subtracts resident time when the clock is behind the stored time', () => {
    expect(currentAgeSec({ storedAt, initialAgeSec: 5 }, storedAt - 10_000)).toBe(5);
  });
});

describe('remainingTtlSec', () => {
  const staleAt = Date.UTC(2026, 0, 1, 0, 5);

  it('counts the seconds of freshness left, rounding up', () => {
    expect(remainingTtlSec({ staleAt }, staleAt - 300_000)).toBe(300);
    expect(remainingTtlSec({ staleAt }, staleAt - 1_500)).toBe(2);
    expect(remainingTtlSec({ staleAt }, staleAt - 1)).toBe(1);
  });

  it('is zero once the entry is stale, never negative', () => {
    expect(remainingTtlSec({ staleAt }, staleAt)).toBe(0);
    expect(remainingTtlSec({ staleAt }, staleAt + 60_000)).toBe(0);
  });
});
