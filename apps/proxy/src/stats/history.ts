import type { Clock } from '../clock.js';
import type { StatsCounters } from './stats.js';

/** Requests answered in one interval, by outcome; errors split by who caused them. */
export interface HistoryPoint {
  /** End of the interval (ms since the epoch). */
  t: number;
  hit: number;
  stale: number;
  revalidated: number;
  miss: number;
  bypass: number;
  /** Every error answer: `client_error + upstream_error`. */
  error: number;
  /** The client's own bad requests (4xx). */
  client_error: number;
  /** Origin and upstream failures (5xx, cut responses). */
  upstream_error: number;
  /** WebSocket upgrades tunnelled. */
  tunnel: number;
}

type Series = Exclude<keyof HistoryPoint, 't'>;

/** Where each series of a point is read from the counters. */
const SERIES: Readonly<Record<Series, (c: Readonly<StatsCounters>) => number>> = {
  hit: (c) => c.hits,
  stale: (c) => c.stale,
  revalidated: (c) => c.revalidated,
  miss: (c) => c.misses,
  bypass: (c) => c.bypasses,
  error: (c) => c.errors,
  client_error: (c) => c.clientErrors,
  upstream_error: (c) => c.errors - c.clientErrors,
  tunnel: (c) => c.tunnels,
};
const SERIES_NAMES = Object.keys(SERIES) as Series[];

function emptyPoint(t: number): HistoryPoint {
  return { t, hit: 0, stale: 0, revalidated: 0, miss: 0, bypass: 0, error: 0, client_error: 0, upstream_error: 0, tunnel: 0 };
}

/**
 * The last 15 minutes of request outcomes, in fixed intervals, kept in memory so the dashboard's
 * charts are complete on first load. `sample()` is called on a timer (and by tests directly):
 * each call closes one interval with the counter increase since the previous call.
 */
export class OutcomeHistory {
  readonly intervalSec: number;
  private readonly capacity: number;
  private readonly points: HistoryPoint[] = [];
  private last: Record<Series, number>;

  constructor(
    private readonly counters: Readonly<StatsCounters>,
    private readonly clock: Clock,
    options: { intervalSec?: number; windowSec?: number } = {},
  ) {
    this.intervalSec = options.intervalSec ?? 5;
    this.capacity = Math.ceil((options.windowSec ?? 900) / this.intervalSec);
    this.last = this.read();
    // Before the process started nothing happened: the window starts full of zero intervals.
    const now = clock();
    for (let i = this.capacity; i > 0; i--) this.points.push(emptyPoint(now - i * this.intervalSec * 1000));
  }

  private read(): Record<Series, number> {
    const values = {} as Record<Series, number>;
    for (const name of SERIES_NAMES) values[name] = SERIES[name](this.counters);
    return values;
  }

  sample(): void {
    const current = this.read();
    const point = emptyPoint(this.clock());
    for (const name of SERIES_NAMES) point[name] = Math.max(0, current[name] - this.last[name]);
    this.last = current;
    this.points.push(point);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }

  snapshot(): { intervalSec: number; points: readonly HistoryPoint[] } {
    return { intervalSec: this.intervalSec, points: [...this.points] };
  }
}
