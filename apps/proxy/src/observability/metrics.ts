import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RequestObserver } from '../stats/observer.js';
import { outcomeLabel, type Outcome, type Stats, type StatsCounters } from '../stats/stats.js';
import type { CacheAdmin, StoreUsage } from '../storage/types.js';
import { RequestMetrics } from './request-metrics.js';
import { ScrapedHistogram } from './scraped-histogram.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Request durations from a fast hit (well under a millisecond) to a slow origin. */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The `status_class` label values, by `status / 100`. */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

export interface MetricsSources {
  stats: Stats;
  admin: CacheAdmin;
  /** Present with the Redis backend. */
  redis?: { usable(): boolean; commandErrors(): number } | undefined;
  /** WebSocket tunnels open now (read at scrape time). */
  openTunnels?: (() => number) | undefined;
}

/**
 * Prometheus metrics (prom-client), served at /metrics on the admin listener. Names follow the
 * Prometheus conventions: `_total` counters, `_seconds` and `_bytes` units, a `caching_proxy_`
 * namespace, and the default Node process metrics beside them.
 */
export class Metrics implements RequestObserver {
  readonly registry = new Registry();
  private readonly requests: RequestMetrics;
  private readonly originDuration: ScrapedHistogram;
  private readonly originErrors: Counter<'code'>;
  private readonly forwardClients: Counter<'client'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.requests = new RequestMetrics(this.registry, DURATION_BUCKETS);
    // Observed once per origin exchange: a plain-number histogram (see ScrapedHistogram).
    this.originDuration = new ScrapedHistogram(this.registry, {
      name: 'caching_proxy_origin_request_duration_seconds',
      help: 'Time until an origin answered with its response headers, by status class',
      labelName: 'status_class',
      bucketBounds: DURATION_BUCKETS,
    });
    this.originErrors = new Counter({
      name: 'caching_proxy_origin_errors_total',
      help: 'Origin requests that failed (unreachable, timeout, blocked, invalid response), by error code',
      labelNames: ['code'],
      registers,
    });
    this.forwardClients = new Counter({
      name: 'caching_proxy_forward_requests_by_client_total',
      help: 'Forward-mode requests (/http/, /proxy) admitted, by data-plane API key name (DATA_API_KEYS) or "network"',
      labelNames: ['client'],
      registers,
    });
    const { stats } = sources;
    // Storage usage is read at scrape time; an unavailable backend leaves the gauges unchanged.
    const usage = () =>
      Promise.resolve()
        .then(() => sources.admin.usage())
        .catch(() => undefined);
    const usageGauge = (name: string, help: string, pick: (usage: StoreUsage) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          const current = await usage();
          if (current) this.set(pick(current));
        },
      });
    usageGauge('caching_proxy_stored_entries', 'Responses currently stored, Vary variants counted (Redis: under REDIS_KEY_PREFIX)', (u) => u.entries);
    usageGauge('caching_proxy_stored_bytes', 'Bytes currently stored (Redis: used_memory)', (u) => u.sizeBytes);
    usageGauge(
      'caching_proxy_storage_max_bytes',
      'Byte bound of the storage (MAX_CACHE_BYTES; Redis: maxmemory, 0 when unbounded)',
      (u) => u.maxBytes,
    );
    monotonic('caching_proxy_evictions_total', 'Entries evicted by the storage bounds (Redis: evicted_keys)', registers, async () =>
      (await usage())?.evictions,
    );
    const counted = (name: string, help: string, counter: keyof StatsCounters) =>
      monotonic(name, help, registers, () => Promise.resolve(stats.counters[counter]));
    counted('caching_proxy_coalesced_waits_total', 'Requests that waited for a concurrent request to the same URL', 'coalesced');
    counted('caching_proxy_stores_total', 'Responses written to the cache', 'stores');
    counted('caching_proxy_not_stored_too_large_total', 'Responses not stored because larger than MAX_OBJECT_BYTES', 'notStoredTooLarge');
    counted('caching_proxy_served_from_cache_bytes_total', 'Body bytes served from the cache', 'bytesFromCache');
    counted('caching_proxy_received_from_origin_bytes_total', 'Body bytes received from origins', 'bytesFromOrigin');
    const { openTunnels } = sources;
    if (openTunnels) {
      new Gauge({
        name: 'caching_proxy_websocket_tunnels_open',
        help: 'WebSocket tunnels open now (101 relayed, not yet closed)',
        registers,
        collect() {
          this.set(openTunnels());
        },
      });
    }
    if (sources.redis) {
      const redis = sources.redis;
      new Gauge({
        name: 'caching_proxy_redis_up',
        help: '1 when Redis is connected and answering, 0 otherwise',
        registers,
        collect() {
          this.set(redis.usable() ? 1 : 0);
        },
      });
      monotonic('caching_proxy_redis_command_errors_total', 'Redis commands that failed or timed out', registers, () =>
        Promise.resolve(redis.commandErrors()),
      );
    }
    collectDefaultMetrics({ register: this.registry });
  }

  requestFinished(outcome: Outcome, method: string, durationSec: number, status: number): void {
    this.requests.record(outcomeLabel(outcome, status), KNOWN_METHODS.has(method) ? method : 'other', durationSec);
  }

  /** A forward-mode client was admitted under `name` (a key name, or `network`). */
  clientAdmitted(name: string): void {
    this.forwardClients.inc({ client: name });
  }

  originFinished(durationSec: number, result: { status: number } | { errorCode: string }): void {
    if ('status' in result) {
      this.originDuration.observe(STATUS_CLASSES[Math.floor(result.status / 100)] ?? `${Math.floor(result.status / 100)}xx`, durationSec);
    } else {
      this.originErrors.inc({ code: result.errorCode });
    }
  }
}


/** A counter mirroring a monotonic value read at scrape time. */
function monotonic(name: string, help: string, registers: Registry[], read: () => Promise<number | undefined>): void {
  let last = 0;
  new Counter({
    name,
    help,
    registers,
    async collect() {
      const value = await read();
      if (value === undefined) return;
      if (value > last) this.inc(value - last);
      last = Math.max(last, value);
    },
  });
}
