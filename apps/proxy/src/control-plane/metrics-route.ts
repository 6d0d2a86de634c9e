import express, { type Router } from 'express';
import type { Registry } from 'prom-client';
import { writeErrorResponse } from '../error-response.js';
import { ProxyError } from '../errors.js';
import { requestIdOf } from '../request-id.js';
import { apiKeyMatches, bearerToken } from './auth.js';

/**
 * GET /metrics in the Prometheus text format. With ADMIN_API_KEY set it needs the same bearer key
 * as the rest of the control plane (Prometheus sends it with `authorization: { credentials: … }`).
 */
export function metricsRoute(registry: Registry, apiKey: string | undefined): Router {
  const routes = express.Router();
  routes.get('/metrics', (req, res, next) => {
    if (apiKey !== undefined && !apiKeyMatches(bearerToken(req), apiKey)) {
      writeErrorResponse(
        res,
        new ProxyError('PROXY_ERR_UNAUTHORIZED', 'Send the admin API key as `Authorization: Bearer <ADMIN_API_KEY>`'),
        requestIdOf(req),
        { 'www-authenticate': 'Bearer realm="caching-proxy"' },
      );
      return;
    }
    registry.metrics().then(
      (text) => {
        res.set('content-type', registry.contentType).set('cache-control', 'no-store').send(text);
      },
      (error: unknown) => next(error),
    );
  });
  return routes;
}
