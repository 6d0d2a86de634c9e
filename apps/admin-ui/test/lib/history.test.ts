import type { HistoryPoint, Stats } from '@caching-proxy/shared';
import { describe, expect, it } from 'vitest';
import { hitRatios, OUTCOMES, outcomeCounts, outcomeRates, outcomeTotals, rateTooltip, ratioTooltip } from '../../src/lib/history';

function point(counts: Partial<HistoryPoint>): HistoryPoint {
  return { t: 0, hit: 0, stale: 0, revalidated: 0, miss: 0, bypass: 0, error: 0, client_error: 0, upstream_error: 0, tunnel: 0, ...counts };
}

const points = [point({ hit: 10, miss: 5 }), point({}), point({ stale: 1, revalidated: 1, bypass: 4, error: 2, client_error: 2 })];

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
    expect(outcomeTotals(points)).toEqual({ hit: 10, revalidated: 1, stale: 1, miss: 5, bypass: 4, client_error: 2, upstream_error: 0 });
  });

  it('reads the legend counts from the same /stats answer as the cards, in card order', () => {
    const stats = { hits: 133, revalidated: 2, stale: 3, misses: 40, bypasses: 5, client_errors: 6, upstream_errors: 1 } as unknown as Stats;
    expect(Object.keys(outcomeCounts(stats))).toEqual([...OUTCOMES]);
    expect(outcomeCounts(stats)).toMatchObject({ hit: 133, miss: 40, client_error: 6, upstream_error: 1 });
  });

  it('describes each interval in a tooltip', () => {
    const p = point({ t: Date.UTC(2026, 0, 1, 12, 0, 10), hit: 3, miss: 1, client_error: 1 });
    expect(rateTooltip(p, 5)).toMatch(/^\d\d:\d\d:05–\d\d:\d\d:10: 3 hits, 1 miss, 1 client error$/);
    expect(ratioTooltip(p, 5)).toMatch(/: 75 % \(3 of 4 from the cache\)$/);
    expect(ratioTooltip(point({}), 5)).toMatch(/no cacheable requests$/);
  });
});
