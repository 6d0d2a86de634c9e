import { afterEach, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

interface ErrorBody {
  error: { code: string; message: string };
}

const CI_KEY = 'ci-0123456789abcdef';
const WEB_KEY = 'web-fedcba9876543210';

describe('who may use the forward modes of the data port', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;

  async function start(overrides: Record<string, string>): Promise<{ proxy: TestProxy; origin: TestOrigin }> {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end('from origin');
    });
    proxy = await startProxy(overrides);
    return { proxy, origin };
  }

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
    proxy = origin = undefined;
  });

  it('serves loopback clients by default (Squid-like default: loopback and private networks)', async () => {
    const { proxy, origin } = await start({});
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/a'))).status).toBe(200);
    expect((await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/a` })).status).toBe(200);
  });

  it('refuses a client outside DATA_ALLOWED_CLIENTS with 403 naming the setting, on /http/ and /proxy, before any origin contact', async () => {
    const { proxy, origin } = await start({ DATA_ALLOWED_CLIENTS: '10.0.0.0/8' });
    for (const response of [
      await send(proxy.dataUrl, proxy.via(origin.url, '/a')),
      await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/a` }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.headers['cache-control']).toBe('no-store');
      const body = response.json<ErrorBody>();
      expect(body.error.code).toBe('PROXY_ERR_CLIENT_NOT_ALLOWED');
      expect(body.error.message).toContain('DATA_ALLOWED_CLIENTS');
    }
    expect(origin.hits()).toBe(0);
    // The seed's control paths keep their own rules.
    expect((await send(proxy.dataUrl, '/health')).status).toBe(200);
  });

  it('admits a client outside the networks with a valid data-plane key, names it in metrics, and never forwards the key', async () => {
    const { proxy, origin } = await start({ DATA_ALLOWED_CLIENTS: '', DATA_API_KEYS: `ci:${CI_KEY},web:${WEB_KEY}` });
    const without = await send(proxy.dataUrl, proxy.via(origin.url, '/k'));
    expect(without.status).toBe(407);
    expect(without.headers['proxy-authenticate']).toMatch(/^Bearer/);
    expect(without.json<ErrorBody>().error.code).toBe('PROXY_ERR_PROXY_AUTH_REQUIRED');
    const wrong = await send(proxy.dataUrl, proxy.via(origin.url, '/k'), { headers: { 'proxy-authorization': 'Bearer not-a-key-at-all' } });
    expect(wrong.status).toBe(407);
    expect(origin.hits()).toBe(0);

    const viaPrefix = await send(proxy.dataUrl, proxy.via(origin.url, '/k'), { headers: { 'proxy-authorization': `Bearer ${WEB_KEY}` } });
    expect(viaPrefix.status).toBe(200);
    const viaEnvelope = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/k` }, { 'proxy-authorization': `Bearer ${CI_KEY}` });
    expect(viaEnvelope.status).toBe(200);
    expect(origin.hits('/k')).toBe(2);
    expect(origin.requests.every((r) => r.headers['proxy-authorization'] === undefined)).toBe(true);

    const metrics = (await send(proxy.adminUrl, '/metrics')).text;
    expect(metrics).toMatch(/caching_proxy_forward_requests_by_client_total\{client="web"\} 1/);
    expect(metrics).toMatch(/caching_proxy_forward_requests_by_client_total\{client="ci"\} 1/);
    expect(metrics).not.toContain(CI_KEY);
  });

  it('keeps reverse-proxy mode open to every client', async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end('site');
    });
    proxy = await startProxy({ ORIGIN_URL: origin.url, DATA_ALLOWED_CLIENTS: '10.0.0.0/8', DATA_API_KEYS: `ci:${CI_KEY}` });
    const response = await send(proxy.dataUrl, '/page');
    expect(response.status).toBe(200);
    expect(response.text).toBe('site');
  });
});

describe('TARGET_ALLOWED_HOSTS', () => {
  let proxy: TestProxy | undefined;
  let origin: TestOrigin | undefined;

  afterEach(async () => {
    await proxy?.close();
    await origin?.close();
    proxy = origin = undefined;
  });

  it('refuses a target host outside the list with 403 before any connection', async () => {
    origin = await startOrigin((_req, res) => {
      res.end('never');
    });
    proxy = await startProxy({ TARGET_ALLOWED_HOSTS: '*.example.com, api.example.net' });
    for (const response of [
      await send(proxy.dataUrl, proxy.via(origin.url, '/t')),
      await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/t` }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_TARGET_NOT_ALLOWED');
    }
    expect(origin.hits()).toBe(0);
  });

  it('fetches from a listed host', async () => {
    origin = await startOrigin((_req, res) => {
      res.end('allowed');
    });
    proxy = await startProxy({ TARGET_ALLOWED_HOSTS: '*.example.com,127.0.0.1' });
    const response = await send(proxy.dataUrl, proxy.via(origin.url, '/t'));
    expect(response.status).toBe(200);
    expect(response.text).toBe('allowed');
  });
});

describe('/stats clients: forward-mode requests per client name', () => {
  it('counts the requests admitted under each key name and `network`, sorted by name, and not the refused ones', async () => {
    const origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end('from origin');
    });
    const proxy = await startProxy({ DATA_API_KEYS: 'ci:0123456789abcdef' });
    try {
      const clients = async () => (await send(proxy.adminUrl, '/stats')).json<{ clients: unknown }>().clients;
      expect(await clients()).toEqual([]);
      const withKey = { headers: { 'proxy-authorization': 'Bearer 0123456789abcdef' } };
      for (let i = 0; i < 3; i++) expect((await send(proxy.dataUrl, proxy.via(origin.url, '/c'), withKey)).status).toBe(200);
      expect((await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/c` }, withKey.headers)).status).toBe(200);
      // Loopback without a key: admitted by network.
      expect((await send(proxy.dataUrl, proxy.via(origin.url, '/c'))).status).toBe(200);
      // A wrong key is refused (407) and counted under no name.
      const wrong = await send(proxy.dataUrl, proxy.via(origin.url, '/c'), { headers: { 'proxy-authorization': 'Bearer wrong-key-wrong-key' } });
      expect(wrong.status).toBe(407);
      expect(await clients()).toEqual([
        { name: 'ci', requests: 4 },
        { name: 'network', requests: 1 },
      ]);
    } finally {
      await proxy.close();
      await origin.close();
    }
  });
});
