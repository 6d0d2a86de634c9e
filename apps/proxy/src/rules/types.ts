import type { RuleCounters, RulesReloadResult, RulesState, RuleTestInput, RuleTestResult } from '@caching-proxy/shared';
import type { RuleTtl } from '../cache/storage-plan.js';

/** What a rule's match is evaluated on: the request method and the target URL (its host and path). */
export interface RuleMatchInput {
  /** Upper-case request method. */
  readonly method: string;
  /** The target URL: in /http/ and absolute-form requests the target's, in reverse mode ORIGIN_URL's origin and the request path. */
  readonly url: URL;
  /** The primary key of `url` when the caller already has it: reused when the rule leaves the URL unchanged (no hashing per hit). */
  readonly key?: string | undefined;
}

/** A rule's freshness settings, seconds (defined with the storage plan that applies them, cache/ being pure policy). */
export type { RuleTtl };

/** Which counter of a rule an event increments (see RuleCounters in @caching-proxy/shared). */
export type RuleEvent = keyof RuleCounters;

/** A validated rule, ready to match: its actions and its counters. */
export interface CompiledRule {
  /** Position in the file, 0-based. */
  readonly index: number;
  readonly name: string;
  /** Request fields added to the key (lowercase), joined to the response's own Vary names when storing (RFC 9111 §4.1). */
  readonly keyHeaders: readonly string[];
  readonly ttl: RuleTtl | undefined;
  readonly bypass: boolean;
  /** Tags added to stored responses. */
  readonly tags: readonly string[];
  /** Purged after a successful (2xx/3xx) unsafe request matching the rule, on the same origin. */
  readonly invalidate: { readonly prefixes: readonly string[]; readonly tags: readonly string[] } | undefined;
  readonly graphql: boolean;
  /** Statuses stored beyond the defaults for matching responses. */
  readonly storeStatuses: ReadonlySet<number> | undefined;
  /** Counts one event for this rule (this replica). */
  count(event: RuleEvent): void;
}

/**
 * The first matching rule of a request, applied: the target URL after key normalisation (query
 * parameters ignored, sorted) — which is both what the key is built from and what the origin
 * receives, so that nothing left out of the key can change the response — and its primary key.
 */
export interface AppliedRule {
  readonly rule: CompiledRule;
  readonly url: URL;
  /** Primary cache key of the normalised URL (entryKeyFor). */
  readonly key: string;
}

/**
 * The loaded rules of this replica: matched per request on the data plane, read, reloaded and
 * tested by the control plane. A reload that finds problems keeps the previous rules.
 */
export interface RuleBook {
  /** The first rule matching the request, applied; undefined when none matches (or no rules are loaded). */
  apply(input: RuleMatchInput): AppliedRule | undefined;
  /** The active rules with their counters, and the outcome of the last reload. */
  state(): RulesState;
  /** Reads CACHE_RULES_FILE again: on success the new rules replace the old; on problems nothing changes. */
  reload(): Promise<RulesReloadResult>;
  /** What the rules would do with a request, without sending it. Throws ProxyError PROXY_ERR_INVALID_URL for a bad URL. */
  test(input: RuleTestInput): RuleTestResult;
}
