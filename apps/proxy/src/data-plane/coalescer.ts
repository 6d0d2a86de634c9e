/**
 * Request coalescing: while one request (the leader) fetches a key from the origin, concurrent
 * misses for that key wait for it instead of sending their own request. The leader settles when
 * its response is stored or known not to be storable, or when it fails; waiters then look the
 * key up again (and go to the origin themselves when nothing usable was stored). A leader that
 * fails therefore never hangs or poisons its waiters. A failed leader hands its error to the
 * waiters (they decide whether it applies to them: an origin timeout does, see cache-engine).
 */
export class Coalescer {
  private readonly inflight = new Map<string, Promise<unknown>>();

  /**
   * Becomes the leader for `key`; returns the function that settles it (with the leader's error
   * when it failed), or undefined when a leader exists.
   */
  lead(key: string): ((failure?: unknown) => void) | undefined {
    if (this.inflight.has(key)) return undefined;
    let settle!: (failure: unknown) => void;
    const settled = new Promise<unknown>((resolve) => {
      settle = resolve;
    });
    this.inflight.set(key, settled);
    let done = false;
    return (failure?: unknown) => {
      if (done) return;
      done = true;
      this.inflight.delete(key);
      settle(failure);
    };
  }

  /** The leader's settlement for `key` (its error, or undefined), if a leader is in flight. */
  waitFor(key: string): Promise<unknown> | undefined {
    return this.inflight.get(key);
  }

  get inFlight(): number {
    return this.inflight.size;
  }
}
