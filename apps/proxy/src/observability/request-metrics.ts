import type { Registry } from 'prom-client';
import { registerScraped, ScrapedHistogram, type ScrapedMetric } from './scraped-histogram.js';

/**
 * The two per-request metrics, kept as plain numbers and turned into Prometheus samples only when
 * scraped: recording a request on the hit path is an increment and a bucket search, without the
 * label hashing prom-client's own metrics do on every update.
 */
export class RequestMetrics {
  private readonly counts = new Map<string, { outcome: string; method: string; value: number }>();
  private readonly durations: ScrapedHistogram;

  constructor(registry: Registry, bucketBounds: readonly number[]) {
    const counts = this.counts;
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
    registerScraped(registry, counter);
    this.durations = new ScrapedHistogram(registry, {
      name: 'caching_proxy_request_duration_seconds',
      help: 'Time to answer a data-plane request completely, by cache outcome',
      labelName: 'outcome',
      bucketBounds,
    });
  }

  record(outcome: string, method: string, durationSec: number): void {
    const key = outcome + method;
    const count = this.counts.get(key);
    if (count) count.value++;
    else this.counts.set(key, { outcome, method, value: 1 });
    this.durations.observe(outcome, durationSec);
  }
}
