import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { writeErrorResponse } from '../error-response.js';
import { isProxyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LookupRequest } from '../cache/lookup.js';
import { countRuleOutcome } from '../rules/rule-outcome.js';
import type { AppliedRule } from '../rules/types.js';
import type { CacheEngine, Decision } from './cache-engine.js';
import { DEFAULT_GRAPHQL_MAX_BODY_BYTES, readGraphqlPost, type GraphqlPost } from './graphql-post.js';
import type { ResolvedTarget, TargetResolver } from './request-target.js';
import type { RequestReporter } from './request-report.js';
import { StreamResponder } from './responders.js';
import { forwardThroughCache } from './transparent.js';

export interface DataPlaneListenerOptions {
  engine: CacheEngine;
  /** `/http/{target}` resolution, or every path in reverse-proxy mode. */
  resolve: TargetResolver;
  reporter: RequestReporter;
  logger: Logger;
  /** Everything that is not a proxied request: /proxy and the seed's REST paths (Express). */
  next: RequestListener;
  /** Framing, limits and forward-mode access (request-admission.ts): false when it answered the request itself. */
  admit?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** Reverse-proxy mode: what of an error the client may see (origin addresses stay in the logs). */
  publicError?: ((error: unknown) => unknown) | undefined;
  /** GRAPHQL_MAX_BODY_BYTES: the largest POST body on a GraphQL route read to be classified (default 64 KiB). */
  graphqlMaxBodyBytes?: number | undefined;
}

/**
 * The data port's request listener, straight on `node:http`: proxied requests (`/http/…`, or
 * every path in reverse-proxy mode) never enter Express, which costs several times the work of
 * a hit. The path reads: resolve the target → apply the first matching cache rule (its
 * normalised URL and key replace the target's) → read the stored variants → look up (one pure
 * decision) → execute it. A fresh hit is answered synchronously when the store is in memory;
 * everything else executes the same decision in the cache engine. Only /proxy and the
 * control-plane paths reach the Express app.
 */
export function createDataPlaneListener(options: DataPlaneListenerOptions): RequestListener {
  const { engine, resolve, next } = options;
  return function dataPlaneListener(req: IncomingMessage, res: ServerResponse): void {
    options.reporter.begin(req);
    if (options.admit?.(req, res) === false) return;
    let target: ResolvedTarget | undefined;
    try {
      target = resolve(req);
    } catch (error) {
      fail(options, req, res, error);
      return;
    }
    if (target === undefined) {
      next(req, res);
      return;
    }
    const method = req.method ?? 'GET';
    const rule = engine.rules.apply({ method, url: target.url, key: target.key });
    if (rule !== undefined) target = { ...target, url: rule.url, key: rule.key };
    if (method === 'POST' && rule?.rule.graphql === true) {
      const resolved = target;
      readGraphqlPost(req, target.url, target.key, options.graphqlMaxBodyBytes ?? DEFAULT_GRAPHQL_MAX_BODY_BYTES).then(
        (graphql) => lookUpThenRespond(options, req, res, resolved, rule, graphql),
        (error: unknown) => {
          // CLIENT_BODY_TIMEOUT_MS: admission has already answered 408 (and logged it). A client
          // gone is counted and logged like any request that ends early.
          if (res.headersSent) return;
          fail(options, req, res, error);
        },
      );
      return;
    }
    lookUpThenRespond(options, req, res, target, rule, undefined);
  };
}

/** A request as the lookup sees it, with the cache rule that matched it. */
type RuleRequest = LookupRequest & { readonly key: string; readonly rule: AppliedRule | undefined };

/**
 * Reads the stored variants (synchronously when the store is in memory), looks up, and responds.
 * `graphql`: a POST on a GraphQL route, its body read; a query has its own key.
 */
function lookUpThenRespond(
  options: DataPlaneListenerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  rule: AppliedRule | undefined,
  graphql: GraphqlPost | undefined,
): void {
  const { engine } = options;
  const request: RuleRequest = {
    method: req.method ?? 'GET',
    headers: req.headers,
    key: graphql?.key ?? target.key,
    cacheablePost: graphql?.cacheablePost,
    rule,
    bypass: rule?.rule.bypass,
  };
  const found = engine.readVariants(request);
  if (found instanceof Promise) {
    found.then(
      (variants) => lookUpAndRespond(options, req, res, target, request, engine.lookUp(request, variants), graphql),
      (error: unknown) => fail(options, req, res, error),
    );
    return;
  }
  lookUpAndRespond(options, req, res, target, request, engine.lookUp(request, found), graphql);
}

/** Executes the lookup's decision: a fresh hit synchronously, everything else through the engine. */
function lookUpAndRespond(
  options: DataPlaneListenerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  request: RuleRequest,
  decision: Decision,
  graphql: GraphqlPost | undefined,
): void {
  const { engine, reporter } = options;
  const responder = new StreamResponder(res, reporter.requestId(req));
  reporter.setTarget(req, target.url);
  if (decision.action === 'serve') {
    const outcome = engine.serveFresh(request, responder, decision);
    countRuleOutcome(request.rule, outcome);
    reporter.finish(req, res, outcome);
    return;
  }
  forwardThroughCache(engine, req, res, target, decision, {
    reporter,
    responder,
    rule: request.rule,
    graphql,
  }).catch((error: unknown) => fail(options, req, res, error));
}

/** A proxy error: JSON with its stable code, never cached, counted and logged like any request. */
function fail(options: DataPlaneListenerOptions, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const { engine, reporter, logger } = options;
  if (!isProxyError(error)) logger.error({ err: error, method: req.method }, 'unexpected error');
  engine.stats.recordError(error);
  if (res.headersSent || res.destroyed) {
    res.destroy();
    reporter.finish(req, res, 'error');
    return;
  }
  writeErrorResponse(res, options.publicError ? options.publicError(error) : error, reporter.requestId(req));
  reporter.finish(req, res, 'error');
}
