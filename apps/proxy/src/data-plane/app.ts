import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ProxyError } from '../errors.js';
import { createJsonErrorHandler, notFoundHandler } from '../http-errors.js';
import type { Logger } from '../logger.js';
import type { CacheEngine } from './cache-engine.js';
import type { RequestReporter } from './request-report.js';
import { createEnvelopeHandler, refuseEnvelopeBeforeBody } from './proxy-envelope.js';
import { RequestFieldPolicy } from './request-fields.js';

export interface DataPlaneAppOptions {
  engine: CacheEngine;
  logger: Logger;
  reporter: RequestReporter;
  maxEnvelopeBytes: number;
  /** What the envelope's `headers` may carry to the origin (default: no trusted proxies). */
  requestFields?: RequestFieldPolicy | undefined;
  /** MAX_URL_BYTES, for the envelope's `url`. */
  maxUrlBytes: number;
  /** GRAPHQL_MAX_BODY_BYTES, for envelopes POSTing to a GraphQL route. */
  graphqlMaxBodyBytes?: number | undefined;
  /** Extra routes served on the data port after the proxy routes (the seed's REST paths). */
  extraRoutes?: RequestHandler | undefined;
}

/**
 * The Express app of the data port: `POST /proxy` and the seed's REST paths. Proxied requests
 * (`/http/…`, reverse-proxy mode) are handled before Express by the data-plane listener.
 */
export function createDataPlaneApp(options: DataPlaneAppOptions): express.Express {
  const { engine } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Proxy errors are counted; the control-plane routes keep their own accounting.
  const countError: ErrorRequestHandler = (error, req, res, next) => {
    engine.stats.recordError(error);
    if (!res.headersSent) res.setHeader('x-request-id', options.reporter.requestId(req));
    res.once('finish', () => options.reporter.finish(req, res, 'error'));
    next(error);
  };

  app.post(
    '/proxy',
    (req, _res, next) => next(refuseEnvelopeBeforeBody(req, options.maxEnvelopeBytes)),
    express.json({ limit: options.maxEnvelopeBytes, type: () => true }),
    createEnvelopeHandler(engine, {
      maxEnvelopeBytes: options.maxEnvelopeBytes,
      maxUrlBytes: options.maxUrlBytes,
      graphqlMaxBodyBytes: options.graphqlMaxBodyBytes,
      reporter: options.reporter,
      requestFields: options.requestFields ?? new RequestFieldPolicy(),
    }),
  );
  app.all('/proxy', (req, _res, next) => {
    next(new ProxyError('PROXY_ERR_METHOD_NOT_ALLOWED', `${req.method} /proxy is not supported; use POST`));
  });
  app.use(countError);
  if (options.extraRoutes) app.use(options.extraRoutes);
  app.use(notFoundHandler);
  app.use(createJsonErrorHandler(options.logger));
  return app;
}
