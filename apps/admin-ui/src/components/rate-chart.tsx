import type { History } from '@caching-proxy/shared';
import { barsPath, niceCeiling, stackSeries } from '../lib/chart';
import { formatCount, formatRate } from '../lib/format';
import { OUTCOME_LABELS, OUTCOMES, outcomeRates, rateTooltip, type Outcome } from '../lib/history';
import { CHART_PLOT, ChartFrame } from './chart-frame';

/**
 * Requests per second by outcome, stacked, over the history window. The legend shows the counts
 * of the stat cards (`counts`, from the same `/stats` answer), in the cards' order.
 */
export function RateChart({ history, counts }: { history: History; counts: Record<Outcome, number> | undefined }) {
  const rates = outcomeRates(history);
  const tops = stackSeries(OUTCOMES.map((outcome) => rates[outcome]));
  const max = niceCeiling(Math.max(0, ...(tops[tops.length - 1] ?? [])));
  const zeros = history.points.map(() => 0);
  const windowSeconds = history.points.length * history.interval_seconds;

  return (
    <figure className="panel chart-panel">
      <figcaption>
        <h2>Requests per second</h2>
        <p className="chart-note">
          By outcome, in {history.interval_seconds}-second intervals (this replica); the legend counts since the start, as the
          cards above
        </p>
      </figcaption>
      <ChartFrame
        label={`Requests per second by outcome over the last ${Math.round(windowSeconds / 60)} minutes`}
        max={max}
        yTicks={[0, max / 2, max]}
        formatY={formatRate}
        windowSeconds={windowSeconds}
        tooltips={history.points.map((point) => rateTooltip(point, history.interval_seconds))}
      >
        {OUTCOMES.map((outcome, k) => (
          <path
            key={outcome}
            className={`bars series-${outcome}`}
            data-outcome={outcome}
            d={barsPath(tops[k - 1] ?? zeros, tops[k] ?? zeros, max, CHART_PLOT)}
          />
        ))}
      </ChartFrame>
      <ul className="legend" aria-label="Outcomes since the start">
        {OUTCOMES.map((outcome) => (
          <li key={outcome} data-outcome={outcome}>
            <span className={`swatch series-${outcome}`} aria-hidden="true" />
            {OUTCOME_LABELS[outcome].many} {counts && <strong>{formatCount(counts[outcome])}</strong>}
          </li>
        ))}
      </ul>
    </figure>
  );
}
