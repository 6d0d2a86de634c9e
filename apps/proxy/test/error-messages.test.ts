import type { ErrorBody, WarmResult } from '@caching-proxy/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, send } from './helpers/http.js';
import { startOrigin, type TestOrigin } from './helpers/origin.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';

describe('error messages say what to do', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end('plain http');
    });
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it('a scheme-less /http/ target on a plain-HTTP port says https was assumed and suggests http://', async () => {
    const response = await send(proxy.dataUrl, `/http/127.0.0.1:${origin.port}/x?y=1`);
    expect(response.status).toBe(502);
    const { error } = response.json<ErrorBody>();
    expect(error.code).toBe('PROXY_ERR_UPSTREAM_ERROR');
    expect(error.message).toContain('https was assumed');
    expect(error.message).toContain(`use http://127.0.0.1:${origin.port}/x?y=1`);
    expect(error.message).toContain(`/http/http://127.0.0.1:${origin.port}/x?y=1`);
  });

  it('?ttl= above the maximum states the maximum', async () => {
    const response = await postJson(proxy.dataUrl, '/proxy?ttl=99999999999', { url: `${origin.url}/ttl` });
    expect(response.status).toBe(400);
    expect(response.json<ErrorBody>().error).toEqual({
      code: 'PROXY_ERR_INVALID_TTL',
      message: 'expected ttl to be a whole number of seconds from 0 to 2147483648, got "99999999999"',
      request_id: response.headers['x-request-id'],
    });
  });

  it('a control-plane body that is not JSON gets a balanced, actionable 415 message', async () => {
    const response = await send(proxy.adminUrl, '/cache/purge', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'prefix=x',
    });
    expect(response.status).toBe(415);
    expect(response.json<ErrorBody>().error).toEqual({
      code: 'PROXY_ERR_UNSUPPORTED_MEDIA_TYPE',
      message: 'Unsupported content type "text/plain": send a JSON body with Content-Type: application/json',
    });
  });

  it('warming "not a url" says it is not a URL', async () => {
    const response = await postJson(proxy.adminUrl, '/cache/warm', { urls: ['not a url'] });
    expect(response.status).toBe(200);
    expect(response.json<WarmResult>().results[0]!.error).toEqual({
      code: 'PROXY_ERR_INVALID_URL',
      message: '"not a url" is not a URL: expected an absolute http(s) URL such as https://example.com/page',
    });
  });
});
