import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';

/**
 * Where `npm run build -w @caching-proxy/admin-ui` writes the dashboard, resolved from this file
 * (src/control-plane or dist/control-plane, both two levels below the proxy package): the
 * monorepo's apps/admin-ui/dist.
 */
export const DEFAULT_ADMIN_UI_DIR = fileURLToPath(new URL('../../../admin-ui/dist', import.meta.url));

/** The build needs nothing inline and talks only to this listener. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>caching-proxy — dashboard not built</title></head>
<body>
<h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it) at the repository root, then reload this page.</p>
<p>The API is available meanwhile: <a href="/docs">Swagger UI</a>, <a href="/redoc">reference</a>, <a href="/openapi.json">openapi.json</a>.</p>
</body>
</html>`;

export interface AdminUiOptions {
  /** Directory of the dashboard's production build (index.html and assets/). */
  dir: string;
  /** Paths owned by the API; unknown paths below their first segment answer 404, never the app. */
  apiPaths: readonly string[];
}

function firstSegment(urlPath: string): string {
  return urlPath.split('/')[1] ?? '';
}

/** Page navigations ask for HTML explicitly; API clients (any type, JSON) get the JSON 404 instead. */
function wantsHtml(req: Request): boolean {
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(req.headers.accept ?? '');
}

function setUiHeaders(res: Response): void {
  res.set('x-content-type-options', 'nosniff');
  res.set('referrer-policy', 'no-referrer');
}

/**
 * The dashboard (apps/admin-ui) on the admin listener: its static files, and index.html for every
 * other page navigation (the app routes in the browser). Mounted after the API routes, which
 * keep precedence. The build is looked up per request, so building it needs no restart.
 */
export function adminUiRoutes(options: AdminUiOptions): Router {
  const apiSegments = new Set(options.apiPaths.map(firstSegment));
  const indexFile = path.join(options.dir, 'index.html');
  const routes = express.Router();

  routes.use(
    express.static(options.dir, {
      index: false,
      setHeaders: (res, filePath) => {
        setUiHeaders(res);
        // Vite names every file under assets/ by its content hash.
        const immutable = path.relative(options.dir, filePath).startsWith(`assets${path.sep}`);
        res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );

  routes.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path !== '/' && (apiSegments.has(firstSegment(req.path)) || !wantsHtml(req))) return next();
    readFile(indexFile, 'utf8').then(
      (html) => {
        setUiHeaders(res);
        res.set({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' });
        res.type('html').send(html);
      },
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') return next(error);
        setUiHeaders(res);
        res.set({ 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-store' });
        res.status(503).type('html').send(NOT_BUILT_PAGE);
      },
    );
  });
  return routes;
}
