import type { Clock } from '../clock.js';

/**
 * How a proxied request was answered. Every request has exactly one outcome, so the outcome
 * counters add up to the total.
 */
export type Outcome =
  /** Served fresh from storage without contacting the origin (coalesced waiters included). */
  | 'hit'
  /** Served stale from storage (max-stale, stale-while-revalidate, stale-if-error). */
  | 'stale'
  /** Validated with the origin (304) and served from storage. */
  | 'revalidated'
  /** A cacheable request answered by the origin's response. */
  | 'miss'
  /** Not a cacheable request (other methods, Range on a miss, …): relayed without the cache. */
  | 'bypass'
  /**
   * Answered with a proxy error: the client's own bad request (4xx, see `classifyError`) or an
   * origin/upstream failure (5xx).
   */
  | 'error'
  /** An `Upgrade: websocket` request tunnelled to the origin (101 relayed); never cached. */
  | 'tunnel';

/**
 * Who an error answer is due to: `client` for a request the proxy refused as malformed or not
 * allowed (4xx: bad `ttl`, bad JSON, blocked target, unknown route, …), `upstream` for everything
 * else (5xx: unreachable or failing origin, timeout, internal error), and for a response cut after
 * its headers were sent (the origin failed mid-body).
 */
export type ErrorClass = 'client' | 'upstream';

/** RFC 9110 §15.5: 4xx means the client erred; anything else that ended in an error did not. */
/**
 * The outcome as metrics and the access log name it: the cache outcome, with error answers split
 * into `client_error` (the client's own bad request, 4xx) and `error` (origin or upstream
 * failure, 5xx).
 */
export function outcomeLabel(outcome: Outcome, status: number): string {
  if (outcome !== 'error') return outcome;
  return classifyErrorStatus(status) === 'client' ? 'client_error' : 'error';
}

export function classifyErrorStatus(status: number): ErrorClass {
  return status >= 400 && status < 500 ? 'client' : 'upstream';
}

/**
 * The class of a thrown error, by its HTTP status: a `ProxyError`'s registered status, or the
 * `status`/`statusCode` of a framework error (body parsers); anything without one is `upstream`.
 */
export function classifyError(error: unknown): ErrorClass {
  if (typeof error === 'object' && error !== null) {
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
    const code = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
    if (code !== undefined) return classifyErrorStatus(code);
  }
  return 'upstream';
}

/** Counters of what the data plane did. Incremented on the hit path, so plain fields only. */
export interface StatsCounters {
  hits: number;
  stale: number;
  revalidated: number;
  misses: number;
  bypasses: number;
  /** Every error answer; `clientErrors` of them were the client's own (4xx). */
  errors: number;
  clientErrors: number;
  tunnels: number;
  coalesced: number;
  backgroundRevalidations: number;
  stores: number;
  notStoredTooLarge: number;
  invalidations: number;
  bytesFromCache: number;
  bytesFromOrigin: number;
}

/** The counter of each outcome. */
export const OUTCOME_COUNTER: Readonly<Record<Outcome, keyof StatsCounters>> = {
  hit: 'hits',
  stale: 'stale',
  revalidated: 'revalidated',
  miss: 'misses',
  bypass: 'bypasses',
  error: 'errors',
  tunnel: 'tunnels',
};

export function emptyCounters(): StatsCounters {
  return {
    hits: 0,
    stale: 0,
    revalidated: 0,
    misses: 0,
    bypasses: 0,
    errors: 0,
    clientErrors: 0,
    tunnels: 0,
    coalesced: 0,
    backgroundRevalidations: 0,
    stores: 0,
    notStoredTooLarge: 0,
    invalidations: 0,
    bytesFromCache: 0,
    bytesFromOrigin: 0,
  };
}

/**
 * At most this many client names are counted one by one; requests of any further name count under
 * `OTHER_CLIENTS`. Names come from DATA_API_KEYS plus `network`, so the bound is never reached in
 * practice; it only keeps the map small whatever the configuration.
 */
export const MAX_CLIENT_NAMES = 64;
/** Where requests of names past `MAX_CLIENT_NAMES` count (parentheses are not allowed in key names). */
export const OTHER_CLIENTS = '(other)';

/** In-process statistics for one proxy process. */
export class Stats {
  readonly counters: StatsCounters = emptyCounters();
  readonly startedAt: number;
  /** Forward-mode requests admitted per client name (`network` or a DATA_API_KEYS name). */
  private readonly clientRequests = new Map<string, number>();

  constructor(private readonly clock: Clock) {
    this.startedAt = clock();
  }

  record(outcome: Outcome): void {
    this.counters[OUTCOME_COUNTER[outcome]]++;
  }

  /** An error answer, classified by the error's HTTP status (`classifyError`). */
  recordError(error: unknown): void {
    this.counters.errors++;
    if (classifyError(error) === 'client') this.counters.clientErrors++;
  }

  recordCacheBytes(bytes: number): void {
    this.counters.bytesFromCache += bytes;
  }

  recordOriginBytes(bytes: number): void {
    this.counters.bytesFromOrigin += bytes;
  }

  recordCoalesced(): void {
    this.counters.coalesced++;
  }

  recordBackgroundRevalidation(): void {
    this.counters.backgroundRevalidations++;
  }

  recordStore(): void {
    this.counters.stores++;
  }

  recordNotStoredTooLarge(): void {
    this.counters.notStoredTooLarge++;
  }

  recordInvalidation(): void {
    this.counters.invalidations++;
  }

  /** A forward-mode request admitted for `name` (bounded: see `MAX_CLIENT_NAMES`). */
  recordClient(name: string): void {
    const counted = this.clientRequests.has(name) || this.clientRequests.size < MAX_CLIENT_NAMES ? name : OTHER_CLIENTS;
    this.clientRequests.set(counted, (this.clientRequests.get(counted) ?? 0) + 1);
  }

  /** Admitted requests per client name, sorted by name. */
  clients(): { name: string; requests: number }[] {
    return [...this.clientRequests]
      .map(([name, requests]) => ({ name, requests }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  snapshot(): Readonly<StatsCounters> {
    return { ...this.counters };
  }

  uptimeSec(): number {
    return Math.max(0, (this.clock() - this.startedAt) / 1000);
  }
}

/**
 * Share of cacheable requests answered from storage without waiting for the origin's content:
 * (hits + stale) / (hits + stale + revalidated + misses), in percent, two decimals; 0 before the
 * first lookup.
 */
export function hitRatePercent(c: Pick<StatsCounters, 'hits' | 'stale' | 'revalidated' | 'misses'>): number {
  const lookups = c.hits + c.stale + c.revalidated + c.misses;
  return lookups === 0 ? 0 : Math.round(((c.hits + c.stale) / lookups) * 10000) / 100;
}
