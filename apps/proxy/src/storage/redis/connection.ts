import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../../config.js';

export type RedisClient = Redis | Cluster;

export type RedisTopology = 'single' | 'sentinel' | 'cluster';

/**
 * Options shared by every connection: commands never queue while disconnected and never wait
 * longer than REDIS_COMMAND_TIMEOUT_MS, so an unavailable Redis costs a request at most that;
 * reconnection is automatic and unbounded.
 */
function baseOptions(config: Config): RedisOptions {
  return {
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: Math.max(1000, config.REDIS_COMMAND_TIMEOUT_MS * 4),
    enableOfflineQueue: false,
    // Commands issued in one tick go out in one write: at thousands of hits a second this saves
    // most of the per-command syscalls.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 4), 2000),
    lazyConnect: false,
  };
}

export function redisTopology(config: Config): RedisTopology {
  if (config.REDIS_CLUSTER_NODES.length > 0) return 'cluster';
  if (config.REDIS_SENTINELS.length > 0) return 'sentinel';
  return 'single';
}

/**
 * A client for the configured topology: a single node (REDIS_URL: redis:// or rediss://,
 * password, db), Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME; credentials and db from
 * REDIS_URL) or Cluster (REDIS_CLUSTER_NODES; credentials and TLS from REDIS_URL).
 */
export function createRedisClient(config: Config): RedisClient {
  const url = new URL(config.REDIS_URL);
  const tls = url.protocol === 'rediss:' ? {} : undefined;
  const auth = {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
  const db = /^\/\d+$/.test(url.pathname) ? Number(url.pathname.slice(1)) : 0;
  const options = baseOptions(config);
  switch (redisTopology(config)) {
    case 'cluster':
      // Copies: the configuration is frozen, and ioredis keeps (and may reorder) the lists it is given.
      return new Cluster(config.REDIS_CLUSTER_NODES.map((node) => ({ ...node })), {
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: options.retryStrategy!,
        redisOptions: { ...options, ...auth, tls },
        slotsRefreshTimeout: Math.max(1000, config.REDIS_COMMAND_TIMEOUT_MS * 4),
      });
    case 'sentinel':
      return new Redis({
        ...options,
        ...auth,
        db,
        tls,
        sentinels: config.REDIS_SENTINELS.map((sentinel) => ({ ...sentinel })),
        name: config.REDIS_SENTINEL_NAME,
        sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
        sentinelRetryStrategy: options.retryStrategy!,
      });
    case 'single':
      return new Redis({ ...options, ...auth, db, tls, host: url.hostname, port: Number(url.port || 6379) });
  }
}

/** Every master of a Cluster, or the one node: where SCAN-based operations must run. */
export function masters(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}
