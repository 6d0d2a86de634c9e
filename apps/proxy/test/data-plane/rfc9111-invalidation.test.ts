import type { OutgoingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestResponse } from '../helpers/http.js';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

/** How the scripted origin answers unsafe (and OPTIONS) requests, per path. */
interface UnsafeAnswer {
  status: number;
  headers?: OutgoingHttpHeaders;
}

describe.each(MODES)('invalidation by unsafe methods (%s)', (mode) => {
  let cut: CacheUnderTest | undefined;
  /** The answer the origin gives to the next non-GET request. */
  let unsafeAnswer: UnsafeAnswer = { status: 200 };

  afterEach(async () => {
    await cut?.close();
    cut = undefined;
    unsafeAnswer = { status: 200 };
  });

  /**
   * An origin where every GET is fresh for a minute (and varies by Accept-Language), and every
   * other method gets `unsafeAnswer`.
   */
  async function start(): Promise<CacheUnderTest> {
    cut = await startCacheUnderTest(mode, (req, res, body, count) => {
      if (req.method === 'GET' || req.method === 'HEAD') {
        res.writeHead(200, {
          date: cut!.httpDate(),
          'cache-control': 'max-age=60',
          'content-type': 'text/plain',
          vary: 'Accept-Language',
        });
        res.end(`${req.url} #${count} ${String(req.headers['accept-language'] ?? '-')}`);
        return;
      }
      res.writeHead(unsafeAnswer.status, { date: cut!.httpDate(), ...unsafeAnswer.headers });
      res.end(`${req.method} got ${body.length} bytes`);
    });
    return cut;
  }

  /** GET requests the origin received for a path. */
  function originGets(path: string): number {
    return cut!.origin.requests.filter((r) => r.method === 'GET' && r.url === path).length;
  }

  /** Stores `path` (one origin GET) and checks that it is now answered from the cache. */
  async function store(path: string, headers?: Record<string, string>): Promise<void> {
    const before = originGets(path);
    const first = await cut!.fetch(path, { headers });
    expect(first.headers['cache-status']).toContain('stored');
    const hit = await cut!.fetch(path, { headers });
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(originGets(path)).toBe(before + 1);
  }

  async function expectMiss(path: string, gets: number, headers?: Record<string, string>): Promise<TestResponse> {
    const res = await cut!.fetch(path, { headers });
    expect(res.headers['x-cache']).toBe('MISS');
    expect(originGets(path)).toBe(gets);
    return res;
  }

  async function expectHit(path: string, gets: number, headers?: Record<string, string>): Promise<TestResponse> {
    const res = await cut!.fetch(path, { headers });
    expect(res.headers['x-cache']).toBe('HIT');
    expect(originGets(path)).toBe(gets);
    return res;
  }

  it.each([
    ['POST', 200],
    ['POST', 201],
    ['PUT', 200],
    ['PUT', 204],
    ['PATCH', 200],
    ['PATCH', 204],
    ['DELETE', 200],
    ['DELETE', 204],
    ['POST', 302],
    ['PUT', 303],
    ['DELETE', 301],
  ])('invalidates the target URI after %s answered with %i, a non-error status (RFC 9111 §4.4)', async (method, status) => {
    const c = await start();
    unsafeAnswer = { status };
    await store('/thing');
    // Node's client frames a DELETE body only with an explicit Content-Length.
    const unsafe = await c.fetch('/thing', { method, headers: { 'content-length': '7' }, body: 'payload' });
    expect(unsafe.status).toBe(status);
    expect(unsafe.headers['x-cache']).toBe('BYPASS');
    const res = await expectMiss('/thing', 2);
    expect(res.headers['cache-status']).toContain('fwd=uri-miss');
    expect(res.text).toBe('/thing #3 -'); // GET, unsafe request, GET
    // And it is stored again.
    await expectHit('/thing', 2);
  });

  it('invalidates after an unsafe method whose safety the cache does not know, e.g. LOCK (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/thing');
    const unsafe = await c.fetch('/thing', { method: 'LOCK' });
    expect(unsafe.status).toBe(200);
    await expectMiss('/thing', 2);
  });

  it.each([400, 403, 404, 409, 500, 503])(
    'does not invalidate when the unsafe request fails with %i (RFC 9111 §4.4)',
    async (status) => {
      const c = await start();
      unsafeAnswer = { status };
      await store('/thing');
      const unsafe = await c.fetch('/thing', { method: 'POST', body: 'payload' });
      expect(unsafe.status).toBe(status);
      expect(unsafe.headers['x-cache']).toBe('BYPASS');
      const res = await expectHit('/thing', 1);
      expect(res.text).toBe('/thing #1 -');
    },
  );

  it('forwards the unsafe request itself past the cache: x-cache BYPASS and fwd=method (RFC 9111 §4.4, RFC 9211 §2.2)', async () => {
    const c = await start();
    unsafeAnswer = { status: 201, headers: { 'cache-control': 'max-age=60' } };
    await store('/thing');
    const unsafe = await c.fetch('/thing', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello origin',
    });
    expect(unsafe.status).toBe(201);
    expect(unsafe.text).toBe('POST got 12 bytes');
    expect(unsafe.headers['x-cache']).toBe('BYPASS');
    expect(unsafe.headers['cache-status']).toContain('fwd=method');
    expect(unsafe.headers['cache-status']).toContain('fwd-status=201');
    expect(unsafe.headers['cache-status']).not.toContain('stored');
    expect(unsafe.headers['cache-status']).not.toMatch(/; hit/);
    const received = c.origin.requests.find((r) => r.method === 'POST');
    expect(received?.body.toString()).toBe('hello origin');
    // A second POST reaches the origin too: its response was not stored.
    const again = await c.fetch('/thing', { method: 'POST', body: 'x' });
    expect(again.headers['x-cache']).toBe('BYPASS');
    expect(c.origin.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('invalidates a same-origin absolute Location URI as well (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/items/7');
    await store('/items');
    unsafeAnswer = { status: 201, headers: { location: `${c.origin.url}/items/7` } };
    await c.fetch('/items', { method: 'POST', body: '{}' });
    await expectMiss('/items/7', 2);
    await expectMiss('/items', 2);
  });

  it('invalidates a same-origin relative Location URI, resolved against the target URI (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/api/items/8');
    await store('/api/other');
    unsafeAnswer = { status: 303, headers: { location: 'items/8' } };
    await c.fetch('/api/items', { method: 'POST', body: '{}' });
    await expectMiss('/api/items/8', 2);
    await expectHit('/api/other', 1);
  });

  it('invalidates a same-origin absolute Content-Location URI as well (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/doc/current');
    unsafeAnswer = { status: 200, headers: { 'content-location': `${c.origin.url}/doc/current` } };
    await c.fetch('/doc', { method: 'PUT', body: 'new' });
    await expectMiss('/doc/current', 2);
  });

  it('invalidates a same-origin relative Content-Location URI as well (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/doc/v2?lang=en');
    unsafeAnswer = { status: 200, headers: { 'content-location': '/doc/v2?lang=en' } };
    await c.fetch('/doc', { method: 'PATCH', body: 'new' });
    await expectMiss('/doc/v2?lang=en', 2);
  });

  it('invalidates both Location and Content-Location of the same response (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/a');
    await store('/b');
    await store('/c');
    unsafeAnswer = { status: 201, headers: { location: '/a', 'content-location': `${c.origin.url}/b` } };
    await c.fetch('/post-here', { method: 'POST', body: 'x' });
    await expectMiss('/a', 2);
    await expectMiss('/b', 2);
    await expectHit('/c', 1);
  });

  it('does not invalidate Location or Content-Location URIs after an error status (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/a');
    await store('/b');
    unsafeAnswer = { status: 409, headers: { location: '/a', 'content-location': '/b' } };
    await c.fetch('/post-here', { method: 'POST', body: 'x' });
    await expectHit('/a', 1);
    await expectHit('/b', 1);
  });

  it.each([
    ['another host name for the same server', (c: CacheUnderTest) => `http://localhost:${c.origin.port}/x`],
    ['an unrelated host', () => 'http://other.example/x'],
    ['another scheme', (c: CacheUnderTest) => `https://127.0.0.1:${c.origin.port}/x`],
  ])(
    'does not invalidate a Location on another origin (%s), and still invalidates the target (RFC 9111 §4.4)',
    async (_label, location) => {
      const c = await start();
      await store('/x');
      await store('/form');
      unsafeAnswer = { status: 303, headers: { location: location(c), 'content-location': location(c) } };
      const unsafe = await c.fetch('/form', { method: 'POST', body: 'x' });
      expect(unsafe.status).toBe(303);
      expect(unsafe.headers.location).toBe(location(c));
      // Same path on this origin: a different URI, left alone.
      await expectHit('/x', 1);
      await expectMiss('/form', 2);
    },
  );

  it('removes every stored Vary variant of the URI (RFC 9111 §4.4, §4.1)', async () => {
    const c = await start();
    await store('/thing', { 'accept-language': 'fr' });
    await store('/thing', { 'accept-language': 'de' });
    await store('/thing');
    expect(originGets('/thing')).toBe(3);
    await c.fetch('/thing', { method: 'DELETE' });
    await expectMiss('/thing', 4, { 'accept-language': 'fr' });
    await expectMiss('/thing', 5, { 'accept-language': 'de' });
    await expectMiss('/thing', 6);
  });

  it('does not invalidate after OPTIONS, a safe method (RFC 9110 §9.2.1, RFC 9111 §4.4)', async () => {
    const c = await start();
    unsafeAnswer = { status: 204, headers: { allow: 'GET, HEAD, POST, OPTIONS' } };
    await store('/thing');
    const options = await c.fetch('/thing', { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
    expect(options.headers['x-cache']).toBe('BYPASS');
    expect(options.headers['cache-status']).toContain('fwd=method');
    await expectHit('/thing', 1);
  });

  it('does not invalidate after HEAD or GET, which are safe (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/thing');
    await c.fetch('/thing', { method: 'HEAD' });
    await expectHit('/thing', 1);
  });

  it('invalidates only the target URI, not other stored URIs on the origin (RFC 9111 §4.4)', async () => {
    const c = await start();
    await store('/thing');
    await store('/thing?page=2');
    await store('/other');
    await c.fetch('/thing', { method: 'POST', body: 'x' });
    await expectMiss('/thing', 2);
    await expectHit('/thing?page=2', 1);
    await expectHit('/other', 1);
  });
});
