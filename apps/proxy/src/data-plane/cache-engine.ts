import type { Dispatcher } from 'undici';
import type { CacheStatusParams, ForwardReason } from '../cache/cache-status.js';
import { currentAgeSec, remainingTtlSec } from '../cache/freshness.js';
import { headerListToMap, headerValue, type HeaderMap } from '../cache/headers.js';
import { invalidationTargets, isUnsafeMethod } from '../cache/invalidation.js';
import { isCacheableRequest, lookUp, type CacheLookup, type LookupRequest } from '../cache/lookup.js';
import type { RequestDirectives } from '../cache/request-directives.js';
import { planStorage, type CachePolicySettings } from '../cache/storage-plan.js';
import { captureVaryValues, parseVary } from '../cache/vary.js';
import type { Clock } from '../clock.js';
import { ProxyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RequestObserver } from '../stats/observer.js';
import type { Outcome, Stats } from '../stats/stats.js';
import type { CacheAdmin, CacheStore, MaybePromise, StoredResponse } from '../storage/types.js';
import { FileRuleBook } from '../rules/rule-book.js';
import type { AppliedRule, RuleBook } from '../rules/types.js';
import { OriginBody } from '../upstream/origin-body.js';
import { OriginExchange, VIA, type OriginRequest, type OriginResult } from '../upstream/origin-exchange.js';
import { isUpstreamTimeout, toUpstreamError } from '../upstream/upstream-errors.js';
import type { TargetGuard } from '../upstream/target-guard.js';
import { declaredContentLength } from './bounded-body.js';
import { Coalescer } from './coalescer.js';
import type { FillBudget } from './fill-budget.js';
import { CollapsedPurges } from './collapsed-purges.js';
import { GuardedStore } from './guarded-store.js';
import { whyQueryResponseNotStored } from './graphql-response.js';
import { forwardableResponseHeaders } from './hop-by-hop.js';
import { OriginResponse, type StoreSink } from './origin-response.js';
import type { Responder } from './responders.js';
import { ownResponseFields, StoredResponseServer, type ServedOutcome } from './serve-stored.js';
import { captureRequestHeaders, createStoredResponse, NOT_STORED_FIELDS, OWN_RESPONSE_FIELDS } from './stored-response.js';
import { Validation } from './validation.js';

/** A request on its way through the cache, already validated by a front end. */
export interface ProxiedRequest extends OriginRequest, LookupRequest {
  /** Primary cache key of the URL (see entryKeyFor), or of a cacheable POST's URL and body (queryKeyFor). */
  readonly key: string;
  /** Client request header fields, lowercase map, for the cache policy. */
  readonly headers: HeaderMap;
  /** `?ttl=` override of the freshness lifetime, in seconds. */
  readonly ttlOverrideSec?: number | undefined;
  /** Why a request that could have been cached is relayed without the cache (Cache-Status `detail`), e.g. `graphql-mutation`. */
  readonly bypassDetail?: string | undefined;
  /** The cache rule that matched (its URL and key are this request's `url` and `key`). */
  readonly rule?: AppliedRule | undefined;
  /** The matched rule says `bypass` (see LookupRequest). */
  readonly bypass?: boolean | undefined;
}

/** The decision of {@link lookUp} over stored responses. */
export type Decision = CacheLookup<StoredResponse>;
type ForwardDecision = Extract<Decision, { action: 'validate' | 'forward' }>;

export interface CacheEngineOptions {
  store: CacheStore;
  agent: Dispatcher;
  stats: Stats;
  clock: Clock;
  logger: Logger;
  guard: TargetGuard;
  policy: CachePolicySettings;
  /** Origin timings and errors (Prometheus). */
  observer?: RequestObserver | undefined;
  /** The lookup (cache/lookup.ts); replaceable so that tests can count its calls. */
  lookUp?: typeof lookUp | undefined;
  /** The cache rules (CACHE_RULES_FILE); none by default. */
  rules?: RuleBook | undefined;
  /**
   * Purges by prefix and tag for rules' `invalidate`: the store's admin interface, so that the
   * invalidation fences apply and Redis replicas see them.
   */
  admin?: Pick<CacheAdmin, 'purgePrefix' | 'purgeTag'> | undefined;
  /** FILL_BUFFER_BYTES: what fills may hold for slow clients, all together (see FillBudget); unbounded when absent. */
  fillBudget?: FillBudget | undefined;
}

