import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stats } from '@caching-proxy/shared';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** The value of one sample line of the Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{([^}]*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return 0;
}

describe('Prometheus metrics on the admin listener', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('measured');
    });
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  const scrape = async () => (await send(proxy.adminUrl, '/metrics')).text;

  it('moves the request, duration, origin and storage metrics as traffic flows', async () => {
    const before = await scrape();
    await send(proxy.dataUrl, proxy.via(origin.url, '/m'));
    await send(proxy.dataUrl, proxy.via(origin.url, '/m'));
    await send(proxy.dataUrl, proxy.via(origin.url, '/m'), { method: 'HEAD' });
    await send(proxy.dataUrl, '/http/ftp://nope/');
    await send(proxy.dataUrl, '/http/http://127.0.0.1:1/unreachable');
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);

    expect(delta('caching_proxy_requests_total', { outcome: 'miss', method: 'GET' })).toBe(1);
    expect(delta('caching_proxy_requests_total', { outcome: 'hit', method: 'GET' })).toBe(1);
    expect(delta('caching_proxy_requests_total', { outcome: 'hit', method: 'HEAD' })).toBe(1);
    expect(delta('caching_proxy_requests_total', { outcome: 'client_error', method: 'GET' })).toBe(1);
    expect(delta('caching_proxy_requests_total', { outcome: 'error', method: 'GET' })).toBe(1);
    expect(delta('caching_proxy_request_duration_seconds_count', { outcome: 'hit' })).toBe(2);
    expect(delta('caching_proxy_request_duration_seconds_count', { outcome: 'miss' })).toBe(1);
    expect(delta('caching_proxy_origin_request_duration_seconds_count', { status_class: '2xx' })).toBe(1);
    expect(delta('caching_proxy_origin_errors_total', { code: 'PROXY_ERR_UPSTREAM_UNREACHABLE' })).toBe(1);
    expect(delta('caching_proxy_stores_total')).toBe(1);
    expect(sample(after, 'caching_proxy_stored_entries')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'caching_proxy_stored_bytes')).toBeGreaterThan(0);
  });

  it("counts the client's own bad requests apart from origin failures, in /stats and /metrics", async () => {
    const statsBefore = (await send(proxy.adminUrl, '/stats')).json<Stats>();
    const before = await scrape();
    await send(proxy.dataUrl, '/http/ftp://nope/'); // 400 unsupported scheme
    await postJson(proxy.dataUrl, '/proxy?ttl=soon', { url: `${origin.url}/t` }); // 400 bad ttl
    await send(proxy.dataUrl, '/proxy', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } }); // 400 bad JSON
    await send(proxy.dataUrl, '/http/http://127.0.0.1:1/unreachable'); // 502 origin unreachable
    const after = await scrape();
    const statsAfter = (await send(proxy.adminUrl, '/stats')).json<Stats>();
    const delta = (labels: Record<string, string>) =>
      sample(after, 'caching_proxy_requests_total', labels) - sample(before, 'caching_proxy_requests_total', labels);

    expect(statsAfter.client_errors - statsBefore.client_errors).toBe(3);
    expect(statsAfter.upstream_errors - statsBefore.upstream_errors).toBe(1);
    expect(statsAfter.errors - statsBefore.errors).toBe(4);
    expect(statsAfter.errors).toBe(statsAfter.client_errors + statsAfter.upstream_errors);
    expect(delta({ outcome: 'client_error', method: 'GET' })).toBe(1);
    // An envelope refused before it was read has no origin method: it counts as the POST it is.
    expect(delta({ outcome: 'client_error', method: 'POST' })).toBe(2);
    expect(delta({ outcome: 'error', method: 'GET' })).toBe(1);
  });

  it('labels /proxy requests with the method of the origin request, not POST', async () => {
    const before = await scrape();
    await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/envelope`, method: 'GET' });
    await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/envelope` });
    await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/envelope`, method: 'DELETE' });
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      sample(after, 'caching_proxy_requests_total', labels) - sample(before, 'caching_proxy_requests_total', labels);
    expect(delta({ outcome: 'miss', method: 'GET' })).toBe(1);
    expect(delta({ outcome: 'hit', method: 'GET' })).toBe(1);
    expect(delta({ outcome: 'bypass', method: 'DELETE' })).toBe(1);
    expect(delta({ method: 'POST' })).toBe(0);
  });

  it('follows the Prometheus naming conventions and includes the process metrics', async () => {
    const text = await scrape();
    for (const name of [
      'caching_proxy_requests_total',
      'caching_proxy_request_duration_seconds',
      'caching_proxy_origin_request_duration_seconds',
      'caching_proxy_origin_errors_total',
      'caching_proxy_stored_entries',
      'caching_proxy_stored_bytes',
      'caching_proxy_evictions_total',
      'caching_proxy_coalesced_waits_total',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    const counters = [...text.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => m[1]!);
    for (const counter of counters) expect(counter).toMatch(/_total$/);
  });

  it('needs the API key when ADMIN_API_KEY is set', async () => {
    const secured = await startProxy({ ADMIN_API_KEY: 'metrics-key-0123456789' });
    try {
      expect((await send(secured.adminUrl, '/metrics')).status).toBe(401);
      const ok = await send(secured.adminUrl, '/metrics', { headers: { authorization: 'Bearer metrics-key-0123456789' } });
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    } finally {
      await secured.close();
    }
  });
});
