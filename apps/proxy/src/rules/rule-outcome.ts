import type { Outcome } from '../stats/stats.js';
import type { AppliedRule, RuleEvent } from './types.js';

const EVENT_OF: Partial<Record<Outcome, RuleEvent>> = {
  hit: 'hits',
  stale: 'hits',
  revalidated: 'hits',
  miss: 'misses',
  bypass: 'bypasses',
};

/**
 * Counts how a request that matched a rule was answered, once its outcome is known: from
 * storage (fresh, stale or revalidated) is a hit, an origin response for a cacheable request a
 * miss, a relayed request (bypass, unsafe method) a bypass. Requests are counted when the rule
 * is applied, stores when the store accepts the response.
 */
export function countRuleOutcome(applied: AppliedRule | undefined, outcome: Outcome): void {
  if (applied === undefined) return;
  const event = EVENT_OF[outcome];
  if (event !== undefined) applied.rule.count(event);
}
