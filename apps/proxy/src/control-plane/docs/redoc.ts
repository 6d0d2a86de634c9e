import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { DOCS_CONTENT_SECURITY_POLICY } from './content-security-policy.js';

const require = createRequire(import.meta.url);

/**
 * The ReDoc standalone bundle: the copy the build puts next to this module (dist/, so that a
 * production install needs no `redoc` package), else the `redoc` package itself (development, tests).
 * Undefined when neither exists.
 */
function findRedocBundle(): string | undefined {
  const copied = fileURLToPath(new URL('./redoc.standalone.js', import.meta.url));
  if (existsSync(copied)) return copied;
  try {
    return require.resolve('redoc/bundles/redoc.standalone.js');
  } catch {
    return undefined;
  }
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>caching-proxy API — ReDoc</title>
</head>
<body>
  <redoc spec-url="/openapi.json"></redoc>
  <script src="/redoc/redoc.standalone.js"></script>
</body>
</html>`;

/** ReDoc at /redoc, rendering /openapi.json with the real ReDoc bundle served from this listener (no CDN). */
export function redocRoutes(): Router {
  const bundle = findRedocBundle();
  const routes = express.Router();
  routes.get('/redoc', (_req, res) => {
    res.set({ 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' });
    res.type('html').send(PAGE);
  });
  routes.get('/redoc/redoc.standalone.js', (_req, res, next) => {
    if (bundle === undefined) {
      next();
      return;
    }
    res.set({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
    res.sendFile(bundle);
  });
  return routes;
}