const NOT_CACHED = () =>
  new ProxyError('PROXY_ERR_NOT_CACHED', 'only-if-cached: no stored response can answer this request (RFC 9111 §5.2.1.7)');

function viaWithOurs(upstreamVia: string | undefined): string {
  return upstreamVia ? `${upstreamVia}, ${VIA}` : VIA;
}

function noop(): void {}

/**
 * The data plane's engine: executes the one decision the pure lookup made for a request —
 * serve a stored response, serve it stale, validate it, forward (coalescing concurrent misses),
 * or pass — and stores origin responses while they stream (RFC 9111). The decisions are the
 * pure functions of cache/; this class does the I/O around them.
 */
export class CacheEngine {
  readonly stats: Stats;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The cache rules every front end applies once a request's target is resolved. */
  readonly rules: RuleBook;
  private readonly admin: Pick<CacheAdmin, 'purgePrefix' | 'purgeTag'> | undefined;
  private readonly policy: CachePolicySettings;
  private readonly store: GuardedStore;
  private readonly origin: OriginExchange;
  private readonly validation: Validation;
  private readonly stored: StoredResponseServer;
  private readonly coalescer = new Coalescer();
  /** Rules' purges, at most one in flight and one queued per prefix or tag. */
  readonly rulePurges = new CollapsedPurges();
  private readonly lookUpFn: typeof lookUp;
  private readonly fillBudget: FillBudget | undefined;

  constructor(options: CacheEngineOptions) {
    this.stats = options.stats;
    this.clock = options.clock;
    this.logger = options.logger;
    this.policy = options.policy;
    this.rules = options.rules ?? FileRuleBook.open({ file: undefined, resolveUrl: (text) => new URL(text) });
    this.admin = options.admin;
    this.fillBudget = options.fillBudget;
    this.lookUpFn = options.lookUp ?? lookUp;
    this.store = new GuardedStore(options.store, options.stats, options.logger);
    this.origin = new OriginExchange({ agent: options.agent, guard: options.guard, clock: options.clock, observer: options.observer });
    this.validation = new Validation({ exchange: this.origin, store: this.store, clock: options.clock, policy: options.policy });
    this.stored = new StoredResponseServer(options.clock, options.stats);
  }

  /** The stored variants a request may be answered from: none for requests the cache does not answer. */
  readVariants(request: LookupRequest & { readonly key: string }): MaybePromise<readonly StoredResponse[] | undefined> {
    return isCacheableRequest(request) && request.bypass !== true ? this.store.getVariants(request.key) : undefined;
  }

  /** The one decision for a request, over the variants {@link readVariants} returned. */
  lookUp(request: LookupRequest, variants: readonly StoredResponse[] | undefined): Decision {
    return this.lookUpFn(request, variants, this.clock());
  }

  /** Answers synchronously with a fresh stored response (the hit path). */
  serveFresh(request: LookupRequest & { readonly rule?: AppliedRule | undefined }, responder: Responder, decision: Extract<Decision, { action: 'serve' }>): 'hit' {
    this.stored.serve(request, responder, decision.entry, 'hit', request.rule ? { rule: request.rule.rule.name } : {});
    return 'hit';
  }

  /** Looks a request up and executes the decision (the JSON envelope's path). */
  async handle(request: ProxiedRequest, responder: Responder): Promise<Outcome> {
    const decision = this.lookUp(request, await this.readVariants(request));
    return this.execute(request, responder, decision);
  }

  /** Executes the lookup's decision for a request. */
  async execute(request: ProxiedRequest, responder: Responder, decision: Decision): Promise<Outcome> {
    switch (decision.action) {
      case 'serve':
        return this.serveFresh(request, responder, decision);
      case 'serve-stale':
        if (decision.revalidate) this.revalidateInBackground(request, decision.entry, decision.directives);
        return this.serve(request, responder, decision.entry, 'stale', { hit: true, detail: decision.reason });
      case 'only-if-cached-miss':
        throw NOT_CACHED();
      case 'pass':
        return this.pass(request, responder, decision.fwd);
      default:
        return decision.coalesce ? this.forwardCoalesced(request, responder, decision) : this.forward(request, responder, decision, noop);
    }
  }

