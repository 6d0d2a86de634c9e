import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express from 'express';
import { createJsonErrorHandler, notFoundHandler } from '../http-errors.js';
import type { Logger } from '../logger.js';
import { adminUiRoutes, DEFAULT_ADMIN_UI_DIR } from './admin-ui-static.js';
import { createContextFactory, type ControlPlaneDeps } from './context.js';
import { docsRoutes } from './docs/docs-routes.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRestHandler } from './rest.js';
import { responseMeta } from './response-meta.js';
import { appRouter } from './router.js';

export interface AdminAppOptions {
  /** Directory of the dashboard's production build; default: the monorepo's apps/admin-ui/dist. */
  adminUiDir?: string;
}

/**
 * The admin listener's app: tRPC at /trpc, REST, the OpenAPI document and its docs pages, and the
 * dashboard for every other page.
 */
export function createAdminApp(deps: ControlPlaneDeps, logger: Logger, options: AdminAppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const openApiDocument = buildOpenApiDocument(deps.version);

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(deps, 'admin'),
      responseMeta,
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error, path }, 'control-plane procedure failed');
      },
    }),
  );
  app.use(docsRoutes(openApiDocument));
  app.use(createRestHandler(deps, 'admin'));
  app.use(
    adminUiRoutes({
      dir: options.adminUiDir ?? DEFAULT_ADMIN_UI_DIR,
      apiPaths: ['/trpc', '/openapi.json', '/docs', '/redoc', ...Object.keys(openApiDocument.paths ?? {})],
    }),
  );
  app.use(notFoundHandler);
  app.use(createJsonErrorHandler(logger));
  return app;
}
