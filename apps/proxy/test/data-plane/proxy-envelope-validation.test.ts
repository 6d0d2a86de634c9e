import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string };
}

describe('POST /proxy envelope validation', () => {
  let proxy: TestProxy;
  let origin: TestOrigin;

  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end('ok');
    });
    proxy = await startProxy({ MAX_URL_BYTES: '1KiB' });
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a %s body with 415 (a browser sends it cross-site without a preflight)',
    async (type) => {
      const response = await send(proxy.dataUrl, '/proxy', {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify({ url: `${origin.url}/x` }),
      });
      expect(response.status).toBe(415);
      expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_UNSUPPORTED_MEDIA_TYPE');
      expect(origin.hits()).toBe(0);
    },
  );

  it('accepts application/json with a charset parameter', async () => {
    const response = await send(proxy.dataUrl, '/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ url: `${origin.url}/charset` }),
    });
    expect(response.status).toBe(200);
  });

  it.each(['CONNECT', 'TRACE', 'get', 'post', 'PROPFIND', 'BREW'])('refuses the method %j with 400 and never forwards it', async (method) => {
    const before = origin.hits();
    const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/m`, method });
    expect(response.status).toBe(400);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_INVALID_REQUEST');
    expect(origin.hits()).toBe(before);
  });

  it.each(['Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Keep-Alive', 'Upgrade', 'TE', 'Trailer', 'Proxy-Authorization'])(
    'refuses envelope headers that set %s with 400',
    async (name) => {
      const before = origin.hits();
      const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/h`, headers: { [name]: 'x' } });
      expect(response.status).toBe(400);
      expect(response.json<ErrorBody>().error.message).toContain(name);
      expect(origin.hits()).toBe(before);
    },
  );

  it('refuses a url longer than MAX_URL_BYTES with 414', async () => {
    const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/?q=${'a'.repeat(2000)}` });
    expect(response.status).toBe(414);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_URL_TOO_LONG');
  });

  it('refuses 10,000 query parameters (the URL they make is over MAX_URL_BYTES) with 414', async () => {
    const params = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`p${i}`, i]));
    const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/p`, params });
    expect(response.status).toBe(414);
    expect(origin.hits('/p')).toBe(0);
  });
});
