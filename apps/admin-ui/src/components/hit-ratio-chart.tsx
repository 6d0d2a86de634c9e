import type { History } from '@caching-proxy/shared';
import { linePath, lineSegments } from '../lib/chart';
import { formatPercent } from '../lib/format';
import { hitRatios } from '../lib/history';
import { CHART_PLOT, ChartFrame } from './chart-frame';

/** Hit ratio per interval; gaps where an interval had no cacheable request. */
export function HitRatioChart({ history }: { history: History }) {
  const ratios = hitRatios(history.points);
  const segments = lineSegments(ratios, 100, CHART_PLOT);
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
      >
        {segments.map((points) =>
          points.length === 1 ? (
            <circle key={`${points[0]?.x}`} className="ratio-dot" cx={points[0]?.x} cy={points[0]?.y} r={3} />
          ) : (
            <path key={`${points[0]?.x}`} className="ratio-line" d={linePath(points)} />
          ),
        )}
      </ChartFrame>
    </figure>
  );
}
