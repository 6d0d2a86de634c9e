/** How often each view asks the proxy again (react-query refetchInterval). */
export const POLL_MS = {
  /** Counters change with every request. */
  stats: 2_000,
  /** The proxy closes a history interval every 5 seconds. */
  history: 5_000,
  health: 10_000,
  /** Ages and TTLs in the entry views. */
  entries: 5_000,
  /** The rules' counters change with every request they match. */
  rules: 2_000,
} as const;
