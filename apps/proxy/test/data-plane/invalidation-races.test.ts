import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { entryKeyFor } from '../../src/cache/cache-key.js';
import type { ConfigInput } from '../../src/config.js';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { freshPrefix, startRedisServer, type RedisServer } from '../helpers/redis.js';

/**
 * RFC 9111 §4.4 against fills in flight: a GET miss whose origin response arrives after the URL
 * was invalidated (unsafe request, delete, purge, clear) must not be stored — the victim who asks
 * next gets the new representation from the origin, not the old one as a HIT.
 */
interface Invalidator {
  name: string;
  /** Invalidates `path` through `proxy` (the writer's replica) and asserts it took effect. */
  run(proxy: TestProxy, origin: TestOrigin, path: string, key: string): Promise<void>;
}

const INVALIDATORS: Invalidator[] = [
  {
    name: 'a PUT answered 204',
    run: async (proxy, origin, path) => {
      expect((await send(proxy.dataUrl, proxy.via(origin.url, path), { method: 'PUT', body: 'new' })).status).toBe(204);
    },
  },
  {
    name: 'DELETE /cache/{key}',
    run: async (proxy, _origin, _path, key) => {
      // 404: nothing is stored yet (the fill is in flight), but the deletion still fences it.
      expect((await send(proxy.adminUrl, `/cache/${key}`, { method: 'DELETE' })).status).toBe(404);
    },
  },
  {
    name: 'a purge by prefix',
    run: async (proxy, origin, path) => {
      expect((await postJson(proxy.adminUrl, '/cache/purge', { prefix: `${origin.url}${path}` })).status).toBe(200);
    },
  },
  {
    name: 'DELETE /cache/clear',
    run: async (proxy) => {
      expect((await send(proxy.adminUrl, '/cache/clear', { method: 'DELETE' })).status).toBe(200);
    },
  },
];

function describeRaces(backend: string, config: () => ConfigInput, replicas: 1 | 2): void {
  let origin: TestOrigin;
  let reader: TestProxy;
  let writer: TestProxy;
  let version = 'old';
  const held: (() => void)[] = [];
  let arrived: (() => void) | undefined;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      if (req.method === 'PUT') {
        version = 'new';
        res.writeHead(204).end();
        return;
      }
      const body = `${version} representation`;
      const answer = () => res.writeHead(200, { 'cache-control': 'max-age=300', 'content-type': 'text/plain' }).end(body);
      // The first GET of each test is held until the test has invalidated the URL.
      if (req.headers['x-hold'] === '1') {
        held.push(answer);
        arrived?.();
      } else {
        answer();
      }
    });
  });

  afterAll(() => origin.close());

  afterEach(async () => {
    for (const answer of held.splice(0)) answer();
    await reader.close();
    if (writer !== reader) await writer.close();
  });

  for (const invalidator of INVALIDATORS) {
    it(`does not store a fill that began before ${invalidator.name}`, async () => {
      version = 'old';
      const shared = config();
      reader = await startProxy(shared);
      writer = replicas === 2 ? await startProxy(shared) : reader;
      const path = `/race-${invalidator.name.replace(/\W+/g, '-')}`;
      const originArrived = new Promise<void>((resolve) => (arrived = resolve));
      const slowMiss = send(reader.dataUrl, reader.via(origin.url, path), { headers: { 'x-hold': '1' } });
      await originArrived;
      // The invalidation comes strictly after the fill began.
      reader.clock.advance(1_000);
      if (writer !== reader) writer.clock.advance(1_000);
      const key = entryKeyFor(new URL(`${origin.url}${path}`));
      await invalidator.run(writer, origin, path, key);
      version = 'new';
      held.shift()!();
      const first = await slowMiss;
      expect(first.text).toBe('old representation');

      const victim = await send(reader.dataUrl, reader.via(origin.url, path));
      expect(victim.text).toBe('new representation');
      expect(victim.headers['x-cache']).toBe('MISS');
      expect(origin.requests.filter((r) => r.url === path && r.method === 'GET')).toHaveLength(2);
      // …and the new representation is stored as usual.
      expect((await send(reader.dataUrl, reader.via(origin.url, path))).headers['x-cache']).toBe('HIT');
    });
  }
}

describe('invalidation races: memory backend', () => {
  describeRaces('memory', () => ({}), 1);
});

describe('invalidation races: Redis backend, two replicas', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis.stop());
  describeRaces('redis', () => ({ CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: freshPrefix(), L1_MAX_BYTES: '1MiB' }), 2);
});
