import { RuleTestInputSchema, type RulesReloadResult, type RulesState, type RuleTestInput, type RuleTestResult } from '@caching-proxy/shared';
import { BoundedMap } from '../bounded-map.js';
import { entryKeyFor } from '../cache/cache-key.js';
import { isCacheableMethod } from '../cache/lookup.js';
import { systemClock, type Clock } from '../clock.js';
import { ProxyError } from '../errors.js';
import { Rule } from './compiled-rule.js';
import { normalizeQuery } from './query-normalization.js';
import { formatRuleProblem, readRulesFile, readRulesFileSync } from './rules-file.js';
import type { AppliedRule, RuleBook, RuleMatchInput } from './types.js';
import type { CacheRulesFile, RuleProblem } from '@caching-proxy/shared';

/** A rules file that cannot be loaded at startup: every problem, each with its line. */
export class RulesFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly RuleProblem[],
  ) {
    super(`Invalid CACHE_RULES_FILE ${file}:\n${problems.map((p) => `  - ${formatRuleProblem(file, p)}`).join('\n')}`);
    this.name = 'RulesFileError';
  }
}

/** The active rules and when they were loaded: replaced as one value, so a reload swaps atomically. */
interface Loaded {
  readonly rules: readonly Rule[];
  readonly loadedAtSec: number | null;
  /**
   * Applied rules by method and target URL (null: no rule matches), so that a hot URL is matched,
   * normalised and hashed once per load rather than on every hit. Bounded, oldest dropped first;
   * a reload starts a new one.
   */
  readonly applied: BoundedMap<string, AppliedRule | null>;
}

const APPLIED_MEMO_CAPACITY = 4096;

export interface RuleBookOptions {
  /** CACHE_RULES_FILE; undefined: no rules (an empty book with the same API). */
  file: string | undefined;
  /**
   * Resolves the URL of a `test` request as the data plane would resolve its target: an
   * absolute http(s) URL in the forward modes, a path against ORIGIN_URL in reverse mode
   * (see {@link targetUrlResolver}). Throws a ProxyError for a bad URL.
   */
  resolveUrl: (text: string) => URL;
  clock?: Clock | undefined;
}

/** Applies a rule's key normalisation to a target URL: the same URL object when nothing changes. */
function normalizedUrl(rule: Rule, url: URL): URL {
  if (rule.query === undefined || url.search === '') return url;
  const search = normalizeQuery(url.search, rule.query);
  if (search === url.search) return url;
  const normalized = new URL(url.href);
  normalized.search = search;
  return normalized;
}

/**
 * The rule book of this replica, loaded from CACHE_RULES_FILE (rules-file.ts): the first
 * matching rule of a request applies. Counters count per rule since its load; a reload that
 * finds problems keeps the active rules and records the problems in `last_reload`.
 */
export class FileRuleBook implements RuleBook {
  private loaded: Loaded;
  private lastReload: RulesState['last_reload'] = null;
  private readonly clock: Clock;

  private constructor(
    private readonly options: RuleBookOptions,
    file: CacheRulesFile | undefined,
  ) {
    this.clock = options.clock ?? systemClock;
    this.loaded = this.compile(file);
  }

  /** The rule book of a file read at startup; throws RulesFileError with every problem. */
  static open(options: RuleBookOptions): FileRuleBook {
    if (options.file === undefined) return new FileRuleBook(options, undefined);
    const result = readRulesFileSync(options.file);
    if (!result.ok) throw new RulesFileError(options.file, result.problems);
    return new FileRuleBook(options, result.file);
  }

  /** A rule book of rules given directly (tests, and the control plane's previews). */
  static fromFile(options: RuleBookOptions, file: CacheRulesFile): FileRuleBook {
    return new FileRuleBook(options, file);
  }

  private compile(file: CacheRulesFile | undefined): Loaded {
    const applied = new BoundedMap<string, AppliedRule | null>(APPLIED_MEMO_CAPACITY);
    if (file === undefined) return { rules: [], loadedAtSec: null, applied };
    return { rules: file.rules.map((rule, index) => new Rule(index, rule)), loadedAtSec: this.clock() / 1000, applied };
  }

  /** The active compiled rules, in file order. */
  get rules(): readonly Rule[] {
    return this.loaded.rules;
  }

