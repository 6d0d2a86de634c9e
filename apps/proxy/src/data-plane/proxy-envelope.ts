import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { ProxyRequestSchema, type ProxyResponse } from '@caching-proxy/shared';
import { entryKeyFor } from '../cache/cache-key.js';
import { bodyAsText } from '../content/text-body.js';
import { ProxyError } from '../errors.js';
import type { CacheEngine, ProxiedRequest } from './cache-engine.js';
import { classifyGraphqlPost, DEFAULT_GRAPHQL_MAX_BODY_BYTES, graphqlBypassDetail } from './graphql-post.js';
import type { Responder } from './responders.js';
import { HOP_BY_HOP, REQUEST_OWN } from './hop-by-hop.js';
import type { OriginResponse } from './origin-response.js';
import type { RequestReporter } from './request-report.js';
import { headerListToMap, headerValue } from '../cache/headers.js';
import type { RequestFieldPolicy } from './request-fields.js';
import { appendQueryParams, parseTargetUrl } from './target.js';
import { clientGone } from './transparent.js';
import { countRuleOutcome } from '../rules/rule-outcome.js';

/** `?ttl=` seconds: a non-negative integer, at most 2^31. */
export function parseTtlParam(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value) || Number(value) > 2 ** 31) {
    throw new ProxyError('PROXY_ERR_INVALID_TTL', `expected ttl to be a whole number of seconds from 0 to ${2 ** 31}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * Text stays text; anything else (binary types, compressed bodies, invalid UTF-8) is base64,
 * so every byte survives the JSON round trip.
 */
export function encodeContent(
  body: Buffer,
  headers: Record<string, string | string[]>,
): { content: string; content_encoding: 'utf-8' | 'base64' } {
  const text = bodyAsText(body, firstValue(headers['content-type']), firstValue(headers['content-encoding']));
  return text !== undefined
    ? { content: text, content_encoding: 'utf-8' }
    : { content: body.toString('base64'), content_encoding: 'base64' };
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Fields an envelope may not set: the proxy sets Host from the URL and frames the body itself;
 * hop-by-hop fields (RFC 9110 §7.6.1) belong to one connection, never to the origin request.
 */
const FORBIDDEN_ENVELOPE_FIELDS: ReadonlySet<string> = new Set([...REQUEST_OWN, ...HOP_BY_HOP, 'content-length']);

export interface EnvelopeLimits {
  /** MAX_ENVELOPE_BYTES: largest request body, and largest origin body returned in an envelope. */
  maxEnvelopeBytes: number;
  /** MAX_URL_BYTES: longest target URL, query parameters included. */
  maxUrlBytes: number;
  /** GRAPHQL_MAX_BODY_BYTES: largest body of a POST on a GraphQL route that is classified (default 64 KiB). */
  graphqlMaxBodyBytes?: number | undefined;
}

/**
 * Refuses an envelope before its body is read: only `application/json` (a browser can send
 * `text/plain` and form bodies cross-site without a CORS preflight), and no declared length
 * over MAX_ENVELOPE_BYTES (answered even to `Expect: 100-continue`, before the body is sent).
 */
export function refuseEnvelopeBeforeBody(req: IncomingMessage, maxEnvelopeBytes: number): ProxyError | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return new ProxyError('PROXY_ERR_UNSUPPORTED_MEDIA_TYPE', `POST /proxy takes an application/json body, got ${JSON.stringify(type || 'none')}`);
  }
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > maxEnvelopeBytes) {
    return new ProxyError('PROXY_ERR_PAYLOAD_TOO_LARGE', `The request body is larger than MAX_ENVELOPE_BYTES (${maxEnvelopeBytes} bytes)`);
  }
  return undefined;
}

/** Whether an `Expect: 100-continue` request is an envelope (`POST /proxy`), whose limits apply before its body. */
export function isEnvelopeRequest(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return req.method === 'POST' && (url === '/proxy' || url.startsWith('/proxy?'));
}

/** `POST /proxy`: the seed's JSON envelope in, the seed's JSON envelope out. */
export function createEnvelopeHandler(
  engine: CacheEngine,
  options: EnvelopeLimits & { reporter: RequestReporter; requestFields: RequestFieldPolicy },
) {
  return async function envelopeHandler(req: Request, res: Response): Promise<void> {
    const ttlOverrideSec = parseTtlParam(req.query.ttl);
    const parsed = ProxyRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      throw new ProxyError('PROXY_ERR_INVALID_REQUEST', describeIssues(parsed.error.issues));
    }
    const envelope = parsed.data;
    if (envelope.url.length > options.maxUrlBytes) throw urlTooLong(options.maxUrlBytes);
    const url = appendQueryParams(parseTargetUrl(envelope.url), envelope.params);
    if (url.href.length > options.maxUrlBytes) throw urlTooLong(options.maxUrlBytes);
    const forbidden = Object.keys(envelope.headers).find((name) => FORBIDDEN_ENVELOPE_FIELDS.has(name.toLowerCase()));
    if (forbidden !== undefined) {
      throw new ProxyError('PROXY_ERR_INVALID_REQUEST', `headers: ${forbidden} is set by the proxy (Host, framing and hop-by-hop fields may not be sent)`);
    }
    options.reporter.setTarget(req, url, envelope.method);
    let body: Buffer | undefined;
    if (envelope.body !== undefined) {
      if (envelope.body_encoding === 'base64' && !BASE64.test(envelope.body.replace(/\s/g, ''))) {
        throw new ProxyError('PROXY_ERR_INVALID_REQUEST', 'body: expected base64 when body_encoding is base64');
      }
      body = Buffer.from(envelope.body, envelope.body_encoding === 'base64' ? 'base64' : 'utf8');
    }
    const rawHeaders = Object.entries(envelope.headers).flat();
    // The first matching cache rule: its normalised URL is both the key and what the origin gets.
    const rule = engine.rules.apply({ method: envelope.method, url });
    const headers = headerListToMap(rawHeaders);
    const targetUrl = rule?.url ?? url;
    const urlKey = rule?.key ?? entryKeyFor(url);
    // A POST on a GraphQL route: a query is cached under its own key, as through /http/.
    const graphql =
      envelope.method === 'POST' && rule?.rule.graphql === true && body !== undefined
        ? classifyGraphqlPost(body, headerValue(headers, 'content-type'), targetUrl, urlKey, options.graphqlMaxBodyBytes ?? DEFAULT_GRAPHQL_MAX_BODY_BYTES)
        : undefined;
    const request: ProxiedRequest = {
      method: envelope.method,
      url: targetUrl,
      key: graphql?.key ?? urlKey,
      cacheablePost: graphql?.cacheablePost,
      bypassDetail: graphql && graphqlBypassDetail(graphql),
      rule,
      bypass: rule?.rule.bypass,
      headers,
      forwardHeaders: options.requestFields.forwardHeaders(envelope.method, rawHeaders, { peerAddress: req.socket.remoteAddress }),
      body: options.requestFields.forwardsBody(envelope.method) ? body : undefined,
      ttlOverrideSec,
      clientGone: clientGone(res),
    };

    res.setHeader('x-request-id', options.reporter.requestId(req));
    const outcome = await engine.handle(request, new EnvelopeResponder(res, request.key, options.maxEnvelopeBytes));
    countRuleOutcome(rule, outcome);
    options.reporter.finish(req, res, outcome);
  };
}

function urlTooLong(maxUrlBytes: number): ProxyError {
  return new ProxyError('PROXY_ERR_URL_TOO_LONG', `url: the target URL, query parameters included, is longer than MAX_URL_BYTES (${maxUrlBytes} bytes)`);
}

/** Answers with the seed's JSON envelope: stored responses as they are, origin responses read whole. */
class EnvelopeResponder implements Responder {
  constructor(
    private readonly res: Response,
    private readonly key: string,
    private readonly maxEnvelopeBytes: number,
  ) {}

  sendStored(status: number, headers: string[], body: Buffer | undefined): void {
    sendEnvelope(this.res, headers, {
      status_code: status,
      ...encodeContent(body ?? EMPTY, headerListToMap(headers)),
      from_cache: true,
      cache_key: this.key,
    });
  }

  async relay(origin: OriginResponse): Promise<void> {
    const body = await origin.readAll(this.maxEnvelopeBytes);
    sendEnvelope(this.res, origin.headers, {
      status_code: origin.status,
      ...encodeContent(body, headerListToMap(origin.headers)),
      from_cache: false,
      cache_key: this.key,
    });
  }
}

const EMPTY = Buffer.alloc(0);

const CACHE_FIELDS = ['age', 'cache-status', 'x-cache', 'x-cache-key'];

function sendEnvelope(
  res: Response,
  headers: string[],
  fields: Omit<ProxyResponse, 'headers'>,
): void {
  const headerMap = headerListToMap(headers);
  for (const name of CACHE_FIELDS) {
    const value = headerMap[name];
    if (value !== undefined) res.setHeader(name, value);
  }
  const envelope: ProxyResponse = { ...fields, headers: headerMap };
  res.status(200).json(envelope);
}
