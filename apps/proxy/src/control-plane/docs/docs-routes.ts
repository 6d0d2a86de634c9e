import express, { type Router } from 'express';
import type { OpenAPIObject } from 'trpc-to-openapi';
import { redocRoutes } from './redoc.js';
import { swaggerUiRoutes } from './swagger-ui.js';

/**
 * The read-only API docs of one listener: `/openapi.json`, Swagger UI at `/docs` and ReDoc at
 * `/redoc`, all GET, all served from local files.
 */
export function docsRoutes(document: OpenAPIObject): Router {
  const routes = express.Router();
  routes.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  routes.use(swaggerUiRoutes());
  routes.use(redocRoutes());
  return routes;
}
