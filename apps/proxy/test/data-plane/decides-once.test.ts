import { afterEach, describe, expect, it } from 'vitest';
import { lookUp } from '../../src/cache/lookup.js';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('the request path decides once', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  const decisions: string[] = [];
  const countingLookUp: typeof lookUp = (request, variants, nowMs) => {
    const decision = lookUp(request, variants, nowMs);
    decisions.push(decision.action);
    return decision;
  };

  afterEach(async () => {
    decisions.length = 0;
    await proxy.close();
    await origin.close();
  });

  async function start(): Promise<void> {
    origin = await startOrigin((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=60' }).end('slow'), 50);
        return;
      }
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=1' }).end();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=1', etag: '"v1"' }).end('body');
    });
    proxy = await startProxy({}, { lookUp: countingLookUp });
  }

  it('looks a fresh hit up exactly once (and a miss, a validation and a POST once each)', async () => {
    await start();
    const url = proxy.via(origin.url, '/a');

    expect((await send(proxy.dataUrl, url)).headers['x-cache']).toBe('MISS');
    expect(decisions).toEqual(['forward']);

    decisions.length = 0;
    const hit = await send(proxy.dataUrl, url);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(decisions).toEqual(['serve']);

    decisions.length = 0;
    proxy.clock.advance(5_000);
    expect((await send(proxy.dataUrl, url)).headers['x-cache']).toBe('REVALIDATED');
    expect(decisions).toEqual(['validate']);

    decisions.length = 0;
    expect((await send(proxy.dataUrl, url, { method: 'POST', body: 'x' })).headers['x-cache']).toBe('BYPASS');
    expect(decisions).toEqual(['pass']);
    expect(origin.hits('/a')).toBe(3);
  });

  it('lets a coalesced waiter look up again once its leader has stored the response', async () => {
    await start();
    const url = proxy.via(origin.url, '/slow');
    const [leader, waiter] = await Promise.all([send(proxy.dataUrl, url), send(proxy.dataUrl, url)]);
    expect([leader.headers['x-cache'], waiter.headers['x-cache']].sort()).toEqual(['HIT', 'MISS']);
    expect(origin.hits('/slow')).toBe(1);
    // Two first lookups, and one more for the waiter after the leader.
    expect(decisions).toEqual(['forward', 'forward', 'serve']);
  });
});
