import type { ErrorBody } from '@caching-proxy/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, type TestResponse } from './helpers/http.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';

/** The error body, checked to name the same request as the response's X-Request-Id. */
function expectIdentifiedError(response: TestResponse, status: number, code: string): ErrorBody['error'] {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.headers['cache-control']).toBe('no-store');
  const { error } = response.json<ErrorBody>();
  expect(error.code).toBe(code);
  expect(error.request_id).toMatch(/^[\w.:-]+$/);
  expect(error.request_id).toBe(response.headers['x-request-id']);
  return error;
}

describe('plain-HTTP error responses name their request', () => {
  let proxy: TestProxy;

  beforeAll(async () => {
    proxy = await startProxy({ ADMIN_API_KEY: 'secret-key-0123456789' });
  });

  afterAll(async () => {
    await proxy.close();
  });

  it('fills request_id with the X-Request-Id of a refused /http/ target on the data port', async () => {
    expectIdentifiedError(await send(proxy.dataUrl, '/http/ftp://example.com/file'), 400, 'PROXY_ERR_UNSUPPORTED_SCHEME');
  });

  it('fills request_id with the X-Request-Id of a /proxy request whose body is not JSON', async () => {
    const response = await send(proxy.dataUrl, '/proxy', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"url":' });
    expectIdentifiedError(response, 400, 'PROXY_ERR_INVALID_JSON');
  });

  it("keeps the client's own X-Request-Id in the header and the body", async () => {
    const response = await send(proxy.dataUrl, '/http/ftp://example.com/file', { headers: { 'x-request-id': 'client-7' } });
    expect(expectIdentifiedError(response, 400, 'PROXY_ERR_UNSUPPORTED_SCHEME').request_id).toBe('client-7');
  });

  it('gives two failed requests two different ids', async () => {
    const [a, b] = await Promise.all([send(proxy.dataUrl, '/http/ftp://a/'), send(proxy.dataUrl, '/http/ftp://b/')]);
    expect(a.json<ErrorBody>().error.request_id).not.toBe(b.json<ErrorBody>().error.request_id);
  });

  it('fills request_id on the admin listener for an unknown route', async () => {
    expectIdentifiedError(await send(proxy.adminUrl, '/nowhere', { method: 'POST' }), 404, 'PROXY_ERR_NOT_FOUND');
  });

  it('fills request_id on the admin listener when /metrics is asked without the key', async () => {
    const response = await send(proxy.adminUrl, '/metrics');
    expectIdentifiedError(response, 401, 'PROXY_ERR_UNAUTHORIZED');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="caching-proxy"');
  });
});
