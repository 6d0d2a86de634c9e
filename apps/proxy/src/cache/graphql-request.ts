import { createHash } from 'node:crypto';
import { getOperationAST, OperationTypeNode, parse, print, type DocumentNode } from 'graphql';
import { stringify as canonicalJson } from 'safe-stable-stringify';
import { findJsonAmbiguity, type JsonAmbiguity } from './unambiguous-json.js';

/**
 * GraphQL over HTTP, as far as a cache needs it: which POST bodies carry a query (a safe,
 * read-only operation whose response may be stored under a key that includes the body) and which
 * do not. Pure: no I/O; the `graphql` reference implementation parses, never a regular expression.
 * Follows the GraphQL-over-HTTP draft (graphql.github.io/graphql-over-http): a JSON body
 * `{query, operationName?, variables?, extensions?}` sent with `application/json`.
 */

/** Why a POST body is not a cacheable GraphQL request; it is forwarded uncached and the origin answers. */
export type NotGraphqlReason =
  | 'media-type'
  | 'not-utf8'
  | 'not-json'
  | 'not-an-object'
  | 'no-query'
  | 'bad-operation-name'
  | 'bad-variables'
  | 'bad-extensions'
  | 'syntax-error'
  | 'no-operation'
  | 'too-deep';

export type GraphqlRequestKind =
  /**
   * A query: cacheable. `digest` (64 hex) names the request among those to the same URL: the
   * normalised document (`print(parse(query))`, so whitespace, comments and commas do not
   * matter) and every other member of the body — variables, operation name, extensions such as
   * a persisted-query hash, and any member unknown to us that the origin may act on — as
   * canonical JSON (sorted keys, so member order does not matter).
   */
  | { readonly kind: 'query'; readonly digest: string; readonly operationName: string | null }
  /** A mutation or subscription: never stored, relayed like any POST. */
  | { readonly kind: 'mutation' | 'subscription'; readonly operationName: string | null }
  /**
   * JSON that parsers read differently (duplicate member names, a number token that is not the
   * one text of its value, a lone surrogate: see findJsonAmbiguity): relayed uncached, whatever
   * operation it seems to carry, since the origin may read another one than we do.
   */
  | { readonly kind: 'ambiguous-json'; readonly reason: JsonAmbiguity }
  /** Anything else: relayed uncached, so that the origin answers with its own error. */
  | { readonly kind: 'not-graphql'; readonly reason: NotGraphqlReason };

/** Media types of a GraphQL POST body (GraphQL over HTTP §"JSON Encoding"), parameters such as charset allowed. */
const JSON_MEDIA_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/** Whether a Content-Type field value (RFC 9110 §8.3) names a JSON media type a GraphQL body may use. */
export function isGraphqlMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (!JSON_MEDIA_TYPES.has(essence)) return false;
  // A charset other than UTF-8 would make the same text another byte sequence (JSON is UTF-8, RFC 8259 §8.1).
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
  return charset === undefined || charset.toLowerCase() === 'utf-8' || charset.toLowerCase() === 'utf8';
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const notGraphql = (reason: NotGraphqlReason): GraphqlRequestKind => ({ kind: 'not-graphql', reason });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Classifies a POST body sent to a GraphQL endpoint: `body` is the complete request content,
 * `contentType` its Content-Type field value. Never throws. Nothing of the body is left out of a
 * query's digest, so that nothing one client sends can change what another receives.
 */
export function classifyGraphqlRequest(body: Buffer, contentType: string | undefined): GraphqlRequestKind {
  if (!isGraphqlMediaType(contentType)) return notGraphql('media-type');
  let text: string;
  try {
    // Strict UTF-8 (RFC 8259 §8.1): a lenient decoder turns every invalid sequence into U+FFFD,
    // so "\xff" and "\xfe" would be one key. A byte order mark stays, and JSON.parse refuses it.
    text = STRICT_UTF8.decode(body);
  } catch {
    return notGraphql('not-utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return notGraphql('not-json');
  }
  // Before reading any member: with duplicates, JSON.parse's "query" (the last) need not be the
  // origin's (the first, for many parsers), and a mutation could be stored as a query.
  const ambiguous = findJsonAmbiguity(text);
  if (ambiguous !== undefined) {
    return 'ambiguity' in ambiguous ? { kind: 'ambiguous-json', reason: ambiguous.ambiguity } : notGraphql(ambiguous.failure);
  }
  if (!isPlainObject(json)) return notGraphql('not-an-object');
  const { query, operationName, variables, extensions } = json;
  if (typeof query !== 'string' || query === '') return notGraphql('no-query');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return notGraphql('bad-operation-name');
  }
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) return notGraphql('bad-variables');
  if (extensions !== undefined && extensions !== null && !isPlainObject(extensions)) return notGraphql('bad-extensions');
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return notGraphql('syntax-error');
  }
  const name = typeof operationName === 'string' && operationName !== '' ? operationName : null;
  // GraphQL spec §6.1 GetOperation: the named operation, or the only one when no name is given.
  const operation = getOperationAST(document, name);
  if (operation === null || operation === undefined) return notGraphql('no-operation');
  if (operation.operation === OperationTypeNode.MUTATION) return { kind: 'mutation', operationName: name };
  if (operation.operation === OperationTypeNode.SUBSCRIPTION) return { kind: 'subscription', operationName: name };
  // A document that also defines other operations still executes only the selected query.
  let digest: string;
  try {
    digest = queryDigest(document, json);
  } catch {
    // Nesting deep enough to exhaust the stack while printing or encoding (a bounded body can
    // still nest thousands of levels): not cached; the origin answers.
    return notGraphql('too-deep');
  }
  return { kind: 'query', operationName: name, digest };
}

/**
 * sha256 of the normalised document and the canonical JSON of the body's other members
 * (variables, operationName, extensions, …), JSON-encoded together: an unambiguous encoding of
 * structured parts, as buildCacheKey's. Lossless because the body was found unambiguous
 * (findJsonAmbiguity): no duplicate was dropped, no number rounded, no string altered.
 */
function queryDigest(document: DocumentNode, body: Record<string, unknown>): string {
  const rest = Object.fromEntries(Object.entries(body).filter(([member]) => member !== 'query'));
  return createHash('sha256')
    .update(JSON.stringify([print(document), canonicalJson(rest)]))
    .digest('hex');
}

/**
 * Why a GraphQL response is not stored although HTTP would allow it (Cache-Status `detail`): a
 * result with errors, a body that is not a JSON object, or (see decodeContentCodings) a body whose
 * content coding could not be undone to look inside.
 */
export type GraphqlResponseNotStored =
  | 'graphql-errors'
  | 'graphql-not-json'
  | 'graphql-unsupported-coding'
  | 'graphql-decoded-too-large'
  | 'graphql-corrupt-coding';

/**
 * Whether a complete GraphQL response body, its content codings undone, may be stored: not when it is not a JSON object, nor
 * when its `errors` is a non-empty list (GraphQL spec §7.1.2: a partial or failed result, often
 * transient, that must not be served to everyone else). Returns undefined when it may be stored.
 */
export function whyGraphqlResponseNotStored(body: Buffer): 'graphql-errors' | 'graphql-not-json' | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return 'graphql-not-json';
  }
  if (!isPlainObject(json)) return 'graphql-not-json';
  const { errors } = json;
  if (errors === undefined || errors === null || (Array.isArray(errors) && errors.length === 0)) return undefined;
  return 'graphql-errors';
}
