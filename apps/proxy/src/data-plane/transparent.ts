import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForwardReason } from '../cache/cache-status.js';
import type { CacheEngine, ProxiedRequest } from './cache-engine.js';
import { forwardableRequestHeaders } from './hop-by-hop.js';
import { resolveTransparentTarget } from './request-target.js';

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

/**
 * `ANY /http/{target}` on the Express path: misses, stale entries, and every other method.
 * Hits were answered by the lean hit listener before Express was entered.
 */
export function createTransparentHandler(engine: CacheEngine) {
  return async function transparentHandler(req: IncomingMessage & { originalUrl: string }, res: ServerResponse) {
    const target = resolveTransparentTarget(req, req.originalUrl);
    const method = req.method ?? 'GET';
    const request: ProxiedRequest = {
      method,
      url: target.url,
      key: target.key,
      headers: req.headers,
      forwardHeaders: forwardableRequestHeaders(req.rawHeaders),
      body: hasRequestBody(req) ? req : undefined,
      signal: clientGoneSignal(res),
    };
    let fwd: ForwardReason = 'method';
    if (method === 'GET' || method === 'HEAD') {
      if (target.fwd !== undefined) {
        fwd = target.fwd;
      } else {
        const found = await engine.lookup(request);
        if (typeof found !== 'string') {
          engine.serveStored(res, found, method);
          return;
        }
        fwd = found;
      }
    }
    const origin = await engine.forward(request, fwd);
    await origin.pipeTo(res);
  };
}
