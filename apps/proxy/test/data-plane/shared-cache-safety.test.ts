import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CacheEntryInfo, ListEntriesResult, SeedCacheEntryInfo } from '@caching-proxy/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { MODES, startCacheUnderTest, type CacheUnderTest, type Mode } from '../helpers/cache-under-test.js';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { writeRulesFile } from '../helpers/rules.js';

/**
 * Issue #11: no client can change what another client receives. Each group is one kind of fault:
 * an attacker's request first, then the victim's, whose body is asserted, with the origin's hit
 * count proving what was (or was not) stored.
 */

/** What the origin saw, echoed in its body: the fields a framework would act on. */
interface Echo {
  method: string;
  url: string;
  host: string | undefined;
  forwardedHost: string | undefined;
  forwardedProto: string | undefined;
  forwardedFor: string | undefined;
  forwarded: string | undefined;
  originalUrl: string | undefined;
  methodOverride: string | undefined;
  body: string;
  cookie: string | undefined;
}

function echo(req: IncomingMessage, body: Buffer): Echo {
  const h = req.headers;
  return {
    method: req.method ?? '',
    url: req.url ?? '',
    host: h.host,
    forwardedHost: h['x-forwarded-host'] as string | undefined,
    forwardedProto: h['x-forwarded-proto'] as string | undefined,
    forwardedFor: h['x-forwarded-for'] as string | undefined,
    forwarded: h.forwarded,
    originalUrl: (h['x-original-url'] ?? h['x-rewrite-url']) as string | undefined,
    methodOverride: (h['x-http-method-override'] ?? h['x-http-method'] ?? h['x-method-override']) as string | undefined,
    body: body.toString(),
    cookie: h.cookie,
  };
}

