import type { Outcome } from './stats.js';

/** Where the data plane reports timings (implemented with Prometheus metrics). */
export interface RequestObserver {
  /**
   * A data-plane request was answered completely. `method` is the origin request's (a `/proxy`
   * envelope's, not POST); `status` is the status sent to the client (errors are classified by it).
   */
  requestFinished(outcome: Outcome, method: string, durationSec: number, status: number): void;
  /** An origin request got its response headers (status) or failed (error code). */
  originFinished(durationSec: number, result: { status: number } | { errorCode: string }): void;
}

export const NO_OBSERVER: RequestObserver = {
  requestFinished: () => undefined,
  originFinished: () => undefined,
};
