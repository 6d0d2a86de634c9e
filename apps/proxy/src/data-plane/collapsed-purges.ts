/**
 * Rule-triggered purges of one scope (a URL prefix, a tag), collapsed: at most one run in flight
 * per scope, and at most one more queued behind it. A purge request that arrives while a run is in
 * flight cannot join it (that run may already have passed keys a later fill re-stores), so it
 * waits for the queued run, which starts after the one in flight ends and therefore covers every
 * request that joined it. Every caller's promise settles when a run that began after its call
 * settles (or with the run it started), so "the response is sent once the purge is done" holds,
 * and however many matching requests arrive, a scope costs at most two purges at a time.
 *
 * Across scopes, at most `maxRunsInFlight` runs (default 4) proceed at once and the others wait
 * their turn, in order: a client naming a new origin with each write (a rule without `match.host`
 * in the forward modes makes each origin another prefix) queues its own requests, instead of
 * making Redis walk its keyspace once per origin at the same time.
 *
 * Per process: each replica runs at most two purges per scope, and `maxRunsInFlight` in all.
 */
export class CollapsedPurges {
  private readonly scopes = new Map<string, ScopeRuns>();
  private runsInFlight = 0;
  private readonly waitingForTurn: (() => void)[] = [];

  constructor(private readonly maxRunsInFlight = MAX_RUNS_IN_FLIGHT) {}

  /**
   * Runs `purge` for `scope`, or joins the run that will cover this call. Resolves or rejects as
   * that run does (each waiter sees a failed run's error).
   */
  run(scope: string, purge: () => Promise<unknown>): Promise<void> {
    const runs = this.scopes.get(scope);
    if (runs === undefined) {
      const started: ScopeRuns = { inFlight: Promise.resolve(), queued: undefined, waiting: 0 };
      this.scopes.set(scope, started);
      started.inFlight = this.start(scope, started, purge);
      return started.inFlight;
    }
    runs.waiting++;
    runs.queued ??= runs.inFlight.then(noop, noop).then(() => {
      runs.queued = undefined;
      runs.waiting = 0;
      runs.inFlight = this.start(scope, runs, purge);
      return runs.inFlight;
    });
    return runs.queued;
  }

  /** Scopes with a purge in flight. */
  get activeScopes(): number {
    return this.scopes.size;
  }

  /** Calls waiting for a queued run (each scope's queued run covers all of its waiters). */
  get waiting(): number {
    let count = 0;
    for (const runs of this.scopes.values()) count += runs.waiting;
    return count;
  }

  private start(scope: string, runs: ScopeRuns, purge: () => Promise<unknown>): Promise<void> {
    return this.turn()
      .then(() => Promise.resolve().then(purge).finally(() => this.endTurn()))
      .then(noop)
      .finally(() => {
        // The queued run, when there is one, takes over the scope's entry.
        if (runs.queued === undefined) this.scopes.delete(scope);
      });
  }

  /** Resolves when a run may start (one of `maxRunsInFlight`), in the order asked. */
  private turn(): Promise<void> {
    if (this.runsInFlight < this.maxRunsInFlight) {
      this.runsInFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waitingForTurn.push(resolve));
  }

  /** Hands the ending run's turn to the next waiting run, if any. */
  private endTurn(): void {
    const next = this.waitingForTurn.shift();
    if (next === undefined) this.runsInFlight--;
    else next();
  }
}

/** Purge runs that proceed at once across scopes (each walks the Redis keyspace). */
const MAX_RUNS_IN_FLIGHT = 4;

interface ScopeRuns {
  inFlight: Promise<void>;
  /** The run that starts when `inFlight` ends; every call meanwhile waits for it. */
  queued: Promise<void> | undefined;
  /** Calls that will be answered by `queued`. */
  waiting: number;
}

function noop(): void {}
