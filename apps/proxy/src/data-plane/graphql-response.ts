import { whyGraphqlResponseNotStored, type GraphqlResponseNotStored } from '../cache/graphql-request.js';
import { decodeContentCodings } from '../content/content-coding.js';

/**
 * Whether the complete body of a GraphQL query's response may be stored (see
 * whyGraphqlResponseNotStored), read through its content codings: browsers send
 * `Accept-Encoding: gzip, deflate, br`, and a gzip-encoded result must be checked for `errors`
 * like any other. `contentEncoding` is the response's Content-Encoding field value; the decoded
 * body is capped at `maxDecodedBytes` (MAX_OBJECT_BYTES). The body itself is relayed and stored
 * as the origin encoded it: decoding is only to look. Undefined when it may be stored.
 */
export async function whyQueryResponseNotStored(
  body: Buffer,
  contentEncoding: string | undefined,
  maxDecodedBytes: number,
): Promise<GraphqlResponseNotStored | undefined> {
  const decoding = await decodeContentCodings(body, contentEncoding, maxDecodedBytes);
  if ('notDecoded' in decoding) return `graphql-${decoding.notDecoded}`;
  return whyGraphqlResponseNotStored(decoding.decoded);
}
