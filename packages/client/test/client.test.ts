import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../../apps/proxy/test/helpers/http.js';
import { startOrigin, type TestOrigin } from '../../../apps/proxy/test/helpers/origin.js';
import { startProxy, type TestProxy } from '../../../apps/proxy/test/helpers/proxy.js';
import { createCachingProxyClient } from '../src/index.js';

const API_KEY = 'client-test-key-0123456789';

describe('createCachingProxyClient against a running proxy', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600', 'surrogate-key': 'client-tag' });
      res.end(`for the client ${req.url}`);
    });
    proxy = await startProxy({ ADMIN_API_KEY: API_KEY });
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it('calls every procedure of the control plane, typed', async () => {
    const client = createCachingProxyClient({ url: `${proxy.adminUrl}/`, apiKey: API_KEY });

    expect((await client.health.query()).status).toBe('healthy');

    const tried = await client.tryRequest.mutate({ url: `${origin.url}/one` });
    expect(tried).toMatchObject({ status_code: 200, x_cache: 'MISS' });

    const warmed = await client.cache.warm.mutate({ urls: [`${origin.url}/two`, `${origin.url}/three`] });
    expect(warmed.warmed).toBe(2);

    const stats = await client.stats.query();
    expect(stats.misses).toBe(3);
    expect(stats.scope).toBe('process');

    proxy.server.history.sample();
    const history = await client.history.query();
    expect(history.points.at(-1)?.miss).toBe(3);

    const list = await client.cache.list.query({ limit: 10 });
    expect(list.entries).toHaveLength(3);
    const key = list.entries.find((e) => e.url.endsWith('/one'))!.key;

    const info = await client.cache.info.query({ key });
    expect(info.tags).toEqual(['client-tag']);

    expect(await client.cache.delete.mutate({ key })).toEqual({ deleted: true, key });
    expect(await client.cache.purge.mutate({ prefix: `${origin.url}/two` })).toEqual({ purged: 1, urls: 1, stored_responses: 1 });
    expect(await client.cache.purgeTag.mutate({ tag: 'client-tag' })).toEqual({ purged: 1, urls: 1, stored_responses: 1 });
    await send(proxy.dataUrl, proxy.via(origin.url, '/four'));
    expect(await client.cache.clear.mutate()).toEqual({ cleared: 1, urls: 1, stored_responses: 1 });

    // Cache rules: none configured here, but listed and testable all the same.
    expect(await client.rules.list.query()).toMatchObject({ file: null, rules: [] });
    const tested = await client.rules.test.query({ url: `${origin.url}/five?b=2&a=1`, method: 'GET' });
    expect(tested).toMatchObject({ rule: null, url: `${origin.url}/five?b=2&a=1` });
  });

  it('surfaces authentication errors as typed tRPC errors', async () => {
    const anonymous = createCachingProxyClient({ url: proxy.adminUrl });
    const error = await anonymous.stats.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
  });
});
