import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { queryKeyFor } from '../cache/cache-key.js';
import { classifyGraphqlRequest, type GraphqlRequestKind } from '../cache/graphql-request.js';
import { declaredContentLength, readBoundedBody } from './bounded-body.js';

/** A POST to a `graphql: true` route, its body read: what the cache does with it. */
export interface GraphqlPost {
  /** The primary key: the query's (queryKeyFor) when cacheable, otherwise the URL's (for §4.4 invalidation). */
  readonly key: string;
  /** True for a query: looked up and stored under `key` (LookupRequest.cacheablePost). */
  readonly cacheablePost: boolean;
  /** The body as the origin receives it: the buffered bytes, or — past the bound — a stream of all of them. */
  readonly body: Buffer | Readable;
  /** What the body is; `oversized` when it was larger than the bound (not read whole, not classified). */
  readonly kind: GraphqlRequestKind['kind'] | 'oversized';
}

/** GRAPHQL_MAX_BODY_BYTES's default: 64 KiB. */
export const DEFAULT_GRAPHQL_MAX_BODY_BYTES = 64 * 1024;

/**
 * Classifies the complete body of a POST on a GraphQL route (see readGraphqlPost): the same
 * decision for a streamed request and for the body of a `POST /proxy` envelope.
 */
export function classifyGraphqlPost(body: Buffer, contentType: string | undefined, url: URL, urlKey: string, maxBodyBytes: number): GraphqlPost {
  if (body.length > maxBodyBytes) return { key: urlKey, cacheablePost: false, body, kind: 'oversized' };
  const classified = classifyGraphqlRequest(body, contentType);
  if (classified.kind !== 'query') return { key: urlKey, cacheablePost: false, body, kind: classified.kind };
  return { key: queryKeyFor(url, classified.digest), cacheablePost: true, body, kind: 'query' };
}

/** Why a POST on a GraphQL route is relayed uncached (Cache-Status `detail`), undefined for a query. */
export function graphqlBypassDetail(graphql: GraphqlPost): string | undefined {
  return graphql.cacheablePost ? undefined : `graphql-${graphql.kind}`;
}

/**
 * Reads the body of a POST on a GraphQL route (at most `maxBodyBytes`, GRAPHQL_MAX_BODY_BYTES)
 * and classifies it: a query becomes cacheable under its own key (method POST, the URL, the
 * query's digest); a mutation, a subscription, anything else and a larger body are relayed like
 * any POST, the body intact. `urlKey` is the URL's entry key. Rejects when the client's body
 * fails (client gone, CLIENT_BODY_TIMEOUT_MS).
 */
export async function readGraphqlPost(req: IncomingMessage, url: URL, urlKey: string, maxBodyBytes: number): Promise<GraphqlPost> {
  const read = await readBoundedBody(req, maxBodyBytes, declaredContentLength(req.headers['content-length']));
  if (!read.complete) return { key: urlKey, cacheablePost: false, body: read.body, kind: 'oversized' };
  return classifyGraphqlPost(read.body, req.headers['content-type'], url, urlKey, maxBodyBytes);
}
