import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CacheEngine, Decision, ProxiedRequest } from './cache-engine.js';
import { forwardableRequestHeaders, forwardableResponseHeaders } from './hop-by-hop.js';
import type { RequestReporter } from './request-report.js';
import type { ResolvedTarget } from './request-target.js';
import type { Responder } from './responders.js';

/** Whether the client sent a request body (RFC 9112 §6.3: a length or a transfer coding). */
export function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** An AbortSignal that fires when the client goes away before its response is complete. */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** X-Forwarded-For/-Host/-Proto, as a reverse proxy in front of one origin adds them. */
function forwardedFor(req: IncomingMessage): string[] {
  const prior = req.headers['x-forwarded-for'];
  const client = req.socket.remoteAddress ?? 'unknown';
  const headers = ['x-forwarded-for', prior ? `${String(prior)}, ${client}` : client, 'x-forwarded-proto', 'http'];
  if (req.headers.host) headers.push('x-forwarded-host', req.headers.host);
  return headers;
}

/**
 * Passes an origin's interim response on (RFC 9110 §15.2): 103 Early Hints with its fields, 102
 * Processing. Other 1xx are dropped (100 Continue is the server's own business with the client).
 */
function relayInformational(res: ServerResponse, status: number, headers: Record<string, string | string[]>): void {
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

const FORWARDED_FIELDS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

/**
 * The client's request fields as they go to the origin: hop-by-hop fields removed (RFC 9110
 * §7.6.1), and in reverse-proxy mode the client's X-Forwarded-* replaced by ours. Shared by HTTP
 * requests and WebSocket upgrades, so both follow one forwarded-field policy.
 */
export function originRequestHeaders(req: IncomingMessage, addForwardedHeaders: boolean): string[] {
  let forwardHeaders = forwardableRequestHeaders(req.rawHeaders);
  if (addForwardedHeaders) {
    forwardHeaders = forwardHeaders.filter((_v, i, all) => !FORWARDED_FIELDS.has(all[i - (i % 2)]!.toLowerCase()));
    forwardHeaders.push(...forwardedFor(req));
  }
  return forwardHeaders;
}

/**
 * The streaming front ends: `ANY /http/{target}`, and every path in reverse-proxy mode. Called by
 * the data-port listener with the resolved target and the lookup's decision (fresh hits never
 * get here).
 */
export async function forwardThroughCache(
  engine: CacheEngine,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  decision: Decision,
  options: {
    addForwardedHeaders: boolean;
    reporter: RequestReporter;
    responder: Responder;
  },
): Promise<void> {
  const forwardHeaders = originRequestHeaders(req, options.addForwardedHeaders);
  const request: ProxiedRequest = {
    method: req.method ?? 'GET',
    url: target.url,
    key: target.key,
    headers: req.headers,
    forwardHeaders,
    body: hasRequestBody(req) ? req : undefined,
    signal: clientGoneSignal(res),
    onInformational: (status, headers) => relayInformational(res, status, headers),
  };
  const outcome = await engine.execute(request, options.responder, decision);
  options.reporter.finish(req, res, outcome);
}
