import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlaneDeps } from '../../src/control-plane/context.js';
import { appRouter, type AppRouter } from '../../src/control-plane/router.js';
import { OutcomeHistory } from '../../src/stats/history.js';
import { Stats } from '../../src/stats/stats.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { FileRuleBook } from '../../src/rules/rule-book.js';

function client(url: string, apiKey?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url}/trpc`,
        headers: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      }),
    ],
  });
}

describe('control plane over a typed tRPC client', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  const API_KEY = 'trpc-test-key-0123456789';

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(`tRPC ${req.url}`);
    });
    proxy = await startProxy({ ADMIN_API_KEY: API_KEY });
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it('calls health, stats, cache.info, cache.delete and cache.clear', async () => {
    const trpc = client(proxy.adminUrl, API_KEY);
    expect((await trpc.health.query()).status).toBe('healthy');

    const first = await send(proxy.dataUrl, proxy.via(origin.url, '/one'));
    await send(proxy.dataUrl, proxy.via(origin.url, '/two'));
    const key = String(first.headers['x-cache-key']);

    const stats = await trpc.stats.query();
    expect(stats.misses).toBe(2);
    expect(stats.entries).toBe(2);

    const info = await trpc.cache.info.query({ key });
    expect(info.url).toBe(`${origin.url}/one`);

    expect(await trpc.cache.delete.mutate({ key })).toEqual({ deleted: true, key });
    expect(await trpc.cache.clear.mutate()).toEqual({ cleared: 1, urls: 1, stored_responses: 1 });
    expect((await trpc.stats.query()).entries).toBe(0);
  });

  it('reports registry error codes in the error shape', async () => {
    const trpc = client(proxy.adminUrl, API_KEY);
    const error = await trpc.cache.info.query({ key: 'f'.repeat(64) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const shape = (error as TRPCClientError<AppRouter>).shape as { error: { code: string }; data: { httpStatus: number } };
    expect(shape.error.code).toBe('PROXY_ERR_ENTRY_NOT_FOUND');
    expect(shape.data.httpStatus).toBe(404);
    expect(JSON.stringify(shape)).not.toContain('stack');
  });

  it('flattens zod issues into the message of an invalid input', async () => {
    const trpc = client(proxy.adminUrl, API_KEY);
    const error = (await trpc.cache.info.query({ key: 'nope' }).catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(error.message).toContain('key: expected a cache key');
    expect((error.shape as { error: { code: string } }).error.code).toBe('PROXY_ERR_INVALID_REQUEST');
  });

  it('refuses calls without the API key with UNAUTHORIZED, but not health', async () => {
    const anonymous = client(proxy.adminUrl);
    expect((await anonymous.health.query()).status).toBe('healthy');
    const error = (await anonymous.stats.query().catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.httpStatus).toBe(401);
  });
});

describe('data-port mutation guard without an API key', () => {
  function caller(loopback: boolean, browser: boolean, listener: 'admin' | 'data') {
    const deps: ControlPlaneDeps = {
      admin: new MemoryStore({ maxEntries: 10, maxBytes: 1_000_000, clock: () => 0 }),
      stats: new Stats(() => 0),
      clock: () => 0,
      backend: 'memory',
      version: 'test',
      apiKey: undefined,
      history: new OutcomeHistory(new Stats(() => 0).counters, () => 0),
      replicaId: 'test-replica',
      tryRequest: () => Promise.reject(new Error('not used')),
      rules: FileRuleBook.open({ file: undefined, resolveUrl: (text) => new URL(text) }),
    };
    return appRouter.createCaller({ deps, caller: { listener, bearer: undefined, loopback, browser } });
  }

  it('refuses mutations from non-loopback clients on the data port', async () => {
    await expect(caller(false, false, 'data').cache.clear()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets non-loopback clients read stats on the data port', async () => {
    await expect(caller(false, false, 'data').stats()).resolves.toMatchObject({ hits: 0 });
  });

  it('lets loopback non-browser clients mutate on the data port, and anyone on the admin listener', async () => {
    await expect(caller(true, false, 'data').cache.clear()).resolves.toEqual({ cleared: 0, urls: 0, stored_responses: 0 });
    await expect(caller(false, true, 'admin').cache.clear()).resolves.toEqual({ cleared: 0, urls: 0, stored_responses: 0 });
  });
});
