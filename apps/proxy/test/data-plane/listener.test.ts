import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataPlaneListener } from '../../src/data-plane/listener.js';
import { RequestReporter } from '../../src/data-plane/request-report.js';
import { resolveTransparentTarget } from '../../src/data-plane/request-target.js';
import { createSilentLogger } from '../../src/logger.js';
import { NO_OBSERVER } from '../../src/stats/observer.js';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('the data-plane listener', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  let front: Server;

  afterEach(async () => {
    front.closeAllConnections();
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await proxy.close();
    await origin.close();
  });

  it('answers proxied requests itself, hits and misses alike, and hands only the rest to Express', async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('origin body');
    });
    proxy = await startProxy();
    const handedOver: string[] = [];
    const next: RequestListener = (req, res) => {
      handedOver.push(`${req.method} ${req.url}`);
      res.writeHead(599).end();
    };
    const logger = createSilentLogger();
    front = createServer(
      createDataPlaneListener({
        engine: proxy.server.engine,
        resolve: resolveTransparentTarget,
        reporter: new RequestReporter(logger, NO_OBSERVER),
        logger,
        next,
      }),
    );
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

    const miss = await send(frontUrl, proxy.via(origin.url, '/hot'));
    expect(miss.headers['x-cache']).toBe('MISS');
    const hit = await send(frontUrl, proxy.via(origin.url, '/hot'));
    expect(hit.text).toBe('origin body');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect((await send(frontUrl, proxy.via(origin.url, '/hot'), { method: 'HEAD' })).headers['x-cache']).toBe('HIT');
    expect((await send(frontUrl, proxy.via(origin.url, '/hot'), { method: 'POST', body: 'x' })).headers['x-cache']).toBe('BYPASS');
    const invalid = await send(frontUrl, '/http/ftp://nope/');
    expect(invalid.status).toBe(400);
    expect(invalid.json<{ error: { code: string } }>().error.code).toBe('PROXY_ERR_UNSUPPORTED_SCHEME');
    expect(handedOver).toEqual([]);

    await send(frontUrl, '/proxy', { method: 'POST' });
    await send(frontUrl, '/stats');
    expect(handedOver).toEqual(['POST /proxy', 'GET /stats']);
    expect(origin.hits('/hot')).toBe(2); // the GET miss, then the POST
  });
});
