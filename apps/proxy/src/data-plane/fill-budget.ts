/**
 * The bytes buffered for clients that read slower than their fills arrive, across every fill in
 * progress (FILL_BUFFER_BYTES). While a response is being stored the origin is read at its own
 * pace and what the client has not taken waits in memory; each such response charges what it
 * holds here, and past the budget it falls back to the client's pace (the origin is paused until
 * the client drains), so a crowd of non-reading clients cannot hold more than the budget — at
 * worst their fills are paced by them again, as without buffering.
 */
export class FillBudget {
  private heldBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes currently held for slow clients. */
  get held(): number {
    return this.heldBytes;
  }

  /** Changes one response's charge from `before` to `after` bytes; false when the budget is now exceeded. */
  recharge(before: number, after: number): boolean {
    this.heldBytes += after - before;
    return this.heldBytes <= this.maxBytes;
  }
}
