import type { Clock } from '../clock.js';
import { OUTCOME_COUNTER, type Outcome, type StatsCounters } from './stats.js';

export interface HistoryPoint {
  /** End of the interval (ms since the epoch). */
  t: number;
  hit: number;
  stale: number;
  revalidated: number;
  miss: number;
  bypass: number;
  error: number;
  tunnel: number;
}

const OUTCOMES = OUTCOME_COUNTER;

/**
 * The last 15 minutes of request outcomes, in fixed intervals, kept in memory so the dashboard's
 * charts are complete on first load. `sample()` is called on a timer (and by tests directly):
 * each call closes one interval with the counter increase since the previous call.
 */
export class OutcomeHistory {
  readonly intervalSec: number;
  private readonly capacity: number;
  private readonly points: HistoryPoint[] = [];
  private last: Record<Outcome, number>;

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
    for (let i = this.capacity; i > 0; i--) {
      this.points.push({ t: now - i * this.intervalSec * 1000, hit: 0, stale: 0, revalidated: 0, miss: 0, bypass: 0, error: 0, tunnel: 0 });
    }
  }

  private read(): Record<Outcome, number> {
    const values = {} as Record<Outcome, number>;
    for (const outcome of Object.keys(OUTCOMES) as Outcome[]) values[outcome] = this.counters[OUTCOMES[outcome]];
    return values;
  }

  sample(): void {
    const current = this.read();
    const point: HistoryPoint = { t: this.clock(), hit: 0, stale: 0, revalidated: 0, miss: 0, bypass: 0, error: 0, tunnel: 0 };
    for (const outcome of Object.keys(OUTCOMES) as Outcome[]) {
      point[outcome] = Math.max(0, current[outcome] - this.last[outcome]);
    }
    this.last = current;
    this.points.push(point);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }

  snapshot(): { intervalSec: number; points: readonly HistoryPoint[] } {
    return { intervalSec: this.intervalSec, points: [...this.points] };
  }
}
