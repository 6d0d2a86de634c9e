import { connect } from 'node:net';
import { once } from 'node:events';
import { ProxyAgent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@caching-proxy/shared';
import { send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

/** Sends raw bytes on a fresh connection and collects everything until the server closes it. */
async function exchangeRaw(baseUrl: string, text: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(text);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

describe('absolute-form requests (the data port as an ordinary forward proxy)', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeEach(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' });
      res.end(`path ${req.url} host ${req.headers.host}`);
    });
    proxy = await startProxy();
  });

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  it('serves GET http://host/path through the cache: one origin request for a miss and a hit', async () => {
    const target = `${origin.url}/resource?x=1`;
    const miss = await send(proxy.dataUrl, target);
    expect(miss.status).toBe(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.text).toBe(`path /resource?x=1 host 127.0.0.1:${origin.port}`);

    const hit = await send(proxy.dataUrl, target);
    expect(hit.status).toBe(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe(miss.text);
    expect(origin.hits('/resource?x=1')).toBe(1);
  });

  it('shares one entry and one key with /http/http://host/path', async () => {
    const viaTransparent = await send(proxy.dataUrl, proxy.via(origin.url, '/shared'));
    expect(viaTransparent.headers['x-cache']).toBe('MISS');
    const viaAbsolute = await send(proxy.dataUrl, `${origin.url}/shared`);
    expect(viaAbsolute.headers['x-cache']).toBe('HIT');
    expect(viaAbsolute.headers['x-cache-key']).toBe(viaTransparent.headers['x-cache-key']);
    expect(origin.hits('/shared')).toBe(1);
  });

  it('ignores the client Host header of an absolute-form request (RFC 9112 §3.2.2)', async () => {
    const first = await send(proxy.dataUrl, `${origin.url}/host`, { headers: { host: 'attacker.example' } });
    expect(first.text).toBe(`path /host host 127.0.0.1:${origin.port}`);
    expect(origin.requests[0]!.headers.host).toBe(`127.0.0.1:${origin.port}`);
  });

  it('works for clients configured with an HTTP proxy (undici ProxyAgent without tunnelling)', async () => {
    const dispatcher = new ProxyAgent({ uri: proxy.dataUrl, proxyTunnel: false });
    try {
      const first = await request(`${origin.url}/agent`, { dispatcher });
      expect(await first.body.text()).toBe(`path /agent host 127.0.0.1:${origin.port}`);
      expect(first.headers['x-cache']).toBe('MISS');
      const second = await request(`${origin.url}/agent`, { dispatcher });
      await second.body.text();
      expect(second.headers['x-cache']).toBe('HIT');
      expect(origin.hits('/agent')).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });

  it('applies the SSRF guard to absolute-form targets', async () => {
    const guarded = await startProxy({ ALLOW_PRIVATE_NETWORKS: 'false' });
    try {
      const response = await send(guarded.dataUrl, `${origin.url}/blocked`);
      expect(response.status).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_TARGET_BLOCKED');
      expect(origin.hits()).toBe(0);
    } finally {
      await guarded.close();
    }
  });

  it('answers a malformed absolute-form target with a JSON 400', async () => {
    const response = await send(proxy.dataUrl, 'http://user:secret@127.0.0.1/x');
    expect(response.status).toBe(400);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_INVALID_URL');
  });
});

describe('CONNECT on the data port', () => {
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
  });

  it('answers at once with a 405 JSON error that points https targets at /http/https://…', async () => {
    proxy = await startProxy();
    const answer = await exchangeRaw(
      proxy.dataUrl,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(head).toContain('content-type: application/json; charset=utf-8');
    const error = (JSON.parse(body!) as ErrorBody).error;
    expect(error.code).toBe('PROXY_ERR_METHOD_NOT_ALLOWED');
    expect(error.message).toContain('/http/https://example.com/');
  });

  it('fails an HTTPS_PROXY-style tunnel request with the proxy status instead of hanging', async () => {
    proxy = await startProxy();
    const dispatcher = new ProxyAgent({ uri: proxy.dataUrl });
    try {
      await expect(request('https://example.com/', { dispatcher })).rejects.toThrow(/405/);
    } finally {
      await dispatcher.close();
    }
  });

  it('says in reverse-proxy mode that requests need a path', async () => {
    proxy = await startProxy({ ORIGIN_URL: 'http://127.0.0.1:9' });
    const answer = await exchangeRaw(proxy.dataUrl, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    const error = (JSON.parse(answer.split('\r\n\r\n')[1]!) as ErrorBody).error;
    expect(error.code).toBe('PROXY_ERR_METHOD_NOT_ALLOWED');
    expect(error.message).toMatch(/reverse proxy/);
  });
});
