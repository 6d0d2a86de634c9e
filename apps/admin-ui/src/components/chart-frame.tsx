import type { ReactNode } from 'react';
import type { Plot } from '../lib/chart';
import { bandWidth, yAt } from '../lib/chart';

/** Chart size in SVG units; the SVG scales to its container. */
export const CHART_PLOT: Plot = { width: 560, height: 160 };
const MARGIN = { top: 10, right: 12, bottom: 24, left: 64 };

interface ChartFrameProps {
  label: string;
  max: number;
  yTicks: readonly number[];
  formatY: (value: number) => string;
  /** Span of the x axis, in seconds before now. */
  windowSeconds: number;
  /** One tooltip per interval, oldest first: shown on hover over the interval's band. */
  tooltips: readonly string[];
  children: ReactNode;
}

function timeLabels(windowSeconds: number): { at: number; text: string }[] {
  const minutes = Math.round(windowSeconds / 60);
  const step = minutes >= 10 ? 5 : 1;
  const labels = [];
  for (let ago = minutes; ago > 0; ago -= step) labels.push({ at: 1 - ago / minutes, text: `−${ago} min` });
  labels.push({ at: 1, text: 'now' });
  return labels;
}

/** Axes, grid lines and labels around a plotting area; `children` draw in plot coordinates. */
export function ChartFrame({ label, max, yTicks, formatY, windowSeconds, tooltips, children }: ChartFrameProps) {
  const band = bandWidth(tooltips.length, CHART_PLOT);
  const width = MARGIN.left + CHART_PLOT.width + MARGIN.right;
  const height = MARGIN.top + CHART_PLOT.height + MARGIN.bottom;
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <g transform={`translate(${MARGIN.left} ${MARGIN.top})`}>
        {yTicks.map((tick) => {
          const y = yAt(tick, max, CHART_PLOT);
          return (
            <g key={tick} className="tick">
              <line x1={0} x2={CHART_PLOT.width} y1={y} y2={y} />
              <text x={-8} y={y} dy="0.32em" textAnchor="end">
                {formatY(tick)}
              </text>
            </g>
          );
        })}
        {children}
        <g className="hover-bands">
          {tooltips.map((tooltip, i) => (
            <rect key={i} x={i * band} y={0} width={band} height={CHART_PLOT.height}>
              <title>{tooltip}</title>
            </rect>
          ))}
        </g>
        {timeLabels(windowSeconds).map(({ at, text }) => (
          <text
            key={text}
            className="tick"
            x={at * CHART_PLOT.width}
            y={CHART_PLOT.height + 18}
            textAnchor={at === 0 ? 'start' : at === 1 ? 'end' : 'middle'}
          >
            {text}
          </text>
        ))}
      </g>
    </svg>
  );
}
