import type { History } from '@caching-proxy/shared';
import { barsPath, niceCeiling, stackSeries } from '../lib/chart';
import { formatCount, formatRate } from '../lib/format';
import { OUTCOME_LABELS, OUTCOMES, outcomeRates, outcomeTotals } from '../lib/history';
import { CHART_PLOT, ChartFrame } from './chart-frame';

/** Requests per second by outcome, stacked, over the history window. */
export function RateChart({ history }: { history: History }) {
  const rates = outcomeRates(history);
  const tops = stackSeries(OUTCOMES.map((outcome) => rates[outcome]));
  const max = niceCeiling(Math.max(0, ...(tops[tops.length - 1] ?? [])));
  const totals = outcomeTotals(history.points);
  const zeros = history.points.map(() => 0);
  const windowSeconds = history.points.length * history.interval_seconds;
  const summary = OUTCOMES.map((outcome) => `${formatCount(totals[outcome])} ${OUTCOME_LABELS[outcome].toLowerCase()}`).join(', ');

  return (
    <figure className="panel chart-panel">
      <figcaption>
        <h2>Requests per second</h2>
        <p className="chart-note">By outcome, in {history.interval_seconds}-second intervals</p>
      </figcaption>
      <ChartFrame
        label={`Requests per second by outcome over the last ${Math.round(windowSeconds / 60)} minutes: ${summary}`}
        max={max}
        yTicks={[0, max / 2, max]}
        formatY={formatRate}
        windowSeconds={windowSeconds}
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
      <ul className="legend" aria-label="Requests in the window">
        {OUTCOMES.map((outcome) => (
          <li key={outcome} data-outcome={outcome}>
            <span className={`swatch series-${outcome}`} aria-hidden="true" />
            {OUTCOME_LABELS[outcome]} <strong>{formatCount(totals[outcome])}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}
