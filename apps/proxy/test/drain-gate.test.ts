import type { ErrorBody } from '@caching-proxy/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './helpers/http.js';
import { startOrigin, type TestOrigin } from './helpers/origin.js';
import { startProxy, type TestProxy } from './helpers/proxy.js';

describe('the drain (SIGTERM) refuses new requests', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
  });

  it('answers 503 PROXY_ERR_SHUTTING_DOWN with Connection: close on both listeners, without contacting the origin', async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end('stored');
    });
    proxy = await startProxy();
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/a'))).status).toBe(200);

    proxy.server.refuseNewRequests();
    for (const [base, path] of [
      [proxy.dataUrl, proxy.via(origin.url, '/a')],
      [proxy.dataUrl, proxy.via(origin.url, '/b')],
      [proxy.dataUrl, '/health'],
      [proxy.adminUrl, '/health'],
    ] as const) {
      const response = await send(base, path);
      expect(response.status).toBe(503);
      expect(response.headers.connection).toBe('close');
      expect(response.headers['cache-control']).toBe('no-store');
      const { error } = response.json<ErrorBody>();
      expect(error.code).toBe('PROXY_ERR_SHUTTING_DOWN');
      expect(error.request_id).toBe(response.headers['x-request-id']);
    }
    expect(origin.hits('/a')).toBe(1);
    expect(origin.hits('/b')).toBe(0);
  });
});
