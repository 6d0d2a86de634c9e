import { createServer as createHttpServer, type Server } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import type { WarmResult } from '@caching-proxy/shared';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import express from 'express';
import { createAdminApp } from './control-plane/admin-app.js';
import { metricsRoute } from './control-plane/metrics-route.js';
import { warmUrls } from './control-plane/warm.js';
import type { ControlPlaneDeps } from './control-plane/context.js';
import { createRestHandler } from './control-plane/rest.js';
import { createDataPlaneApp } from './data-plane/app.js';
import type { lookUp } from './cache/lookup.js';
import { CacheEngine } from './data-plane/cache-engine.js';
import { createDataPlaneListener } from './data-plane/listener.js';
import { WebSocketTunnels } from './data-plane/websocket-tunnel.js';
import { createReverseResolver, resolveTransparentTarget } from './data-plane/request-target.js';
import type { Logger } from './logger.js';
import { tryThroughDataPort } from './control-plane/try-request.js';
import { RequestReporter } from './data-plane/request-report.js';
import { Metrics } from './observability/metrics.js';
import { OutcomeHistory } from './stats/history.js';
import { SharedStats } from './stats/shared-stats.js';
import { createRedisBackend, newReplicaId } from './storage/redis/redis-backend.js';
import { Stats } from './stats/stats.js';
import { MemoryStore } from './storage/memory-store.js';
import type { CacheAdmin, CacheStore } from './storage/types.js';
import { createUpstreamAgent } from './upstream/agent.js';
import { TargetGuard } from './upstream/target-guard.js';
import { VERSION } from './version.js';

export interface ServerDeps {
  config: Config;
  logger: Logger;
  clock?: Clock;
  store?: CacheStore & CacheAdmin;
  agent?: Dispatcher;
  stats?: Stats;
  /** Replaces the cache lookup (tests count its calls). */
  lookUp?: typeof lookUp;
}

export interface ProxyServer {
  /** The data port's server: the node:http data-plane listener, which hands /proxy and the REST paths to Express. */
  dataServer: Server;
  /** The admin listener's server: control plane and docs. */
  adminServer: Server;
  engine: CacheEngine;
  store: CacheStore & CacheAdmin;
  stats: Stats;
  history: OutcomeHistory;
  metrics: Metrics;
  /** Cache warming, as the `cache.warm` procedure does it. */
  warm(urls: readonly string[], concurrency?: number): Promise<WarmResult>;
  /** Open WebSocket tunnels of the data port (`upgrade` requests). */
  tunnels: WebSocketTunnels;
  /** Starts a drain's tunnel part: refuses new upgrades and closes open tunnels (1001 going away). */
  closeTunnels(): void;
  /** Resolves when the storage backend is connected (at once for memory; bounded wait for Redis). */
  ready(): Promise<void>;
  /** Stops timers and closes connection pools (the servers are closed by their owner). */
  dispose(): Promise<void>;
}

