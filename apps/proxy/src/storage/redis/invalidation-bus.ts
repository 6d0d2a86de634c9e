import { z } from 'zod';
import { BoundedMap } from '../../bounded-map.js';
import type { Logger } from '../../logger.js';
import type { RedisAvailability } from './availability.js';
import type { RedisClient } from './connection.js';

/** What one replica tells the others to drop from their L1 tier. */
export const InvalidationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('key'), key: z.string().regex(/^[0-9a-f]{64}$/), from: z.string() }),
  z.object({ op: z.literal('clear'), from: z.string() }),
  z.object({ op: z.literal('purge'), prefix: z.string(), from: z.string() }),
  z.object({ op: z.literal('tag'), tag: z.string(), from: z.string() }),
]);
export type Invalidation = z.infer<typeof InvalidationSchema>;
type Message = Invalidation extends infer M ? (M extends { from: string } ? Omit<M, 'from'> : never) : never;

/**
 * Keeps every replica's L1 tier coherent through Redis pub/sub: a delete, overwrite, purge,
 * clear or invalidation anywhere is published and applied by every other replica at once. While
 * the subscription is down, messages are lost, so L1 is cleared whenever it comes back.
 */
export class InvalidationBus {
  private handler: (message: Invalidation) => void = () => {};
  private connectedBefore = false;
  private wasDown = false;
  /** Counts every message applied, so readers can tell whether one arrived during a Redis read. */
  generation = 0;
  private broadGeneration = 0;
  /**
   * The generation of each recently invalidated key. Only recent generations matter (a Redis
   * read lasts at most a command timeout); a key dropped from this memo raises a floor instead,
   * so a reader older than it is told "invalidated" rather than "not": conservative, never wrong.
   */
  private evictedGeneration = 0;
  private readonly keyGenerations = new BoundedMap<string, number>(10_000, (_key, generation) => {
    this.evictedGeneration = Math.max(this.evictedGeneration, generation);
  });

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    readonly replicaId: string,
    private readonly availability: RedisAvailability,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    subscriber.on('ready', () => {
      if (this.connectedBefore && this.wasDown) {
        // Messages may have been missed while disconnected.
        this.apply({ op: 'clear', from: 'reconnect' });
      }
      this.connectedBefore = true;
      this.wasDown = false;
      subscriber.subscribe(this.channel).then(
        () => this.whenPublisherReady(),
        (error: unknown) => this.logger.warn({ err: error }, 'could not subscribe to L1 invalidations'),
      );
    });
    subscriber.on('close', () => {
      this.wasDown = true;
    });
  }

  private subscribedOnce: (() => void) | undefined;
  private readonly firstSubscription = new Promise<void>((resolve) => {
    this.subscribedOnce = resolve;
  });

  /** Resolves once the channel is subscribed (and the command connection ready). */
  subscribed(): Promise<void> {
    return this.firstSubscription;
  }

  onInvalidate(handler: (message: Invalidation) => void): void {
    this.handler = handler;
  }

  private whenPublisherReady(): void {
    if (this.publisher.status === 'ready') this.subscribedOnce?.();
    else this.publisher.once('ready', () => this.subscribedOnce?.());
  }

  publish(message: Message): void {
    const text = JSON.stringify({ ...message, from: this.replicaId });
    void this.availability.run('publish', () => this.publisher.publish(this.channel, text), 0);
  }

  /** Whether a message that concerns `key` was applied after `generation`. */
  invalidatedSince(key: string, generation: number): boolean {
    return (
      this.broadGeneration > generation ||
      this.evictedGeneration > generation ||
      (this.keyGenerations.get(key) ?? 0) > generation
    );
  }

  private receive(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = InvalidationSchema.safeParse(raw);
    if (!parsed.success || parsed.data.from === this.replicaId) return;
    this.apply(parsed.data);
  }

  private apply(message: Invalidation): void {
    this.generation++;
    if (message.op === 'key') {
      this.keyGenerations.set(message.key, this.generation);
    } else {
      this.broadGeneration = this.generation;
    }
    this.handler(message);
  }
}
