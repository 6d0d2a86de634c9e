import type { CacheEntryInfo, WarmResult } from '@caching-proxy/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('cache warming and purge by tag', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/private')) {
        res.writeHead(200, { 'cache-control': 'private' });
        res.end('no');
        return;
      }
      if (url.startsWith('/live')) {
        res.writeHead(200, { 'cache-control': 'no-store' });
        res.end('live');
        return;
      }
      if (url.startsWith('/broken')) {
        res.writeHead(500);
        res.end('oops');
        return;
      }
      const tags: Record<string, string> = {};
      if (url.startsWith('/products/')) tags['surrogate-key'] = `products product-${url.split('/')[2]}`;
      if (url.startsWith('/pages/')) tags['cache-tag'] = 'pages, layout';
      res.writeHead(200, { 'cache-control': 'max-age=600', ...tags });
      res.end(`content of ${url}`);
    });
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it('warms a list of URLs with one origin request each and reports every outcome', async () => {
    const urls = ['/warm/1', '/warm/2', '/warm/3'].map((p) => `${origin.url}${p}`);
    const result = (
      await postJson(proxy.adminUrl, '/cache/warm', { urls: [...urls, `${origin.url}/private`, 'ftp://x/'], concurrency: 2 })
    ).json<WarmResult>();
    expect(result.warmed).toBe(3);
    // `private` is the origin's choice, not a failure (as the startup WARM_URLS_FILE log counts it).
    expect(result.not_storable).toBe(1);
    expect(result.failed).toBe(1);
    expect(result.results.map((r) => r.stored)).toEqual([true, true, true, false, false]);
    expect(result.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'not_storable', 'failed']);
    expect(result.results[3]!.reason).toBe('private');
    expect(result.results[4]!.error?.code).toBe('PROXY_ERR_UNSUPPORTED_SCHEME');
    for (const path of ['/warm/1', '/warm/2', '/warm/3']) {
      expect((await send(proxy.dataUrl, proxy.via(origin.url, path))).headers['x-cache']).toBe('HIT');
      expect(origin.hits(path)).toBe(1);
    }
    // A 2xx with no-store is not storable; an origin error status is a failure.
    const mixed = (
      await postJson(proxy.adminUrl, '/cache/warm', { urls: [`${origin.url}/live`, `${origin.url}/broken`] })
    ).json<WarmResult>();
    expect(mixed).toMatchObject({ warmed: 0, not_storable: 1, failed: 1 });
    expect(mixed.results.map((r) => [r.status, r.reason, r.error])).toEqual([
      ['not_storable', 'no-store', null],
      ['failed', expect.stringMatching(/^the origin answered 500/), null],
    ]);
    // Warming again finds everything stored.
    const again = (await postJson(proxy.adminUrl, '/cache/warm', { urls })).json<WarmResult>();
    expect(again.results.map((r) => r.x_cache)).toEqual(['HIT', 'HIT', 'HIT']);
  });

  it('stores Surrogate-Key and Cache-Tag tags and purges exactly the tagged entries', async () => {
    const paths = ['/products/1', '/products/2', '/pages/home', '/untagged'];
    const keys: Record<string, string> = {};
    for (const path of paths) keys[path] = String((await send(proxy.dataUrl, proxy.via(origin.url, path))).headers['x-cache-key']);
    const info = (await send(proxy.adminUrl, `/cache/info/${keys['/products/1']}`)).json<CacheEntryInfo>();
    expect(info.tags).toEqual(['products', 'product-1']);

    expect((await postJson(proxy.adminUrl, '/cache/purge-tag', { tag: 'product-1' })).json()).toEqual({ purged: 1, urls: 1, stored_responses: 1 });
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/products/1'))).headers['x-cache']).toBe('MISS');
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/products/2'))).headers['x-cache']).toBe('HIT');

    expect((await postJson(proxy.adminUrl, '/cache/purge-tag', { tag: 'layout' })).json()).toEqual({ purged: 1, urls: 1, stored_responses: 1 });
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/pages/home'))).headers['x-cache']).toBe('MISS');
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/untagged'))).headers['x-cache']).toBe('HIT');
    expect((await postJson(proxy.adminUrl, '/cache/purge-tag', { tag: 'has space' })).status).toBe(400);
  });
});
