import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { postJson, send, type SendOptions, type TestResponse } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { freshPrefix, startRedisServer, type RedisServer } from '../helpers/redis.js';
import { ISSUE_EXAMPLE, writeRulesFile } from '../helpers/rules.js';
import type { TieredStore } from '../../src/storage/tiered-store.js';

/** What the origin answers per path: a handler, or by default 200, fresh for a minute. */
type Answer = (req: IncomingMessage, res: ServerResponse, count: number) => void;

interface Setup {
  origin: TestOrigin;
  proxy: TestProxy;
  rules: Awaited<ReturnType<typeof writeRulesFile>>;
  /** Sends a request for an origin path through /http/ (or the origin's own path in reverse mode). */
  get(path: string, options?: SendOptions): Promise<TestResponse>;
  /** Requests the origin received with this method and exact path + query. */
  originHits(path: string, method?: string): number;
}

let setup: Setup | undefined;

afterEach(async () => {
  await setup?.proxy.close();
  await setup?.origin.close();
  await setup?.rules.remove();
  setup = undefined;
});

async function start(
  rulesText: string,
  answers: Record<string, Answer> = {},
  options: { reverse?: boolean; config?: ConfigInput } = {},
): Promise<Setup> {
  const counts = new Map<string, number>();
  const origin = await startOrigin((req, res) => {
    const key = `${req.method} ${req.url}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const answer = answers[path];
    if (answer) {
      answer(req, res, count);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', ...(req.method === 'GET' || req.method === 'HEAD' ? { 'cache-control': 'max-age=60' } : {}) });
    res.end(`${req.method} ${req.url} #${count}`);
  });
  const rules = await writeRulesFile(rulesText);
  const proxy = await startProxy({
    CACHE_RULES_FILE: rules.path,
    ...(options.reverse ? { ORIGIN_URL: origin.url } : {}),
    ...options.config,
  });
  setup = {
    origin,
    proxy,
    rules,
    get: (path, sendOptions) => send(proxy.dataUrl, options.reverse ? path : proxy.via(origin.url, path), sendOptions),
    originHits: (path, method = 'GET') => origin.requests.filter((r) => r.method === method && r.url === path).length,
  };
  return setup;
}

function counters(s: Setup, name: string) {
  return s.proxy.server.rules.state().rules.find((rule) => rule.name === name)!.counters;
}

