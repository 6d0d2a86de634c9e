import type { HistoryPoint } from '@caching-proxy/shared';
import { describe, expect, it } from 'vitest';
import { hitRatios, outcomeRates, outcomeTotals } from '../../src/lib/history';

function point(counts: Partial<HistoryPoint>): HistoryPoint {
  return { t: 0, hit: 0, stale: 0, revalidated: 0, miss: 0, bypass: 0, error: 0, tunnel: 0, ...counts };
}

const points = [point({ hit: 10, miss: 5 }), point({}), point({ stale: 1, revalidated: 1, bypass: 4, error: 2 })];

describe('history series', () => {
  it('turns interval counts into requests per second', () => {
    const rates = outcomeRates({ interval_seconds: 5, points });
    expect(rates.hit).toEqual([2, 0, 0]);
    expect(rates.miss).toEqual([1, 0, 0]);
    expect(rates.bypass).toEqual([0, 0, 0.8]);
  });

  it('computes the hit ratio like the proxy: hits and stale over cacheable lookups', () => {
    // Bypasses and errors are not lookups; an interval without lookups has no ratio.
    expect(hitRatios(points)).toEqual([(10 / 15) * 100, null, 50]);
  });

  it('adds up each outcome over the window', () => {
    expect(outcomeTotals(points)).toEqual({ hit: 10, revalidated: 1, stale: 1, miss: 5, bypass: 4, error: 2 });
  });
});