  private serve(request: ProxiedRequest, responder: Responder, entry: StoredResponse, outcome: ServedOutcome, status: CacheStatusParams): Outcome {
    return this.stored.serve(request, responder, entry, outcome, request.rule ? { ...status, rule: request.rule.rule.name } : status);
  }

  /** Concurrent misses for one key wait for a single origin request, then look the key up again. */
  private async forwardCoalesced(request: ProxiedRequest, responder: Responder, decision: ForwardDecision): Promise<Outcome> {
    const leader = this.coalescer.waitFor(request.key);
    if (leader === undefined) return this.forward(request, responder, decision, this.coalescer.lead(request.key)!);
    this.stats.recordCoalesced();
    const leaderFailure = await leader;
    const again = this.lookUp(request, await this.readVariants(request));
    if (again.action === 'serve') return this.serve(request, responder, again.entry, 'hit', { detail: 'coalesced' });
    if (again.action === 'validate' || again.action === 'forward') {
      // The origin just timed out on this key: waiters share that answer rather than each queue
      // another timeout. Otherwise nothing usable was stored (not storable, Vary mismatch, the
      // leader failed otherwise): go to the origin.
      const shared = isUpstreamTimeout(leaderFailure) ? leaderFailure : undefined;
      return this.forward(request, responder, { ...again, stored: again.stored ?? decision.stored }, noop, shared);
    }
    return this.execute(request, responder, again);
  }

  /**
   * Goes to the origin for a GET/HEAD, validating the stored response when there is one.
   * `settle` releases coalesced waiters (with the error when the exchange failed); a
   * `sharedFailure` is the leader's origin timeout, taken as this request's own.
   */
  private async forward(
    request: ProxiedRequest,
    responder: Responder,
    decision: ForwardDecision,
    settle: (failure?: unknown) => void,
    sharedFailure?: ProxyError,
  ): Promise<Outcome> {
    const { stored, directives } = decision;
    let answer;
    try {
      answer = await this.validation.exchange(request, stored, directives, sharedFailure);
    } catch (error) {
      settle(error);
      throw error;
    }
    if (answer.kind === 'refreshed') {
      settle();
      return this.serve(request, responder, answer.entry, 'revalidated', { fwd: decision.fwd, fwdStatus: 304, stored: answer.stored });
    }
    if (answer.kind === 'stale-if-error') {
      settle();
      return this.serve(request, responder, answer.entry, 'stale', { fwd: 'stale', fwdStatus: answer.fwdStatus, detail: 'stale-if-error' });
    }
    let { result } = answer;
    if (request.method === 'HEAD' && stored && result.response.statusCode === 200) this.validation.freshenFromHead(stored, result, request.rule?.rule);
    let bodyNotStored: string | undefined;
    if (request.cacheablePost === true) {
      try {
        ({ result, bodyNotStored } = await this.screenQueryResponse(request, result));
      } catch (error) {
        settle(error);
        throw error;
      }
    }
    const origin = this.originResponse(request, result, decision.fwd, directives, settle, bodyNotStored);
    this.stats.record('miss');
    await responder.relay(origin);
    return 'miss';
  }

  /**
   * Other methods, and requests a rule bypasses: forwarded without the cache. A successful unsafe
   * request invalidates what it changed (§4.4), and what its rule's `invalidate` lists.
   */
  private async pass(request: ProxiedRequest, responder: Responder, fwd: 'method' | 'bypass'): Promise<Outcome> {
    const result = await this.origin.send(request);
    const { response } = result;
    if (isUnsafeMethod(request.method)) {
      for (const url of invalidationTargets(request.url, response.statusCode, response.headers)) void this.store.invalidate(url);
      const invalidate = request.rule?.rule.invalidate;
      // Awaited before answering: the client's next read must not find what its write replaced.
      if (invalidate !== undefined && response.statusCode >= 200 && response.statusCode < 400) {
        await this.purgeForRule(request.rule!, request.url.origin, invalidate);
      }
    }
    const origin = this.originResponse(request, result, fwd, undefined, noop, request.bypassDetail);
    this.stats.record('bypass');
    await responder.relay(origin);
    return 'bypass';
  }

