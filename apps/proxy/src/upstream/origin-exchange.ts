import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CACHE_NAME } from '../cache/cache-status.js';
import type { Clock } from '../clock.js';
import { NO_OBSERVER, type RequestObserver } from '../stats/observer.js';
import type { TargetGuard } from './target-guard.js';
import { toUpstreamError } from './upstream-errors.js';

/** This cache's member of Via (RFC 9110 §7.6.3). */
export const VIA = `1.1 ${CACHE_NAME}`;

/** A request as it goes to the origin. */
export interface OriginRequest {
  /** Upper-case request method. */
  readonly method: string;
  readonly url: URL;
  /** Request header fields to forward, flat `[name, value, …]` list, hop-by-hop fields removed. */
  readonly forwardHeaders: readonly string[];
  readonly body?: Readable | Buffer | undefined;
  /** Aborts the exchange (the client went away). */
  readonly signal?: AbortSignal | undefined;
  /** Relays an interim (1xx) response of the origin; never stored. */
  readonly onInformational?: ((status: number, headers: Record<string, string | string[]>) => void) | undefined;
}

/** An origin's answer with the times RFC 9111 §4.2.3 needs (ms since the epoch). */
export interface OriginResult {
  readonly response: Dispatcher.ResponseData;
  readonly requestTime: number;
  readonly responseTime: number;
  /** Whether the request carried a stored response's validators (a conditional request, §4.3.1). */
  readonly validated: boolean;
}

export interface OriginExchangeOptions {
  agent: Dispatcher;
  guard: TargetGuard;
  clock: Clock;
  /** Origin timings and errors (Prometheus). */
  observer?: RequestObserver | undefined;
}

/** Client preconditions replaced by a stored response's validators when the cache validates. */
const CLIENT_CONDITIONALS = new Set(['if-none-match', 'if-modified-since', 'range', 'if-range']);

/**
 * The origin side of the data plane: sends one request through the pooled, SSRF-guarded agent
 * and times it. Errors are mapped to ProxyErrors with stable codes (toUpstreamError).
 */
export class OriginExchange {
  private readonly observer: RequestObserver;

  constructor(private readonly options: OriginExchangeOptions) {
    this.observer = options.observer ?? NO_OBSERVER;
  }

  /**
   * Sends `request` upstream. With `validators` (a stored response's If-None-Match /
   * If-Modified-Since fields, RFC 9111 §4.3.1) they replace the client's own preconditions and
   * Range, so that the answer concerns the stored response.
   */
  async send(request: OriginRequest, validators?: readonly string[]): Promise<OriginResult> {
    const { url } = request;
    this.options.guard.assertUrlAllowed(url);
    const forwarded = request.forwardHeaders;
    let headers: string[];
    if (validators === undefined) {
      // RFC 9110 §7.6.3: a proxy adds itself to Via.
      headers = forwarded.concat('via', VIA);
    } else {
      headers = [];
      for (let i = 0; i < forwarded.length; i += 2) {
        if (!CLIENT_CONDITIONALS.has(forwarded[i]!.toLowerCase())) headers.push(forwarded[i]!, forwarded[i + 1]!);
      }
      headers.push(...validators, 'via', VIA);
    }
    const requestTime = this.options.clock();
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await this.options.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        body: request.body ?? null,
        signal: request.signal ?? null,
        onInfo: request.onInformational
          ? ({ statusCode, headers: infoHeaders }) => request.onInformational?.(statusCode, infoHeaders)
          : undefined,
      });
    } catch (error) {
      const mapped = toUpstreamError(error, url);
      this.observer.originFinished((performance.now() - started) / 1000, { errorCode: mapped.code });
      throw mapped;
    }
    this.observer.originFinished((performance.now() - started) / 1000, { status: response.statusCode });
    return { response, requestTime, responseTime: this.options.clock(), validated: validators !== undefined };
  }
}

function noop(): void {}

/**
 * Drops an origin body nobody relays: a small one is read to its end so the connection can be
 * reused, a larger one cut (undici's dump). The error listener keeps an abort from becoming an
 * uncaught exception.
 */
export function discardBody(body: Readable): void {
  body.on('error', noop);
  const dumpable = body as Readable & { dump?: (options: { limit: number }) => Promise<void> };
  if (typeof dumpable.dump === 'function') {
    dumpable.dump({ limit: 64 * 1024 }).catch(noop);
  } else {
    body.destroy();
  }
}
