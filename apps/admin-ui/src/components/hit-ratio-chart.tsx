import type { History } from '@caching-proxy/shared';
import { knownPoints, linePath } from '../lib/chart';
import { formatPercent } from '../lib/format';
import { hitRatios, ratioTooltip } from '../lib/history';
import { CHART_PLOT, ChartFrame } from './chart-frame';

/** Hit ratio per interval: one line through the intervals that had cacheable requests, a dot on each. */
export function HitRatioChart({ history }: { history: History }) {
  const ratios = hitRatios(history.points);
  const points = knownPoints(ratios, 100, CHART_PLOT);
  const latest = ratios.findLast((ratio): ratio is number => ratio !== null);
  const latestText = latest === undefined ? 'none yet' : formatPercent(latest);
  const windowSeconds = history.points.length * history.interval_seconds;

  return (
    <figure className="panel chart-panel">
      <figcaption>
        <h2>Hit ratio</h2>
        <p className="chart-note">
          Latest interval with traffic: <strong>{latestText}</strong>
        </p>
      </figcaption>
      <ChartFrame
        label={`Hit ratio per interval over the last ${Math.round(windowSeconds / 60)} minutes; latest: ${latestText}`}
        max={100}
        yTicks={[0, 50, 100]}
        formatY={formatPercent}
        windowSeconds={windowSeconds}
        tooltips={history.points.map((point) => ratioTooltip(point, history.interval_seconds))}
      >
        {points.length > 1 && <path className="ratio-line" d={linePath(points)} />}
        {points.map((point) => (
          <circle key={point.x} className="ratio-dot" cx={point.x} cy={point.y} r={2} />
        ))}
      </ChartFrame>
    </figure>
  );
}
