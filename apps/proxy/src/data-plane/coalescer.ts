/**
 * Request coalescing: while one request (the leader) fetches a key from the origin, concurrent
 * misses for that key wait for it instead of sending their own request. The leader settles when
 * its response is stored or known not to be storable, or when it fails; waiters then look the
 * key up again (and go to the origin themselves when nothing usable was stored). A leader that
 * fails therefore never hangs or poisons its waiters.
 */
export class Coalescer {
  private readonly inflight = new Map<string, Promise<void>>();

  /** Becomes the leader for `key`; returns the function that settles it, or undefined when a leader exists. */
  lead(key: string): (() => void) | undefined {
    if (this.inflight.has(key)) return undefined;
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.inflight.set(key, settled);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inflight.delete(key);
      settle();
    };
  }

  /** The leader's settlement for `key`, if a leader is in flight. */
  waitFor(key: string): Promise<void> | undefined {
    return this.inflight.get(key);
  }

  get inFlight(): number {
    return this.inflight.size;
  }
}