function answer(res: ServerResponse, status: number, headers: Record<string, string>, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

describe.each(MODES)('a cache that is safe to share (%s)', (mode: Mode) => {
  let cut: CacheUnderTest | undefined;

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
  });

  async function start(
    handler: (req: IncomingMessage, res: ServerResponse, body: Buffer, count: number) => void,
    config?: ConfigInput,
  ): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(mode, handler, config);
    return cut;
  }

  /** An origin that echoes what it received, fresh for 60 s. */
  const echoing = (req: IncomingMessage, res: ServerResponse, body: Buffer) =>
    answer(res, 200, { 'cache-control': 'max-age=60' }, echo(req, body));

  describe('1. unkeyed request inputs never reach the origin', () => {
    const POISON: Record<string, string> = {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-scheme': 'https',
      'x-forwarded-for': '203.0.113.66',
      forwarded: 'for=203.0.113.66;host=evil.example;proto=https',
      'x-original-url': '/admin',
      'x-rewrite-url': '/admin',
      'x-http-method-override': 'DELETE',
      'x-http-method': 'DELETE',
      'x-method-override': 'DELETE',
    };

    it('strips or replaces every forwarding, rewrite and method-override field; the victim gets the clean response', async () => {
      const c = await start(echoing);
      const attacker = await c.fetch('/page', { headers: POISON });
      const seen = attacker.json<Echo>();
      expect(seen.forwardedHost).toBeUndefined();
      expect(seen.forwardedProto).toBe('http');
      expect(seen.forwardedFor).toBe('127.0.0.1');
      expect(seen.forwarded).toBe('for=127.0.0.1;proto=http');
      expect(seen.originalUrl).toBeUndefined();
      expect(seen.methodOverride).toBeUndefined();
      expect(c.origin.requests[0]!.headers['x-forwarded-scheme']).toBeUndefined();

      const victim = await send(c.proxy.dataUrl, mode === 'reverse' ? '/page' : `/http/${c.origin.url}/page`);
      expect(victim.headers['x-cache']).toBe('HIT');
      expect(victim.text).not.toContain('evil.example');
      expect(victim.text).not.toContain('/admin');
      expect(victim.text).not.toContain('DELETE');
      expect(victim.text).not.toContain('203.0.113.66');
      expect(c.originHits('/page')).toBe(1);
    });

    it('drops underscore spellings of stripped fields (X_Forwarded_Host, X_Original_URL, …), as nginx does', async () => {
      const c = await start(echoing);
      await c.fetch('/underscored', {
        headers: { x_forwarded_host: 'evil.example', x_original_url: '/admin', x_http_method_override: 'DELETE', x_real_ip: '1.2.3.4' },
      });
      const received = c.origin.requests[0]!.headers;
      for (const name of ['x_forwarded_host', 'x_original_url', 'x_http_method_override', 'x_real_ip']) expect(received[name]).toBeUndefined();
      const victim = await send(c.proxy.dataUrl, mode === 'reverse' ? '/underscored' : `/http/${c.origin.url}/underscored`);
      expect(victim.headers['x-cache']).toBe('HIT');
      expect(victim.text).not.toContain('evil.example');
    });

    it('keys a variant on what the origin received: a Vary field the client\'s Connection names selects nothing of the victim\'s', async () => {
      const c = await start((req, res) =>
        answer(res, 200, { 'cache-control': 'max-age=60', vary: 'accept-encoding' }, { ae: req.headers['accept-encoding'] ?? null }),
      );
      const attacker = await c.fetch('/v', { headers: { 'accept-encoding': 'gzip', connection: 'keep-alive, Accept-Encoding' } });
      expect(attacker.json()).toEqual({ ae: null });
      const victim = await c.fetch('/v', { headers: { 'accept-encoding': 'gzip' } });
      expect(victim.json()).toEqual({ ae: 'gzip' });
      expect(c.originHits('/v')).toBe(2);
      expect((await c.fetch('/v', { headers: { 'accept-encoding': 'gzip' } })).headers['x-cache']).toBe('HIT');
    });

    it('keeps the forwarding fields of a trusted upstream proxy (TRUSTED_PROXIES), ours appended', async () => {
      const c = await start(echoing, { TRUSTED_PROXIES: '127.0.0.0/8' });
      const seen = (await c.fetch('/t', { headers: POISON })).json<Echo>();
      expect(seen.forwardedFor).toBe('203.0.113.66, 127.0.0.1');
      expect(seen.forwardedProto).toBe('https');
      expect(seen.forwarded).toBe('for=203.0.113.66;host=evil.example;proto=https, for=127.0.0.1;proto=http');
      // Never trusted: the host name and the rewrite and method-override fields.
      expect(seen.forwardedHost).toBeUndefined();
      expect(seen.originalUrl).toBeUndefined();
      expect(seen.methodOverride).toBeUndefined();
    });
  });

  describe('4. a request body never changes a cached GET/HEAD response', () => {
    it('does not forward the body of a GET (a "fat GET"): the victim gets the body-less answer', async () => {
      const c = await start(echoing);
      const attacker = await c.fetch('/search?q=a', { headers: { 'content-type': 'text/plain' }, body: 'q=evil' });
      expect(attacker.json<Echo>().body).toBe('');
      expect(c.origin.requests[0]!.headers['content-length']).toBeUndefined();
      expect(c.origin.requests[0]!.headers['content-type']).toBeUndefined();
      const victim = await c.fetch('/search?q=a');
      expect(victim.headers['x-cache']).toBe('HIT');
      expect(victim.json<Echo>().body).toBe('');
      expect(c.originHits('/search?q=a')).toBe(1);
    });

    it('does not forward the body of a HEAD either, and still forwards bodies of POST', async () => {
      const c = await start(echoing);
      await c.fetch('/h', { method: 'HEAD', body: 'x=1' });
      expect(c.origin.requests[0]!.body.length).toBe(0);
      const post = await c.fetch('/p', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'payload' });
      expect(post.json<Echo>().body).toBe('payload');
    });
  });

  describe('5. Cookie is a credential (as RFC 9111 §3.5 treats Authorization)', () => {
    const personal = (req: IncomingMessage, res: ServerResponse, body: Buffer) =>
      answer(res, 200, { 'cache-control': 'max-age=600' }, { hello: req.headers.cookie ?? 'guest', ...echo(req, body) });

    it("does not store a response made for a cookie: the cookie-less victim gets its own", async () => {
      const c = await start(personal);
      const attacker = await c.fetch('/me', { headers: { cookie: 'session=alice' } });
      expect(attacker.headers['cache-status']).toContain('detail=cookie');
      const victim = await c.fetch('/me');
      expect(victim.headers['x-cache']).toBe('MISS');
      expect(victim.json<{ hello: string }>().hello).toBe('guest');
      expect(victim.text).not.toContain('alice');
      expect(c.originHits('/me')).toBe(2);
    });

    it('stores it when the response says public', async () => {
      const c = await start((req, res) => answer(res, 200, { 'cache-control': 'public, max-age=600' }, { page: 'same for all' }));
      await c.fetch('/pub', { headers: { cookie: 'session=alice' } });
      const victim = await c.fetch('/pub');
      expect(victim.headers['x-cache']).toBe('HIT');
      expect(c.originHits('/pub')).toBe(1);
    });

    it('stores it when the response varies on Cookie: only the same cookie selects it', async () => {
      const c = await start((req, res, body) =>
        answer(res, 200, { 'cache-control': 'max-age=600', vary: 'cookie' }, { hello: req.headers.cookie ?? 'guest', ...echo(req, body) }),
      );
      await c.fetch('/v', { headers: { cookie: 'session=alice' } });
      const victim = await c.fetch('/v');
      expect(victim.headers['x-cache']).toBe('MISS');
      expect(victim.json<{ hello: string }>().hello).toBe('guest');
      expect((await c.fetch('/v', { headers: { cookie: 'session=alice' } })).headers['x-cache']).toBe('HIT');
      expect(c.originHits('/v')).toBe(2);
    });
  });

  describe('5b. a response shared only because it must be revalidated keeps the lifetime its origin stated (RFC 9111 §3.5)', () => {
    /** A personal answer that allows sharing only through must-revalidate: `cc` is its Cache-Control. */
    const personalWith = (cc: string) => (req: IncomingMessage, res: ServerResponse, body: Buffer) =>
      answer(res, 200, { 'cache-control': cc }, { user: req.headers.authorization ?? req.headers.cookie ?? 'guest', ...echo(req, body) });

    it('gives `must-revalidate` without a lifetime no heuristic freshness: Bob never gets Alice\'s answer', async () => {
      const c = await start(personalWith('must-revalidate'));
      await c.fetch('/mr', { headers: { authorization: 'Bearer alice' } });
      const victim = await c.fetch('/mr', { headers: { authorization: 'Bearer bob' } });
      expect(victim.json<{ user: string }>().user).toBe('Bearer bob');
      expect(victim.text).not.toContain('alice');
      expect(c.originHits('/mr')).toBe(2);
    });

    it('treats a Cookie the same way', async () => {
      const c = await start(personalWith('must-revalidate'));
      await c.fetch('/mrc', { headers: { cookie: 'sid=alice' } });
      const victim = await c.fetch('/mrc', { headers: { cookie: 'sid=bob' } });
      expect(victim.json<{ user: string }>().user).toBe('sid=bob');
      expect(c.originHits('/mrc')).toBe(2);
    });

    it("ignores a cache rule's ttl override and min for it: max-age=0 stays 0", async () => {
      const rules = await writeRulesFile('rules:\n  - name: long\n    match: { path: "/ovr*" }\n    ttl: { override: 3600, min: 60 }\n');
      try {
        const c = await start(personalWith('max-age=0, must-revalidate'), { CACHE_RULES_FILE: rules.path });
        await c.fetch('/ovr/d', { headers: { authorization: 'Bearer alice' } });
        const victim = await c.fetch('/ovr/d', { headers: { authorization: 'Bearer bob' } });
        expect(victim.json<{ user: string }>().user).toBe('Bearer bob');
        expect(c.originHits('/ovr/d')).toBe(2);
      } finally {
        await rules.remove();
      }
    });

    it("does not get a heuristic lifetime back from another client's HEAD or 304: Bob still reaches the origin", async () => {
      const lastModified = new Date(Date.now() - 86_400_000).toUTCString();
      const fields = { 'cache-control': 'must-revalidate', etag: '"v1"', 'last-modified': lastModified };
      const c = await start((req, res, body) => {
        if (req.headers['if-none-match'] === '"v1"') {
          res.writeHead(304, fields).end();
          return;
        }
        answer(res, 200, fields, { user: req.headers.authorization ?? 'guest', ...echo(req, body) });
      });
      await c.fetch('/mrh', { headers: { authorization: 'Bearer alice' } });
      // An anonymous HEAD (200, same validator) and an anonymous GET (validated: 304) freshen it.
      await c.fetch('/mrh', { method: 'HEAD' });
      const anonymous = await c.fetch('/mrh');
      expect(anonymous.headers['cache-status']).toContain('fwd-status=304');
      const victim = await c.fetch('/mrh', { headers: { authorization: 'Bearer bob' } });
      expect(victim.headers['x-cache']).not.toBe('HIT');
      expect(c.originHits('/mrh')).toBe(4);
    });

    it('still reuses it while the lifetime the origin stated lasts (max-age=60, must-revalidate), as §3.5 allows', async () => {
      const c = await start(personalWith('max-age=60, must-revalidate'));
      await c.fetch('/granted', { headers: { authorization: 'Bearer alice' } });
      expect((await c.fetch('/granted', { headers: { authorization: 'Bearer bob' } })).headers['x-cache']).toBe('HIT');
      expect(c.originHits('/granted')).toBe(1);
    });
  });

  describe('6. error responses are not served to everyone (CPDoS)', () => {
    /** The origin fails for a request with a header the attacker controls, succeeds otherwise. */
    const fragile = (status: number) => (req: IncomingMessage, res: ServerResponse) => {
      if (req.headers['x-oversized'] !== undefined) answer(res, status, { 'cache-control': 'max-age=600' }, { error: status });
      else answer(res, 200, { 'cache-control': 'max-age=600' }, { ok: true });
    };

    it.each([400, 403, 500, 503])('does not store a %i with max-age=600: the victim gets the 200', async (status) => {
      const c = await start(fragile(status));
      const attacker = await c.fetch('/x', { headers: { 'x-oversized': 'a'.repeat(100) } });
      expect(attacker.status).toBe(status);
      expect(attacker.headers['cache-status']).toContain('detail=status');
      const victim = await c.fetch('/x');
      expect(victim.status).toBe(200);
      expect(victim.json()).toEqual({ ok: true });
      expect(c.originHits('/x')).toBe(2);
    });

    it('stores a status CACHE_EXTRA_STATUSES lists', async () => {
      const c = await start(fragile(503), { CACHE_EXTRA_STATUSES: '503' });
      await c.fetch('/x', { headers: { 'x-oversized': 'a' } });
      const victim = await c.fetch('/x');
      expect(victim.status).toBe(503);
      expect(victim.headers['x-cache']).toBe('HIT');
      expect(c.originHits('/x')).toBe(1);
    });

    it('stores a 404 (heuristically cacheable), and a 302 only with explicit freshness', async () => {
      const c = await start((req, res) => {
        if (req.url === '/gone') answer(res, 404, {}, { error: 404 });
        else if (req.url === '/moved-fresh') answer(res, 302, { location: '/a', 'cache-control': 'max-age=60' }, {});
        else answer(res, 302, { location: '/a' }, {});
      });
      for (const path of ['/gone', '/moved-fresh', '/moved']) {
        await c.fetch(path);
        await c.fetch(path);
      }
      expect([c.originHits('/gone'), c.originHits('/moved-fresh'), c.originHits('/moved')]).toEqual([1, 1, 2]);
    });
  });

  describe('7. conditional requests are answered from storage only for 2xx (RFC 9110 §13.2.1)', () => {
    it('answers If-Modified-Since on a stored 404 (max-age=600, no validators) with the 404', async () => {
      const c = await start((_req, res) => answer(res, 404, { 'cache-control': 'max-age=600', date: c.httpDate() }, { error: 'not found' }));
      await c.fetch('/missing');
      const conditional = await c.fetch('/missing', { headers: { 'if-modified-since': c.httpDate() } });
      expect(conditional.status).toBe(404);
      expect(conditional.json()).toEqual({ error: 'not found' });
      expect(conditional.headers['x-cache']).toBe('HIT');
      expect(c.originHits('/missing')).toBe(1);
    });

    it('answers If-None-Match: "m1" on a stored 301 with ETag "m1" with the 301', async () => {
      const c = await start((_req, res) =>
        answer(res, 301, { 'cache-control': 'max-age=600', etag: '"m1"', location: '/new' }, { moved: true }),
      );
      await c.fetch('/old');
      const conditional = await c.fetch('/old', { headers: { 'if-none-match': '"m1"' } });
      expect(conditional.status).toBe(301);
      expect(conditional.headers.location).toBe('/new');
      expect(c.originHits('/old')).toBe(1);
    });

    it('still answers If-None-Match on a stored 200 with 304', async () => {
      const c = await start((_req, res) => answer(res, 200, { 'cache-control': 'max-age=600', etag: '"r1"' }, { ok: true }));
      await c.fetch('/ok');
      expect((await c.fetch('/ok', { headers: { 'if-none-match': '"r1"' } })).status).toBe(304);
      expect(c.originHits('/ok')).toBe(1);
    });
  });

  // Items 8 (a 304 updates only matching stored responses) and 9 (invalidation races) are the
  // lead's, in the cache engine.

  describe('11. a malformed Cache-Control gets no heuristic freshness', () => {
    it('does not store `public;max-age=0` for CACHE_TTL: the next client reaches the origin', async () => {
      const c = await start((_req, res, _body, count) => answer(res, 200, { 'cache-control': 'public;max-age=0' }, { version: count }));
      await c.fetch('/m');
      const victim = await c.fetch('/m');
      expect(victim.headers['x-cache']).toBe('MISS');
      expect(victim.json()).toEqual({ version: 2 });
      expect(c.originHits('/m')).toBe(2);
    });

    it('keeps a malformed response with a validator only for validation, never serving it fresh', async () => {
      const c = await start((_req, res, _body, count) =>
        answer(res, 200, { 'cache-control': 'public;max-age=0', 'last-modified': new Date(0).toUTCString() }, { version: count }),
      );
      await c.fetch('/lm');
      expect((await c.fetch('/lm')).headers['x-cache']).not.toBe('HIT');
      expect(c.originHits('/lm')).toBe(2);
    });
  });
});