  /**
   * A rule's `invalidate` after a successful unsafe request: each prefix as a URL prefix of the
   * request's origin (`${origin}${prefix}`), each tag. Through the store's admin interface, so
   * the invalidation fences apply and Redis replicas see it. Concurrent requests share runs
   * (CollapsedPurges): each waits for a run that began after it. A storage failure is logged.
   */
  private async purgeForRule(
    applied: AppliedRule,
    origin: string,
    invalidate: NonNullable<AppliedRule['rule']['invalidate']>,
  ): Promise<void> {
    const admin = this.admin;
    if (admin === undefined) return;
    const collapsed = this.rulePurges;
    const purges = [
      ...invalidate.prefixes.map((prefix) => {
        const urlPrefix = `${origin}${prefix}`;
        return () => collapsed.run(`prefix ${urlPrefix}`, () => Promise.resolve(admin.purgePrefix(urlPrefix)));
      }),
      ...invalidate.tags.map((tag) => () => collapsed.run(`tag ${tag}`, () => Promise.resolve(admin.purgeTag(tag)))),
    ];
    await Promise.all(
      purges.map(async (purge) => {
        try {
          await purge();
          applied.rule.count('invalidations');
        } catch (error) {
          this.logger.warn({ err: error, rule: applied.rule.name }, 'cache rule invalidation failed');
        }
      }),
    );
  }

  /** RFC 5861 §3: one background request revalidates a response served stale. */
  private revalidateInBackground(request: ProxiedRequest, stored: StoredResponse, directives: RequestDirectives): void {
    const settle = this.coalescer.lead(request.key);
    if (settle === undefined) return; // already being refreshed
    this.stats.recordBackgroundRevalidation();
    // A HEAD served stale is refreshed with a GET; a cacheable POST (its body buffered) is sent again as it was.
    const background: ProxiedRequest = {
      ...request,
      method: request.cacheablePost === true ? request.method : 'GET',
      body: request.cacheablePost === true ? request.body : undefined,
      clientGone: undefined,
      onInformational: undefined,
    };
    void (async () => {
      try {
        const answer = await this.validation.exchange(background, stored, directives);
        if (answer.kind !== 'response') {
          settle();
          return;
        }
        const { result, bodyNotStored } =
          background.cacheablePost === true ? await this.screenQueryResponse(background, answer.result) : { result: answer.result, bodyNotStored: undefined };
        await this.originResponse(background, result, 'stale', directives, settle, bodyNotStored).consume();
      } catch (error) {
        settle(error);
        this.logger.debug({ err: error, url: request.url.href }, 'background revalidation failed');
      }
    })();
  }

  /**
   * The origin's answer to a GraphQL query, its body read before anything is relayed (up to
   * MAX_OBJECT_BYTES; a larger one streams on and is not stored) so that a result with `errors`
   * or one that is not JSON (read through its content coding: gzip, deflate, br) is not stored,
   * and Cache-Status can say so (`bodyNotStored`). An origin failing mid-body is an upstream
   * error answered before the status line.
   */
  private async screenQueryResponse(
    request: ProxiedRequest,
    result: OriginResult,
  ): Promise<{ result: OriginResult; bodyNotStored: string | undefined }> {
    const { response } = result;
    let read;
    try {
      read = await response.body.collect(this.policy.maxObjectBytes, declaredContentLength(response.headers['content-length']));
    } catch (error) {
      throw toUpstreamError(error, request.url);
    }
    if (!read.complete) return { result, bodyNotStored: undefined };
    const bodyNotStored =
      response.statusCode === 304
        ? undefined
        : await whyQueryResponseNotStored(read.body, headerValue(response.headers, 'content-encoding'), this.policy.maxObjectBytes);
    return { result: { ...result, response: { ...response, body: OriginBody.of(read.body) } }, bodyNotStored };
  }

