import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CacheEngine } from './cache-engine.js';
import { rememberTarget, resolveTransparentTarget, TRANSPARENT_PREFIX } from './request-target.js';

/**
 * The lean front of the data port. Cache hits are answered here, straight on `node:http`,
 * without entering Express (which costs several times the work of a hit). Everything else —
 * misses, errors, other methods, /proxy, the control plane — falls through to `next`.
 */
export function createHitListener(engine: CacheEngine, next: RequestListener): RequestListener {
  return function hitListener(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method;
    const url = req.url;
    if ((method === 'GET' || method === 'HEAD') && url !== undefined && url.startsWith(TRANSPARENT_PREFIX)) {
      const served = tryServeHit(engine, req, res, url, method);
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
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  method: string,
): boolean | Promise<boolean> {
  let target;
  try {
    target = resolveTransparentTarget(req, url);
  } catch {
    return false; // the Express path answers the 400 with its JSON error
  }
  const found = engine.lookup({ key: target.key, headers: req.headers });
  if (typeof found === 'string') {
    rememberTarget(req, { ...target, fwd: found });
    return false;
  }
  if (found instanceof Promise) {
    return found.then((result) => {
      if (typeof result === 'string') {
        rememberTarget(req, { ...target, fwd: result });
        return false;
      }
      engine.serveStored(res, result, method);
      return true;
    });
  }
  engine.serveStored(res, found, method);
  return true;
}
