import type { CacheRule, RuleCounters, RuleProblem } from '@caching-proxy/shared';

/** One rule of `rules.list` as it arrives (RuleSummarySchema carries the rule itself as `unknown`). */
export interface ListedRule {
  index: number;
  name: string;
  rule?: unknown;
  counters: RuleCounters;
}

/** The rule of a listed summary as the proxy loaded it (durations in seconds, methods upper-case). */
export function loadedRule(summary: Pick<ListedRule, 'rule'>): CacheRule {
  return (summary.rule ?? { name: '', match: {} }) as CacheRule;
}

/** Share of a rule's requests answered from storage, in percent; null before any was looked up. */
export function ruleHitRatioPercent(counters: Pick<RuleCounters, 'hits' | 'misses'>): number | null {
  const looked = counters.hits + counters.misses;
  return looked === 0 ? null : (counters.hits / looked) * 100;
}

/** One line of a rule's description: a label and its value, e.g. `{ label: 'path', value: '/api/search*' }`. */
export interface RuleLine {
  label: string;
  value: string;
}

/** What a rule matches: methods, hosts and paths, "any" where the rule leaves it open. */
export function describeMatch(rule: Pick<CacheRule, 'match'>): RuleLine[] {
  const { method, host, path } = rule.match;
  return [
    { label: 'methods', value: method?.join(', ') ?? 'any' },
    { label: 'hosts', value: host?.join(', ') ?? 'any' },
    { label: 'paths', value: path?.join(', ') ?? 'any' },
  ];
}

/** Seconds as the rules file may write them: `60s`, `5m`, `2h`, `1d` when exact, else seconds. */
export function formatRuleSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

function describeTtl(ttl: NonNullable<CacheRule['ttl']>): string {
  if (typeof ttl === 'number') return `default ${formatRuleSeconds(ttl)}`;
  const parts: [string, number | undefined][] = [
    ['default', ttl.default],
    ['override', ttl.override],
    ['min', ttl.min],
    ['max', ttl.max],
    ['stale-while-revalidate', ttl.staleWhileRevalidate],
    ['stale-if-error', ttl.staleIfError],
  ];
  return parts
    .filter((part): part is [string, number] => part[1] !== undefined)
    .map(([name, seconds]) => `${name} ${formatRuleSeconds(seconds)}`)
    .join(', ');
}

function describeKey(key: NonNullable<CacheRule['key']>): string {
  const parts: string[] = [];
  if (key.ignoreQuery?.length) parts.push(`ignore query ${key.ignoreQuery.join(', ')}`);
  if (key.sortQuery) parts.push('sort query');
  if (key.headers?.length) parts.push(`add headers ${key.headers.join(', ')}`);
  return parts.join('; ');
}

/** What a rule does, in the file's order of actions; only the actions the rule sets. */
export function describeActions(rule: CacheRule): RuleLine[] {
  const lines: RuleLine[] = [];
  if (rule.bypass) lines.push({ label: 'bypass', value: 'never stored nor served from storage' });
  if (rule.key) {
    const key = describeKey(rule.key);
    if (key !== '') lines.push({ label: 'key', value: key });
  }
  if (rule.ttl !== undefined) lines.push({ label: 'ttl', value: describeTtl(rule.ttl) });
  if (rule.tags?.length) lines.push({ label: 'tags', value: rule.tags.join(', ') });
  if (rule.invalidate) {
    const parts = [...(rule.invalidate.prefixes ?? []).map((p) => `prefix ${p}`), ...(rule.invalidate.tags ?? []).map((t) => `tag ${t}`)];
    if (parts.length > 0) lines.push({ label: 'invalidate', value: parts.join(', ') });
  }
  if (rule.graphql) lines.push({ label: 'graphql', value: 'queries sent by POST are cached' });
  if (rule.storeStatuses?.length) lines.push({ label: 'store statuses', value: rule.storeStatuses.join(', ') });
  return lines;
}

/** Where a problem of a rules file is: `line 4, column 7 · rules[1].match.path`, or `the whole file`. */
export function problemLocation(problem: Pick<RuleProblem, 'path' | 'line' | 'column'>): string {
  const position =
    problem.line === null ? null : problem.column === null ? `line ${problem.line}` : `line ${problem.line}, column ${problem.column}`;
  const parts = [position, problem.path === '' ? null : problem.path].filter((part): part is string => part !== null);
  return parts.length === 0 ? 'the whole file' : parts.join(' · ');
}

/** Result of reading request header lines typed by a person. */
export type HeaderLines = { ok: true; headers: Record<string, string> } | { ok: false; line: number; message: string };

const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * `Name: value` lines (blank lines skipped) as a header record with lowercase names; the same
 * field twice is joined with ", " as RFC 9110 §5.3 combines field lines. The first malformed line
 * is reported (1-based).
 */
export function parseHeaderLines(text: string): HeaderLines {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const colon = raw.indexOf(':');
    const name = colon === -1 ? '' : raw.slice(0, colon).trim().toLowerCase();
    if (!FIELD_NAME.test(name)) return { ok: false, line: index + 1, message: 'expected "Name: value"' };
    const value = raw.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { ok: true, headers };
}
