import type { CacheEntryInfo, History, ListEntriesResult, TryRequestResult } from '@caching-proxy/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

describe('admin procedures for the dashboard (REST)', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      if (req.url?.startsWith('/bin')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60' });
        res.end(Buffer.from([0, 1, 2, 255]));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'max-age=60', ...(req.url === '/long' ? { vary: 'x-trace' } : {}) });
      res.end(`<script>alert("${req.url}")</script>${'x'.repeat(req.url === '/long' ? 10_000 : 0)}`);
    });
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  async function fill(paths: string[]) {
    for (const path of paths) {
      await send(proxy.dataUrl, proxy.via(origin.url, path), { headers: { authorization: 'Bearer secret', 'x-trace': 't1' } });
    }
  }

  it('lists entries most recently used first, in pages, with a URL filter', async () => {
    await send(proxy.adminUrl, '/cache/clear', { method: 'DELETE' });
    // Authorization would prevent storing without `public`: fill without it.
    for (const path of ['/list/a', '/list/b', '/list/c', '/other/d']) await send(proxy.dataUrl, proxy.via(origin.url, path));
    const first = (await send(proxy.adminUrl, '/cache/entries?limit=2')).json<ListEntriesResult>();
    expect(first.entries.map((e) => e.url)).toEqual([`${origin.url}/other/d`, `${origin.url}/list/c`]);
    expect(first.next_cursor).not.toBeNull();
    const second = (
      await send(proxy.adminUrl, `/cache/entries?limit=2&cursor=${encodeURIComponent(first.next_cursor!)}`)
    ).json<ListEntriesResult>();
    expect(second.entries.map((e) => e.url)).toEqual([`${origin.url}/list/b`, `${origin.url}/list/a`]);
    expect(second.next_cursor).toBeNull();
    const filtered = (await send(proxy.adminUrl, '/cache/entries?filter=LIST/')).json<ListEntriesResult>();
    expect(filtered.entries).toHaveLength(3);
    expect(filtered.entries[0]).toMatchObject({ method: 'GET', status_code: 200, variants: 1, hits: 0, stale: false });
  });

  it('purges every entry under a URL prefix', async () => {
    await send(proxy.adminUrl, '/cache/clear', { method: 'DELETE' });
    for (const path of ['/p/1', '/p/2', '/q/3']) await send(proxy.dataUrl, proxy.via(origin.url, path));
    const purged = await postJson(proxy.adminUrl, '/cache/purge', { prefix: `${origin.url}/p/` });
    expect(purged.json()).toEqual({ purged: 2, urls: 2, stored_responses: 2 });
    const left = (await send(proxy.adminUrl, '/cache/entries')).json<ListEntriesResult>();
    expect(left.entries.map((e) => e.url)).toEqual([`${origin.url}/q/3`]);
    expect((await postJson(proxy.adminUrl, '/cache/purge', { prefix: 'not a url' })).status).toBe(400);
  });

  it('shows only the request headers Vary names, and a text-only body preview', async () => {
    const response = await send(proxy.dataUrl, proxy.via(origin.url, '/long'), { headers: { 'x-trace': 't1', 'x-api-token': 's3cret' } });
    const info = (await send(proxy.adminUrl, `/cache/info/${String(response.headers['x-cache-key'])}`)).json<CacheEntryInfo>();
    expect(info.request_headers).toEqual({ 'x-trace': 't1' });
    expect(info.body_preview.text).toMatch(/^<script>alert\("\/long"\)<\/script>x+$/);
    expect(info.body_preview.text!.length).toBe(4096);
    expect(info.body_preview.truncated).toBe(true);
    expect(info.body_preview.content_type).toBe('text/html');

    const binary = await send(proxy.dataUrl, proxy.via(origin.url, '/bin'));
    const binaryInfo = (await send(proxy.adminUrl, `/cache/info/${String(binary.headers['x-cache-key'])}`)).json<CacheEntryInfo>();
    expect(binaryInfo.body_preview).toEqual({ text: null, truncated: false, content_type: 'application/octet-stream' });
  });

  it('keeps 15 minutes of outcome history, complete from the first load', async () => {
    const before = (await send(proxy.adminUrl, '/stats/history')).json<History>();
    expect(before.interval_seconds).toBe(5);
    expect(before.points).toHaveLength(180);
    proxy.server.history.sample(); // closes the interval of the earlier tests' traffic
    await fill(['/h/1', '/h/1']);
    await send(proxy.dataUrl, '/http/ftp://bad/');
    proxy.clock.advance(5_000);
    proxy.server.history.sample();
    const after = (await send(proxy.adminUrl, '/stats/history')).json<History>();
    expect(after.points).toHaveLength(180);
    const last = after.points.at(-1)!;
    expect(last).toMatchObject({ miss: 2, error: 1, client_error: 1, upstream_error: 0 });
    expect(last.t).toBe(proxy.clock.now());
  });

  it('tries a URL through the data port and reports the cache outcome and timing', async () => {
    const url = `${origin.url}/try-me`;
    const first = (await postJson(proxy.adminUrl, '/try', { url })).json<TryRequestResult>();
    expect(first).toMatchObject({ status_code: 200, x_cache: 'MISS', error: null });
    expect(first.duration_ms).toBeGreaterThanOrEqual(0);
    expect(first.cache_key).toMatch(/^[0-9a-f]{64}$/);
    const second = (await postJson(proxy.adminUrl, '/try', { url })).json<TryRequestResult>();
    expect(second.x_cache).toBe('HIT');
    const bad = (await postJson(proxy.adminUrl, '/try', { url: 'ftp://example.com/' })).json<TryRequestResult>();
    expect(bad.status_code).toBe(400);
    expect(bad.error?.code).toBe('PROXY_ERR_UNSUPPORTED_SCHEME');
  });
});
