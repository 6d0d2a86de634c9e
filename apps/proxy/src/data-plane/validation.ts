import { freshenHeaders, notModifiedSelects, validatorHeaders } from '../cache/conditional.js';
import { headerListToMap, headerValue, type HeaderMap } from '../cache/headers.js';
import { maySendConditional, type LookupRequest } from '../cache/lookup.js';
import type { RequestDirectives } from '../cache/request-directives.js';
import { mayServeStaleOnError } from '../cache/reuse.js';
import { planFreshness, type CachePolicySettings, type StorageRule } from '../cache/storage-plan.js';
import type { AppliedRule } from '../rules/types.js';
import type { Clock } from '../clock.js';
import type { ProxyError } from '../errors.js';
import type { StoredResponse } from '../storage/types.js';
import type { OriginExchange, OriginRequest, OriginResult } from '../upstream/origin-exchange.js';
import type { GuardedStore } from './guarded-store.js';
import { forwardableResponseHeaders } from './hop-by-hop.js';
import { createStoredResponse, NOT_STORED_FIELDS } from './stored-response.js';

/** How an exchange with the origin about a stored response ended. */
export type ExchangeOutcome =
  /** §4.3.4: a 304 matched and freshened the stored response (`entry`); `stored`: re-stored. */
  | { readonly kind: 'refreshed'; readonly entry: StoredResponse; readonly stored: boolean }
  /** RFC 5861 §4: the origin failed (`fwdStatus`: its 5xx, undefined: no answer) and the stored response may answer. */
  | { readonly kind: 'stale-if-error'; readonly entry: StoredResponse; readonly fwdStatus: number | undefined }
  /** A full response to relay (and perhaps store). */
  | { readonly kind: 'response'; readonly result: OriginResult };

/** RFC 5861 §4: the origin errors after which stale-if-error applies. */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);
/** Set-Cookie is never stored (see whyNotStorable), not even from a 304. */
const NOT_FRESHENED_FIELDS: ReadonlySet<string> = new Set([...NOT_STORED_FIELDS, 'set-cookie', 'set-cookie2']);

export interface ValidationOptions {
  exchange: OriginExchange;
  store: GuardedStore;
  clock: Clock;
  policy: CachePolicySettings;
}

/**
 * Going forward when a stored response exists: validation with its validators (RFC 9111 §4.3),
 * the 304 that freshens it (§4.3.4), and stale-if-error (RFC 5861 §4). One handler for the
 * foreground request and the stale-while-revalidate background one.
 */
export class Validation {
  constructor(private readonly options: ValidationOptions) {}

  /**
   * Sends `request` upstream — conditional on `stored`'s validators when it has them — and says
   * what answers it. Rejects with the upstream error when the origin cannot be reached and no
   * stored response may answer instead. With `sharedFailure` (a coalesced leader's origin
   * timeout), nothing is sent: that failure is this exchange's.
   */
  async exchange(
    request: OriginRequest & LookupRequest & { readonly rule?: AppliedRule | undefined },
    stored: StoredResponse | undefined,
    directives: RequestDirectives,
    sharedFailure?: ProxyError,
  ): Promise<ExchangeOutcome> {
    const { exchange } = this.options;
    // §4.3.1, but never on a POST (maySendConditional): a stored query is fetched again unconditionally.
    let validators =
      stored?.hasValidators && maySendConditional(request) ? validatorHeaders(headerListToMap(stored.headers)) : undefined;
    // At most two rounds: the second, without validators, only after a 304 that matched nothing.
    for (;;) {
      let result: OriginResult;
      try {
        if (sharedFailure !== undefined) throw sharedFailure;
        result = await exchange.send(request, validators);
      } catch (error) {
        // RFC 5861 §4: an origin that cannot be reached is an error stale-if-error covers.
        if (stored && mayServeStaleOnError(stored, directives, this.options.clock())) {
          return { kind: 'stale-if-error', entry: stored, fwdStatus: undefined };
        }
        throw error;
      }
      const { response } = result;
      if (stored && result.validated && response.statusCode === 304) {
        response.body.discard();
        const update = response.headers as HeaderMap;
        // §4.3.4: a 304 whose validators name another representation updates nothing; the
        // request is sent again without them, for a full response.
        if (!notModifiedSelects(update, headerListToMap(stored.headers))) {
          validators = undefined;
          continue;
        }
        const refreshed = this.freshen(stored, update, result, request.rule?.rule);
        if (refreshed === undefined) return { kind: 'refreshed', entry: stored, stored: false };
        await this.options.store.put(refreshed);
        return { kind: 'refreshed', entry: refreshed, stored: true };
      }
      if (stored && ERROR_STATUSES.has(response.statusCode) && mayServeStaleOnError(stored, directives, this.options.clock())) {
        response.body.discard();
        return { kind: 'stale-if-error', entry: stored, fwdStatus: response.statusCode };
      }
      return { kind: 'response', result };
    }
  }

  /**
   * §4.3.5: a 200 to HEAD freshens the stored GET response when it describes the same
   * representation (same entity tag, or same Last-Modified without entity tags, and the same
   * Content-Length when it has one); otherwise the stored response is no longer usable.
   */
  freshenFromHead(stored: StoredResponse, result: OriginResult, rule?: StorageRule): void {
    const headers = result.response.headers as HeaderMap;
    const storedHeaders = headerListToMap(stored.headers);
    const etag = headerValue(headers, 'etag');
    const lastModified = headerValue(headers, 'last-modified');
    const length = headerValue(headers, 'content-length');
    const sameValidator =
      etag !== undefined
        ? etag === headerValue(storedHeaders, 'etag')
        : lastModified !== undefined && lastModified === headerValue(storedHeaders, 'last-modified');
    const sameLength = length === undefined || Number(length) === stored.body.length;
    if (!sameValidator || !sameLength) {
      // "SHOULD consider the stored response to be stale": it describes another representation.
      void this.options.store.invalidate(new URL(stored.url));
      return;
    }
    const refreshed = this.freshen(stored, headers, result, rule);
    if (refreshed) void this.options.store.put(refreshed);
  }

  /** §3.2, §4.3.4: the stored response with the header fields of a 304 (or matching HEAD) applied. */
  private freshen(
    stored: StoredResponse,
    update: HeaderMap,
    result: OriginResult,
    rule: StorageRule | undefined,
  ): StoredResponse | undefined {
    const headers = freshenHeaders(stored.headers, forwardableResponseHeaders(update, NOT_FRESHENED_FIELDS));
    const freshness = planFreshness(
      {
        status: stored.status,
        headers: headerListToMap(headers),
        receivedHeaders: update,
        requestTime: result.requestTime,
        responseTime: result.responseTime,
        rule,
        // Whether the request it was stored for had credentials is not known here.
        storedForUnknownRequest: true,
      },
      this.options.policy,
    );
    if (freshness === undefined) return undefined;
    return createStoredResponse(
      {
        key: stored.key,
        url: stored.url,
        status: stored.status,
        headers,
        body: stored.body,
        vary: stored.vary,
        requestHeaders: stored.requestHeaders,
        requestTime: result.requestTime,
        responseTime: result.responseTime,
        upstreamCacheStatus: headerValue(update, 'cache-status') ?? stored.upstreamCacheStatus,
        hits: stored.hits,
      },
      freshness,
    );
  }
}
