import { z } from 'zod';

/**
 * Cache rules: the format of `CACHE_RULES_FILE` (YAML or JSON) and the control plane's views of
 * the loaded rules. One home for both: the proxy validates the file with {@link CacheRulesFileSchema}
 * and the dashboard reads the same types.
 */

/** A duration in seconds: a non-negative integer, or a string with a unit (`90s`, `5m`, `2h`, `1d`). */
export const RuleDurationSchema = z
  .union([
    z.number().int().nonnegative(),
    z
      .string()
      .regex(/^\d+\s*[smhd]?$/i, 'expected a duration: seconds, or a number with s, m, h or d (e.g. "5m")')
      .transform((text) => {
        const match = /^(\d+)\s*([smhd]?)$/i.exec(text)!;
        const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2]!.toLowerCase() as '' | 's' | 'm' | 'h' | 'd'];
        return Number(match[1]) * unit;
      }),
  ])
  .describe('Seconds: an integer, or a string with a unit (s, m, h, d)');

const METHOD = /^[A-Za-z]+$/;
const MethodSchema = z
  .string()
  .regex(METHOD, 'expected an HTTP method name such as GET or POST')
  .transform((method) => method.toUpperCase());
const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.union([schema, z.array(schema).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]) as z.output<T>[]);

/** `example.com` or `*.example.com` (any subdomain, not the name itself). */
const HostPatternSchema = z
  .string()
  .regex(/^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'expected a host name, or *.suffix for its subdomains')
  .transform((host) => host.toLowerCase());

/** A path glob: starts with `/`; `*` matches any characters (slashes included), `?` one character. */
const PathGlobSchema = z.string().regex(/^\/[^\s]*$/, 'expected a path glob starting with / (e.g. "/api/search*")');

/** A path prefix: starts with `/`; literal (every URL whose path starts with it matches), so no `*` or `?`. */
const PathPrefixSchema = z
  .string()
  .regex(/^\/[^\s*?]*$/, 'expected a path prefix starting with / and without * or ? (every path starting with it is purged, e.g. "/api/orders")');

/** A request or response field name (RFC 9110 §5.1 token), compared case-insensitively. */
const FieldNameSchema = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a header field name')
  .transform((name) => name.toLowerCase());

/** A purge tag as Surrogate-Key carries them: printable, no spaces or commas. */
const TagSchema = z.string().regex(/^[\x21-\x2b\x2d-\x7e]{1,256}$/, 'expected a tag: printable characters, no spaces or commas');

export const RuleMatchSchema = z
  .object({
    method: oneOrMany(MethodSchema).optional().describe('Request method(s), any by default; GET also matches HEAD (answered from the same stored response)'),
    host: oneOrMany(HostPatternSchema).optional().describe("Target host(s): exact, or *.suffix; in /http/ mode the target's host"),
    path: oneOrMany(PathGlobSchema).optional().describe('Target path glob(s) (the query is not part of the path)'),
  })
  .strict();

export const RuleKeySchema = z
  .object({
    ignoreQuery: z
      .array(z.string().min(1))
      .optional()
      .describe('Query parameters left out of the key and of the origin request: names, or prefixes ending in * (utm_*)'),
    sortQuery: z.boolean().optional().describe('Sort the query parameters (stable) for the key and the origin request'),
    headers: z.array(FieldNameSchema).optional().describe('Request header fields added to the key (as if the response varied on them)'),
  })
  .strict();

export const RuleTtlSchema = z.union([
  RuleDurationSchema,
  z
    .object({
      default: RuleDurationSchema.optional().describe('Freshness lifetime of responses that state none of their own'),
      override: RuleDurationSchema.optional().describe("Freshness lifetime replacing the response's own (max-age, Expires)"),
      min: RuleDurationSchema.optional().describe('Lower bound of the freshness lifetime'),
      max: RuleDurationSchema.optional().describe('Upper bound of the freshness lifetime'),
      staleWhileRevalidate: RuleDurationSchema.optional().describe('RFC 5861 window when the response states none'),
      staleIfError: RuleDurationSchema.optional().describe('RFC 5861 window when the response states none'),
    })
    .strict(),
]);

export const RuleInvalidateSchema = z
  .object({
    prefixes: z.array(PathPrefixSchema).optional().describe('Path prefixes of the same origin purged after a successful matching request'),
    tags: z.array(TagSchema).optional().describe('Tags purged after a successful matching request'),
  })
  .strict();

export const CacheRuleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-" (at most 64)'),
    match: RuleMatchSchema.default({}),
    key: RuleKeySchema.optional(),
    ttl: RuleTtlSchema.optional(),
    bypass: z.boolean().optional().describe('Never store matching responses nor serve them from storage'),
    tags: z.array(TagSchema).optional().describe('Tags added to stored responses (purgeable like Surrogate-Key tags)'),
    invalidate: RuleInvalidateSchema.optional(),
    graphql: z.boolean().optional().describe('Cache GraphQL queries sent by POST (JSON body); mutations are never stored'),
    storeStatuses: z
      .array(z.number().int().min(200).max(599))
      .optional()
      .describe('Statuses stored beyond the defaults for matching responses (opt-in, like CACHE_EXTRA_STATUSES)'),
  })
  .strict();
export type CacheRule = z.output<typeof CacheRuleSchema>;

/**
 * Conflicts between rules that each rule's schema cannot see: duplicate names, and actions that
 * have no effect with `bypass: true`. Reads the raw document as well as the parsed one (only the
 * presence of fields matters), so a loader can report them beside other problems.
 */
