import { createRequire } from 'node:module';
import express, { type Router } from 'express';
import { DOCS_CONTENT_SECURITY_POLICY } from './content-security-policy.js';

const require = createRequire(import.meta.url);
// The package's index also evaluates the 1.5 MB browser bundle in Node (slow at startup): only
// its directory is needed here.
const swaggerUiDirectory = (require('swagger-ui-dist/absolute-path.js') as () => string)();

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>caching-proxy API — Swagger UI</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });`;

/** Swagger UI at /docs, served from the swagger-ui-dist package (no CDN). */
export function swaggerUiRoutes(): Router {
  const routes = express.Router();
  routes.get('/docs', (_req, res) => {
    res.set({ 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' });
    res.type('html').send(PAGE);
  });
  routes.get('/docs/init.js', (_req, res) => {
    res.type('js').send(INIT);
  });
  routes.use('/docs', express.static(swaggerUiDirectory, { index: false }));
  return routes;
}
