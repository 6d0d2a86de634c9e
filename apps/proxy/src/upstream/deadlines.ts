import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ProxyError } from '../errors.js';

/** The time bounds of one origin exchange, in milliseconds from the moment it is dispatched. */
export interface UpstreamDeadlines {
  /** Until the response head arrives (connecting included): UPSTREAM_TIMEOUT_MS. */
  firstByteMs: number;
  /** Between two chunks of the response body: UPSTREAM_TIMEOUT_MS. */
  idleMs: number;
  /** Until the response is complete, however steadily it drips: UPSTREAM_RESPONSE_DEADLINE_MS. */
  totalMs: number;
}

type Phase = 'first byte' | 'next body chunk' | 'complete response';

/**
 * Cuts an origin exchange that overruns one of its deadlines: the request is aborted with a
 * `PROXY_ERR_UPSTREAM_TIMEOUT` (504 before the head, a cut connection after it) and undici
 * destroys the origin socket, so a blackhole or an endless drip holds no connection either.
 * Own timers rather than undici's `headersTimeout`/`bodyTimeout`, which tick at about one
 * second and are per phase only (no total).
 */
class DeadlineHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private expired: ProxyError | undefined;
  private phaseTimer: NodeJS.Timeout | undefined;
  private phase: Phase = 'first byte';
  private phaseMs = 0;
  private readonly totalTimer: NodeJS.Timeout;

  constructor(
    private readonly handler: Dispatcher.DispatchHandler,
    private readonly deadlines: UpstreamDeadlines,
  ) {
    this.totalTimer = setTimeout(() => this.expire('complete response', deadlines.totalMs), deadlines.totalMs);
    this.armPhase('first byte', deadlines.firstByteMs);
  }

  /**
   * (Re)starts the phase timer. Re-arming for the same duration refreshes the one Timeout instead
   * of allocating a new one: this runs for every body chunk.
   */
  private armPhase(phase: Phase, ms: number): void {
    this.phase = phase;
    if (this.phaseTimer !== undefined && ms === this.phaseMs) {
      this.phaseTimer.refresh();
      return;
    }
    clearTimeout(this.phaseTimer);
    this.phaseMs = ms;
    this.phaseTimer = setTimeout(() => this.expire(this.phase, this.phaseMs), ms);
  }

  private clear(): void {
    clearTimeout(this.phaseTimer);
    clearTimeout(this.totalTimer);
  }

  private expire(phase: Phase, ms: number): void {
    this.clear();
    this.expired = new ProxyError('PROXY_ERR_UPSTREAM_TIMEOUT', `The origin did not send the ${phase} within ${ms} ms`);
    this.controller?.abort(this.expired);
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.controller = controller;
    this.handler.onRequestStart?.(controller, context);
    if (this.expired) controller.abort(this.expired);
  }

  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.clear();
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    // The final head starts the body's clock; an interim (1xx) head restarts the same bound
    // (UPSTREAM_TIMEOUT_MS both), and the handler behind relays it.
    this.armPhase('next body chunk', this.deadlines.idleMs);
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.armPhase('next body chunk', this.deadlines.idleMs);
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.clear();
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.clear();
    this.handler.onResponseError?.(controller, this.expired ?? error);
  }
}

/** An undici interceptor applying `deadlines` to every request dispatched through it. */
export function deadlineInterceptor(deadlines: UpstreamDeadlines): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) => dispatch(options, new DeadlineHandler(handler, deadlines));
}
