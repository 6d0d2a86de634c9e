import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { createOpenApiNodeHttpHandler } from 'trpc-to-openapi';
import { createContextFactory, type ControlPlaneDeps, type Listener } from './context.js';
import { appRouter, seedCompatibleRouter } from './router.js';
import { responseMeta } from './response-meta.js';

/**
 * The control plane's REST routes (derived from the router's OpenAPI meta). Unknown paths fall
 * through to the next handler. The data port gets only the seed's paths.
 */
export function createRestHandler(deps: ControlPlaneDeps, listener: Listener): RequestHandler {
  const handler = createOpenApiNodeHttpHandler({
    router: listener === 'admin' ? appRouter : seedCompatibleRouter,
    createContext: createContextFactory(deps, listener),
    responseMeta,
    maxBodySize: 1024 * 1024,
  });
  return (req, res, next) => {
    if (isBodilessWithoutMediaType(req)) req.headers['content-type'] = 'application/json';
    handler(req, res, next).catch(next);
  };
}

/**
 * A POST/PUT/PATCH with no body and no Content-Type (`curl -X POST …/rules/reload`): read as an
 * empty JSON body, i.e. no input, rather than refused with 415 — a procedure that needs input
 * still answers 400 naming what is missing. A body without a media type is still refused.
 */
function isBodilessWithoutMediaType(req: IncomingMessage): boolean {
  if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return false;
  if (req.headers['content-type'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;
  const length = req.headers['content-length'];
  return length === undefined || length === '0';
}
