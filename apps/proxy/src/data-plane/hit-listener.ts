import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { StoredResponse } from '../storage/types.js';
import type { CacheEngine } from './cache-engine.js';
import { rememberTarget, type ResolvedTarget, type TargetResolver } from './request-target.js';
import type { RequestReporter } from './request-report.js';
import { StreamResponder } from './responders.js';

/**
 * The lean front of the data port. Fresh cache hits are answered here, straight on `node:http`,
 * without entering Express (which costs several times the work of a hit). Everything else —
 * misses, stale entries, errors, other methods, /proxy, the control plane — goes to `next`.
 */
export function createHitListener(
  engine: CacheEngine,
  resolve: TargetResolver,
  next: RequestListener,
  reporter: RequestReporter,
): RequestListener {
  return function hitListener(req: IncomingMessage, res: ServerResponse): void {
    reporter.begin(req);
    const method = req.method;
    if (method === 'GET' || method === 'HEAD') {
      const served = tryServeHit(engine, resolve, req, res, reporter);
      if (served === true) return;
      if (served !== false) {
        served.then(
          (hit) => hit || next(req, res),
          () => next(req, res),
        );
        return;
      }
    }
    next(req, res);
  };
}

function tryServeHit(
  engine: CacheEngine,
  resolve: TargetResolver,
  req: IncomingMessage,
  res: ServerResponse,
  reporter: RequestReporter,
): boolean | Promise<boolean> {
  let target: ResolvedTarget | undefined;
  try {
    target = resolve(req, req.url ?? '');
  } catch {
    return false; // the Express path answers with the JSON error
  }
  if (target === undefined) return false;
  const found = engine.readVariants(target.key);
  if (found instanceof Promise) {
    const resolved = target;
    return found.then((variants) => serve(engine, req, res, resolved, variants, reporter));
  }
  return serve(engine, req, res, target, found, reporter);
}

function serve(
  engine: CacheEngine,
  req: IncomingMessage,
  res: ServerResponse,
  target: ResolvedTarget,
  variants: readonly StoredResponse[] | undefined,
  reporter: RequestReporter,
): boolean {
  const responder = new StreamResponder(res, reporter.requestId(req));
  if (engine.serveIfFresh({ method: req.method ?? 'GET', headers: req.headers }, variants, responder)) {
    reporter.setTarget(req, target.url);
    reporter.finish(req, res, 'hit');
    return true;
  }
  rememberTarget(req, { ...target, lookedUp: { variants } });
  return false;
}
