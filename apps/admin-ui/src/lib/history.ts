import type { History, HistoryPoint, Stats } from '@caching-proxy/shared';
import { formatPercent } from './format';

/**
 * The outcomes of a request, in one order everywhere: the stat cards, the chart legend and the
 * rate chart's stack (cache answers at the bottom, errors at the top).
 */
export const OUTCOMES = ['hit', 'revalidated', 'stale', 'miss', 'bypass', 'client_error', 'upstream_error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, { one: string; many: string; hint?: string }> = {
  hit: { one: 'hit', many: 'Hits' },
  revalidated: { one: 'revalidated', many: 'Revalidated' },
  stale: { one: 'stale', many: 'Stale' },
  miss: { one: 'miss', many: 'Misses' },
  bypass: { one: 'bypass', many: 'Bypasses' },
  client_error: { one: 'client error', many: 'Client errors', hint: "the client's own bad requests (4xx)" },
  upstream_error: { one: 'upstream error', many: 'Upstream errors', hint: 'origin and upstream failures (5xx)' },
};

/** The outcome counters of `/stats` (and of each replica in it). */
export type OutcomeCounters = Pick<Stats, 'hits' | 'revalidated' | 'stale' | 'misses' | 'bypasses' | 'client_errors' | 'upstream_errors'>;

/** Where each outcome's count since the start is in `/stats`. */
const STATS_FIELD: Record<Outcome, keyof OutcomeCounters> = {
  hit: 'hits',
  revalidated: 'revalidated',
  stale: 'stale',
  miss: 'misses',
  bypass: 'bypasses',
  client_error: 'client_errors',
  upstream_error: 'upstream_errors',
};

/** The outcome counters of one `/stats` answer: the cards and the legend read the same numbers. */
export function outcomeCounts(stats: OutcomeCounters): Record<Outcome, number> {
  const counts = {} as Record<Outcome, number>;
  for (const outcome of OUTCOMES) counts[outcome] = stats[STATS_FIELD[outcome]];
  return counts;
}

/** Requests per second of each outcome, per interval. */
export function outcomeRates(history: History): Record<Outcome, number[]> {
  const rates = {} as Record<Outcome, number[]>;
  for (const outcome of OUTCOMES) {
    rates[outcome] = history.points.map((point) => point[outcome] / history.interval_seconds);
  }
  return rates;
}

function lookups(p: HistoryPoint): number {
  return p.hit + p.stale + p.revalidated + p.miss;
}

/**
 * Hit ratio of each interval in percent, as the proxy's `hit_rate`: (hit + stale) / (hit + stale +
 * revalidated + miss); null for an interval without cacheable requests.
 */
export function hitRatios(points: readonly HistoryPoint[]): (number | null)[] {
  return points.map((p) => (lookups(p) === 0 ? null : ((p.hit + p.stale) / lookups(p)) * 100));
}

/** Requests of each outcome over the whole window. */
export function outcomeTotals(points: readonly HistoryPoint[]): Record<Outcome, number> {
  const totals = {} as Record<Outcome, number>;
  for (const outcome of OUTCOMES) totals[outcome] = points.reduce((sum, point) => sum + point[outcome], 0);
  return totals;
}

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** `12:03:05–12:03:10`: the interval a point closes. */
export function intervalLabel(point: HistoryPoint, intervalSeconds: number): string {
  return `${clockTime(point.t - intervalSeconds * 1000)}–${clockTime(point.t)}`;
}

/** Tooltip of one interval of the rate chart: its time and every outcome it had, in legend order. */
export function rateTooltip(point: HistoryPoint, intervalSeconds: number): string {
  const counts = OUTCOMES.filter((o) => point[o] > 0).map((o) => `${point[o]} ${point[o] === 1 ? OUTCOME_LABELS[o].one : OUTCOME_LABELS[o].many.toLowerCase()}`);
  return `${intervalLabel(point, intervalSeconds)}: ${counts.length === 0 ? 'no requests' : counts.join(', ')}`;
}

/** Tooltip of one interval of the hit-ratio chart. */
export function ratioTooltip(point: HistoryPoint, intervalSeconds: number): string {
  const total = lookups(point);
  if (total === 0) return `${intervalLabel(point, intervalSeconds)}: no cacheable requests`;
  const served = point.hit + point.stale;
  return `${intervalLabel(point, intervalSeconds)}: ${formatPercent((served / total) * 100)} (${served} of ${total} from the cache)`;
}
