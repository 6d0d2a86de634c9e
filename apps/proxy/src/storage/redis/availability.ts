import { ProxyError } from '../../errors.js';
import type { Logger } from '../../logger.js';

function unavailable(operation: string, reason: string): ProxyError {
  return new ProxyError('PROXY_ERR_STORAGE_UNAVAILABLE', `Cannot ${operation}: ${reason}`);
}
import type { RedisClient } from './connection.js';

/**
 * Whether Redis can be used right now: connected, and not timing out. After a failure, calls
 * short-circuit to their fallback (the cache degrades to misses) while a PING probe checks every
 * `probeIntervalMs` whether Redis answers again — so a hung Redis costs one command timeout,
 * not one per request. State changes are logged once.
 */
export class RedisAvailability {
  private failedReason: string | undefined;
  /** Commands that failed or timed out since start (for metrics). */
  commandErrors = 0;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    private readonly logger: Logger,
    private readonly probeIntervalMs = 500,
  ) {
    client.on('ready', () => this.recover('connected'));
    client.on('error', (error: Error) => {
      // ioredis reports every failed reconnection attempt; the state change is logged once.
      this.fail(`redis: ${error.message}`, false);
    });
    client.on('end', () => this.fail('redis: connection closed', false));
  }

  /** Undefined when usable, else why not. */
  get reason(): string | undefined {
    if (this.failedReason) return this.failedReason;
    if (this.client.status !== 'ready') return `redis: ${this.client.status}`;
    return undefined;
  }

  get usable(): boolean {
    return this.reason === undefined;
  }

  /** Runs a Redis operation, or returns the fallback when Redis is unavailable or fails. */
  async run<T>(operation: string, work: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.usable) return fallback;
    try {
      return await work();
    } catch (error) {
      this.failed(operation, error);
      return fallback;
    }
  }

  /**
   * A reply error (OOM under maxmemory, a wrong type) fails one command; anything else — a
   * timeout, a closed connection — means Redis itself is in trouble, and calls stop for a while.
   */
  private failed(operation: string, error: unknown): void {
    this.commandErrors++;
    const message = `redis ${operation} failed: ${(error as Error).message}`;
    if ((error as Error).name === 'ReplyError') {
      this.logger.warn({ operation, err: error }, 'redis refused a command');
      return;
    }
    this.fail(message, true);
  }

  /** Like run, but rejects (for admin operations, which must not pretend to have succeeded). */
  async must<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const reason = this.reason;
    if (reason !== undefined) throw unavailable(operation, reason);
    try {
      return await work();
    } catch (error) {
      this.failed(operation, error);
      throw unavailable(operation, (error as Error).message);
    }
  }

  private fail(reason: string, startProbe: boolean): void {
    if (this.closed) return;
    if (this.failedReason === undefined) this.logger.warn({ reason }, 'redis unavailable: serving without it');
    this.failedReason = reason;
    if (startProbe && this.probe === undefined) {
      this.probe = setInterval(() => {
        if (this.client.status !== 'ready') return; // reconnection recovers through 'ready'
        this.client.ping().then(
          () => this.recover('answering again'),
          () => undefined,
        );
      }, this.probeIntervalMs);
      this.probe.unref();
    }
  }

  private recover(how: string): void {
    if (this.probe) {
      clearInterval(this.probe);
      this.probe = undefined;
    }
    if (this.failedReason !== undefined) this.logger.info({ how }, 'redis available again');
    this.failedReason = undefined;
  }

  close(): void {
    this.closed = true;
    if (this.probe) clearInterval(this.probe);
  }
}
