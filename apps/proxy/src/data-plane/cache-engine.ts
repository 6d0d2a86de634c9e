import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { entryKeyFor } from '../cache/cache-key.js';
import { appendCacheStatus, CACHE_NAME, formatCacheStatus, type CacheStatusParams, type ForwardReason } from '../cache/cache-status.js';
import {
  freshenHeaders,
  hasCacheAnswerableConditional,
  hasOriginOnlyConditional,
  isNotModified,
  notModifiedHeaders,
  validatorHeaders,
} from '../cache/conditional.js';
import { currentAgeSec, remainingTtlSec } from '../cache/freshness.js';
import { headerListToMap, headerValue, type HeaderMap } from '../cache/headers.js';
import { invalidationTargets, isUnsafeMethod } from '../cache/invalidation.js';
import { selectByteRange } from '../cache/range.js';
import { parseRequestDirectives, type RequestDirectives } from '../cache/request-directives.js';
import { decideReuse, mayServeStaleOnError, selectVariant } from '../cache/reuse.js';
import { whyNotStorable } from '../cache/storability.js';
import { responseCacheDirectives } from '../cache/targeted-cache-control.js';
import { captureVaryValues, parseVary } from '../cache/vary.js';
import type { Clock } from '../clock.js';
import { ProxyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { NO_OBSERVER, type RequestObserver } from '../stats/observer.js';
import type { Outcome, Stats } from '../stats/stats.js';
import { entrySize, type CacheStore, type MaybePromise, type StoredResponse } from '../storage/types.js';
import type { TargetGuard } from '../upstream/target-guard.js';
import { isUpstreamTimeout, toUpstreamError } from '../upstream/upstream-errors.js';
import { Coalescer } from './coalescer.js';
import { forwardableResponseHeaders } from './hop-by-hop.js';
import { OriginResponse, type StoreSink } from './origin-response.js';
import {
  captureRequestHeaders,
  createStoredResponse,
  NOT_STORED_FIELDS,
  OWN_RESPONSE_FIELDS,
  type CachePolicySettings,
} from './stored-response.js';

/** A request on its way through the cache, already validated by a front end. */
export interface ProxiedRequest {
  /** Upper-case request method. */
  method: string;
  url: URL;
  /** Primary cache key of the URL (see entryKeyFor). */
  key: string;
  /** Client request headers, lowercase map, for the cache policy. */
  headers: HeaderMap;
  /** Client request headers to forward, flat list, hop-by-hop fields removed. */
  forwardHeaders: string[];
  body?: Readable | Buffer | undefined;
  /** `?ttl=` override of the freshness lifetime, in seconds. */
  ttlOverrideSec?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Relays an interim (1xx) response of the origin to the client; never stored. */
  onInformational?: ((status: number, headers: Record<string, string | string[]>) => void) | undefined;
}

/** How a front end emits responses: streamed over HTTP, or wrapped in the JSON envelope. */
export interface Responder {
  /** A response made from storage; `body` undefined means none (HEAD, 304). */
  sendStored(status: number, headers: string[], body: Buffer | undefined): void;
  /** Relays an origin response. */
  relay(origin: OriginResponse): Promise<void>;
}

export interface CacheEngineOptions {
  store: CacheStore;
  agent: Dispatcher;
  stats: Stats;
  clock: Clock;
  logger: Logger;
  guard: TargetGuard;
  policy: CachePolicySettings;
  maxObjectBytes: number;
  /** Origin timings and errors (Prometheus). */
  observer?: RequestObserver | undefined;
}

interface ForwardContext {
  fwd: ForwardReason;
  directives: RequestDirectives;
  /** The selected stored response, when there is one (to validate, or to serve on error). */
  stored?: StoredResponse | undefined;
}

interface UpstreamResult {
  response: Dispatcher.ResponseData;
  requestTime: number;
  responseTime: number;
  /** Whether the request carried the stored response's validators. */
  validated: boolean;
}

const VIA = `1.1 ${CACHE_NAME}`;
const NOT_FRESHENED_FIELDS: ReadonlySet<string> = new Set([...NOT_STORED_FIELDS, 'set-cookie', 'set-cookie2']);
const X_CACHE: Record<'hit' | 'stale' | 'revalidated', string> = { hit: 'HIT', stale: 'STALE', revalidated: 'REVALIDATED' };
/** Client preconditions replaced by the stored response's validators when the cache validates. */
const CLIENT_CONDITIONALS = new Set(['if-none-match', 'if-modified-since', 'range', 'if-range']);
/** RFC 5861 §4: the origin errors after which stale-if-error applies. */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Statuses whose responses never have a body, so never a Content-Length either. */
function statusHasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

function viaWithOurs(upstreamVia: string | undefined): string {
  return upstreamVia ? `${upstreamVia}, ${VIA}` : VIA;
}

const NOT_CACHED = () =>
  new ProxyError('PROXY_ERR_NOT_CACHED', 'only-if-cached: no stored response can answer this request (RFC 9111 §5.2.1.7)');

/**
 * The data plane's engine: RFC 9111 reuse of stored responses, validation, stale serving,
 * coalescing of concurrent misses, storing origin responses while they stream, and invalidation.
 * The decisions themselves are the pure functions of cache/; this class does the I/O around them.
 */
export class CacheEngine {
  readonly stats: Stats;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly options: CacheEngineOptions;
  private readonly coalescer = new Coalescer();
  /**
   * Plain-hit headers by variant (see plainHitHeaders), valid for the same stored response (same
   * response time and stored header list) at the same Age and TTL. Bounded: hot variants only.
   */
  private readonly hitHeaderMemo = new Map<string, HitHeaders>();

  constructor(options: CacheEngineOptions) {
    this.options = options;
    this.stats = options.stats;
    this.clock = options.clock;
    this.logger = options.logger;
  }

  /** The stored variants of a key. A storage failure is logged and reads as a miss. */
  readVariants(key: string): MaybePromise<readonly StoredResponse[] | undefined> {
    let found: MaybePromise<readonly StoredResponse[] | undefined>;
    try {
      found = this.options.store.getVariants(key);
    } catch (error) {
      this.storageFailed('get', error);
      return undefined;
    }
    if (isPromise(found)) {
      return found.catch((error: unknown) => {
        this.storageFailed('get', error);
        return undefined;
      });
    }
    return found;
  }

  /**
   * The hit path: answers synchronously when a fresh stored response may be reused for the
   * request as it is (RFC 9111 §4). Returns false when the full path has to decide.
   */
  serveIfFresh(request: Pick<ProxiedRequest, 'method' | 'headers'>, variants: readonly StoredResponse[] | undefined, responder: Responder): boolean {
    const entry = selectVariant(variants, request.headers);
    if (entry === undefined) return false;
    if (hasOriginOnlyConditional(request.headers)) return false;
    const directives = parseRequestDirectives(request.headers);
    if (decideReuse(entry, directives, this.clock()).action !== 'serve') return false;
    this.serveEntry(request, responder, entry, 'hit', {});
    return true;
  }

  /** Answers a request: from storage, after validation, or from the origin. */
  async handle(
    request: ProxiedRequest,
    responder: Responder,
    known?: { variants: readonly StoredResponse[] | undefined },
  ): Promise<Outcome> {
    const { method } = request;
    if (method !== 'GET' && method !== 'HEAD') return this.pass(request, responder);
    const directives = parseRequestDirectives(request.headers);
    // Preconditions only the origin can evaluate: forward, but the answer may still be stored.
    if (hasOriginOnlyConditional(request.headers)) {
      return this.fetch(request, responder, { fwd: 'request', directives }, undefined);
    }
    const variants = known ? known.variants : await this.readVariants(request.key);
    const entry = selectVariant(variants, request.headers);
    if (entry === undefined) {
      if (directives.onlyIfCached) throw NOT_CACHED();
      return this.fetchCoalesced(request, responder, { fwd: variants ? 'vary-miss' : 'uri-miss', directives });
    }
    const decision = decideReuse(entry, directives, this.clock());
    if (decision.action === 'serve') return this.serveEntry(request, responder, entry, 'hit', {});
    if (decision.action === 'serve-stale') {
      if (decision.reason === 'stale-while-revalidate') this.revalidateInBackground(request, entry, directives);
      return this.serveEntry(request, responder, entry, 'stale', { hit: true, detail: decision.reason });
    }
    // §5.2.1.7: only-if-cached never goes forward.
    if (directives.onlyIfCached) throw NOT_CACHED();
    return this.fetchCoalesced(request, responder, { fwd: decision.fwd, directives, stored: entry });
  }

  /** Concurrent misses for one key wait for a single origin request (not when the client asked for validation). */
  private async fetchCoalesced(request: ProxiedRequest, responder: Responder, context: ForwardContext): Promise<Outcome> {
    if (context.directives.noCache || context.fwd === 'request' || request.method !== 'GET') {
      return this.fetch(request, responder, context, undefined);
    }
    const leader = this.coalescer.waitFor(request.key);
    if (leader === undefined) {
      return this.fetch(request, responder, context, this.coalescer.lead(request.key));
    }
    this.stats.recordCoalesced();
    const leaderFailure = await leader;
    const entry = selectVariant(await this.readVariants(request.key), request.headers);
    if (entry !== undefined && decideReuse(entry, context.directives, this.clock()).action === 'serve') {
      return this.serveEntry(request, responder, entry, 'hit', { detail: 'coalesced' });
    }
    // The origin just timed out on this key: waiters share that answer rather than queue another timeout each.
    if (isUpstreamTimeout(leaderFailure)) {
      return this.fetch(request, responder, context, undefined, leaderFailure);
    }
    // Nothing usable was stored (not storable, Vary mismatch, leader failed): go to the origin.
    return this.fetch(request, responder, { ...context, stored: entry ?? context.stored }, undefined);
  }

  /** Forwards a GET/HEAD, validating the stored response when it has validators. */
  private async fetch(
    request: ProxiedRequest,
    responder: Responder,
    context: ForwardContext,
    settle: ((failure?: unknown) => void) | undefined,
    sharedFailure?: ProxyError,
  ): Promise<Outcome> {
    const done = settle ?? noop;
    const { stored, directives } = context;
    let result: UpstreamResult;
    try {
      if (sharedFailure !== undefined) throw sharedFailure;
      result = await this.send(request, stored?.hasValidators ? stored : undefined);
    } catch (error) {
      done(error);
      // RFC 5861 §4: an origin that cannot be reached is an error stale-if-error covers.
      if (stored && mayServeStaleOnError(stored, directives, this.clock())) {
        return this.serveEntry(request, responder, stored, 'stale', { fwd: 'stale', detail: 'stale-if-error' });
      }
      throw error;
    }
    const { response } = result;
    if (stored && result.validated && response.statusCode === 304) {
      // §4.3.4: a 304 freshens the stored response, which then answers the request.
      const refreshed = await this.applyNotModified(stored, result);
      done();
      return this.serveEntry(request, responder, refreshed ?? stored, 'revalidated', {
        fwd: context.fwd,
        fwdStatus: 304,
        stored: refreshed !== undefined,
      });
    }
    if (stored && ERROR_STATUSES.has(response.statusCode) && mayServeStaleOnError(stored, directives, this.clock())) {
      discardBody(response.body);
      done();
      return this.serveEntry(request, responder, stored, 'stale', {
        fwd: 'stale',
        fwdStatus: response.statusCode,
        detail: 'stale-if-error',
      });
    }
    if (request.method === 'HEAD' && stored && response.statusCode === 200) this.freshenFromHead(stored, result);
    const origin = this.originResponse(request, result, context, done);
    this.stats.record('miss');
    await responder.relay(origin);
    return 'miss';
  }

  /** Other methods: forwarded without the cache; a success invalidates what they changed (§4.4). */
  private async pass(request: ProxiedRequest, responder: Responder): Promise<Outcome> {
    const result = await this.send(request, undefined);
    const { response } = result;
    if (isUnsafeMethod(request.method)) {
      for (const url of invalidationTargets(request.url, response.statusCode, response.headers)) {
        this.invalidate(url);
      }
    }
    const origin = this.originResponse(request, result, { fwd: 'method', directives: parseRequestDirectives(request.headers) }, noop);
    this.stats.record('bypass');
    await responder.relay(origin);
    return 'bypass';
  }

  /** Sends the request upstream; with `validate`, its validators replace the client's preconditions. */
  private async send(request: ProxiedRequest, validate: StoredResponse | undefined): Promise<UpstreamResult> {
    const { url } = request;
    this.options.guard.assertUrlAllowed(url);
    let headers = request.forwardHeaders;
    if (validate) {
      headers = [];
      for (let i = 0; i < request.forwardHeaders.length; i += 2) {
        if (!CLIENT_CONDITIONALS.has(request.forwardHeaders[i]!.toLowerCase())) {
          headers.push(request.forwardHeaders[i]!, request.forwardHeaders[i + 1]!);
        }
      }
      // §4.3.1: the stored response's validators.
      headers.push(...validatorHeaders(headerListToMap(validate.headers)));
    }
    const requestTime = this.clock();
    const started = performance.now();
    const observer = this.options.observer ?? NO_OBSERVER;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.options.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        // RFC 9110 §7.6.3: a proxy adds itself to Via.
        headers: [...headers, 'via', VIA],
        body: request.body ?? null,
        signal: request.signal ?? null,
        onInfo: request.onInformational
          ? ({ statusCode, headers: infoHeaders }) => request.onInformational?.(statusCode, infoHeaders)
          : undefined,
      });
    } catch (error) {
      const mapped = toUpstreamError(error, url);
      observer.originFinished((performance.now() - started) / 1000, { errorCode: mapped.code });
      throw mapped;
    }
    observer.originFinished((performance.now() - started) / 1000, { status: response.statusCode });
    return { response, requestTime, responseTime: this.clock(), validated: validate !== undefined };
  }

  /** Wraps an origin response for relaying, deciding whether (and how) it is stored. */
  private originResponse(
    request: ProxiedRequest,
    result: UpstreamResult,
    context: ForwardContext,
    settle: () => void,
  ): OriginResponse {
    const { response } = result;
    const responseHeaders = response.headers as HeaderMap;
    const cacheable = request.method === 'GET' || request.method === 'HEAD';
    const via = viaWithOurs(headerValue(responseHeaders, 'via'));
    const plan = cacheable ? this.planStore(request, result, context, via) : { reason: undefined, entry: undefined };
    const cacheStatus = appendCacheStatus(
      headerValue(responseHeaders, 'cache-status'),
      formatCacheStatus({
        fwd: context.fwd,
        fwdStatus: response.statusCode,
        stored: plan.entry !== undefined,
        ttlSec: plan.entry ? remainingTtlSec(plan.entry, result.responseTime) : undefined,
        detail: plan.reason,
      }),
    );
    const headers = forwardableResponseHeaders(responseHeaders, OWN_RESPONSE_FIELDS);
    headers.push(
      'via',
      via,
      'age',
      String(plan.entry ? currentAgeSec(plan.entry, result.responseTime) : ageHeaderSec(responseHeaders)),
      'cache-status',
      cacheStatus,
      'x-cache',
      cacheable ? 'MISS' : 'BYPASS',
      'x-cache-key',
      request.key,
    );
    const preview = plan.entry;
    const sink: StoreSink | undefined = preview && {
      maxObjectBytes: this.options.maxObjectBytes,
      commit: (body) => this.put({ ...preview, body, size: entrySize({ ...preview, body }) }),
    };
    return new OriginResponse({
      status: response.statusCode,
      headers,
      body: response.body,
      target: request.url,
      stats: this.stats,
      logger: this.logger,
      sink,
      onSettled: settle,
    });
  }

  /**
   * Whether an origin response to a GET/HEAD is stored (RFC 9111 §3), and its entry without the
   * body (which arrives later). The reason is reported in Cache-Status `detail` when not stored.
   */
  private planStore(
    request: ProxiedRequest,
    result: UpstreamResult,
    context: ForwardContext,
    via: string,
  ): { reason: string | undefined; entry: StoredResponse | undefined } {
    const { response } = result;
    const responseHeaders = response.headers as HeaderMap;
    const varyNames = parseVary(headerValue(responseHeaders, 'vary'));
    const { directives, useExpires } = responseCacheDirectives(responseHeaders, this.options.policy.targetedFields);
    const reason = whyNotStorable({
      method: request.method,
      status: response.statusCode,
      requestHeaders: request.headers,
      responseHeaders,
      responseDirectives: directives,
      varyNames,
      useExpires,
    });
    if (reason !== undefined) return { reason, entry: undefined };
    // §5.2.1.5: a request with no-store must not have its response stored.
    if (context.directives.noStore) return { reason: 'request-no-store', entry: undefined };
    // `?ttl=0` on /proxy: the caller asked for no caching at all.
    if (request.ttlOverrideSec === 0) return { reason: 'ttl-zero', entry: undefined };
    const declaredLength = headerValue(responseHeaders, 'content-length');
    if (declaredLength !== undefined && Number(declaredLength) > this.options.maxObjectBytes) {
      this.stats.recordNotStoredTooLarge();
      return { reason: 'too-large', entry: undefined };
    }
    const headers = forwardableResponseHeaders(responseHeaders, NOT_STORED_FIELDS);
    headers.push('via', via);
    const entry = createStoredResponse(
      {
        key: request.key,
        url: request.url.href,
        status: response.statusCode,
        headers,
        body: EMPTY_BODY,
        vary: captureVaryValues(varyNames as string[], request.headers),
        requestHeaders: captureRequestHeaders(request.forwardHeaders),
        receivedHeaders: responseHeaders,
        requestTime: result.requestTime,
        responseTime: result.responseTime,
        upstreamCacheStatus: headerValue(responseHeaders, 'cache-status'),
        overrideTtlSec: request.ttlOverrideSec,
      },
      this.options.policy,
    );
    // Stale on arrival with nothing to validate it with: storing it could never help.
    if (entry === undefined) return { reason: 'stale-on-arrival', entry: undefined };
    return { reason: undefined, entry };
  }

  /** §4.3.4: a 304 to our validation freshens and re-stores the stored response (undefined: it could not be). */
  private async applyNotModified(stored: StoredResponse, result: UpstreamResult): Promise<StoredResponse | undefined> {
    discardBody(result.response.body);
    const refreshed = this.freshen(stored, result.response.headers, result);
    if (refreshed) await this.put(refreshed);
    return refreshed;
  }

  /** §3.2, §4.3.4: the stored response with the header fields of a 304 (or matching HEAD) applied. */
  private freshen(stored: StoredResponse, update: HeaderMap, result: UpstreamResult): StoredResponse | undefined {
    // Set-Cookie is never stored (deliberately, see whyNotStorable), not even from a 304.
    const headers = freshenHeaders(stored.headers, forwardableResponseHeaders(update, NOT_FRESHENED_FIELDS));
    return createStoredResponse(
      {
        key: stored.key,
        url: stored.url,
        status: stored.status,
        headers,
        body: stored.body,
        vary: stored.vary,
        requestHeaders: stored.requestHeaders,
        receivedHeaders: update,
        requestTime: result.requestTime,
        responseTime: result.responseTime,
        upstreamCacheStatus: headerValue(update, 'cache-status') ?? stored.upstreamCacheStatus,
        hits: stored.hits,
      },
      this.options.policy,
    );
  }

  /**
   * §4.3.5: a 200 to HEAD freshens the stored GET response when it describes the same
   * representation (same entity tag, or same Last-Modified without entity tags, and the same
   * Content-Length when it has one); otherwise the stored response is no longer usable.
   */
  private freshenFromHead(stored: StoredResponse, result: UpstreamResult): void {
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
      this.invalidate(new URL(stored.url));
      return;
    }
    const refreshed = this.freshen(stored, headers, result);
    if (refreshed) void this.put(refreshed);
  }

  /** RFC 5861 §3: one background request revalidates a response served stale. */
  private revalidateInBackground(request: ProxiedRequest, stored: StoredResponse, directives: RequestDirectives): void {
    const settle = this.coalescer.lead(request.key);
    if (settle === undefined) return; // already being refreshed
    this.stats.recordBackgroundRevalidation();
    const background: ProxiedRequest = {
      ...request,
      method: 'GET',
      body: undefined,
      signal: undefined,
      onInformational: undefined,
    };
    const context: ForwardContext = { fwd: 'stale', directives, stored };
    void (async () => {
      try {
        const result = await this.send(background, stored.hasValidators ? stored : undefined);
        if (result.validated && result.response.statusCode === 304) {
          await this.applyNotModified(stored, result);
          settle();
          return;
        }
        await this.originResponse(background, result, context, settle).consume();
      } catch (error) {
        settle();
        this.logger.debug({ err: error, url: request.url.href }, 'background revalidation failed');
      }
    })();
  }

  /** Writes a stored response: 304 or a byte range when the request asks for it (§4.3.2, RFC 9110 §14). */
  private serveEntry(
    request: Pick<ProxiedRequest, 'method' | 'headers'>,
    responder: Responder,
    entry: StoredResponse,
    outcome: 'hit' | 'stale' | 'revalidated',
    cacheStatus: CacheStatusParams,
  ): typeof outcome {
    const now = this.clock();
    const { headers: requestHeaders } = request;
    // The common case — a fresh hit for a plain GET/HEAD — reuses the header list it built for
    // this entry while its Age and TTL read the same (they change once a second).
    if (
      outcome === 'hit' &&
      cacheStatus.detail === undefined &&
      requestHeaders.range === undefined &&
      !hasCacheAnswerableConditional(requestHeaders) &&
      !statusHasNoBody(entry.status)
    ) {
      const headers = this.plainHitHeaders(entry, now);
      entry.hits++;
      this.stats.record(outcome);
      if (request.method === 'HEAD') {
        responder.sendStored(entry.status, headers, undefined);
      } else {
        this.stats.recordCacheBytes(entry.body.length);
        responder.sendStored(entry.status, headers, entry.body);
      }
      return outcome;
    }
    const own = [
      'age',
      String(currentAgeSec(entry, now)),
      'cache-status',
      appendCacheStatus(
        entry.upstreamCacheStatus,
        formatCacheStatus({ hit: outcome === 'hit', ...cacheStatus, ttlSec: remainingTtlSec(entry, now) }),
      ),
      'x-cache',
      X_CACHE[outcome],
      'x-cache-key',
      entry.key,
    ];
    entry.hits++;
    this.stats.record(outcome);
    if (hasCacheAnswerableConditional(requestHeaders) && isNotModified(requestHeaders, headerListToMap(entry.headers))) {
      responder.sendStored(304, notModifiedHeaders(entry.headers).concat(own), undefined);
      return outcome;
    }
    const headers = entry.headers.concat(own);
    const { body } = entry;
    if (statusHasNoBody(entry.status)) {
      responder.sendStored(entry.status, headers, undefined);
      return outcome;
    }
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
    if (request.method === 'HEAD') {
      responder.sendStored(entry.status, headers, undefined);
      return outcome;
    }
    this.stats.recordCacheBytes(body.length);
    responder.sendStored(entry.status, headers, body);
    return outcome;
  }

  /**
   * Headers of a plain fresh hit: the stored fields, Age, Cache-Status, X-Cache, X-Cache-Key and
   * Content-Length. Memoised per entry for as long as Age and TTL are unchanged; a fresh copy is
   * returned each time, since responders append to it.
   */
  private plainHitHeaders(entry: StoredResponse, now: number): string[] {
    const ageSec = currentAgeSec(entry, now);
    const ttlSec = remainingTtlSec(entry, now);
    const memo = this.hitHeaderMemo.get(entry.variantKey);
    if (
      memo !== undefined &&
      memo.responseTime === entry.responseTime &&
      memo.ageSec === ageSec &&
      memo.ttlSec === ttlSec &&
      memo.headersRef === entry.headers
    ) {
      return memo.headers.slice();
    }
    const headers = entry.headers.concat(
      'age',
      String(ageSec),
      'cache-status',
      appendCacheStatus(entry.upstreamCacheStatus, formatCacheStatus({ hit: true, ttlSec })),
      'x-cache',
      X_CACHE.hit,
      'x-cache-key',
      entry.key,
      'content-length',
      String(entry.body.length),
    );
    if (this.hitHeaderMemo.size >= HIT_HEADER_MEMO_CAPACITY) this.hitHeaderMemo.delete(this.hitHeaderMemo.keys().next().value!);
    this.hitHeaderMemo.set(entry.variantKey, { responseTime: entry.responseTime, ageSec, ttlSec, headersRef: entry.headers, headers });
    return headers.slice();
  }

  /** Stores an entry; storage errors are logged, never thrown. */
  private put(entry: StoredResponse): void | Promise<void> {
    try {
      const stored = this.options.store.put(entry);
      if (isPromise(stored)) {
        return stored.then(
          (ok) => {
            if (ok) this.stats.recordStore();
          },
          (error: unknown) => this.storageFailed('put', error),
        );
      }
      if (stored) this.stats.recordStore();
    } catch (error) {
      this.storageFailed('put', error);
    }
  }

  /** Removes every stored variant of a URL (RFC 9111 §4.4). */
  invalidate(url: URL): void {
    try {
      const deleted = this.options.store.delete(entryKeyFor(url));
      if (isPromise(deleted)) {
        deleted.then(
          (ok) => ok && this.stats.recordInvalidation(),
          (error: unknown) => this.storageFailed('delete', error),
        );
      } else if (deleted) {
        this.stats.recordInvalidation();
      }
    } catch (error) {
      this.storageFailed('delete', error);
    }
  }

  private storageFailed(operation: string, error: unknown): void {
    this.logger.warn({ err: error, operation }, 'cache storage operation failed; treated as a miss');
  }
}

const EMPTY_BODY = Buffer.alloc(0);

interface HitHeaders {
  responseTime: number;
  ageSec: number;
  ttlSec: number;
  headersRef: readonly string[];
  headers: readonly string[];
}
const HIT_HEADER_MEMO_CAPACITY = 4096;

function noop(): void {}

/**
 * Drops an origin body we do not relay: a small one is read to its end so the connection can be
 * reused, a larger one cut (undici's dump). The error listener keeps an abort from becoming an
 * uncaught exception.
 */
function discardBody(body: Readable): void {
  body.on('error', noop);
  const dumpable = body as Readable & { dump?: (options: { limit: number }) => Promise<void> };
  if (typeof dumpable.dump === 'function') {
    dumpable.dump({ limit: 64 * 1024 }).catch(noop);
  } else {
    body.destroy();
  }
}

/** The Age an origin (or an upstream cache) reported, for relayed responses that are not stored. */
function ageHeaderSec(headers: HeaderMap): number {
  const value = headerValue(headers, 'age')?.split(',')[0]?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
}
