import { gzipSync } from 'node:zlib';
import type { ProxyResponse } from '@caching-proxy/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const PNG_BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x7f]);

interface ErrorBody {
  error: { code: string; message: string };
}

describe('POST /proxy', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  beforeAll(async () => {
    origin = await startOrigin((req, res, body) => {
      const url = new URL(req.url ?? '/', 'http://origin');
      switch (url.pathname) {
        case '/json':
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', 'x-origin': 'yes' });
          res.end(JSON.stringify({ query: Object.fromEntries(url.searchParams), accept: req.headers.accept ?? null }));
          return;
        case '/image':
          res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=60' });
          res.end(PNG_BYTES);
          return;
        case '/gzip':
          res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'cache-control': 'max-age=60' });
          res.end(gzipSync('compressed text'));
          return;
        case '/cookies':
          res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
          res.end('cookies');
          return;
        case '/echo-body':
          res.writeHead(201, { 'content-type': 'application/octet-stream' });
          res.end(body);
          return;
        case '/huge':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(Buffer.alloc(4096, 'x'));
          return;
        default:
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not here');
      }
    });
    proxy = await startProxy({ MAX_ENVELOPE_BYTES: '2KiB' });
  });

  afterAll(async () => {
    await proxy.close();
    await origin.close();
  });

  it("answers the seed's envelope, then serves the same request from the cache", async () => {
    const request = { url: `${origin.url}/json`, method: 'GET', headers: { Accept: 'application/json' }, params: { page: 1, tags: ['a', 'b'] } };
    const first = await postJson(proxy.dataUrl, '/proxy', request);
    expect(first.status).toBe(200);
    const envelope = first.json<ProxyResponse>();
    expect(envelope).toMatchObject({ status_code: 200, from_cache: false, content_encoding: 'utf-8' });
    expect(envelope.cache_key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(envelope.content)).toEqual({ query: { page: '1', tags: 'b' }, accept: 'application/json' });
    expect(envelope.headers['x-origin']).toBe('yes');
    expect(envelope.headers['content-type']).toBe('application/json');
    expect(first.headers['x-cache']).toBe('MISS');

    const second = await postJson(proxy.dataUrl, '/proxy', request);
    const cached = second.json<ProxyResponse>();
    expect(cached.from_cache).toBe(true);
    expect(cached.content).toBe(envelope.content);
    expect(cached.cache_key).toBe(envelope.cache_key);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(origin.hits('/json?page=1&tags=a&tags=b')).toBe(1);
  });

  it('shares entries with /http/: the same URL is one entry whichever front end fetched it', async () => {
    const viaEnvelope = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/json?shared=1` });
    const viaPrefix = await send(proxy.dataUrl, proxy.via(origin.url, '/json?shared=1'));
    expect(viaPrefix.headers['x-cache']).toBe('HIT');
    expect(viaPrefix.headers['x-cache-key']).toBe(viaEnvelope.json<ProxyResponse>().cache_key);
  });

  it('returns binary bodies as base64 that decode to the exact bytes, on the miss and the hit', async () => {
    for (const fromCache of [false, true]) {
      const envelope = (await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/image` })).json<ProxyResponse>();
      expect(envelope.from_cache).toBe(fromCache);
      expect(envelope.content_encoding).toBe('base64');
      expect(Buffer.from(envelope.content, 'base64').equals(PNG_BYTES)).toBe(true);
    }
  });

  it('returns compressed bodies as base64 rather than corrupting them', async () => {
    const envelope = (await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/gzip` })).json<ProxyResponse>();
    expect(envelope.content_encoding).toBe('base64');
    expect(envelope.headers['content-encoding']).toBe('gzip');
    expect(Buffer.from(envelope.content, 'base64').equals(gzipSync('compressed text'))).toBe(true);
  });

  it('keeps repeated Set-Cookie headers as a list', async () => {
    const envelope = (await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/cookies` })).json<ProxyResponse>();
    expect(envelope.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('sends a base64 request body byte for byte and passes the origin status through', async () => {
    const response = await postJson(proxy.dataUrl, '/proxy', {
      url: `${origin.url}/echo-body`,
      method: 'POST',
      body: PNG_BYTES.toString('base64'),
      body_encoding: 'base64',
    });
    const envelope = response.json<ProxyResponse>();
    expect(envelope.status_code).toBe(201);
    expect(Buffer.from(envelope.content, 'base64').equals(PNG_BYTES)).toBe(true);
    expect(origin.requests.at(-1)?.method).toBe('POST');
    expect(response.headers['x-cache']).toBe('BYPASS');
  });

  it('passes origin error statuses through in status_code', async () => {
    const envelope = (await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/missing` })).json<ProxyResponse>();
    expect(envelope.status_code).toBe(404);
    expect(envelope.content).toBe('not here');
  });

  it.each([
    ['malformed JSON', '{"url": ', 'PROXY_ERR_INVALID_JSON'],
    ['a missing url', '{"method":"GET"}', 'PROXY_ERR_INVALID_REQUEST'],
    ['an unknown field', '{"url":"http://x.test/","color":"red"}', 'PROXY_ERR_INVALID_REQUEST'],
    ['a header value with CRLF', '{"url":"http://x.test/","headers":{"x":"a\\r\\nb: c"}}', 'PROXY_ERR_INVALID_REQUEST'],
    ['a relative url', '{"url":"/just/a/path"}', 'PROXY_ERR_INVALID_URL'],
    ['an ftp url', '{"url":"ftp://example.com/file"}', 'PROXY_ERR_UNSUPPORTED_SCHEME'],
    ['a url with a newline', '{"url":"http://exa\\nmple.com/"}', 'PROXY_ERR_INVALID_URL'],
    ['invalid base64', '{"url":"http://x.test/","body":"***","body_encoding":"base64"}', 'PROXY_ERR_INVALID_REQUEST'],
  ])('answers 400 JSON for %s', async (_name, body, code) => {
    const response = await send(proxy.dataUrl, '/proxy', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json<ErrorBody>().error.code).toBe(code);
  });

  it.each(['-1', 'abc', '1.5', '99999999999'])('answers 400 PROXY_ERR_INVALID_TTL for ?ttl=%s', async (ttl) => {
    const response = await postJson(proxy.dataUrl, `/proxy?ttl=${ttl}`, { url: `${origin.url}/json` });
    expect(response.status).toBe(400);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_INVALID_TTL');
  });

  it('answers 413 when the envelope is larger than MAX_ENVELOPE_BYTES', async () => {
    const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/json`, body: 'x'.repeat(4096) });
    expect(response.status).toBe(413);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_PAYLOAD_TOO_LARGE');
  });

  it('answers 502 when the origin response does not fit in an envelope', async () => {
    const response = await postJson(proxy.dataUrl, '/proxy', { url: `${origin.url}/huge` });
    expect(response.status).toBe(502);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_RESPONSE_TOO_LARGE');
  });

  it('answers 405 JSON to other methods on /proxy', async () => {
    const response = await send(proxy.dataUrl, '/proxy');
    expect(response.status).toBe(405);
    expect(response.json<ErrorBody>().error.code).toBe('PROXY_ERR_METHOD_NOT_ALLOWED');
  });
});
