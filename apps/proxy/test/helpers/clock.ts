import type { Clock } from '../../src/clock.js';

export interface ManualClock {
  now: Clock;
  advance(ms: number): void;
}

/** A clock that only moves when told to, so expiry tests never sleep. */
export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}