describe('cache rules: the example of the issue, as written', () => {
  it('ignores utm_* and gclid and sorts the query: one origin request, which never sees the ignored parameters', async () => {
    const s = await start(ISSUE_EXAMPLE);
    const first = await s.get('/api/search?q=a&utm_source=x&gclid=1');
    expect(first.status).toBe(200);
    expect(first.headers['cache-status']).toContain('stored');
    expect(first.headers['cache-status']).toContain('rule="search"');
    const second = await s.get('/api/search?gclid=2&q=a');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['cache-status']).toBe(`caching-proxy; hit; ttl=60; rule="search"`);
    expect(second.text).toBe(first.text);
    // A further hit reuses the memoised header list of the entry, rule parameter included.
    const third = await s.get('/api/search?q=a&utm_campaign=z');
    expect(third.headers['cache-status']).toMatch(/^caching-proxy; hit; ttl=60; rule="search"$/);
    expect(s.origin.requests.map((r) => r.url)).toEqual(['/api/search?q=a']);
    expect(counters(s, 'search')).toMatchObject({ requests: 3, hits: 2, misses: 1, stores: 1 });
  });

  it('answers HEAD from the GET entry under the same rule and key', async () => {
    const s = await start(ISSUE_EXAMPLE);
    await s.get('/api/search?q=a&utm_medium=m');
    const head = await s.get('/api/search?utm_campaign=c&q=a', { method: 'HEAD' });
    expect(head.headers['x-cache']).toBe('HIT');
    expect(head.headers['cache-status']).toContain('rule="search"');
    expect(s.origin.hits()).toBe(1);
  });

  it('POST /api/orders purges /api/orders and /api/orders/42: the next GETs go to the origin', async () => {
    const s = await start(ISSUE_EXAMPLE);
    for (const path of ['/api/orders', '/api/orders/42', '/api/other']) {
      await s.get(path);
      expect((await s.get(path)).headers['x-cache']).toBe('HIT');
    }
    const write = await s.get('/api/orders', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(write.status).toBe(200);
    expect(write.headers['cache-status']).toContain('rule="orders-writes"');
    expect((await s.get('/api/orders')).headers['x-cache']).toBe('MISS');
    expect((await s.get('/api/orders/42')).headers['x-cache']).toBe('MISS');
    expect((await s.get('/api/other')).headers['x-cache']).toBe('HIT');
    expect(s.originHits('/api/orders')).toBe(2);
    expect(s.originHits('/api/orders/42')).toBe(2);
    expect(counters(s, 'orders-writes')).toMatchObject({ requests: 1, bypasses: 1, invalidations: 1 });
  });

  it('PUT /api/orders/42 purges the orders too', async () => {
    const s = await start(ISSUE_EXAMPLE);
    await s.get('/api/orders');
    await s.get('/api/orders/42');
    await s.get('/api/orders/42', { method: 'PUT', body: 'x' });
    expect((await s.get('/api/orders')).headers['x-cache']).toBe('MISS');
    expect((await s.get('/api/orders/42')).headers['x-cache']).toBe('MISS');
  });

  it('does not purge after a failed write', async () => {
    const s = await start(ISSUE_EXAMPLE, {
      '/api/orders': (req, res, count) => {
        res.writeHead(req.method === 'POST' ? 409 : 200, { 'cache-control': 'max-age=60' });
        res.end(`#${count}`);
      },
    });
    await s.get('/api/orders');
    await s.get('/api/orders', { method: 'POST', body: '{}' });
    expect((await s.get('/api/orders')).headers['x-cache']).toBe('HIT');
    expect(counters(s, 'orders-writes').invalidations).toBe(0);
  });

  it('applies the rules in reverse-proxy mode, on the request path', async () => {
    const s = await start(ISSUE_EXAMPLE, {}, { reverse: true });
    await s.get('/api/search?utm_source=x&q=b');
    expect((await s.get('/api/search?q=b&gclid=9')).headers['x-cache']).toBe('HIT');
    expect(s.origin.requests.map((r) => r.url)).toEqual(['/api/search?q=b']);
  });

  it('applies the rules to absolute-form requests (forward proxy)', async () => {
    const s = await start(ISSUE_EXAMPLE);
    await send(s.proxy.dataUrl, `${s.origin.url}/api/search?q=c&utm_x=1`);
    expect((await s.get('/api/search?q=c')).headers['x-cache']).toBe('HIT');
    expect(s.origin.requests.map((r) => r.url)).toEqual(['/api/search?q=c']);
  });

  it('applies the rules to POST /proxy envelopes', async () => {
    const s = await start(ISSUE_EXAMPLE);
    const first = await postJson(s.proxy.dataUrl, '/proxy', { url: `${s.origin.url}/api/search?gclid=1`, params: { q: 'd' } });
    const second = await postJson(s.proxy.dataUrl, '/proxy', { url: `${s.origin.url}/api/search?q=d&utm_term=t` });
    expect(first.json<{ from_cache: boolean }>().from_cache).toBe(false);
    expect(second.json<{ from_cache: boolean; cache_key: string }>()).toMatchObject({ from_cache: true });
    expect(second.headers['cache-status']).toContain('rule="search"');
    expect(s.origin.requests.map((r) => r.url)).toEqual(['/api/search?q=d']);
  });
});

