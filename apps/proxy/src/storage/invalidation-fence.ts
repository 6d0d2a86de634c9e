import type { StoredResponse } from './types.js';

/**
 * How long an invalidation is remembered by default, in ms: a fill (an origin response being
 * stored) that began before an invalidation and ends within this window is refused.
 */
export const FENCE_WINDOW_MS = 10 * 60 * 1000;

/**
 * The fence window for a deployment: the longest a fill can take (UPSTREAM_RESPONSE_DEADLINE_MS
 * cuts every origin response) plus a minute for storing it.
 */
export function fenceWindowFor(responseDeadlineMs: number): number {
  return responseDeadlineMs + 60_000;
}
/**
 * Per-key invalidations remembered; past it the oldest is forgotten and every fill that began
 * before that invalidation is refused instead (see InvalidationFence.record).
 */
const MAX_KEY_FENCES = 100_000;
/**
 * Purges by prefix and tag remembered (every fill checks each of them); past it they are all
 * replaced by one fence of everything at the newest one's time. Shared by both stores.
 */
export const MAX_SCOPED_FENCES = 1_000;

/** What an invalidation covered: one URL's key, URLs by prefix, responses by tag, or everything. */
export type FencedScope = { op: 'key'; key: string } | { op: 'prefix'; prefix: string } | { op: 'tag'; tag: string } | { op: 'all' };

/** The parts of an entry a fence reads: what it is, and when its fill began (request_time). */
export type FenceSubject = Pick<StoredResponse, 'key' | 'url' | 'tags' | 'requestTime'>;

/**
 * Invalidation fences (RFC 9111 §4.4 applied to fills in flight): a response whose request was
 * sent before its key was invalidated — by a successful unsafe request, a delete, a purge or a
 * clear — must not be stored after the invalidation, or the older response would be served as a
 * hit. Each invalidation is remembered with its time; `covers` says whether an entry's fill began
 * before one that applies to it. In-process; the Redis store keeps the same records in Redis.
 */
export class InvalidationFence {
  private readonly keys = new Map<string, number>();
  private readonly scoped = new Map<string, number>();
  private allAt = -Infinity;

  constructor(
    private readonly windowMs = FENCE_WINDOW_MS,
    private readonly maxKeyFences = MAX_KEY_FENCES,
    private readonly maxScopedFences = MAX_SCOPED_FENCES,
  ) {}

  /** Records an invalidation at `atMs` (ms since the epoch). */
  record(scope: FencedScope, atMs: number): void {
    if (scope.op === 'all') {
      this.allAt = Math.max(this.allAt, atMs);
      this.keys.clear();
      this.scoped.clear();
      return;
    }
    const map = scope.op === 'key' ? this.keys : this.scoped;
    const name = scopeField(scope);
    map.delete(name); // re-inserted last: the maps stay ordered by time
    map.set(name, atMs);
    this.prune(map, atMs);
    // Bounded memory: the oldest key fence is forgotten, and every fill that began before it is
    // refused instead — over-fencing, never under-fencing. A flood of distinct invalidations then
    // only refuses fills older than the oldest remembered one (100,000 fences at 3,000 unsafe
    // requests/s: fills longer than about 33 s), not every fill in flight.
    while (this.keys.size > this.maxKeyFences) {
      const [name, oldestAtMs] = this.keys.entries().next().value as [string, number];
      this.keys.delete(name);
      this.allAt = Math.max(this.allAt, oldestAtMs);
    }
    // Past the bound of purge fences (a client naming a new origin or tag with each request), they
    // become one fence of everything at the newest one's time: every fill that began before any of
    // them is still refused — over-fencing, never under-fencing — and `covers` stays bounded work.
    if (this.scoped.size > this.maxScopedFences) {
      for (const recordedAt of this.scoped.values()) this.allAt = Math.max(this.allAt, recordedAt);
      this.scoped.clear();
    }
  }

  /** Whether an invalidation after the entry's fill began applies to it. */
  covers(entry: FenceSubject): boolean {
    const since = entry.requestTime;
    if (this.allAt > since) return true;
    if ((this.keys.get(scopeField({ op: 'key', key: entry.key })) ?? -Infinity) > since) return true;
    for (const [field, atMs] of this.scoped) {
      if (atMs > since && scopeApplies(field, entry)) return true;
    }
    return false;
  }

  private prune(map: Map<string, number>, nowMs: number): void {
    for (const [name, atMs] of map) {
      if (atMs > nowMs - this.windowMs) return;
      map.delete(name);
    }
  }
}

/** The name of a scope as a record field: `k:<key>`, `p:<prefix>`, `t:<tag>`, `all`. */
export function scopeField(scope: FencedScope): string {
  switch (scope.op) {
    case 'key':
      return `k:${scope.key}`;
    case 'prefix':
      return `p:${scope.prefix}`;
    case 'tag':
      return `t:${scope.tag}`;
    default:
      return 'all';
  }
}

/** Whether a recorded scope field applies to an entry. */
export function scopeApplies(field: string, entry: FenceSubject): boolean {
  if (field === 'all') return true;
  const value = field.slice(2);
  if (field.startsWith('k:')) return value === entry.key;
  if (field.startsWith('p:')) return entry.url.startsWith(value);
  return field.startsWith('t:') && entry.tags.includes(value);
}
