import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { CACHE_NAME } from '../cache/cache-status.js';
import type { Clock } from '../clock.js';
import { NO_OBSERVER, type RequestObserver } from '../stats/observer.js';
import { OriginBody } from './origin-body.js';
import type { TargetGuard } from './target-guard.js';
import { toUpstreamError } from './upstream-errors.js';

/** This cache's member of Via (RFC 9110 §7.6.3). */
export const VIA = `1.1 ${CACHE_NAME}`;

/**
 * Tells an origin exchange when its client went away, so that it is cut (see `clientGone` in
 * data-plane/transparent.ts): `watch` hands over the abort of the exchange in flight.
 */
export interface ClientGone {
  watch(abort: (reason: Error) => void): void;
}

/** A request as it goes to the origin. */
export interface OriginRequest {
  /** Upper-case request method. */
  readonly method: string;
  readonly url: URL;
  /** Request header fields to forward, flat `[name, value, …]` list, hop-by-hop fields removed. */
  readonly forwardHeaders: readonly string[];
  readonly body?: Readable | Buffer | undefined;
  /** Cuts the exchange when the client goes away. */
  readonly clientGone?: ClientGone | undefined;
  /** Relays an interim (1xx) response of the origin; never stored. */
  readonly onInformational?: ((status: number, headers: IncomingHttpHeaders) => void) | undefined;
}

/** The final response of an origin: status, header fields (lowercase names) and the body as it arrives. */
export interface OriginResponseData {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: OriginBody;
}

/** An origin's answer with the times RFC 9111 §4.2.3 needs (ms since the epoch). */
export interface OriginResult {
  readonly response: OriginResponseData;
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
   * Range, so that the answer concerns the stored response. Resolves at the final response head
   * (RFC 9110 §15: interim responses go to `onInformational`); rejects with a ProxyError
   * (PROXY_ERR_TARGET_BLOCKED, or an upstream error mapped by toUpstreamError) when no final head
   * arrives. An error after the head reaches the body's consumer.
   */
  send(request: OriginRequest, validators?: readonly string[]): Promise<OriginResult> {
    const { url } = request;
    try {
      this.options.guard.assertUrlAllowed(url);
    } catch (blocked) {
      return Promise.reject(toUpstreamError(blocked, url));
    }
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
    const { agent, clock } = this.options;
    const observer = this.observer;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const handler = new ExchangeHandler(request, {
        head: (statusCode, responseHeaders, body) => {
          observer.originFinished((performance.now() - started) / 1000, { status: statusCode });
          resolve({
            response: { statusCode, headers: responseHeaders, body },
            requestTime,
            responseTime: clock(),
            validated: validators !== undefined,
          });
        },
        failed: (error) => {
          const mapped = toUpstreamError(error, url);
          observer.originFinished((performance.now() - started) / 1000, { errorCode: mapped.code });
          reject(mapped);
        },
      });
      try {
        agent.dispatch(
          { origin: url.origin, path: `${url.pathname}${url.search}`, method: request.method, headers, body: request.body ?? null },
          handler,
        );
      } catch (error) {
        handler.onResponseError(undefined, error as Error);
      }
    });
  }
}

interface ExchangeCallbacks {
  /** The final response head arrived; its body follows through `body`. */
  head(statusCode: number, headers: IncomingHttpHeaders, body: OriginBody): void;
  /** The exchange failed before a final response head. */
  failed(error: Error): void;
}

/**
 * One origin exchange on undici's dispatch API (the handler interface of undici 7): interim
 * responses go to the request's relay, the final head to `callbacks.head`, body chunks straight
 * to the {@link OriginBody} (no BodyReadable in between), and the client going away aborts the
 * exchange through the dispatch controller.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private body: OriginBody | undefined;
  private abortReason: Error | undefined;
  private finished = false;

  constructor(
    private readonly request: OriginRequest,
    private readonly callbacks: ExchangeCallbacks,
  ) {
    request.clientGone?.watch((reason) => this.abort(reason));
  }

  private abort(reason: Error): void {
    if (this.finished || this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) {
      // RFC 9110 §15.2: interim responses are relayed (or dropped), never the answer.
      this.request.onInformational?.(statusCode, headers);
      return;
    }
    this.body = new OriginBody(controller);
    this.callbacks.head(statusCode, headers, this.body);
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body!.push(chunk);
  }

  onResponseEnd(): void {
    this.finished = true;
    this.body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.finished = true;
    if (this.body === undefined) this.callbacks.failed(error);
    else this.body.fail(error);
  }
}
