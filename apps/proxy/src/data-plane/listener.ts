import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { isProxyError, toErrorResponse } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StoredResponse } from '../storage/types.js';
import type { CacheEngine } from './cache-engine.js';
import type { ResolvedTarget, TargetResolver } from './request-target.js';
import type { RequestReporter } from './request-report.js';
import { StreamResponder } from './responders.js';
import { forwardThroughCache } from './transparent.js';

export interface DataPlaneListenerOptions {
  engine: CacheEngine;
  /** `/http/{target}` resolution, or every path in reverse-proxy mode. */
  resolve: TargetResolver;
  /** Reverse-proxy mode adds X-Forwarded-* headers. */
  addForwardedHeaders: boolean;
  reporter: RequestReporter;
  logger: Logger;
  /** Everything that is not a proxied request: /proxy and the seed's REST paths (Express). */
  next: RequestListener;
  /** Framing, limits and forward-mode access (request-admission.ts): false when it answered the request itself. */
  admit?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** Reverse-proxy mode: what of an error the client may see (origin addresses stay in the logs). */
  publicError?: ((error: unknown) => unknown) | undefined;
}

/**
 * The data port's request listener, straight on `node:http`: proxied requests (`/http/…`, or
 * every path in reverse-proxy mode) never enter Express, which costs several times the work of
 * a hit. A fresh hit is answered synchronously when the store is in memory; misses, validation
 * and other methods go through the cache engine. Only /proxy and the control-plane paths reach
 * the Express app.
 */
export function createDataPlaneListener(options: DataPlaneListenerOptions): RequestListener {
  const { engine, resolve, reporter, next } = options;
  return function dataPlaneListener(req: IncomingMessage, res: ServerResponse): void {
    reporter.begin(req);
    if (options.admit?.(req, res) === false) return;
    let target: ResolvedTarget | undefined;
    try {
      target = resolve(req.url ?? '');
    } catch (error) {
      fail(options, req, res, error);
      return;
    }
    if (target === undefined) {
      next(req, res);
      return;
    }
    const method = req.method;
    if (method === 'GET' || method === 'HEAD') {
      const found = engine.readVariants(target.key);
      if (found instanceof Promise) {
        const resolved = target;
        found.then(
          (variants) => serveOrForward(options, req, res, resolved, variants),
          (error: unknown) => fail(options, req, res, error),
        );
        return;
      }
      serveOrForward(options, req, res, target, found);
      return;
    }
    forward(options, req, res, target);
  };
}

function serveOrForward(
  options: DataPlaneListenerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  variants: readonly StoredResponse[] | undefined,
): void {
  const { engine, reporter } = options;
  const responder = new StreamResponder(res, reporter.requestId(req));
  if (engine.serveIfFresh({ method: req.method ?? 'GET', headers: req.headers }, variants, responder)) {
    reporter.setTarget(req, target.url);
    reporter.finish(req, res, 'hit');
    return;
  }
  forward(options, req, res, target, responder, { variants });
}

function forward(
  options: DataPlaneListenerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  responder = new StreamResponder(res, options.reporter.requestId(req)),
  known?: { variants: readonly StoredResponse[] | undefined },
): void {
  forwardThroughCache(options.engine, req, res, target, {
    addForwardedHeaders: options.addForwardedHeaders,
    reporter: options.reporter,
    responder,
    known,
  }).catch((error: unknown) => fail(options, req, res, error));
}

/** A proxy error: JSON with its stable code, never cached, counted and logged like any request. */
function fail(options: DataPlaneListenerOptions, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const { engine, reporter, logger } = options;
  if (!isProxyError(error)) logger.error({ err: error, method: req.method }, 'unexpected error');
  engine.stats.record('error');
  if (res.headersSent || res.destroyed) {
    res.destroy();
    reporter.finish(req, res, 'error');
    return;
  }
  const { status, body } = toErrorResponse(options.publicError ? options.publicError(error) : error, reporter.requestId(req));
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-request-id': reporter.requestId(req),
  });
  res.end(text);
  reporter.finish(req, res, 'error');
}