describe('1 and 4. the POST /proxy envelope follows the same request-field policy', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  it("strips the envelope's forwarding, rewrite and override headers and a GET body; the victim gets the clean entry", async () => {
    origin = await startOrigin((req, res, body) => answer(res, 200, { 'cache-control': 'max-age=60' }, echo(req, body)));
    proxy = await startProxy();
    const url = `${origin.url}/e`;
    const attacker = await postJson(proxy.dataUrl, '/proxy', {
      url,
      method: 'GET',
      headers: { 'X-Forwarded-Host': 'evil.example', 'X-Original-URL': '/admin', 'X-HTTP-Method-Override': 'DELETE', 'Content-Type': 'text/plain' },
      body: 'q=evil',
    });
    const seen = JSON.parse(attacker.json<{ content: string }>().content) as Echo;
    expect([seen.forwardedHost, seen.originalUrl, seen.methodOverride, seen.body]).toEqual([undefined, undefined, undefined, '']);
    expect(seen.forwardedFor).toBe('127.0.0.1');
    const victim = await send(proxy.dataUrl, `/http/${url}`);
    expect(victim.headers['x-cache']).toBe('HIT');
    expect(victim.text).not.toContain('evil');
    expect(origin.hits('/e')).toBe(1);
  });
});

describe('2. reverse mode and the Host header', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  async function start(config: ConfigInput = {}) {
    origin = await startOrigin((req, res, body) => {
      const e = echo(req, body);
      // A framework building absolute links from X-Forwarded-Host.
      answer(res, 200, { 'cache-control': 'max-age=300' }, { link: `http://${e.forwardedHost ?? 'origin.internal'}/next`, ...e });
    });
    proxy = await startProxy({ ORIGIN_URL: origin.url, ...config });
  }

  it('regression: Host: evil.example never reaches the origin, so the next client gets no evil.example link', async () => {
    await start();
    const attacker = await send(proxy.dataUrl, '/', { headers: { host: 'evil.example' } });
    expect(attacker.json<Echo>().forwardedHost).toBeUndefined();
    const victim = await send(proxy.dataUrl, '/', { headers: { host: 'www.example.com' } });
    expect(victim.headers['x-cache']).toBe('HIT');
    expect(victim.text).not.toContain('evil.example');
    expect(origin.hits('/')).toBe(1);
  });

  it('with PUBLIC_HOSTS, answers another Host with 421 JSON before any lookup, and forwards the accepted name', async () => {
    await start({ PUBLIC_HOSTS: 'www.example.com, *.example.org' });
    const attacker = await send(proxy.dataUrl, '/', { headers: { host: 'evil.example' } });
    expect(attacker.status).toBe(421);
    expect(attacker.json()).toMatchObject({ error: { code: 'PROXY_ERR_MISDIRECTED_REQUEST' } });
    expect(attacker.headers['cache-control']).toBe('no-store');
    expect(origin.hits()).toBe(0);

    const first = await send(proxy.dataUrl, '/', { headers: { host: 'WWW.example.com:8080' } });
    expect(first.json<Echo>().forwardedHost).toBe('www.example.com');
    expect(first.json<Echo>().forwarded).toBe('for=127.0.0.1;proto=http;host=www.example.com');
    expect(first.json<{ link: string }>().link).toBe('http://www.example.com/next');
    const victim = await send(proxy.dataUrl, '/', { headers: { host: 'www.example.com' } });
    expect(victim.headers['x-cache']).toBe('HIT');
    expect(victim.json<{ link: string }>().link).toBe('http://www.example.com/next');
    expect((await send(proxy.dataUrl, '/other', { headers: { host: 'shop.example.org' } })).json<Echo>().forwardedHost).toBe('shop.example.org');
    expect((await send(proxy.dataUrl, '/other', { headers: { host: 'example.org' } })).status).toBe(421);
    expect(origin.hits('/')).toBe(1);
  });

  it('accepts a *.suffix only for a valid host name: no path, query, quote or comma tricks reach X-Forwarded-Host or Forwarded', async () => {
    await start({ PUBLIC_HOSTS: 'www.example.com, *.example.org' });
    for (const host of [
      'evil.com/.example.org',
      'evil.com?.example.org',
      'evil.com\\.example.org',
      'a b,.example.org',
      '"x".example.org',
      'a";proto=https,for=6.6.6.6;proto=https;host="b.example.org',
    ]) {
      const attacker = await send(proxy.dataUrl, '/', { headers: { host } });
      expect(attacker.status, host).toBe(421);
    }
    expect(origin.hits()).toBe(0);
    const victim = await send(proxy.dataUrl, '/', { headers: { host: 'www.example.com' } });
    expect(victim.json<{ link: string }>().link).toBe('http://www.example.com/next');
    expect(victim.json<Echo>().forwarded).toBe('for=127.0.0.1;proto=http;host=www.example.com');
  });

  it('keys on the accepted name when the origin answers Vary: X-Forwarded-Host', async () => {
    origin = await startOrigin((req, res) => {
      answer(res, 200, { 'cache-control': 'max-age=300', vary: 'x-forwarded-host' }, { site: req.headers['x-forwarded-host'] });
    });
    proxy = await startProxy({ ORIGIN_URL: origin.url, PUBLIC_HOSTS: 'a.example.org, b.example.org' });
    // The attacker's own X-Forwarded-Host neither reaches the origin nor selects a variant.
    const attacker = await send(proxy.dataUrl, '/', { headers: { host: 'b.example.org', 'x-forwarded-host': 'a.example.org' } });
    expect(attacker.json()).toEqual({ site: 'b.example.org' });
    const victim = await send(proxy.dataUrl, '/', { headers: { host: 'a.example.org' } });
    expect(victim.json()).toEqual({ site: 'a.example.org' });
    const again = await send(proxy.dataUrl, '/', { headers: { host: 'a.example.org', 'x-forwarded-host': 'b.example.org' } });
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.json()).toEqual({ site: 'a.example.org' });
    expect(origin.hits('/')).toBe(2);
  });
});

