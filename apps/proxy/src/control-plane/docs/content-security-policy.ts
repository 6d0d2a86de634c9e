/**
 * The Content-Security-Policy of the docs pages (Swagger UI, ReDoc): every script from this
 * listener only, no CDN, no inline script, nothing framed. Both UIs set inline styles and ship
 * icons as data: URLs, and ReDoc runs its search index in a blob: worker, so those are allowed.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
