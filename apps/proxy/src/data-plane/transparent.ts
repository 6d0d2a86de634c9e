import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ClientGone } from '../upstream/origin-exchange.js';
import type { CacheEngine, Decision, ProxiedRequest } from './cache-engine.js';
import { graphqlBypassDetail, type GraphqlPost } from './graphql-post.js';
import { forwardableResponseHeaders } from './hop-by-hop.js';
import type { RequestReporter } from './request-report.js';
import type { ResolvedTarget } from './request-target.js';
import type { Responder } from './responders.js';
import { countRuleOutcome } from '../rules/rule-outcome.js';
import type { AppliedRule } from '../rules/types.js';

/** Whether the client sent a request body (RFC 9112 §6.3: a length or a transfer coding). */
export function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Cuts the origin exchange in flight when the client goes away before its response is complete:
 * one 'close' listener, added when the first exchange starts, calling the dispatch controller's
 * abort (no AbortController/AbortSignal per request).
 */
export function clientGone(res: ServerResponse): ClientGone {
  let abortExchange: ((reason: Error) => void) | undefined;
  let gone = false;
  return {
    watch(abort) {
      if (gone) {
        abort(new Error('the client went away'));
        return;
      }
      if (abortExchange === undefined) {
        res.once('close', () => {
          if (res.writableFinished) return;
          gone = true;
          abortExchange?.(new Error('the client went away'));
        });
      }
      abortExchange = abort;
    },
  };
}

/**
 * Passes an origin's interim response on (RFC 9110 §15.2): 103 Early Hints with its fields, 102
 * Processing. Other 1xx are dropped (100 Continue is the server's own business with the client).
 */
function relayInformational(res: ServerResponse, status: number, headers: IncomingHttpHeaders): void {
  if (res.headersSent || res.destroyed) return;
  try {
    if (status === 103) {
      res.writeEarlyHints(Object.fromEntries(pairs(forwardableResponseHeaders(headers, NO_FIELDS))));
    } else if (status === 102) {
      res.writeProcessing();
    }
  } catch {
    // An interim response is advisory; one that Node refuses to write is simply not relayed.
  }
}

function pairs(list: readonly string[]): [string, string | string[]][] {
  const map = new Map<string, string | string[]>();
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!;
    const existing = map.get(name);
    map.set(name, existing === undefined ? list[i + 1]! : [...[existing].flat(), list[i + 1]!]);
  }
  return [...map];
}

const NO_FIELDS: ReadonlySet<string> = new Set();

/**
 * The client's request fields as they go to the origin: stripped, set and forwarded by the one
 * request-field policy of the target's front end (request-fields.ts). Shared by HTTP requests and
 * WebSocket upgrades.
 */
export function originRequestHeaders(req: IncomingMessage, target: ResolvedTarget): string[] {
  return target.fields.forwardHeaders(req.method ?? 'GET', req.rawHeaders, {
    peerAddress: req.socket.remoteAddress,
    publicHost: target.publicHost,
  });
}

/**
 * The streaming front ends: `ANY /http/{target}`, and every path in reverse-proxy mode. Called by
 * the data-port listener with the resolved target (the matched rule's URL and key already in
 * it) and the lookup's decision (fresh hits never get here).
 */
export async function forwardThroughCache(
  engine: CacheEngine,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  decision: Decision,
  options: {
    reporter: RequestReporter;
    responder: Responder;
    /** The cache rule that matched the request. */
    rule?: AppliedRule | undefined;
    /** A POST on a GraphQL route, its body already read (see readGraphqlPost). */
    graphql?: GraphqlPost | undefined;
  },
): Promise<void> {
  const method = req.method ?? 'GET';
  const forwardHeaders = originRequestHeaders(req, target);
  const { graphql } = options;
  const request: ProxiedRequest = {
    method,
    url: target.url,
    key: graphql?.key ?? target.key,
    cacheablePost: graphql?.cacheablePost,
    bypassDetail: graphql && graphqlBypassDetail(graphql),
    headers: req.headers,
    forwardHeaders,
    // A GET/HEAD body is never forwarded: it could change a response stored under a key without it.
    body: graphql !== undefined ? graphql.body : hasRequestBody(req) && target.fields.forwardsBody(method) ? req : undefined,
    clientGone: clientGone(res),
    onInformational: (status, headers) => relayInformational(res, status, headers),
    rule: options.rule,
    bypass: options.rule?.rule.bypass,
  };
  const outcome = await engine.execute(request, options.responder, decision);
  countRuleOutcome(options.rule, outcome);
  options.reporter.finish(req, res, outcome);
}
