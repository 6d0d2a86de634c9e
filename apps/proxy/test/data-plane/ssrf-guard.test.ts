import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('SSRF guard (default configuration)', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.end('internal secret');
    });
    proxy = await startProxy({ ALLOW_PRIVATE_NETWORKS: 'false' });
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  const targets = (port: number) => [
    `http://127.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f.0.0.1:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::1]:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://localhost:${port}/`,
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
  ];

  it('refuses loopback, private, link-local, CGNAT and unique-local targets on /http/ with 403', async () => {
    for (const target of targets(origin.port)) {
      const response = await send(proxy.dataUrl, `/http/${target}`);
      expect(response.status, target).toBe(403);
      expect(response.json<ErrorBody>().error.code, target).toBe('PROXY_ERR_TARGET_BLOCKED');
    }
    expect(origin.hits()).toBe(0);
  });

  it('refuses the same targets through POST /proxy with 403', async () => {
    for (const target of targets(origin.port)) {
      const response = await postJson(proxy.dataUrl, '/proxy', { url: target });
      expect(response.status, target).toBe(403);
      expect(response.json<ErrorBody>().error.code, target).toBe('PROXY_ERR_TARGET_BLOCKED');
    }
    expect(origin.hits()).toBe(0);
  });

  it('refuses a host name that resolves to loopback, checking the DNS answers', async () => {
    const response = await send(proxy.dataUrl, `/http/http://localhost:${origin.port}/secret`);
    expect(response.status).toBe(403);
    expect(response.json<ErrorBody>().error.message).toContain('loopback');
    expect(origin.hits()).toBe(0);
  });

  it('answers 400 for schemes other than http and https', async () => {
    for (const target of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://example.com/']) {
      const response = await send(proxy.dataUrl, `/http/${target}`);
      expect(response.status, target).toBe(400);
      expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_UNSUPPORTED_SCHEME');
    }
  });

  it('answers 400 for malformed targets', async () => {
    for (const path of ['/http/', '/http/http://', '/http/exa%00mple.com/', '/http/[::1/']) {
      const response = await send(proxy.dataUrl, path);
      expect(response.status, path).toBe(400);
      expect(response.json<ErrorBody>().error.code, path).toBe('PROXY_ERR_INVALID_URL');
    }
  });
});

describe('SSRF guard exemptions', () => {
  it('lets hosts listed in ALLOWED_HOSTS through', async () => {
    const origin = await startOrigin((_req, res) => {
      res.end('allowed');
    });
    const proxy = await startProxy({ ALLOW_PRIVATE_NETWORKS: 'false', ALLOWED_HOSTS: 'localhost, other.example' });
    try {
      const allowed = await send(proxy.dataUrl, `/http/http://localhost:${origin.port}/`);
      expect(allowed.status).toBe(200);
      expect(allowed.text).toBe('allowed');
      const stillBlocked = await send(proxy.dataUrl, `/http/http://127.0.0.1:${origin.port}/`);
      expect(stillBlocked.status).toBe(403);
    } finally {
      await proxy.close();
      await origin.close();
    }
  });
});