/** Builds the proxy from its dependencies without opening a socket (main.ts and tests listen). */
export function createServer(deps: ServerDeps): ProxyServer {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const stats = deps.stats ?? new Stats(clock);
  const replicaId = newReplicaId();
  const redisBackend =
    deps.store === undefined && config.CACHE_BACKEND === 'redis'
      ? createRedisBackend({ config, clock, logger, replicaId })
      : undefined;
  const store =
    deps.store ??
    redisBackend?.store ??
    new MemoryStore({ maxEntries: config.MAX_CACHE_SIZE, maxBytes: config.MAX_CACHE_BYTES, clock });
  const sharedStats = redisBackend
    ? new SharedStats(redisBackend.client, redisBackend.keys, replicaId, stats, redisBackend.availability, logger)
    : undefined;
  sharedStats?.start();
  const availability = redisBackend?.availability;
  const metrics = new Metrics({
    stats,
    admin: store,
    redis: availability && { usable: () => availability.usable, commandErrors: () => availability.commandErrors },
    openTunnels: (): number => tunnels.size,
  });
  const reporter = new RequestReporter(logger, metrics);
  const guard = new TargetGuard({
    allowPrivateNetworks: config.ALLOW_PRIVATE_NETWORKS,
    // The configured origin of reverse-proxy mode is trusted, wherever it is.
    allowedHosts: config.ORIGIN_URL ? [...config.ALLOWED_HOSTS, config.ORIGIN_URL.hostname] : config.ALLOWED_HOSTS,
  });
  const ownsAgent = deps.agent === undefined;
  const agent = deps.agent ?? createUpstreamAgent({ timeoutMs: config.UPSTREAM_TIMEOUT_MS, guard });

  const engine = new CacheEngine({
    store,
    agent,
    stats,
    clock,
    logger,
    guard,
    policy: {
      defaultTtlSec: config.CACHE_TTL,
      staleRetentionSec: config.CACHE_STALE_RETENTION,
      targetedFields: config.CACHE_TARGETED_FIELDS,
      maxObjectBytes: config.MAX_OBJECT_BYTES,
    },
    observer: metrics,
    lookUp: deps.lookUp,
  });

  const history = new OutcomeHistory(stats.counters, clock);
  const sampler = setInterval(() => history.sample(), history.intervalSec * 1000);
  sampler.unref();
  // Requests of the dashboard's "Try it" go to our own data port, like any client's.
  const loopback = new Agent({ connections: 4 });
  const listening: { dataServer?: Server } = {};

  const controlPlane: ControlPlaneDeps = {
    admin: store,
    stats,
    clock,
    backend: config.CACHE_BACKEND,
    version: VERSION,
    apiKey: config.ADMIN_API_KEY,
    history,
    replicaId,
    sharedStats,
    tryRequest: (url, method) => tryThroughDataPort({ dataServer: listening.dataServer, agent: loopback, originUrl: config.ORIGIN_URL, url, method }),
  };

  // In reverse-proxy mode the origin owns every path of the data port: no control plane there.
  const reverse = config.ORIGIN_URL ? createReverseResolver(config.ORIGIN_URL) : undefined;
  const dataApp = createDataPlaneApp({
    engine,
    logger,
    reporter,
    maxEnvelopeBytes: config.MAX_ENVELOPE_BYTES,
    extraRoutes: reverse ? undefined : createRestHandler(controlPlane, 'data'),
  });
  const dataServer = createHttpServer(
    createDataPlaneListener({
      engine,
      resolve: reverse ?? resolveTransparentTarget,
      addForwardedHeaders: reverse !== undefined,
      reporter,
      logger,
      next: dataApp,
    }),
  );
  listening.dataServer = dataServer;
  const tunnels = new WebSocketTunnels({
    resolve: reverse ?? resolveTransparentTarget,
    addForwardedHeaders: reverse !== undefined,
    guard,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    idleTimeoutMs: config.WEBSOCKET_IDLE_TIMEOUT_MS,
    stats,
    reporter,
    logger,
    // admit: the forward modes' client access policy plugs in here, as for HTTP requests.
  });
  dataServer.on('upgrade', tunnels.handleUpgrade);
  // /metrics sits beside the control plane on the admin listener.
  const adminApp = express();
  adminApp.disable('x-powered-by');
  adminApp.use(metricsRoute(metrics.registry, config.ADMIN_API_KEY));
  adminApp.use(createAdminApp(controlPlane, logger));
  const adminServer = createHttpServer(adminApp);

  return {
    dataServer,
    adminServer,
    engine,
    store,
    stats,
    history,
    metrics,
    tunnels,
    closeTunnels: () => tunnels.closeAll(),
    warm: (urls, concurrency = 4) => warmUrls(urls, concurrency, controlPlane.tryRequest),
    ready: () => redisBackend?.ready() ?? Promise.resolve(),
    dispose: async () => {
      clearInterval(sampler);
      sharedStats?.stop();
      await sharedStats?.flush();
      await redisBackend?.close();
      await loopback.close();
      if (ownsAgent) await agent.close();
    },
  };
}