describe('3. no request leaves the base path', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  it.each(['/../admin/secret', '/%2e%2e/admin/secret', '/.%2E/admin/secret', '/..\\admin', '/a/../../admin', '/..%5cadmin', '/..%2fadmin', '/./../admin'])(
    'regression: ORIGIN_URL=…/base refuses %s with 400 JSON, and the origin sees nothing',
    async (path) => {
      origin = await startOrigin((req, res) => answer(res, 200, { 'cache-control': 'max-age=60' }, { url: req.url }));
      proxy = await startProxy({ ORIGIN_URL: `${origin.url}/base` });
      const response = await send(proxy.dataUrl, path);
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'PROXY_ERR_PATH_OUTSIDE_BASE' } });
      expect(origin.hits()).toBe(0);
    },
  );

  it('normalises dot segments that stay under the base path', async () => {
    origin = await startOrigin((req, res) => answer(res, 200, { 'cache-control': 'max-age=60' }, { url: req.url }));
    proxy = await startProxy({ ORIGIN_URL: `${origin.url}/base` });
    expect((await send(proxy.dataUrl, '/a/../b?x=1')).json()).toEqual({ url: '/base/b?x=1' });
    expect((await send(proxy.dataUrl, '/a/%2e%2e/c')).json()).toEqual({ url: '/base/c' });
    expect((await send(proxy.dataUrl, '/a%2Fb')).json()).toEqual({ url: '/base/a%2Fb' });
  });

  it.each(['/http/../x', '/http/http://../x', '/http/a..b/x', '/http/.example.com/', '/http/example.com./', '/http/https://-bad-.example/'])(
    'in /http/ mode, answers %s (not a valid host name) with 400 before any lookup',
    async (path) => {
      origin = await startOrigin((_req, res) => answer(res, 200, {}, {}));
      proxy = await startProxy();
      const response = await send(proxy.dataUrl, path);
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'PROXY_ERR_INVALID_URL' } });
      expect(proxy.server.stats.counters.misses).toBe(0);
    },
  );
});

