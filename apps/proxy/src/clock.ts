/** Milliseconds since the Unix epoch. Injected so cache decisions and tests never depend on wall time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
