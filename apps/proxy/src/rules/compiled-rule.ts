import type { CacheRule, RuleCounters } from '@caching-proxy/shared';
import { compilePathGlob } from './path-glob.js';
import { compileQueryNormalization, type QueryNormalization } from './query-normalization.js';
import type { CompiledRule, RuleEvent, RuleMatchInput, RuleTtl } from './types.js';

/** Counters of a fresh rule: all zero. */
function zeroCounters(): RuleCounters {
  return { requests: 0, hits: 0, misses: 0, stores: 0, bypasses: 0, invalidations: 0 };
}

/** A rule's `ttl` in seconds: a bare duration is `default` (freshness of responses that state none). */
function ttlOf(ttl: CacheRule['ttl']): RuleTtl | undefined {
  if (ttl === undefined) return undefined;
  if (typeof ttl === 'number') return { defaultSec: ttl };
  return {
    defaultSec: ttl.default,
    overrideSec: ttl.override,
    minSec: ttl.min,
    maxSec: ttl.max,
    staleWhileRevalidateSec: ttl.staleWhileRevalidate,
    staleIfErrorSec: ttl.staleIfError,
  };
}

/**
 * One validated rule of the rules file, compiled for matching: method set (GET also matches
 * HEAD, which is answered from the GET's stored response and must get the same key), host
 * patterns (exact, or `*.suffix` for subdomains only), path globs over the raw pathname, and the
 * query normalisation of its `key`. Its counters belong to this compilation: a reload starts
 * new ones.
 */
export class Rule implements CompiledRule {
  readonly name: string;
  readonly keyHeaders: readonly string[];
  readonly ttl: RuleTtl | undefined;
  readonly bypass: boolean;
  readonly tags: readonly string[];
  readonly invalidate: { readonly prefixes: readonly string[]; readonly tags: readonly string[] } | undefined;
  readonly graphql: boolean;
  readonly storeStatuses: ReadonlySet<number> | undefined;
  /** Query normalisation of `key` (ignoreQuery, sortQuery); undefined when the rule keeps the query. */
  readonly query: QueryNormalization | undefined;
  readonly counters: RuleCounters = zeroCounters();
  private readonly methods: ReadonlySet<string> | undefined;
  private readonly exactHosts: ReadonlySet<string> | undefined;
  /** `*.example.com` → `.example.com`. */
  private readonly hostSuffixes: readonly string[];
  private readonly paths: readonly RegExp[] | undefined;

  constructor(
    readonly index: number,
    /** The rule as loaded (zod output: durations in seconds, methods upper-case). */
    readonly source: CacheRule,
  ) {
    this.name = source.name;
    const { match } = source;
    if (match.method !== undefined) {
      const methods = new Set(match.method);
      // HEAD is answered from the GET's stored response (RFC 9110 §9.3.2): same rule, same key.
      if (methods.has('GET')) methods.add('HEAD');
      this.methods = methods;
    }
    if (match.host !== undefined) {
      this.exactHosts = new Set(match.host.filter((host) => !host.startsWith('*.')));
      this.hostSuffixes = match.host.filter((host) => host.startsWith('*.')).map((host) => host.slice(1));
    } else {
      this.hostSuffixes = [];
    }
    this.paths = match.path?.map(compilePathGlob);
    this.keyHeaders = source.key?.headers ?? [];
    this.query = compileQueryNormalization(source.key?.ignoreQuery, source.key?.sortQuery);
    this.ttl = ttlOf(source.ttl);
    this.bypass = source.bypass === true;
    this.tags = source.tags ?? [];
    this.invalidate =
      source.invalidate === undefined
        ? undefined
        : { prefixes: source.invalidate.prefixes ?? [], tags: source.invalidate.tags ?? [] };
    this.graphql = source.graphql === true;
    this.storeStatuses = source.storeStatuses === undefined ? undefined : new Set(source.storeStatuses);
  }

  count(event: RuleEvent): void {
    this.counters[event]++;
  }

  /** Whether the request matches: every listed condition holds (absent ones match anything). */
  matches(input: RuleMatchInput): boolean {
    return this.mismatch(input, false) === undefined;
  }

  /** Why the request does not match (for the rules tester); undefined when it matches. */
  explainMismatch(input: RuleMatchInput): string | undefined {
    return this.mismatch(input, true);
  }

  private mismatch(input: RuleMatchInput, explain: boolean): string | undefined {
    const { method, url } = input;
    const { match } = this.source;
    if (this.methods !== undefined && !this.methods.has(method)) {
      return explain ? `method ${method} not in [${match.method!.join(', ')}]` : '';
    }
    if (!this.hostMatches(url.hostname)) {
      return explain ? `host ${url.hostname} does not match ${match.host!.join(', ')}` : '';
    }
    if (this.paths !== undefined) {
      const path = normalizePathEscapes(url.pathname);
      if (!this.paths.some((glob) => glob.test(path))) return explain ? `path ${path} does not match ${match.path!.join(', ')}` : '';
    }
    return undefined;
  }

  private hostMatches(hostname: string): boolean {
    if (this.exactHosts === undefined) return true;
    // `example.com.` (the absolute form of the name) is the same host as `example.com`.
    const host = hostname.toLowerCase().replace(/\.$/, '');
    if (this.exactHosts.has(host)) return true;
    for (const suffix of this.hostSuffixes) if (host.endsWith(suffix) && host.length > suffix.length) return true;
    return false;
  }
}

/** A percent-escape of an unreserved character (RFC 3986 §2.3: ALPHA, DIGIT, `-`, `.`, `_`, `~`). */
const ESCAPED_UNRESERVED = /%(4[1-9A-F]|5[0-9A]|6[1-9A-F]|7[0-9A]|3[0-9]|2D|2E|5F|7E)/gi;

/**
 * A raw path with escapes of unreserved characters decoded (RFC 3986 §6.2.2.2: `/%61dmin` is
 * `/admin` to every origin), so that another spelling of the same path cannot dodge a rule.
 * Other escapes (`%2F`, `%25`, …) stay as they are: decoding them would change the path.
 */
export function normalizePathEscapes(rawPath: string): string {
  if (!rawPath.includes('%')) return rawPath;
  return rawPath.replace(ESCAPED_UNRESERVED, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