describe('10. what the cache reveals', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  async function start(config: ConfigInput = {}) {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60', vary: 'accept-language' });
      res.end('secret body of the page');
    });
    proxy = await startProxy(config);
  }

  async function fill(path: string): Promise<string> {
    const response = await send(proxy.dataUrl, proxy.via(origin.url, path), {
      headers: { 'x-api-token': 'tok-123', 'accept-language': 'fr' },
    });
    return String(response.headers['x-cache-key']);
  }

  it('stores only the request headers Vary names', async () => {
    await start();
    const key = await fill('/a');
    const info = (await send(proxy.adminUrl, `/cache/info/${key}`)).json<CacheEntryInfo>();
    expect(info.request_headers).toEqual({ 'accept-language': 'fr' });
    expect(JSON.stringify(info)).not.toContain('tok-123');
  });

  it("gives unauthenticated data-port callers the seed's fields only", async () => {
    await start();
    const key = await fill('/a');
    const info = (await send(proxy.dataUrl, `/cache/info/${key}`)).json<SeedCacheEntryInfo>();
    expect(Object.keys(info).sort()).toEqual(
      ['age_seconds', 'body_bytes', 'expires_at', 'hits', 'key', 'method', 'stale', 'status_code', 'stored_at', 'ttl_seconds', 'url', 'variants'],
    );
    expect(JSON.stringify(info)).not.toContain('secret body');
    expect(JSON.stringify(info)).not.toContain('accept-language');
  });

  it('gives the full entry on the data port to a caller with ADMIN_API_KEY', async () => {
    await start({ ADMIN_API_KEY: 'admin-key-0123456789' });
    const key = await fill('/a');
    expect((await send(proxy.dataUrl, `/cache/info/${key}`)).status).toBe(401);
    const info = (
      await send(proxy.dataUrl, `/cache/info/${key}`, { headers: { authorization: 'Bearer admin-key-0123456789' } })
    ).json<CacheEntryInfo>();
    expect(info.body_preview.text).toBe('secret body of the page');
  });

  it('masks secret-like query parameter values in info, listings and the request log', async () => {
    const lines: string[] = [];
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('ok');
    });
    const logger = createLogger('info', { write: (line: string) => lines.push(line) });
    proxy = await startProxy({ LOG_LEVEL: 'info' }, { logger });
    const path = '/cb?code=c0de&access_token=t0k&X-Amz-Signature=s1g&page=2&api_key=k3y&password=pw';
    const key = String((await send(proxy.dataUrl, proxy.via(origin.url, path))).headers['x-cache-key']);
    const masked = `${origin.url}/cb?code=***&access_token=***&X-Amz-Signature=***&page=2&api_key=***&password=***`;
    expect((await send(proxy.dataUrl, `/cache/info/${key}`)).json<SeedCacheEntryInfo>().url).toBe(masked);
    expect((await send(proxy.adminUrl, `/cache/info/${key}`)).json<CacheEntryInfo>().url).toBe(masked);
    expect((await send(proxy.adminUrl, '/cache/entries')).json<ListEntriesResult>().entries[0]!.url).toBe(masked);
    const logged = lines.join('\n');
    expect(logged).toContain('code=***');
    for (const secret of ['c0de', 't0k', 's1g', 'k3y', '=pw']) expect(logged).not.toContain(secret);
  });
});

