import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHitListener } from '../../src/data-plane/hit-listener.js';
import { RequestReporter } from '../../src/data-plane/request-report.js';
import { resolveTransparentTarget } from '../../src/data-plane/request-target.js';
import { createSilentLogger } from '../../src/logger.js';
import { NO_OBSERVER } from '../../src/stats/observer.js';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('the lean hit listener', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  let front: Server;

  afterEach(async () => {
    front.closeAllConnections();
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await proxy.close();
    await origin.close();
  });

  it('answers hits itself and hands everything else to the Express app', async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('cached body');
    });
    proxy = await startProxy();
    // Fill the cache through the real data port.
    await send(proxy.dataUrl, proxy.via(origin.url, '/hot'));

    const handedOver: string[] = [];
    const next: RequestListener = (req, res) => {
      handedOver.push(`${req.method} ${req.url}`);
      res.writeHead(599).end();
    };
    front = createServer(createHitListener(proxy.server.engine, resolveTransparentTarget, next, new RequestReporter(createSilentLogger(), NO_OBSERVER)));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

    const hit = await send(frontUrl, proxy.via(origin.url, '/hot'));
    expect(hit.status).toBe(200);
    expect(hit.text).toBe('cached body');
    expect(hit.headers['x-cache']).toBe('HIT');
    const head = await send(frontUrl, proxy.via(origin.url, '/hot'), { method: 'HEAD' });
    expect(head.headers['x-cache']).toBe('HIT');
    expect(handedOver).toEqual([]);

    await send(frontUrl, proxy.via(origin.url, '/cold'));
    await send(frontUrl, proxy.via(origin.url, '/hot'), { method: 'POST' });
    await send(frontUrl, '/proxy', { method: 'POST' });
    await send(frontUrl, '/http/ftp://nope/');
    expect(handedOver).toEqual([
      `GET ${proxy.via(origin.url, '/cold')}`,
      `POST ${proxy.via(origin.url, '/hot')}`,
      'POST /proxy',
      'GET /http/ftp://nope/',
    ]);
    expect(origin.hits('/hot')).toBe(1);
  });
});