  apply(input: RuleMatchInput): AppliedRule | undefined {
    const { rules, applied } = this.loaded;
    if (rules.length === 0) return undefined;
    const memoKey = `${input.method} ${input.url.href}`;
    let found = applied.get(memoKey);
    if (found === undefined) {
      found = this.firstMatch(rules, input);
      applied.set(memoKey, found);
    }
    found?.rule.count('requests');
    return found ?? undefined;
  }

  private firstMatch(rules: readonly Rule[], input: RuleMatchInput): AppliedRule | null {
    for (const rule of rules) {
      if (!rule.matches(input)) continue;
      const url = normalizedUrl(rule, input.url);
      return { rule, url, key: url === input.url && input.key !== undefined ? input.key : entryKeyFor(url) };
    }
    return null;
  }

  state(): RulesState {
    const { rules, loadedAtSec } = this.loaded;
    return {
      file: this.options.file ?? null,
      loaded_at: loadedAtSec,
      rules: rules.map((rule) => ({ index: rule.index, name: rule.name, rule: rule.source, counters: { ...rule.counters } })),
      last_reload: this.lastReload,
    };
  }

  async reload(): Promise<RulesReloadResult> {
    const { file } = this.options;
    const result = file === undefined
      ? { ok: false as const, problems: [{ path: '', line: null, column: null, message: 'no rules file is configured (CACHE_RULES_FILE)' }] }
      : await readRulesFile(file);
    const atSec = this.clock() / 1000;
    if (!result.ok) {
      this.lastReload = { ok: false, at: atSec, problems: result.problems };
      return { ok: false, rules: this.loaded.rules.length, problems: result.problems };
    }
    this.loaded = this.compile(result.file);
    this.lastReload = { ok: true, at: atSec, problems: [] };
    return { ok: true, rules: this.loaded.rules.length, problems: [] };
  }

  test(input: RuleTestInput): RuleTestResult {
    const parsed = RuleTestInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new ProxyError('PROXY_ERR_INVALID_REQUEST', parsed.error.issues.map((issue) => issue.message).join('; '));
    }
    const { method } = parsed.data;
    const url = this.options.resolveUrl(parsed.data.url);
    const considered: RuleTestResult['considered'] = [];
    let matched: Rule | undefined;
    for (const rule of this.loaded.rules) {
      const mismatch = rule.explainMismatch({ method, url });
      considered.push({ index: rule.index, name: rule.name, matched: mismatch === undefined, reason: mismatch ?? describeMatch(rule, method, url) });
      if (mismatch === undefined) {
        matched = rule;
        break;
      }
    }
    const target = matched ? normalizedUrl(matched, url) : url;
    const bypass = matched?.bypass ?? false;
    const ttl = matched?.ttl;
    return {
      url: target.href,
      rule: matched ? { index: matched.index, name: matched.name } : null,
      considered,
      cache_key: bypass || !isCacheableMethod(method) ? null : entryKeyFor(target),
      key_headers: [...(matched?.keyHeaders ?? [])],
      bypass,
      ttl: ttl
        ? {
            default: ttl.defaultSec ?? null,
            override: ttl.overrideSec ?? null,
            min: ttl.minSec ?? null,
            max: ttl.maxSec ?? null,
            stale_while_revalidate: ttl.staleWhileRevalidateSec ?? null,
            stale_if_error: ttl.staleIfErrorSec ?? null,
          }
        : null,
      tags: [...(matched?.tags ?? [])],
      invalidates: matched?.invalidate ? { prefixes: [...matched.invalidate.prefixes], tags: [...matched.invalidate.tags] } : null,
      graphql: matched?.graphql ?? false,
    };
  }
}

/** Why a rule matched, naming the conditions it has. */
function describeMatch(rule: Rule, method: string, url: URL): string {
  const { match } = rule.source;
  const parts: string[] = [];
  if (match.method !== undefined) parts.push(`method ${method} in [${match.method.join(', ')}]`);
  if (match.host !== undefined) parts.push(`host ${url.hostname} matches ${match.host.join(', ')}`);
  if (match.path !== undefined) parts.push(`path ${url.pathname} matches ${match.path.join(', ')}`);
  return parts.length === 0 ? 'matches every request (no conditions)' : parts.join('; ');
}