export function findRuleConflicts(rules: readonly unknown[]): { path: (string | number)[]; message: string }[] {
  const conflicts: { path: (string | number)[]; message: string }[] = [];
  const seen = new Map<string, number>();
  rules.forEach((value, index) => {
    if (typeof value !== 'object' || value === null) return;
    const rule = value as Record<string, unknown>;
    if (typeof rule.name === 'string') {
      const first = seen.get(rule.name);
      if (first !== undefined) conflicts.push({ path: ['rules', index, 'name'], message: `duplicate rule name (also rules[${first}])` });
      else seen.set(rule.name, index);
    }
    if (rule.bypass === true) {
      for (const field of ['key', 'ttl', 'tags', 'graphql', 'storeStatuses'] as const) {
        if (rule[field] !== undefined) conflicts.push({ path: ['rules', index, field], message: `"${field}" has no effect with bypass: true` });
      }
    }
  });
  return conflicts;
}

export const CacheRulesFileSchema = z
  .object({ rules: z.array(CacheRuleSchema).max(1000) })
  .strict()
  .superRefine((file, ctx) => {
    for (const conflict of findRuleConflicts(file.rules)) ctx.addIssue({ code: 'custom', ...conflict });
  });
export type CacheRulesFile = z.output<typeof CacheRulesFileSchema>;

/** One problem of a rules file: where (path in the document, and line/column when the file is YAML or JSON text) and what. */
export const RuleProblemSchema = z
  .object({
    path: z.string().describe('Where in the document, e.g. rules[1].match.path; empty for the whole file'),
    line: z.number().int().nullable().describe('1-based line in the file, when known'),
    column: z.number().int().nullable().describe('1-based column in the file, when known'),
    message: z.string(),
  })
  .meta({ id: 'RuleProblem' });
export type RuleProblem = z.infer<typeof RuleProblemSchema>;

export const RuleCountersSchema = z
  .object({
    requests: z.number().int().describe('Requests this rule matched'),
    hits: z.number().int().describe('Of those, answered from storage (fresh, stale or revalidated)'),
    misses: z.number().int().describe('Of those, answered with an origin response'),
    stores: z.number().int().describe('Responses stored under this rule'),
    bypasses: z.number().int().describe('Requests relayed without the cache (bypass, unsafe methods, mutations)'),
    invalidations: z.number().int().describe('Purges this rule triggered after a successful unsafe request'),
  })
  .meta({ id: 'RuleCounters' });
export type RuleCounters = z.infer<typeof RuleCountersSchema>;

export const RuleSummarySchema = z
  .object({
    index: z.number().int().describe('Position in the file (0-based): the first matching rule applies'),
    name: z.string(),
    rule: z.unknown().describe('The rule as loaded (durations in seconds, methods upper-case)'),
    counters: RuleCountersSchema.describe('Since the rules were loaded, this replica only'),
  })
  .meta({ id: 'RuleSummary' });
export type RuleSummary = z.infer<typeof RuleSummarySchema> & { rule: CacheRule };

export const RulesStateSchema = z
  .object({
    file: z.string().nullable().describe('CACHE_RULES_FILE, null when no rules file is configured'),
    loaded_at: z.number().nullable().describe('When the active rules were loaded, seconds since the Unix epoch'),
    rules: z.array(RuleSummarySchema),
    last_reload: z
      .object({
        ok: z.boolean(),
        at: z.number().describe('Seconds since the Unix epoch'),
        problems: z.array(RuleProblemSchema).describe('Why the file was refused; the previous rules stay active'),
      })
      .nullable()
      .describe('The last reload (SIGHUP or rules.reload), null before the first one'),
  })
  .meta({ id: 'RulesState' });
export type RulesState = z.infer<typeof RulesStateSchema>;

export const RulesReloadResultSchema = z
  .object({
    ok: z.boolean().describe('false: the file was refused and the previous rules stay active'),
    rules: z.number().int().describe('Active rules after the reload'),
    problems: z.array(RuleProblemSchema),
  })
  .meta({ id: 'RulesReloadResult' });
export type RulesReloadResult = z.infer<typeof RulesReloadResultSchema>;

export const RuleTestInputSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .max(8192)
      .describe('Absolute target URL (forward modes), or a path (reverse-proxy mode, resolved against ORIGIN_URL)'),
    method: MethodSchema.default('GET'),
    headers: z.record(z.string(), z.string()).optional().describe('Request header fields, for rules that add headers to the key'),
  })
  .meta({ id: 'RuleTestInput' });
export type RuleTestInput = z.input<typeof RuleTestInputSchema>;

export const RuleTestResultSchema = z
  .object({
    url: z.string().describe('The target URL after key normalisation: what the origin would receive'),
    rule: z.object({ index: z.number().int(), name: z.string() }).nullable().describe('The first matching rule, null when none matches'),
    considered: z
      .array(z.object({ index: z.number().int(), name: z.string(), matched: z.boolean(), reason: z.string() }))
      .describe('Every rule up to the matching one, and why each did or did not match'),
    cache_key: z.string().nullable().describe('Primary cache key of the request; null when it is never looked up (bypass, unsafe method)'),
    key_headers: z.array(z.string()).describe('Request fields added to the key by the rule'),
    bypass: z.boolean(),
    ttl: z
      .object({
        default: z.number().nullable(),
        override: z.number().nullable(),
        min: z.number().nullable(),
        max: z.number().nullable(),
        stale_while_revalidate: z.number().nullable(),
        stale_if_error: z.number().nullable(),
      })
      .nullable()
      .describe('Freshness settings of the rule, seconds'),
    tags: z.array(z.string()),
    invalidates: z.object({ prefixes: z.array(z.string()), tags: z.array(z.string()) }).nullable(),
    graphql: z.boolean(),
  })
  .meta({ id: 'RuleTestResult' });
export type RuleTestResult = z.infer<typeof RuleTestResultSchema>;
