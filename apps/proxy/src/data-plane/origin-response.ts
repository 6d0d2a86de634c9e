import type { ServerResponse } from 'node:http';
import { ProxyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Stats } from '../stats/stats.js';
import type { OriginBody } from '../upstream/origin-body.js';
import type { FillBudget } from './fill-budget.js';
import { toUpstreamError } from '../upstream/upstream-errors.js';

/** Where a storable origin body goes once it has arrived completely. */
export interface StoreSink {
  maxObjectBytes: number;
  /** Stores the complete body; may be asynchronous. */
  commit(body: Buffer): void | Promise<void>;
}

export interface OriginResponseOptions {
  status: number;
  /** Headers for the client (origin fields, hop-by-hop removed, plus this cache's own). */
  headers: string[];
  body: OriginBody;
  target: URL;
  stats: Stats;
  logger: Logger;
  /** Present when the response is storable. */
  sink: StoreSink | undefined;
  /** Called once when storing is done, refused or impossible (coalesced waiters resume then). */
  onSettled: () => void;
  /** FILL_BUFFER_BYTES: what all fills together may hold for slow clients (see FillBudget). */
  fillBudget?: FillBudget | undefined;
}

/**
 * An origin response on its way to a client. The body is consumed exactly once — piped to a
 * client, read whole (JSON envelope), or read in the background (revalidation) — and collected
 * for storage while it flows, when storable and under MAX_OBJECT_BYTES. Nothing is stored unless
 * the body arrived completely.
 */
export class OriginResponse {
  readonly status: number;
  readonly headers: string[];
  private readonly body: OriginBody;
  private readonly options: OriginResponseOptions;
  private chunks: Buffer[] | undefined;
  private collectedBytes = 0;
  private settled = false;

  constructor(options: OriginResponseOptions) {
    this.options = options;
    this.status = options.status;
    this.headers = options.headers;
    this.body = options.body;
    if (options.sink) this.chunks = [];
    else this.settle();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.options.onSettled();
  }

  private abandonStoring(): void {
    this.chunks = undefined;
    this.settle();
  }

  private collect(chunk: Buffer): void {
    this.options.stats.recordOriginBytes(chunk.length);
    if (this.chunks === undefined) return;
    this.collectedBytes += chunk.length;
    if (this.collectedBytes > this.options.sink!.maxObjectBytes) {
      // Too large to store: keep streaming, stop collecting.
      this.options.stats.recordNotStoredTooLarge();
      this.abandonStoring();
      return;
    }
    this.chunks.push(chunk);
  }

  private finish(): void {
    const { chunks } = this;
    if (chunks === undefined || this.options.sink === undefined) {
      this.settle();
      return;
    }
    this.chunks = undefined;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.collectedBytes);
    let committed: void | Promise<void> = undefined;
    try {
      committed = this.options.sink.commit(body);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'storing a response failed');
    }
    if (committed instanceof Promise) {
      committed
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'storing a response failed'))
        .finally(() => this.settle());
    } else {
      this.settle();
    }
  }

  /**
   * Streams the response to the client, writing each origin chunk straight to `res` as the
   * dispatch handler delivers it (no stream in between). While the response is being stored, the
   * origin is read at its own pace and what the client has not taken yet waits in `res`'s buffer —
   * bounded by MAX_OBJECT_BYTES, since collecting stops beyond it (as Varnish and nginx's
   * proxy_buffering do) — so a slow client never holds the fill, and coalesced waiters are
   * released when the body is stored, not when this client has read it. Once nothing is being
   * stored, the client's backpressure pauses the origin (`res.write() === false` → the dispatch
   * controller's pause, 'drain' → resume). Resolves when the client got all of it or the exchange
   * ended early (client gone, origin failed mid-body: the client connection is then cut, since
   * its status line is already sent). Never rejects.
   */
  pipeTo(res: ServerResponse, extraHeaders: readonly string[] = []): Promise<void> {
    res.writeHead(this.status, extraHeaders.length > 0 ? this.headers.concat(extraHeaders) : this.headers);
    const { body } = this;
    const { fillBudget } = this.options;
    return new Promise((resolve) => {
      let done = false;
      /** What this response holds of the fill budget: bytes written to `res` the client has not taken. */
      let charged = 0;
      const release = (): void => {
        if (charged !== 0) fillBudget?.recharge(charged, 0);
        charged = 0;
      };
      const resume = (): void => {
        release();
        body.resume();
      };
      const stop = (error: Error): void => {
        if (done) return;
        done = true;
        release();
        res.off('drain', resume);
        this.abandonStoring();
        this.options.logger.debug({ err: error, url: this.options.target.href }, 'response stream ended early');
        body.abort(error);
        if (!res.destroyed) res.destroy();
        resolve();
      };
      body.read({
        data: (chunk) => {
          this.collect(chunk);
          if (res.write(chunk)) return;
          if (!res.listeners('drain').includes(resume)) res.once('drain', resume);
          if (this.chunks !== undefined) {
            // Storing: read on at the origin's pace while the fill budget allows.
            if (fillBudget === undefined) return;
            const held = res.writableLength;
            const withinBudget = fillBudget.recharge(charged, held);
            charged = held;
            if (withinBudget) return;
          }
          body.pause();
        },
        end: () => {
          this.finish();
          res.end();
        },
        error: stop,
      });
      res.once('error', stop);
      // 'close' follows 'finish' too: one listener tells a complete response from a client gone.
      res.once('close', () => {
        if (res.writableFinished) {
          done = true;
          release();
          resolve();
        } else {
          stop(new Error('the client went away'));
        }
      });
    });
  }

  /** Reads the whole body (for the JSON envelope); rejects beyond `limitBytes`. */
  readAll(limitBytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const received: Buffer[] = [];
      let total = 0;
      const fail = (error: unknown): void => {
        this.abandonStoring();
        reject(error instanceof ProxyError ? error : toUpstreamError(error, this.options.target));
      };
      this.body.read({
        data: (chunk) => {
          total += chunk.length;
          if (total > limitBytes) {
            const tooLarge = new ProxyError(
              'PROXY_ERR_RESPONSE_TOO_LARGE',
              `The origin response is larger than MAX_ENVELOPE_BYTES (${limitBytes} bytes); use /http/ to stream it`,
            );
            this.body.abort(tooLarge);
            fail(tooLarge);
            return;
          }
          this.collect(chunk);
          received.push(chunk);
        },
        end: () => {
          this.finish();
          resolve(received.length === 1 ? received[0]! : Buffer.concat(received, total));
        },
        error: fail,
      });
    });
  }

  /** Reads the body only to store it (background revalidation); never rejects. */
  consume(): Promise<void> {
    if (this.chunks === undefined) {
      this.discard();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.body.read({
        data: (chunk) => {
          this.collect(chunk);
          if (this.chunks === undefined) {
            this.body.abort(new Error('too large to store'));
            resolve();
          }
        },
        end: () => {
          this.finish();
          resolve();
        },
        error: (error) => {
          this.abandonStoring();
          this.options.logger.debug({ err: error, url: this.options.target.href }, 'background fetch ended early');
          resolve();
        },
      });
    });
  }

  /** Drops the body without storing or relaying it. */
  discard(): void {
    this.abandonStoring();
    this.body.discard();
  }
}