describe("a client's ?ttl= never lengthens what others receive", () => {
  let origin: TestOrigin;
  let proxy: TestProxy;

  afterEach(async () => {
    await proxy.close();
    await origin.close();
  });

  it('regression: ?ttl=2000000000 on a max-age=0 response does not pin it for the next /http/ client', async () => {
    let version = 0;
    origin = await startOrigin((_req, res) => {
      version++;
      res.writeHead(200, { 'cache-control': 'max-age=0', 'content-type': 'text/plain' }).end(`v${version}`);
    });
    proxy = await startProxy();
    const pinned = await postJson(proxy.dataUrl, '/proxy?ttl=2000000000', { url: `${origin.url}/ttl1`, method: 'GET' });
    expect(pinned.json<{ content: string; from_cache: boolean }>()).toMatchObject({ content: 'v1', from_cache: false });
    const victim = await send(proxy.dataUrl, proxy.via(origin.url, '/ttl1'));
    expect(victim.text).toBe('v2');
    expect(victim.headers['x-cache']).toBe('MISS');
    expect(origin.hits('/ttl1')).toBe(2);
  });

  it('still lets ?ttl= shorten the freshness of what it stores', async () => {
    origin = await startOrigin((_req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' }).end('long-lived');
    });
    proxy = await startProxy();
    await postJson(proxy.dataUrl, '/proxy?ttl=5', { url: `${origin.url}/short`, method: 'GET' });
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/short'))).headers['x-cache']).toBe('HIT');
    proxy.clock.advance(6_000);
    expect((await send(proxy.dataUrl, proxy.via(origin.url, '/short'))).headers['x-cache']).toBe('MISS');
    expect(origin.hits('/short')).toBe(2);
  });
});