describe('cache rules: actions', () => {
  it('bypass: never served from storage nor stored', async () => {
    const s = await start('rules:\n  - name: live\n    match: { path: "/live*" }\n    bypass: true\n');
    const first = await s.get('/live/score');
    const second = await s.get('/live/score');
    expect(first.headers['x-cache']).toBe('BYPASS');
    expect(second.headers['x-cache']).toBe('BYPASS');
    expect(second.headers['cache-status']).toBe('caching-proxy; fwd=bypass; fwd-status=200; rule="live"');
    expect(s.originHits('/live/score')).toBe(2);
    expect(await s.proxy.server.store.info(first.headers['x-cache-key'] as string)).toBeUndefined();
    expect(counters(s, 'live')).toMatchObject({ requests: 2, bypasses: 2, stores: 0 });
  });

  const silent: Answer = (_req, res, count) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`#${count}`);
  };
  const maxAge = (seconds: number, extra = ''): Answer => (_req, res, count) => {
    res.writeHead(200, { 'cache-control': `max-age=${seconds}${extra}` });
    res.end(`#${count}`);
  };

  it('ttl: default for responses stating no lifetime (not CACHE_TTL), override, min and max', async () => {
    const s = await start(
      `rules:
  - name: default
    match: { path: "/default/*" }
    ttl: 2m
  - name: override
    match: { path: "/override/*" }
    ttl: { override: 1h }
  - name: clamp
    match: { path: "/clamp/*" }
    ttl: { min: 30, max: 90 }
`,
      { '/default/none': silent, '/default/own': maxAge(5), '/override/x': maxAge(5), '/clamp/short': maxAge(5), '/clamp/long': maxAge(5000) },
      { config: { CACHE_TTL: '300' } },
    );
    const ttlOf = async (path: string) => /ttl=(\d+)/.exec(String((await s.get(path)).headers['cache-status']))?.[1];
    expect(await ttlOf('/default/none')).toBe('120');
    expect(await ttlOf('/default/own')).toBe('5');
    expect(await ttlOf('/override/x')).toBe('3600');
    expect(await ttlOf('/clamp/short')).toBe('30');
    expect(await ttlOf('/clamp/long')).toBe('90');
    s.proxy.clock.advance(100_000);
    expect((await s.get('/default/none')).headers['x-cache']).toBe('HIT');
    expect((await s.get('/clamp/long')).headers['x-cache']).toBe('MISS');
  });

  it('ttl: a rule never makes a no-store or private response storable', async () => {
    const s = await start('rules:\n  - name: all\n    ttl: { override: 1h }\n', {
      '/secret': (_req, res) => {
        res.writeHead(200, { 'cache-control': 'private, max-age=60' });
        res.end('mine');
      },
    });
    await s.get('/secret');
    expect((await s.get('/secret')).headers['x-cache']).toBe('MISS');
    expect(s.originHits('/secret')).toBe(2);
  });

  it('ttl: staleWhileRevalidate serves stale and refreshes in the background when the response has no window', async () => {
    const s = await start('rules:\n  - name: swr\n    ttl: { staleWhileRevalidate: 1m }\n', { '/feed': maxAge(10) });
    expect((await s.get('/feed')).text).toBe('#1');
    s.proxy.clock.advance(20_000);
    const stale = await s.get('/feed');
    expect(stale.headers['x-cache']).toBe('STALE');
    expect(stale.text).toBe('#1');
    await expect.poll(() => s.originHits('/feed')).toBe(2);
  });

  it('tags: added to stored responses and purgeable by tag', async () => {
    const s = await start('rules:\n  - name: catalog\n    match: { path: "/catalog/*" }\n    tags: [catalog, shop]\n');
    await s.get('/catalog/1');
    await s.get('/other');
    const [entry] = (await s.proxy.server.store.info((await s.get('/catalog/1')).headers['x-cache-key'] as string))!;
    expect(entry!.tags).toEqual(['catalog', 'shop']);
    expect(await s.proxy.server.store.purgeTag('catalog')).toMatchObject({ urls: 1 });
    expect((await s.get('/catalog/1')).headers['x-cache']).toBe('MISS');
    expect((await s.get('/other')).headers['x-cache']).toBe('HIT');
  });

  it('invalidate by tag after a successful write', async () => {
    const s = await start(`rules:
  - name: writes
    match: { method: POST }
    invalidate: { tags: [catalog] }
  - name: catalog
    match: { path: "/catalog/*" }
    tags: [catalog]
`);
    await s.get('/catalog/1');
    await s.get('/catalog/1', { method: 'POST', body: 'x' });
    expect((await s.get('/catalog/1')).headers['x-cache']).toBe('MISS');
  });

  it('key headers: a client with another value never receives the stored response of the first', async () => {
    const s = await start('rules:\n  - name: tenants\n    key: { headers: [X-Tenant] }\n', {
      '/dashboard': (req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60' });
        res.end(`for ${String(req.headers['x-tenant'])}`);
      },
    });
    const a = await s.get('/dashboard', { headers: { 'x-tenant': 'alpha' } });
    expect(a.text).toBe('for alpha');
    expect(a.headers.vary).toBe('x-tenant');
    const victim = await s.get('/dashboard', { headers: { 'x-tenant': 'beta' } });
    expect(victim.text).toBe('for beta');
    expect(victim.headers['x-cache']).toBe('MISS');
    const none = await s.get('/dashboard');
    expect(none.text).toBe('for undefined');
    expect((await s.get('/dashboard', { headers: { 'x-tenant': 'alpha' } })).headers['x-cache']).toBe('HIT');
    expect((await s.get('/dashboard', { headers: { 'x-tenant': 'beta' } })).text).toBe('for beta');
    expect(s.originHits('/dashboard')).toBe(3);
    // One URL, three variants: invalidating the URL removes them all.
    const variants = await s.proxy.server.store.info(a.headers['x-cache-key'] as string);
    expect(variants).toHaveLength(3);
  });

  it('storeStatuses: stores the listed error statuses for matching requests only', async () => {
    const unavailable: Answer = (_req, res, count) => {
      res.writeHead(503, { 'cache-control': 'max-age=30' });
      res.end(`down #${count}`);
    };
    const s = await start('rules:\n  - name: maintenance\n    match: { path: "/status/*" }\n    storeStatuses: [503]\n', {
      '/status/page': unavailable,
      '/elsewhere': unavailable,
    });
    await s.get('/status/page');
    expect((await s.get('/status/page')).headers['x-cache']).toBe('HIT');
    await s.get('/elsewhere');
    expect((await s.get('/elsewhere')).headers['x-cache']).toBe('MISS');
  });

  it('matches the target host in /http/ mode', async () => {
    const s = await start('rules:\n  - name: local-name\n    match: { host: localhost }\n    bypass: true\n');
    const byName = await send(s.proxy.dataUrl, `/http/http://localhost:${s.origin.port}/x`);
    expect(byName.headers['cache-status']).toContain('rule="local-name"');
    expect(byName.headers['x-cache']).toBe('BYPASS');
    const byAddress = await s.get('/x');
    expect(byAddress.headers['cache-status']).not.toContain('rule=');
    expect(byAddress.headers['x-cache']).toBe('MISS');
  });

  it('keeps the active rules when a reload finds problems, and swaps them on a good one', async () => {
    const s = await start(ISSUE_EXAMPLE);
    await s.rules.write('rules:\n  - name: broken\n    match: { path: nope }\n');
    expect(await s.proxy.server.rules.reload()).toMatchObject({ ok: false, problems: [{ line: 3 }] });
    await s.get('/api/search?q=1&gclid=1');
    expect(s.origin.requests.map((r) => r.url)).toEqual(['/api/search?q=1']);
    await s.rules.write('rules:\n  - name: nothing-cached\n    bypass: true\n');
    expect(await s.proxy.server.rules.reload()).toMatchObject({ ok: true, rules: 1 });
    expect((await s.get('/api/search?q=1&gclid=1')).headers['x-cache']).toBe('BYPASS');
  });
});

