import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody } from '@caching-proxy/shared';
import { Client } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { send } from './helpers/http.js';
import { startOrigin, type TestOrigin } from './helpers/origin.js';
import { spawnProxy, type ProxyProcess } from './helpers/process.js';
import { freePort, freshPrefix, startRedisServer } from './helpers/redis.js';
import { writeRulesFile } from './helpers/rules.js';
import { closed, echo, openWebSocket, startWebSocketOrigin, type WebSocketOrigin } from './helpers/websocket-origin.js';

const BASE_ENV = { HOST: '127.0.0.1', PORT: '0', ADMIN_PORT: '0', ALLOW_PRIVATE_NETWORKS: 'true' };

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

// Each test spawns Node with tsx (several processes for WORKERS): seconds apiece on a loaded
// machine. They wait on log lines and exits, never on timers, so a generous bound costs nothing.
describe('the proxy process', { timeout: 60_000 }, () => {
  let proc: ProxyProcess | undefined;
  let origin: TestOrigin | undefined;

  let wsOrigin: WebSocketOrigin | undefined;

  afterEach(async () => {
    await wsOrigin?.close();
    wsOrigin = undefined;
    await proc?.stop();
    await origin?.close();
    proc = undefined;
    origin = undefined;
  });

  it('refuses to start with one message naming every invalid variable', async () => {
    proc = spawnProxy({ ...BASE_ENV, PORT: 'eighty', CACHE_TTL: '-5', LOG_LEVEL: 'loud', MAX_CACHE_BYTES: 'lots' });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    const message = proc.stderr();
    expect(message).toMatch(/^Invalid configuration:/);
    for (const variable of ['PORT', 'CACHE_TTL', 'LOG_LEVEL', 'MAX_CACHE_BYTES']) expect(message).toContain(variable);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('warms the URLs of WARM_URLS_FILE at startup, one origin request each, and logs each URL not stored with its reason', async () => {
    origin = await startOrigin((req, res) => {
      if (req.url === '/private') {
        res.writeHead(200, { 'cache-control': 'no-store' });
        res.end('not for caches');
        return;
      }
      if (req.url === '/broken') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('oops');
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end('warm');
    });
    const dir = await mkdtemp(join(tmpdir(), 'cp-warm-'));
    const file = join(dir, 'urls.txt');
    await writeFile(
      file,
      `# warmed at startup\n${origin.url}/a\n\n${origin.url}/b\n${origin.url}/private\n${origin.url}/broken\nnot a url\n`,
    );
    try {
      proc = spawnProxy({ ...BASE_ENV, WARM_URLS_FILE: file });
      const warmed = await proc.waitForLog('cache warmed');
      expect(warmed).toMatchObject({ warmed: 2, not_storable: 1, failed: 2 });
      expect(origin.hits('/a')).toBe(1);
      expect(origin.hits('/b')).toBe(1);
      expect(await proc.waitForLog('warming: response not storable')).toMatchObject({
        level: 30,
        url: `${origin.url}/private`,
        status: 200,
        reason: 'no-store',
      });
      const failures = [await proc.waitForLog('warming: URL failed', 1), await proc.waitForLog('warming: URL failed', 2)];
      expect(failures.map((line) => [line.url, line.level])).toEqual(
        expect.arrayContaining([
          [`${origin.url}/broken`, 40],
          ['not a url', 40],
        ]),
      );
      const reasons = failures.map((line) => String(line.reason));
      expect(reasons).toContainEqual(expect.stringMatching(/^the origin answered 500/));
      expect(reasons).toContain(
        'PROXY_ERR_INVALID_URL: "not a url" is not a URL: expected an absolute http(s) URL such as https://example.com/page',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start when WARM_URLS_FILE cannot be read', async () => {
    proc = spawnProxy({ ...BASE_ENV, WARM_URLS_FILE: '/nonexistent/urls.txt' });
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr()).toContain('Cannot read WARM_URLS_FILE');
  });

  it('refuses to start with an invalid CACHE_RULES_FILE, printing every problem with its line and no stack', async () => {
    const rules = await writeRulesFile('rules:\n  - name: a\n    match: { path: "no-slash" }\n  - name: a\n    colour: blue\n');
    try {
      proc = spawnProxy({ ...BASE_ENV, CACHE_RULES_FILE: rules.path });
      expect((await proc.exited).code).toBe(1);
      const message = proc.stderr();
      expect(message).toContain(`Invalid CACHE_RULES_FILE ${rules.path}`);
      expect(message).toContain(`${rules.path}:3:20: rules[0].match.path:`);
      expect(message).toContain(`${rules.path}:4:11: rules[1].name: duplicate rule name`);
      expect(message).toContain(`${rules.path}:5:5: rules[1].colour: unknown field "colour"`);
      expect(message).not.toMatch(/\n\s+at /);
    } finally {
      await rules.remove();
    }
  });

  it('reloads the cache rules on SIGHUP, and keeps them when the new file has problems', async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=600' });
      res.end(String(req.url));
    });
    const rules = await writeRulesFile('rules:\n  - name: search\n    key: { ignoreQuery: [utm_*] }\n');
    try {
      proc = spawnProxy({ ...BASE_ENV, CACHE_RULES_FILE: rules.path });
      const listening = await proc.waitForLog('caching-proxy listening');
      const dataUrl = String(listening.data);
      const first = await send(dataUrl, `/http/${origin.url}/a?utm_x=1`);
      expect(first.headers['cache-status']).toContain('rule="search"');
      await rules.write('rules:\n  - name: broken\n    match: { path: nope }\n');
      proc.child.kill('SIGHUP');
      const refused = await proc.waitForLog('cache rules not reloaded');
      expect(refused.problems).toEqual([expect.stringMatching(new RegExp(`^${rules.path}:3:\\d+: rules\\[0\\]\\.match\\.path: `))]);
      expect((await send(dataUrl, `/http/${origin.url}/a?utm_y=2`)).headers['x-cache']).toBe('HIT');
      await rules.write('rules:\n  - name: live\n    bypass: true\n');
      proc.child.kill('SIGHUP');
      expect(await proc.waitForLog('cache rules reloaded')).toMatchObject({ rules: 1 });
      const after = await send(dataUrl, `/http/${origin.url}/a?utm_x=1`);
      expect(after.headers['cache-status']).toContain('rule="live"');
      expect(after.headers['x-cache']).toBe('BYPASS');
    } finally {
      await rules.remove();
    }
  });

  it('runs WORKERS processes on the same ports sharing Redis, and stops them all on SIGTERM', async () => {
    const redis = await startRedisServer();
    try {
      origin = await startOrigin((_req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=600' });
        res.end('from a worker');
      });
      const dataPort = await freePort();
      const adminPort = await freePort();
      proc = spawnProxy({
        ...BASE_ENV,
        PORT: String(dataPort),
        ADMIN_PORT: String(adminPort),
        WORKERS: '2',
        CACHE_BACKEND: 'redis',
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: freshPrefix(),
      });
      await proc.waitForLog('caching-proxy primary started its workers');
      await proc.waitForLog('caching-proxy listening', 2);
      const dataUrl = `http://127.0.0.1:${dataPort}`;
      const adminUrl = `http://127.0.0.1:${adminPort}`;
      const responses = [await send(dataUrl, `/http/${origin.url}/shared`)];
      // The worker that fetched it writes it to Redis after answering: wait for that write.
      await vi.waitFor(async () =>
        expect((await send(adminUrl, '/cache/entries')).json<{ entries: unknown[] }>().entries).toHaveLength(1),
      );
      for (let i = 0; i < 6; i++) responses.push(await send(dataUrl, `/http/${origin.url}/shared`));
      expect(responses.every((r) => r.status === 200 && r.text === 'from a worker')).toBe(true);
      expect(origin.hits('/shared')).toBe(1);
      const stats = (await send(adminUrl, '/stats')).json<{ scope: string; misses: number }>();
      expect(stats.scope).toBe('shared');
      proc.child.kill('SIGTERM');
      expect((await proc.exited).code).toBe(0);
    } finally {
      await redis.stop();
    }
  });

  it('starts with the Redis backend while Redis is down and reports degraded health', async () => {
    proc = spawnProxy({ ...BASE_ENV, CACHE_BACKEND: 'redis', REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const listening = await proc.waitForLog('caching-proxy listening');
    const health = (await send(String(listening.admin), '/health')).json<{ status: string; cache_backend: string }>();
    expect(health).toMatchObject({ status: 'degraded', cache_backend: 'redis' });
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  it('logs structured JSON and, on SIGTERM, stops accepting, finishes in-flight requests and exits 0', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    origin = await startOrigin(async (_req, res) => {
      arrived();
      await released;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('finished after SIGTERM');
    });
    proc = spawnProxy(BASE_ENV);
    const listening = await proc.waitForLog('caching-proxy listening');
    expect(listening).toMatchObject({ level: 30, service: 'caching-proxy', cache_backend: 'memory' });
    const { port: dataPort } = new URL(String(listening.data));
    const { port: adminPort } = new URL(String(listening.admin));
    expect(listening.msg).toBe(
      `caching-proxy listening: proxy http://127.0.0.1:${dataPort}, dashboard http://127.0.0.1:${adminPort}/, memory cache`,
    );
    const dataUrl = String(listening.data);
    const adminUrl = String(listening.admin);

    const inFlight = send(dataUrl, `/http/${origin.url}/slow`);
    await requestArrived;
    const stopping = proc.waitForLog('shutting down: no new connections, draining in-flight requests');
    proc.child.kill('SIGTERM');
    await stopping;
    expect(await refusesConnections(dataUrl)).toBe(true);
    expect(await refusesConnections(adminUrl)).toBe(true);

    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.text).toBe('finished after SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('on SIGTERM, refuses a new request on a kept-alive connection with 503 PROXY_ERR_SHUTTING_DOWN and Connection: close', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    origin = await startOrigin(async (_req, res) => {
      arrived();
      await released;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('in flight');
    });
    proc = spawnProxy(BASE_ENV);
    const listening = await proc.waitForLog('caching-proxy listening');
    // One kept-alive connection: its first request is in flight when SIGTERM comes.
    const client = new Client(String(listening.data), { pipelining: 1 });
    try {
      const inFlight = client.request({ method: 'GET', path: `/http/${origin.url}/slow` });
      await requestArrived;
      const stopping = proc.waitForLog('shutting down: no new connections, draining in-flight requests');
      proc.child.kill('SIGTERM');
      await stopping;
      release();
      const first = await inFlight;
      expect(first.statusCode).toBe(200);
      expect(await first.body.text()).toBe('in flight');

      const refused = await client.request({ method: 'GET', path: `/http/${origin.url}/new` });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers.connection).toBe('close');
      const { error } = (await refused.body.json()) as ErrorBody;
      expect(error.code).toBe('PROXY_ERR_SHUTTING_DOWN');
      expect(error.request_id).toBe(refused.headers['x-request-id']);
      expect(origin.hits('/new')).toBe(0);
    } finally {
      await client.close();
    }
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it('closes open WebSocket tunnels on SIGTERM (1001 going away) and exits without waiting for SHUTDOWN_TIMEOUT_MS', { timeout: 30_000 }, async () => {
    wsOrigin = await startWebSocketOrigin();
    // A drain that waited for the tunnel would outlast the test's timeout.
    proc = spawnProxy({ ...BASE_ENV, ORIGIN_URL: wsOrigin.url, SHUTDOWN_TIMEOUT_MS: '600000' });
    const listening = await proc.waitForLog('caching-proxy listening');
    const ws = await openWebSocket(`${String(listening.data).replace(/^http/, 'ws')}/stream`);
    expect(await echo(ws, 'open before SIGTERM')).toBe('open before SIGTERM');
    const originClosed = wsOrigin.nextClose();
    const wsClosed = closed(ws);
    proc.child.kill('SIGTERM');
    expect(await wsClosed).toEqual({ code: 1001, reason: 'proxy shutting down' });
    expect(await originClosed).toEqual({ code: 1001, reason: 'proxy shutting down' });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
