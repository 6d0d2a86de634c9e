/** The plotting area of a chart, in SVG user units (axes and labels are drawn around it). */
export interface Plot {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

const NICE_STEPS = [1, 2, 2.5, 5, 10] as const;

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`: a y-axis maximum with readable ticks. 1 when there is no data. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = NICE_STEPS.find((s) => s * magnitude >= value * (1 - 1e-9)) ?? 10;
  return Number((step * magnitude).toPrecision(12));
}

/** Each point is an interval: a band of equal width, the oldest at the left, the newest at the right. */
export function bandWidth(count: number, plot: Plot): number {
  return count === 0 ? plot.width : plot.width / count;
}

/** The centre of a point's band. */
export function xAt(index: number, count: number, plot: Plot): number {
  return (index + 0.5) * bandWidth(count, plot);
}

/** Values above `max` are clipped to the top edge. */
export function yAt(value: number, max: number, plot: Plot): number {
  return plot.height - (Math.min(Math.max(value, 0), max) / max) * plot.height;
}

/** Running totals of stacked series: `result[k][i]` is the top of series k at point i. */
export function stackSeries(series: readonly (readonly number[])[]): number[][] {
  const tops: number[][] = [];
  series.forEach((values, k) => {
    const below = tops[k - 1];
    tops.push(values.map((value, i) => value + (below?.[i] ?? 0)));
  });
  return tops;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function coordinates({ x, y }: Point): string {
  return `${round(x)} ${round(y)}`;
}

/**
 * One stacked layer as bars, from `lower` to `upper` at each point, in one SVG path (a rectangle
 * per point; none where the layer is empty). Bars leave a 1-unit gap when they are wide enough.
 */
export function barsPath(lower: readonly number[], upper: readonly number[], max: number, plot: Plot): string {
  const band = bandWidth(upper.length, plot);
  const gap = band >= 4 ? 1 : 0;
  return upper
    .map((top, i) => {
      const bottom = lower[i] ?? 0;
      if (top <= bottom) return '';
      const y = yAt(top, max, plot);
      return `M${coordinates({ x: i * band + gap / 2, y })}h${round(band - gap)}V${round(yAt(bottom, max, plot))}h${round(gap - band)}Z`;
    })
    .join('');
}

/**
 * The points of a line through every known value, across the points without data: under light
 * traffic most intervals have no lookup, and a line broken at each of them would be scattered dots.
 */
export function knownPoints(values: readonly (number | null)[], max: number, plot: Plot): Point[] {
  return values.flatMap((value, i) => (value === null ? [] : [{ x: xAt(i, values.length, plot), y: yAt(value, max, plot) }]));
}

/** SVG path data of a polyline. */
export function linePath(points: readonly Point[]): string {
  return points.length === 0 ? '' : `M${points.map(coordinates).join('L')}`;
}