describe('cache rules with Redis: two replicas sharing one Redis', () => {
  let redis: RedisServer;
  let replicaB: TestProxy | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await replicaB?.close();
    replicaB = undefined;
  });

  it("a write through one replica purges the other's L1 copy and Redis (invalidate goes through the store's purge)", async () => {
    const config = { CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: freshPrefix() };
    const s = await start(ISSUE_EXAMPLE, {}, { config });
    const b = (replicaB = await startProxy({ ...config, CACHE_RULES_FILE: s.rules.path }));
    const key = String((await s.get('/api/orders/7')).headers['x-cache-key']);
    expect((await s.get('/api/orders/7')).headers['x-cache']).toBe('HIT');
    expect((s.proxy.server.store as TieredStore).hasLocalCopy(key)).toBe(true);
    const write = await send(b.dataUrl, b.via(s.origin.url, '/api/orders'), { method: 'POST', body: '{}' });
    expect(write.status).toBe(200);
    await vi.waitFor(() => expect((s.proxy.server.store as TieredStore).hasLocalCopy(key)).toBe(false));
    expect((await s.get('/api/orders/7')).headers['x-cache']).toBe('MISS');
    expect(s.originHits('/api/orders/7')).toBe(2);
    expect(counters({ ...s, proxy: b }, 'orders-writes').invalidations).toBe(1);
  });

  it('twenty concurrent matching writes cost at most two purges of Redis, each write is answered after a purge that began after it, and the entries are gone', async () => {
    const config = { CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: freshPrefix() };
    const s = await start(ISSUE_EXAMPLE, {}, { config });
    for (let i = 0; i < 5; i++) await s.get(`/api/orders/${i}`);
    expect((await s.get('/api/orders/0')).headers['x-cache']).toBe('HIT');
    // A spy on the real store: the first purge is held until the other nineteen writes wait on the collapse.
    const store = s.proxy.server.store;
    const purgePrefix = store.purgePrefix.bind(store);
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const runs = vi.spyOn(store, 'purgePrefix').mockImplementation(async (prefix) => {
      if (runs.mock.calls.length === 1) await firstHeld;
      return purgePrefix(prefix);
    });
    const writes = Array.from({ length: 20 }, () => s.get('/api/orders', { method: 'POST', body: '{}' }));
    await vi.waitFor(() => expect(s.proxy.server.engine.rulePurges.waiting).toBe(19), { timeout: 10_000, interval: 5 });
    releaseFirst();
    expect((await Promise.all(writes)).map((w) => w.status)).toEqual(Array<number>(20).fill(200));
    expect(runs).toHaveBeenCalledTimes(2);
    expect(runs).toHaveBeenCalledWith(`${s.origin.url}/api/orders`);
    for (let i = 0; i < 5; i++) expect((await s.get(`/api/orders/${i}`)).headers['x-cache']).toBe('MISS');
    expect(s.originHits('/api/orders/0')).toBe(2);
    expect(counters(s, 'orders-writes').invalidations).toBe(20);
  });
});
