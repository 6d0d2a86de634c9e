import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Dispatcher } from 'undici';
import { parseCacheControl } from '../cache/cache-control.js';
import { appendCacheStatus, CACHE_NAME, formatCacheStatus, type ForwardReason } from '../cache/cache-status.js';
import { currentAgeSec, determineFreshnessLifetime, remainingTtlSec } from '../cache/freshness.js';
import { headerValue, type HeaderMap } from '../cache/headers.js';
import { requestForbidsStoredResponse, requestForbidsStoring } from '../cache/request-directives.js';
import { isHeuristicallyCacheable, whyNotStorable } from '../cache/storability.js';
import { captureVaryValues, parseVary, varyMatches } from '../cache/vary.js';
import { entryKeyFor } from '../cache/cache-key.js';
import type { Clock } from '../clock.js';
import { ProxyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Stats } from '../stats/stats.js';
import { entrySize, type CacheStore, type MaybePromise, type StoredResponse } from '../storage/types.js';
import type { TargetGuard } from '../upstream/target-guard.js';
import { toUpstreamError } from '../upstream/upstream-errors.js';
import { forwardableResponseHeaders } from './hop-by-hop.js';

/** A request on its way through the cache, already validated by a front end (/http/ or /proxy). */
export interface ProxiedRequest {
  /** Upper-case request method. */
  method: string;
  url: URL;
  /** Primary cache key (GET for GET and HEAD). */
  key: string;
  /** Client request headers, lowercase map, for the cache policy. */
  headers: HeaderMap;
  /** Client request headers to forward, flat list, hop-by-hop fields removed. */
  forwardHeaders: string[];
  body?: Readable | Buffer | undefined;
  /** `?ttl=` override of the freshness lifetime, in seconds. */
  ttlOverrideSec?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** A stored response that may be served, or why the request has to go to the origin. */
export type LookupResult = StoredResponse | ForwardReason;

export interface CacheEngineOptions {
  store: CacheStore;
  agent: Dispatcher;
  stats: Stats;
  clock: Clock;
  logger: Logger;
  guard: TargetGuard;
  /** Freshness for responses without their own (CACHE_TTL); 0 disables. */
  defaultTtlSec: number;
  maxObjectBytes: number;
}

const VIA = `1.1 ${CACHE_NAME}`;

/** Response fields this cache computes itself; the origin's copies are dropped. */
const OWN_RESPONSE_FIELDS = new Set(['age', 'cache-status', 'x-cache', 'x-cache-key', 'via']);
/** Fields not kept in storage: the length is recomputed from the stored body. */
const NOT_STORED_FIELDS = new Set([...OWN_RESPONSE_FIELDS, 'content-length']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Statuses whose responses never have a body, so never a Content-Length either. */
function statusHasNoBody(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

function parseAgeSec(value: string | undefined): number {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Math.min(Number(value.trim()), 2 ** 31) : 0;
}

interface StorePlan {
  lifetimeSec: number;
  varyNames: string[];
  applyUpstreamAge: boolean;
}

/**
 * The data plane's engine: looks requests up in storage, forwards misses through the upstream
 * agent, streams origin bodies to the client while teeing storable ones into the store, and
 * invalidates after unsafe methods. Front ends (the lean hit listener, /http/, /proxy) only
 * translate between their wire format and this.
 */
export class CacheEngine {
  readonly stats: Stats;
  readonly clock: Clock;
  private readonly options: CacheEngineOptions;

  constructor(options: CacheEngineOptions) {
    this.options = options;
    this.stats = options.stats;
    this.clock = options.clock;
  }

  /** Finds a fresh stored response for a GET/HEAD. Synchronous when the store is. */
  lookup(request: { key: string; headers: HeaderMap }): MaybePromise<LookupResult> {
    if (requestForbidsStoredResponse(request.headers)) return 'request';
    let found: MaybePromise<StoredResponse | undefined>;
    try {
      found = this.options.store.get(request.key);
    } catch (error) {
      this.storageFailed('get', error);
      return 'uri-miss';
    }
    if (isPromise(found)) {
      return found.then(
        (entry) => this.select(entry, request.headers),
        (error: unknown) => {
          this.storageFailed('get', error);
          return 'uri-miss' as const;
        },
      );
    }
    return this.select(found, request.headers);
  }

  private select(entry: StoredResponse | undefined, headers: HeaderMap): LookupResult {
    if (entry === undefined) return 'uri-miss';
    // RFC 9111 §4.1: the stored response is only used when the Vary-named request fields match.
    if (!varyMatches(entry.vary, headers)) return 'vary-miss';
    // §4.2: only fresh responses are served without contacting the origin.
    if (entry.staleAt <= this.clock()) return 'stale';
    return entry;
  }

  /** Response headers for serving a stored response now: stored fields plus Age and this cache's own. */
  storedResponseHeaders(entry: StoredResponse, now: number): string[] {
    const cacheStatus = appendCacheStatus(
      entry.upstreamCacheStatus,
      formatCacheStatus({ hit: true, ttlSec: remainingTtlSec(entry, now) }),
    );
    const headers = entry.headers.concat(
      'age',
      String(currentAgeSec(entry, now)),
      'cache-status',
      cacheStatus,
      'x-cache',
      'HIT',
      'x-cache-key',
      entry.key,
    );
    if (!statusHasNoBody(entry.status)) headers.push('content-length', String(entry.body.length));
    return headers;
  }

  /** Writes a stored response (HEAD: headers only) and counts the hit. */
  serveStored(res: ServerResponse, entry: StoredResponse, method: string): void {
    res.writeHead(entry.status, this.storedResponseHeaders(entry, this.clock()));
    if (method === 'HEAD') {
      res.end();
    } else {
      res.end(entry.body);
    }
    this.recordHit(entry);
  }

  recordHit(entry: StoredResponse): void {
    entry.hits++;
    this.stats.recordHit(entry.body.length);
  }

  /** Forwards a request to the origin. Rejects with a ProxyError (blocked, unreachable, timeout…). */
  async forward(request: ProxiedRequest, fwd: ForwardReason): Promise<OriginResponse> {
    const { url } = request;
    this.options.guard.assertUrlAllowed(url);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.options.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        // RFC 9110 §7.6.3: a proxy adds itself to Via.
        headers: [...request.forwardHeaders, 'via', VIA],
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
    } catch (error) {
      throw toUpstreamError(error, url);
    }

    const cacheable = request.method === 'GET' || request.method === 'HEAD';
    const plan = cacheable ? this.planStore(request, response) : undefined;

    // RFC 9111 §4.4: a non-error response to an unsafe method invalidates the stored target URI.
    if (!SAFE_METHODS.has(request.method) && response.statusCode >= 200 && response.statusCode < 400) {
      this.invalidate(url);
    }

    const bypassed = !cacheable || fwd === 'request';
    if (bypassed) this.stats.recordBypass();
    else this.stats.recordMiss();

    return new OriginResponse(this, request, response, {
      plan,
      xCache: bypassed ? 'BYPASS' : 'MISS',
      fwd: cacheable ? fwd : 'method',
    });
  }

  /** Decides whether (and for how long) the origin response will be stored. */
  private planStore(request: ProxiedRequest, response: Dispatcher.ResponseData): StorePlan | undefined {
    const responseHeaders = response.headers as HeaderMap;
    const responseDirectives = parseCacheControl(responseHeaders['cache-control']);
    const varyNames = parseVary(headerValue(responseHeaders, 'vary'));
    const reason = whyNotStorable({
      method: request.method,
      status: response.statusCode,
      requestHeaders: request.headers,
      responseHeaders,
      responseDirectives,
      varyNames,
    });
    if (reason !== undefined || varyNames === '*') return undefined;
    // RFC 9111 §5.2.1.5: a request with no-store must not have its response stored.
    if (requestForbidsStoring(request.headers)) return undefined;
    const { lifetimeSec, source } = determineFreshnessLifetime({
      responseDirectives,
      expires: headerValue(responseHeaders, 'expires'),
      date: headerValue(responseHeaders, 'date'),
      nowMs: this.clock(),
      defaultTtlSec: this.options.defaultTtlSec,
      overrideTtlSec: request.ttlOverrideSec,
    });
    // Without explicit freshness, only heuristically cacheable statuses may be stored (§4.2.2).
    if (source === 'default' && !isHeuristicallyCacheable(response.statusCode)) return undefined;
    if (lifetimeSec <= 0) return undefined;
    const declaredLength = headerValue(responseHeaders, 'content-length');
    if (declaredLength !== undefined && Number(declaredLength) > this.options.maxObjectBytes) {
      this.stats.recordNotStoredTooLarge();
      return undefined;
    }
    return { lifetimeSec, varyNames, applyUpstreamAge: source !== 'override' };
  }

  /** Stores a completely received origin response. Storage errors are logged, never thrown. */
  commit(request: ProxiedRequest, response: Dispatcher.ResponseData, plan: StorePlan, body: Buffer): void {
    const now = this.clock();
    const responseHeaders = response.headers as HeaderMap;
    const upstreamAgeSec = parseAgeSec(headerValue(responseHeaders, 'age'));
    const freshForSec = plan.applyUpstreamAge ? plan.lifetimeSec - upstreamAgeSec : plan.lifetimeSec;
    if (freshForSec <= 0) return;
    const headers = forwardableResponseHeaders(responseHeaders, NOT_STORED_FIELDS);
    headers.push('via', viaWithOurs(headerValue(responseHeaders, 'via')));
    const url = request.url.href;
    const entry: StoredResponse = {
      key: request.key,
      url,
      method: 'GET',
      status: response.statusCode,
      headers,
      body,
      vary: captureVaryValues(plan.varyNames, request.headers),
      storedAt: now,
      staleAt: now + freshForSec * 1000,
      expiresAt: now + freshForSec * 1000,
      initialAgeSec: plan.applyUpstreamAge ? upstreamAgeSec : 0,
      upstreamCacheStatus: headerValue(responseHeaders, 'cache-status'),
      size: entrySize({ key: request.key, url, headers, body }),
      hits: 0,
    };
    try {
      const stored = this.options.store.put(entry);
      if (isPromise(stored)) {
        stored.then(
          (ok) => ok && this.stats.recordStore(),
          (error: unknown) => this.storageFailed('put', error),
        );
      } else if (stored) {
        this.stats.recordStore();
      }
    } catch (error) {
      this.storageFailed('put', error);
    }
  }

  /** Removes the stored GET/HEAD response for a URL (RFC 9111 §4.4). */
  invalidate(url: URL): void {
    const key = entryKeyFor(url);
    try {
      const deleted = this.options.store.delete(key);
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

  get maxObjectBytes(): number {
    return this.options.maxObjectBytes;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  private storageFailed(operation: string, error: unknown): void {
    this.options.logger.warn({ err: error, operation }, 'cache storage operation failed; treated as a miss');
  }
}

function viaWithOurs(upstreamVia: string | undefined): string {
  return upstreamVia ? `${upstreamVia}, ${VIA}` : VIA;
}

/**
 * An origin response on its way to the client. The body is consumed exactly once, either piped
 * to a client response or read whole (for the JSON envelope); while it flows it is collected for
 * storage when the plan allows and it stays under MAX_OBJECT_BYTES. Nothing is stored unless the
 * body was received completely.
 */
export class OriginResponse {
  readonly status: number;
  /** Headers for the client: origin fields (hop-by-hop removed) plus Age, Via and this cache's own. */
  readonly headers: string[];
  readonly xCache: 'MISS' | 'BYPASS';
  readonly key: string;
  private readonly body: Readable;
  private chunks: Buffer[] | undefined;
  private collectedBytes = 0;

  constructor(
    private readonly engine: CacheEngine,
    private readonly request: ProxiedRequest,
    private readonly response: Dispatcher.ResponseData,
    meta: { plan: StorePlan | undefined; xCache: 'MISS' | 'BYPASS'; fwd: ForwardReason },
  ) {
    this.status = response.statusCode;
    this.xCache = meta.xCache;
    this.key = request.key;
    this.body = response.body;
    this.plan = meta.plan;
    this.chunks = meta.plan ? [] : undefined;
    const responseHeaders = response.headers as HeaderMap;
    const cacheStatus = appendCacheStatus(
      headerValue(responseHeaders, 'cache-status'),
      formatCacheStatus({
        fwd: meta.fwd,
        fwdStatus: response.statusCode,
        stored: meta.plan !== undefined,
        ttlSec: meta.plan?.lifetimeSec,
      }),
    );
    this.headers = forwardableResponseHeaders(responseHeaders, OWN_RESPONSE_FIELDS);
    this.headers.push(
      'via',
      viaWithOurs(headerValue(responseHeaders, 'via')),
      'age',
      String(parseAgeSec(headerValue(responseHeaders, 'age'))),
      'cache-status',
      cacheStatus,
      'x-cache',
      this.xCache,
      'x-cache-key',
      request.key,
    );
  }

  private readonly plan: StorePlan | undefined;

  private collect(chunk: Buffer): void {
    this.engine.stats.recordOriginBytes(chunk.length);
    if (this.chunks === undefined) return;
    this.collectedBytes += chunk.length;
    if (this.collectedBytes > this.engine.maxObjectBytes) {
      // Too large to store: keep streaming, stop collecting.
      this.chunks = undefined;
      this.engine.stats.recordNotStoredTooLarge();
      return;
    }
    this.chunks.push(chunk);
  }

  private finish(): void {
    if (this.plan === undefined || this.chunks === undefined) return;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.collectedBytes);
    this.chunks = undefined;
    this.engine.commit(this.request, this.response, this.plan, body);
  }

  /**
   * Streams the response to the client. Resolves when the client got all of it or the exchange
   * ended early (client gone, origin failed mid-body: the client connection is then cut, since
   * its status line is already sent). Never rejects.
   */
  pipeTo(res: ServerResponse): Promise<void> {
    res.writeHead(this.status, this.headers);
    this.body.on('data', (chunk: Buffer) => this.collect(chunk));
    return new Promise((resolve) => {
      pipeline(this.body, res, (error) => {
        if (error) {
          this.chunks = undefined;
          this.engine.logger.debug({ err: error, url: this.request.url.href }, 'response stream ended early');
          if (!res.destroyed) res.destroy();
        } else {
          this.finish();
        }
        resolve();
      });
    });
  }

  /** Reads the whole body (for the JSON envelope); rejects beyond `limitBytes`. */
  async readAll(limitBytes: number): Promise<Buffer> {
    const received: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of this.body as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (total > limitBytes) {
          this.chunks = undefined;
          this.body.destroy();
          throw new ProxyError(
            'PROXY_ERR_RESPONSE_TOO_LARGE',
            `The origin response is larger than MAX_ENVELOPE_BYTES (${limitBytes} bytes); use /http/ to stream it`,
          );
        }
        this.collect(chunk);
        received.push(chunk);
      }
    } catch (error) {
      this.chunks = undefined;
      throw error instanceof ProxyError ? error : toUpstreamError(error, this.request.url);
    }
    this.finish();
    return Buffer.concat(received, total);
  }

  /** Drops the body without reading it. */
  discard(): void {
    this.chunks = undefined;
    this.body.destroy();
  }
}
