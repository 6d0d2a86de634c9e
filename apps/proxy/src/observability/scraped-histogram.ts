import type { Registry } from 'prom-client';

export interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a metric at scrape time. */
export interface ScrapedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' }>;
}

/** Registers a metric object that provides what the registry reads (name, type, get()). */
export function registerScraped(registry: Registry, metric: ScrapedMetric): void {
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
}

/**
 * A Prometheus histogram with one label, kept as plain numbers and turned into samples
 * (`_bucket` with `le`, `_sum`, `_count`) only when scraped: an observation is a map lookup, an
 * increment and a bucket search, without the label hashing prom-client's own metrics do on every
 * update. Values in the unit the name says (seconds).
 */
export class ScrapedHistogram {
  private readonly series = new Map<string, { buckets: Float64Array; sum: number; count: number }>();

  constructor(
    registry: Registry,
    options: { name: string; help: string; labelName: string; bucketBounds: readonly number[] },
  ) {
    const { name, help, labelName, bucketBounds } = options;
    this.bucketBounds = bucketBounds;
    const series = this.series;
    registerScraped(registry, {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: () => {
        const values: MetricValue[] = [];
        for (const [label, h] of series) {
          let cumulative = 0;
          bucketBounds.forEach((le, i) => {
            cumulative += h.buckets[i]!;
            values.push({ labels: { le, [labelName]: label }, value: cumulative, metricName: `${name}_bucket` });
          });
          values.push({ labels: { le: '+Inf', [labelName]: label }, value: h.count, metricName: `${name}_bucket` });
          values.push({ labels: { [labelName]: label }, value: h.sum, metricName: `${name}_sum` });
          values.push({ labels: { [labelName]: label }, value: h.count, metricName: `${name}_count` });
        }
        return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values });
      },
    });
  }

  private readonly bucketBounds: readonly number[];

  /** One observation of `value` for the label value `label`. */
  observe(label: string, value: number): void {
    let histogram = this.series.get(label);
    if (histogram === undefined) {
      histogram = { buckets: new Float64Array(this.bucketBounds.length), sum: 0, count: 0 };
      this.series.set(label, histogram);
    }
    histogram.sum += value;
    histogram.count++;
    const bounds = this.bucketBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        histogram.buckets[i]!++;
        break;
      }
    }
  }
}
