import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { writeErrorResponse } from './error-response.js';
import { ProxyError } from './errors.js';
import { requestIdOf } from './request-id.js';

/**
 * The gate of both listeners while the process drains (SIGTERM): requests in flight finish, but
 * a request that arrives afterwards on a kept-alive connection is refused with 503
 * PROXY_ERR_SHUTTING_DOWN (RFC 9110 §15.6.4) and `Connection: close` (RFC 9112 §9.6), so its
 * client retries on a new connection — to another replica — instead of starting work that the
 * drain deadline could cut off.
 */
export class DrainGate {
  private draining = false;

  /** Whether new requests are being refused. */
  get isDraining(): boolean {
    return this.draining;
  }

  /** From now on, every new request is refused. */
  close(): void {
    this.draining = true;
  }

  /** The listener behind the gate: one boolean test per request while open. */
  guard(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (this.draining) refuse(req, res);
      else listener(req, res);
    };
  }
}

function refuse(req: IncomingMessage, res: ServerResponse): void {
  // The request body is not read: the connection closes after this answer.
  const error = new ProxyError('PROXY_ERR_SHUTTING_DOWN', 'The proxy is shutting down; retry on a new connection');
  writeErrorResponse(res, error, requestIdOf(req), { connection: 'close' });
}