  /**
   * Wraps an origin response for relaying, with this cache's own fields and, when the storage
   * plan says so (RFC 9111 §3), a sink that stores the body once it has arrived completely.
   * `directives` are the request's, undefined for methods the cache does not store;
   * `bodyNotStored` says why a body already read must not be stored (a GraphQL result with errors),
   * or, for a request relayed without the cache, why it was (its `bypassDetail`).
   */
  private originResponse(
    request: ProxiedRequest,
    result: OriginResult,
    fwd: ForwardReason,
    directives: RequestDirectives | undefined,
    settle: () => void,
    bodyNotStored?: string,
  ): OriginResponse {
    const { response, responseTime } = result;
    const rule = request.rule?.rule;
    // A rule's key headers join the response's Vary (RFC 9111 §4.1): stored, they select the
    // variant like any Vary-named field; relayed, they tell caches downstream.
    const responseHeaders = rule && rule.keyHeaders.length > 0 && directives !== undefined
      ? withVaryNames(response.headers, rule.keyHeaders)
      : (response.headers as HeaderMap);
    const via = viaWithOurs(headerValue(responseHeaders, 'via'));
    const upstreamCacheStatus = headerValue(responseHeaders, 'cache-status');
    let entry: StoredResponse | undefined;
    let notStored: string | undefined = directives === undefined ? bodyNotStored : undefined;
    if (directives !== undefined) {
      const plan = planStorage(
        {
          method: request.method,
          cacheablePost: request.cacheablePost,
          requestHeaders: request.headers,
          requestDirectives: directives,
          status: response.statusCode,
          headers: responseHeaders,
          receivedHeaders: responseHeaders,
          requestTime: result.requestTime,
          responseTime,
          overrideTtlSec: request.ttlOverrideSec,
          rule,
        },
        this.policy,
      );
      if (plan.store && bodyNotStored !== undefined) {
        notStored = bodyNotStored;
      } else if (plan.store) {
        entry = createStoredResponse(
          {
            key: request.key,
            url: request.url.href,
            status: response.statusCode,
            headers: forwardableResponseHeaders(responseHeaders, NOT_STORED_FIELDS).concat('via', via),
            body: EMPTY_BODY,
            // §4.1: the variant is keyed on what the origin received, not on what the client sent
            // (a field the client's Connection names, say, never reached the origin).
            vary: captureVaryValues(plan.varyNames, headerListToMap(request.forwardHeaders)),
            requestHeaders: captureRequestHeaders(request.forwardHeaders, plan.varyNames),
            requestTime: result.requestTime,
            responseTime,
            upstreamCacheStatus,
          },
          plan.freshness,
        );
      } else {
        notStored = plan.reason;
        if (plan.reason === 'too-large') this.stats.recordNotStoredTooLarge();
      }
    }
    const headers = forwardableResponseHeaders(responseHeaders, OWN_RESPONSE_FIELDS).concat(
      'via',
      via,
      ownResponseFields({
        ageSec: entry ? currentAgeSec(entry, responseTime) : ageHeaderSec(responseHeaders),
        upstreamCacheStatus,
        cacheStatus: {
          fwd,
          fwdStatus: response.statusCode,
          stored: entry !== undefined,
          ttlSec: entry ? remainingTtlSec(entry, responseTime) : undefined,
          detail: notStored,
          rule: rule?.name,
        },
        xCache: directives !== undefined ? 'MISS' : 'BYPASS',
        key: request.key,
      }),
    );
    const preview = entry;
    const sink: StoreSink | undefined = preview && {
      maxObjectBytes: this.policy.maxObjectBytes,
      commit: (body) => this.store.put(createStoredResponse({ ...preview, body }, preview), rule && (() => rule.count('stores'))),
    };
    return new OriginResponse({
      status: response.statusCode,
      headers,
      body: response.body,
      target: request.url,
      stats: this.stats,
      logger: this.logger,
      sink,
      onSettled: settle,
      fillBudget: this.fillBudget,
    });
  }
}

const EMPTY_BODY = Buffer.alloc(0);

/** Response header fields with `names` joined to Vary (a `Vary: *` stays as it is). */
function withVaryNames(headers: HeaderMap, names: readonly string[]): HeaderMap {
  const vary = headerValue(headers, 'vary');
  const listed = parseVary(vary);
  if (listed === '*') return headers;
  const missing = names.filter((name) => !listed.includes(name));
  if (missing.length === 0) return headers;
  return { ...headers, vary: vary === undefined || vary.trim() === '' ? missing.join(', ') : `${vary}, ${missing.join(', ')}` };
}

/** The Age an origin (or an upstream cache) reported, for relayed responses that are not stored. */
function ageHeaderSec(headers: HeaderMap): number {
  const value = headerValue(headers, 'age')?.split(',')[0]?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
}
