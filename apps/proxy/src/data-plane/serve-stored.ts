import { appendCacheStatus, formatCacheStatus, type CacheStatusParams } from '../cache/cache-status.js';
import { hasCacheAnswerableConditional, isNotModified, notModifiedHeaders } from '../cache/conditional.js';
import { currentAgeSec, remainingTtlSec } from '../cache/freshness.js';
import { headerListToMap, type HeaderMap } from '../cache/headers.js';
import { selectByteRange } from '../cache/range.js';
import { BoundedMap } from '../bounded-map.js';
import type { Clock } from '../clock.js';
import type { Stats } from '../stats/stats.js';
import type { StoredResponse } from '../storage/types.js';
import type { Responder } from './responders.js';

/** How a stored response came to answer: fresh, served stale, or just validated with the origin. */
export type ServedOutcome = 'hit' | 'stale' | 'revalidated';

/** X-Cache values, for users of nginx/Varnish habits. */
export type XCache = 'HIT' | 'STALE' | 'REVALIDATED' | 'MISS' | 'BYPASS';

const X_CACHE: Record<ServedOutcome, XCache> = { hit: 'HIT', stale: 'STALE', revalidated: 'REVALIDATED' };

/**
 * This cache's own response fields, as a flat list to append: `Age` (RFC 9111 §5.1),
 * `Cache-Status` (RFC 9211, after any upstream cache's members), `X-Cache` and `X-Cache-Key`.
 * The one place they are assembled, for stored and relayed responses alike.
 */
export function ownResponseFields(fields: {
  ageSec: number;
  upstreamCacheStatus: string | undefined;
  cacheStatus: CacheStatusParams;
  xCache: XCache;
  key: string;
}): string[] {
  return [
    'age',
    String(fields.ageSec),
    'cache-status',
    appendCacheStatus(fields.upstreamCacheStatus, formatCacheStatus(fields.cacheStatus)),
    'x-cache',
    fields.xCache,
    'x-cache-key',
    fields.key,
  ];
}

/** Statuses whose responses never have a body, so never a Content-Length either. */
function statusHasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

interface HitHeaders {
  /** The matched cache rule's name in Cache-Status (undefined: none). */
  rule: string | undefined;
  responseTime: number;
  ageSec: number;
  ttlSec: number;
  headersRef: readonly string[];
  headers: readonly string[];
}

const HIT_HEADER_MEMO_CAPACITY = 4096;

/**
 * Answers requests from stored responses: 304 to a matching conditional request (RFC 9111
 * §4.3.2), a byte range (RFC 9110 §14), or the whole response, with this cache's own fields.
 */
export class StoredResponseServer {
  /**
   * Plain-hit headers by variant, valid for the same stored response (same response time and
   * stored header list) at the same Age and TTL. Bounded: hot variants only, oldest dropped.
   */
  private readonly hitHeaderMemo = new BoundedMap<string, HitHeaders>(HIT_HEADER_MEMO_CAPACITY);

  constructor(
    private readonly clock: Clock,
    private readonly stats: Stats,
  ) {}

  /** Writes `entry` as the answer to a GET or HEAD request with header fields `requestHeaders`. */
  serve(
    request: { readonly method: string; readonly headers: HeaderMap },
    responder: Responder,
    entry: StoredResponse,
    outcome: ServedOutcome,
    cacheStatus: CacheStatusParams,
  ): ServedOutcome {
    const now = this.clock();
    const { headers: requestHeaders } = request;
    entry.hits++;
    this.stats.record(outcome);
    // The common case — a fresh hit for a plain GET/HEAD — reuses the header list it built for
    // this entry while its Age and TTL read the same (they change once a second).
    if (
      outcome === 'hit' &&
      cacheStatus.detail === undefined &&
      requestHeaders.range === undefined &&
      !hasCacheAnswerableConditional(requestHeaders) &&
      !statusHasNoBody(entry.status)
    ) {
      this.sendWhole(request.method, responder, entry, this.plainHitHeaders(entry, now, cacheStatus.rule));
      return outcome;
    }
    const own = ownResponseFields({
      ageSec: currentAgeSec(entry, now),
      upstreamCacheStatus: entry.upstreamCacheStatus,
      cacheStatus: { hit: outcome === 'hit', ...cacheStatus, ttlSec: remainingTtlSec(entry, now) },
      xCache: X_CACHE[outcome],
      key: entry.key,
    });
    if (hasCacheAnswerableConditional(requestHeaders) && isNotModified(requestHeaders, headerListToMap(entry.headers), entry.status)) {
      responder.sendStored(304, notModifiedHeaders(entry.headers).concat(own), undefined);
      return outcome;
    }
    const headers = entry.headers.concat(own);
    if (statusHasNoBody(entry.status)) {
      responder.sendStored(entry.status, headers, undefined);
      return outcome;
    }
    const { body } = entry;
    if (requestHeaders.range !== undefined && entry.status === 200 && request.method === 'GET') {
      const range = selectByteRange(requestHeaders, headerListToMap(entry.headers), body.length);
      if (range === 'unsatisfiable') {
        headers.push('content-range', `bytes */${body.length}`, 'content-length', '0');
        responder.sendStored(416, headers, undefined);
        return outcome;
      }
      if (range !== undefined) {
        const slice = body.subarray(range.start, range.end + 1);
        headers.push('content-range', `bytes ${range.start}-${range.end}/${body.length}`, 'content-length', String(slice.length));
        this.stats.recordCacheBytes(slice.length);
        responder.sendStored(206, headers, slice);
        return outcome;
      }
    }
    headers.push('content-length', String(body.length));
    this.sendWhole(request.method, responder, entry, headers);
    return outcome;
  }

  private sendWhole(method: string, responder: Responder, entry: StoredResponse, headers: string[]): void {
    if (method === 'HEAD') {
      responder.sendStored(entry.status, headers, undefined);
      return;
    }
    this.stats.recordCacheBytes(entry.body.length);
    responder.sendStored(entry.status, headers, entry.body);
  }

  /**
   * Headers of a plain fresh hit: the stored fields, this cache's own and Content-Length.
   * Memoised per variant while Age, TTL and the matched rule are unchanged; a fresh copy is
   * returned each time, since responders append to it.
   */
  private plainHitHeaders(entry: StoredResponse, now: number, rule: string | undefined): string[] {
    const ageSec = currentAgeSec(entry, now);
    const ttlSec = remainingTtlSec(entry, now);
    const memo = this.hitHeaderMemo.get(entry.variantKey);
    if (
      memo !== undefined &&
      memo.rule === rule &&
      memo.responseTime === entry.responseTime &&
      memo.ageSec === ageSec &&
      memo.ttlSec === ttlSec &&
      memo.headersRef === entry.headers
    ) {
      return memo.headers.slice();
    }
    const headers = entry.headers.concat(
      ownResponseFields({
        ageSec,
        upstreamCacheStatus: entry.upstreamCacheStatus,
        cacheStatus: { hit: true, ttlSec, rule },
        xCache: 'HIT',
        key: entry.key,
      }),
      'content-length',
      String(entry.body.length),
    );
    this.hitHeaderMemo.set(entry.variantKey, { rule, responseTime: entry.responseTime, ageSec, ttlSec, headersRef: entry.headers, headers });
    return headers.slice();
  }
}
