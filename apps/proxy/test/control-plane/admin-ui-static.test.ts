import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUiRoutes } from '../../src/control-plane/admin-ui-static.js';
import { createJsonErrorHandler, notFoundHandler } from '../../src/http-errors.js';
import { createSilentLogger } from '../../src/logger.js';
import { send } from '../helpers/http.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const INDEX_HTML = '<!doctype html><title>dashboard</title><script type="module" src="/assets/app-1a2b.js"></script>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(adminUiRoutes({ dir, apiPaths: ['/trpc', '/cache/info/{key}'] }));
  app.use(notFoundHandler);
  app.use(createJsonErrorHandler(createSilentLogger()));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the dashboard on the admin listener', () => {
  let dir: string;
  let ui: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'admin-ui-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), INDEX_HTML);
    await writeFile(path.join(dir, 'assets', 'app-1a2b.js'), 'export {};');
    await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    ui = await serve(dir);
  });

  afterAll(async () => {
    await ui.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with a strict Content-Security-Policy and nosniff', async () => {
    const response = await send(ui.url, '/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toBe(INDEX_HTML);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers page navigations to app paths with index.html (SPA fallback)', async () => {
    const response = await send(ui.url, '/entries/0123abcd', { headers: HTML });
    expect(response.status).toBe(200);
    expect(response.text).toBe(INDEX_HTML);
  });

  it('serves hashed assets as immutable, with nosniff', async () => {
    const response = await send(ui.url, '/assets/app-1a2b.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect((await send(ui.url, '/favicon.svg')).headers['cache-control']).toBe('no-cache');
  });

  it('answers JSON 404 to non-HTML requests, unknown API paths and other methods', async () => {
    const notHtml = await send(ui.url, '/entries', { headers: { accept: '*/*' } });
    expect(notHtml.status).toBe(404);
    expect(notHtml.json()).toMatchObject({ error: { code: 'PROXY_ERR_NOT_FOUND' } });
    expect((await send(ui.url, '/assets/missing.js')).status).toBe(404);
    expect((await send(ui.url, '/cache/nothing-here', { headers: HTML })).status).toBe(404);
    expect((await send(ui.url, '/trpc', { headers: HTML })).status).toBe(404);
    expect((await send(ui.url, '/', { method: 'POST', headers: HTML })).status).toBe(404);
  });

  it('says how to build the dashboard when the build is missing', async () => {
    const missing = await serve(path.join(dir, 'not-built'));
    try {
      const response = await send(missing.url, '/', { headers: HTML });
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('npm run build');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    } finally {
      await missing.close();
    }
  });
});

describe('the admin listener with the dashboard mounted', () => {
  let proxy: TestProxy;

  beforeAll(async () => {
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('keeps the API routes ahead of the dashboard for HTML requests', async () => {
    const health = await send(proxy.adminUrl, '/health', { headers: HTML });
    expect(health.headers['content-type']).toMatch(/^application\/json/);
    const stats = await send(proxy.adminUrl, '/stats', { headers: HTML });
    expect(stats.json()).toMatchObject({ total_requests: 0 });
    expect((await send(proxy.adminUrl, '/openapi.json', { headers: HTML })).json<{ openapi: unknown }>().openapi).toBeTypeOf('string');
    expect((await send(proxy.adminUrl, '/docs', { headers: HTML })).text).toContain('swagger-ui');
    expect((await send(proxy.adminUrl, '/redoc', { headers: HTML })).text).toContain('<redoc spec-url="/openapi.json">');
    expect((await send(proxy.adminUrl, '/trpc/stats', { headers: HTML })).json<{ result: unknown }>().result).toBeDefined();
    expect((await send(proxy.adminUrl, '/cache/info/nope', { headers: HTML })).status).toBe(400);
  });

  it('answers / with the dashboard or the page saying how to build it', async () => {
    const response = await send(proxy.adminUrl, '/', { headers: HTML });
    expect([200, 503]).toContain(response.status);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });
});
