import type { History, HistoryPoint } from '@caching-proxy/shared';

/** The outcomes of a request, in the order the rate chart stacks them (cache answers at the bottom). */
export const OUTCOMES = ['hit', 'revalidated', 'stale', 'miss', 'bypass', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  hit: 'Hit',
  revalidated: 'Revalidated',
  stale: 'Stale',
  miss: 'Miss',
  bypass: 'Bypass',
  error: 'Error',
};

/** Requests per second of each outcome, per interval. */
export function outcomeRates(history: History): Record<Outcome, number[]> {
  const rates = {} as Record<Outcome, number[]>;
  for (const outcome of OUTCOMES) {
    rates[outcome] = history.points.map((point) => point[outcome] / history.interval_seconds);
  }
  return rates;
}

/**
 * Hit ratio of each interval in percent, as the proxy's `hit_rate`: (hit + stale) / (hit + stale +
 * revalidated + miss); null for an interval without cacheable requests.
 */
export function hitRatios(points: readonly HistoryPoint[]): (number | null)[] {
  return points.map((p) => {
    const lookups = p.hit + p.stale + p.revalidated + p.miss;
    return lookups === 0 ? null : ((p.hit + p.stale) / lookups) * 100;
  });
}

/** Requests of each outcome over the whole window. */
export function outcomeTotals(points: readonly HistoryPoint[]): Record<Outcome, number> {
  const totals = {} as Record<Outcome, number>;
  for (const outcome of OUTCOMES) totals[outcome] = points.reduce((sum, point) => sum + point[outcome], 0);
  return totals;
}
