import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A client's own X-Request-Id is kept when it is a sane token; otherwise one is made. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Request ids made here: a random prefix per process and a counter — unique across replicas and
 * restarts, and far cheaper than a UUID per request.
 */
const ID_PREFIX = randomBytes(6).toString('hex');
let idCounter = 0;

/** A new request id, for an answer that has no parsed request (a connection-level error). */
export function nextRequestId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${ID_PREFIX}-${idCounter.toString(36)}`;
}

const REQUEST_ID = Symbol('caching-proxy.request-id');
type Identified = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * The request's id, the same on every call for one request (both listeners): the client's
 * X-Request-Id when it is a sane token (letters, digits, `_.:-`, at most 128), else a new one.
 * It goes out as `X-Request-Id` and as `request_id` in error bodies, and is logged.
 */
export function requestIdOf(req: IncomingMessage): string {
  const known = (req as Identified)[REQUEST_ID];
  if (known !== undefined) return known;
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : nextRequestId();
  (req as Identified)[REQUEST_ID] = id;
  return id;
}
