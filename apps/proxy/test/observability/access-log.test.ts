import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const API_KEY = 'super-secret-admin-key-123';

describe('structured request logs', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  const lines: string[] = [];

  beforeAll(async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('logged');
    });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
        callback();
      },
    });
    proxy = await startProxy({ ADMIN_API_KEY: API_KEY }, { logger: createLogger('info', destination) });
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  const requestLines = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');

  it('writes one JSON line per request with method, target, status, outcome, duration and request id', async () => {
    lines.length = 0;
    const miss = await send(proxy.dataUrl, proxy.via(origin.url, '/logged'), { headers: { 'x-request-id': 'client-id-1' } });
    await send(proxy.dataUrl, proxy.via(origin.url, '/logged'));
    await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/logged` });
    const logged = requestLines();
    expect(logged).toHaveLength(3);
    expect(logged[0]).toMatchObject({
      level: 30,
      req_id: 'client-id-1',
      method: 'GET',
      target: `${origin.url}/logged`,
      status: 200,
      outcome: 'miss',
    });
    expect(typeof logged[0]!.duration_ms).toBe('number');
    expect(miss.headers['x-request-id']).toBe('client-id-1');
    expect(logged[1]).toMatchObject({ outcome: 'hit', status: 200 });
    expect(logged[1]!.req_id).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
    expect(logged[2]).toMatchObject({ method: 'POST', outcome: 'hit', target: `${origin.url}/logged` });
  });

  it('logs errors with their status and never a secret: no Authorization, Cookie, API key or URL credentials', async () => {
    lines.length = 0;
    await send(proxy.dataUrl, proxy.via(origin.url, '/secret'), {
      headers: { authorization: 'Bearer user-token-xyz', cookie: 'session=cookie-value-xyz' },
    });
    await send(proxy.dataUrl, '/http/http://alice:hunter2@example.com/');
    await send(proxy.adminUrl, '/stats', { headers: { authorization: `Bearer ${API_KEY}` } });
    const text = lines.join('\n');
    for (const secret of ['user-token-xyz', 'cookie-value-xyz', 'hunter2', API_KEY]) expect(text).not.toContain(secret);
    const error = requestLines().find((l) => l.outcome === 'client_error');
    expect(error).toMatchObject({ status: 400, target: '/http/http://[redacted]@example.com/' });
  });
});
