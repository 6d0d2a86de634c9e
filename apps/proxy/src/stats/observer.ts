import type { Outcome } from './stats.js';

/** Where the data plane reports timings (implemented with Prometheus metrics). */
export interface RequestObserver {
  /** A data-plane request was answered completely. */
  requestFinished(outcome: Outcome, method: string, durationSec: number): void;
  /** An origin request got its response headers (status) or failed (error code). */
  originFinished(durationSec: number, result: { status: number } | { errorCode: string }): void;
}

export const NO_OBSERVER: RequestObserver = {
  requestFinished: () => undefined,
  originFinished: () => undefined,
};
