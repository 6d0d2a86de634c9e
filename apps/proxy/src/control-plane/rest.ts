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
    handler(req, res, next).catch(next);
  };
}
