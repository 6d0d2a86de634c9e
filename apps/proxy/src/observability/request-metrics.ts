import type { Registry } from 'prom-client';

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a metric at scrape time. */
interface ScrapedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' }>;
}

/**
 * The two per-request metrics, kept as plain numbers and turned into Prometheus samples only when
 * scraped: recording a request on the hit path is an increment and a bucket search, without the
 * label hashing prom-client's own metrics do on every update.
 */
export class RequestMetrics {
  private readonly counts = new Map<string, { outcome: string; method: string; value: number }>();
  private readonly histograms = new Map<string, { buckets: Float64Array; sum: number; count: number }>();

  constructor(
    registry: Registry,
    private readonly bucketBounds: readonly number[],
  ) {
    const counts = this.counts;
    const histograms = this.histograms;
    const counter: ScrapedMetric = {
      name: 'caching_proxy_requests_total',
      help: 'Data-plane requests by cache outcome (hit, stale, revalidated, miss, bypass, client_error, error, tunnel) and origin request method',
      type: 'counter',
      aggregator: 'sum',
      get: () =>
        Promise.resolve({
          name: counter.name,
          help: counter.help,
          type: counter.type,
          aggregator: counter.aggregator,
          values: [...counts.values()].map((c) => ({ labels: { outcome: c.outcome, method: c.method }, value: c.value })),
        }),
    };
    const histogram: ScrapedMetric = {
      name: 'caching_proxy_request_duration_seconds',
      help: 'Time to answer a data-plane request completely, by cache outcome',
      type: 'histogram',
      aggregator: 'sum',
      get: () => {
        const values: MetricValue[] = [];
        for (const [outcome, h] of histograms) {
          let cumulative = 0;
          bucketBounds.forEach((le, i) => {
            cumulative += h.buckets[i]!;
            values.push({ labels: { le, outcome }, value: cumulative, metricName: `${histogram.name}_bucket` });
          });
          values.push({ labels: { le: '+Inf', outcome }, value: h.count, metricName: `${histogram.name}_bucket` });
          values.push({ labels: { outcome }, value: h.sum, metricName: `${histogram.name}_sum` });
          values.push({ labels: { outcome }, value: h.count, metricName: `${histogram.name}_count` });
        }
        return Promise.resolve({
          name: histogram.name,
          help: histogram.help,
          type: histogram.type,
          aggregator: histogram.aggregator,
          values,
        });
      },
    };
    // The registry reads name/type/get(); these objects provide exactly that.
    registry.registerMetric(counter as unknown as Parameters<Registry['registerMetric']>[0]);
    registry.registerMetric(histogram as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  record(outcome: string, method: string, durationSec: number): void {
    const key = outcome + method;
    const count = this.counts.get(key);
    if (count) count.value++;
    else this.counts.set(key, { outcome, method, value: 1 });
    let histogram = this.histograms.get(outcome);
    if (histogram === undefined) {
      histogram = { buckets: new Float64Array(this.bucketBounds.length), sum: 0, count: 0 };
      this.histograms.set(outcome, histogram);
    }
    histogram.sum += durationSec;
    histogram.count++;
    const bounds = this.bucketBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (durationSec <= bounds[i]!) {
        histogram.buckets[i]!++;
        break;
      }
    }
  }
}
