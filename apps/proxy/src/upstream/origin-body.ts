/** What reads an origin body as it arrives (see {@link OriginBody.read}). */
export interface BodyConsumer {
  /** One chunk of the body, in order. The consumer may call `pause()` on the body from here. */
  data(chunk: Buffer): void;
  /** The body arrived completely. */
  end(): void;
  /**
   * The exchange failed mid-body (the origin cut it, a deadline, an abort that is not the
   * consumer's own). At most once, never after `end`.
   */
  error(error: Error): void;
}

/** The part of undici's dispatch controller a body needs: backpressure and abort. */
export interface BodyFlowControl {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

/** Chunks held for a consumer that is not attached yet, before the origin is paused. */
const PENDING_LIMIT_BYTES = 64 * 1024;
/** A body nobody reads is read to its end when at most this large (the connection is reused), cut otherwise. */
const DISCARD_LIMIT_BYTES = 64 * 1024;

/** A message body read up to a bound: whole, or — past the bound — the body itself, still yielding every byte. */
export type CollectedBody =
  | { readonly complete: true; readonly body: Buffer }
  | { readonly complete: false; readonly body: OriginBody };

/**
 * The body of an origin response, pushed chunk by chunk by the dispatch handler
 * (origin-exchange.ts) straight to one consumer: no Readable, no promise per chunk.
 * Backpressure is the dispatch controller's pause/resume (undici stops reading the origin
 * socket). Chunks that arrive before the consumer is attached wait here (the origin is paused
 * past 64 KiB of them). Read exactly once — {@link read}, {@link collect} then `read`, or
 * {@link discard}.
 */
export class OriginBody {
  private consumer: BodyConsumer | undefined;
  private pending: Buffer[] | undefined;
  private pendingBytes = 0;
  private state: 'open' | 'ended' | 'failed' = 'open';
  private failure: Error | undefined;
  /** Paused because chunks wait for a consumer. */
  private waitingForConsumer = false;
  /** Paused by the consumer (backpressure). */
  private consumerPaused = false;
  /** `read` is handing over chunks that arrived earlier: what arrives meanwhile queues behind them. */
  private flushing = false;

  constructor(private readonly control: BodyFlowControl | undefined) {}

  /** A body that has already arrived whole (e.g. read before relaying). */
  static of(bytes: Buffer): OriginBody {
    const body = new OriginBody(undefined);
    if (bytes.length > 0) body.pending = [bytes];
    body.state = 'ended';
    return body;
  }

  // The producer's side (the dispatch handler).

  /** @internal A chunk from the origin. */
  push(chunk: Buffer): void {
    const { consumer } = this;
    if (consumer !== undefined && this.pending === undefined && !this.flushing) {
      consumer.data(chunk);
      return;
    }
    (this.pending ??= []).push(chunk);
    this.pendingBytes += chunk.length;
    if (consumer === undefined && this.pendingBytes >= PENDING_LIMIT_BYTES && !this.waitingForConsumer) {
      this.waitingForConsumer = true;
      this.control?.pause();
    }
  }

  /** @internal The body is complete. */
  end(): void {
    if (this.state !== 'open') return;
    this.state = 'ended';
    if (this.consumer !== undefined && this.pending === undefined && !this.flushing) this.consumer.end();
  }

  /** @internal The exchange failed before the body was complete. */
  fail(error: Error): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = error;
    const { consumer } = this;
    this.consumer = undefined;
    consumer?.error(error);
  }

  // The consumer's side.

  /** Whether the body arrived completely. */
  get complete(): boolean {
    return this.state === 'ended';
  }

  /**
   * Attaches the one consumer: the chunks that already arrived first, then the others as they
   * arrive, then `end` or `error`.
   */
  read(consumer: BodyConsumer): void {
    this.consumer = consumer;
    this.flushing = true;
    try {
      // One chunk at a time off the queue: a consumer that detaches (collect handing the body on,
      // an abort) leaves the rest queued in order, ahead of what arrives later.
      let pending: Buffer[] | undefined;
      while ((pending = this.pending) !== undefined && this.consumer === consumer) {
        const chunk = pending.shift()!;
        this.pendingBytes -= chunk.length;
        if (pending.length === 0) this.pending = undefined;
        consumer.data(chunk);
      }
    } finally {
      this.flushing = false;
    }
    if (this.consumer !== consumer) return;
    if (this.state === 'ended') {
      consumer.end();
    } else if (this.state === 'failed') {
      this.consumer = undefined;
      consumer.error(this.failure!);
    } else if (this.waitingForConsumer) {
      this.waitingForConsumer = false;
      if (!this.consumerPaused) this.control?.resume();
    }
  }

  /** Stops the origin (backpressure): undici stops reading its socket until {@link resume}. */
  pause(): void {
    this.consumerPaused = true;
    if (this.state === 'open') this.control?.pause();
  }

  resume(): void {
    this.consumerPaused = false;
    if (this.state === 'open' && !this.waitingForConsumer) this.control?.resume();
  }

  /**
   * Cuts the exchange (undici destroys the origin socket). The consumer hears nothing more: the
   * one that aborts knows why. Nothing happens once the body is complete.
   */
  abort(reason: Error): void {
    this.consumer = undefined;
    this.pending = undefined;
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = reason;
    this.control?.abort(reason);
  }

  /**
   * Drops the body: a small one (at most 64 KiB, as undici's `dump()`) is read to its end so that
   * the connection can be reused, a larger one cut.
   */
  discard(): void {
    let bytes = 0;
    this.read({
      data: (chunk) => {
        bytes += chunk.length;
        if (bytes > DISCARD_LIMIT_BYTES) this.abort(new Error('an unread origin body was discarded'));
      },
      end: noop,
      error: noop,
    });
  }

  /**
   * Reads the body whole when it holds at most `maxBytes` (a `declaredBytes` above the bound is
   * not read at all). Past the bound, resolves with this body, which then yields every byte —
   * the ones already read first. Rejects with the exchange's error.
   */
  collect(maxBytes: number, declaredBytes?: number): Promise<CollectedBody> {
    if (declaredBytes !== undefined && declaredBytes > maxBytes) return Promise.resolve({ complete: false, body: this });
    return new Promise((resolve, reject) => {
      let chunks: Buffer[] = [];
      let total = 0;
      this.read({
        data: (chunk) => {
          chunks.push(chunk);
          total += chunk.length;
          if (total <= maxBytes) return;
          // Past the bound: detach, and hand the chunks read so far back, ahead of the rest.
          this.consumer = undefined;
          const taken = chunks;
          chunks = [];
          this.pending = taken.concat(this.pending ?? []);
          this.pendingBytes += total;
          if (this.state === 'open' && !this.waitingForConsumer) {
            this.waitingForConsumer = true;
            this.control?.pause();
          }
          resolve({ complete: false, body: this });
        },
        end: () => resolve({ complete: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) }),
        error: reject,
      });
    });
  }
}

function noop(): void {}
