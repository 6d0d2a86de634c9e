import type { Server } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import type { TryRequestResult, WarmResult } from '@caching-proxy/shared';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { DrainGate } from './drain-gate.js';
import express from 'express';
import { createAdminApp } from './control-plane/admin-app.js';
import { authFailureLimit, rebindingGuard } from './control-plane/admin-guard.js';
import { metricsRoute } from './control-plane/metrics-route.js';
import { warmUrls, type WarmOutcome } from './control-plane/warm.js';
import type { ControlPlaneDeps } from './control-plane/context.js';
import { docsRoutes } from './control-plane/docs/docs-routes.js';
import { buildOpenApiDocument } from './control-plane/openapi.js';
import { createRestHandler } from './control-plane/rest.js';
import { createDataPlaneApp } from './data-plane/app.js';
import type { lookUp } from './cache/lookup.js';
import { CacheEngine } from './data-plane/cache-engine.js';
import { createConnectRefuser } from './data-plane/connect-refusal.js';
import { createDataPlaneListener } from './data-plane/listener.js';
import { isEnvelopeRequest, refuseEnvelopeBeforeBody } from './data-plane/proxy-envelope.js';
import { admitClient, type ClientAccessPolicy } from './data-plane/client-access.js';
import { checkFraming, createRequestAdmission } from './data-plane/request-admission.js';
import { RequestFieldPolicy } from './data-plane/request-fields.js';
import { FillBudget } from './data-plane/fill-budget.js';
import { createForwardResolver, createReverseResolver, targetUrlResolver } from './data-plane/request-target.js';
import { FileRuleBook } from './rules/rule-book.js';
import type { RuleBook } from './rules/types.js';
import { createGuardedServer } from './http-server.js';
import { WebSocketTunnels } from './data-plane/websocket-tunnel.js';
import type { Logger } from './logger.js';
import { tryThroughDataPort } from './control-plane/try-request.js';
import { RequestReporter } from './data-plane/request-report.js';
import { Metrics } from './observability/metrics.js';
import { OutcomeHistory } from './stats/history.js';
import { SharedStats } from './stats/shared-stats.js';
import { createRedisBackend, newReplicaId } from './storage/redis/redis-backend.js';
import { Stats } from './stats/stats.js';
import { fenceWindowFor } from './storage/invalidation-fence.js';
import { MemoryStore } from './storage/memory-store.js';
import type { CacheAdmin, CacheStore } from './storage/types.js';
import { createUpstreamAgent } from './upstream/agent.js';
import { TargetGuard } from './upstream/target-guard.js';
import { withoutOriginDetails } from './upstream/upstream-errors.js';
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
  /** The cache rules; by default read from CACHE_RULES_FILE (throws RulesFileError when it is invalid). */
  rules?: RuleBook;
}

export interface ProxyServer {
  /** The data port's server: the node:http data-plane listener, which hands /proxy and the REST paths to Express. */
  dataServer: Server;
  /** The admin listener's server: control plane and docs. */
  adminServer: Server;
  engine: CacheEngine;
  store: CacheStore & CacheAdmin;
  /** The cache rules (CACHE_RULES_FILE): applied by the data plane, read and reloaded by the control plane and SIGHUP. */
  rules: RuleBook;
  stats: Stats;
  history: OutcomeHistory;
  metrics: Metrics;
  /** Cache warming, as the `cache.warm` procedure does it; `onResult` sees each URL's full result and outcome. */
  warm(
    urls: readonly string[],
    concurrency?: number,
    onResult?: (url: string, result: TryRequestResult, outcome: WarmOutcome) => void,
  ): Promise<WarmResult>;
  /** Open WebSocket tunnels of the data port (`upgrade` requests). */
  tunnels: WebSocketTunnels;
  /** Starts a drain's tunnel part: refuses new upgrades and closes open tunnels (1001 going away). */
  closeTunnels(): void;
  /** Resolves when the storage backend is connected (at once for memory; bounded wait for Redis). */
  ready(): Promise<void>;
  /** Stops timers and closes connection pools (the servers are closed by their owner). */
  dispose(): Promise<void>;
  /** Starts the drain: both listeners refuse new requests (503 PROXY_ERR_SHUTTING_DOWN, Connection: close). */
  refuseNewRequests(): void;
}

/**
 * What the data port serves besides proxied requests in the forward modes, as the seed did: the
 * read-only docs (`/openapi.json`, `/docs`, `/redoc`, describing what this port answers) and the
 * seed's REST paths.
 */
function dataPortControlRoutes(controlPlane: ControlPlaneDeps, authLimit: express.RequestHandler): express.Router {
  const routes = express.Router();
  routes.use(docsRoutes(buildOpenApiDocument(controlPlane.version, 'data')));
  routes.use(authLimit, createRestHandler(controlPlane, 'data'));
  return routes;
}

/**
 * Builds the proxy from its dependencies without opening a socket (main.ts and tests listen).
 * Throws RulesFileError when CACHE_RULES_FILE is invalid (every problem, with its line).
 */
export function createServer(deps: ServerDeps): ProxyServer {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const rules =
    deps.rules ??
    FileRuleBook.open({
      file: config.CACHE_RULES_FILE,
      resolveUrl: targetUrlResolver(config.ORIGIN_URL === undefined ? undefined : new URL(config.ORIGIN_URL)),
      clock,
    });
  const stats = deps.stats ?? new Stats(clock);
  const replicaId = newReplicaId();
  const redisBackend =
    deps.store === undefined && config.CACHE_BACKEND === 'redis'
      ? createRedisBackend({ config, clock, logger, replicaId })
      : undefined;
  const store =
    deps.store ??
    redisBackend?.store ??
    new MemoryStore({
      maxEntries: config.MAX_CACHE_SIZE,
      maxBytes: config.MAX_CACHE_BYTES,
      clock,
      fenceWindowMs: fenceWindowFor(config.UPSTREAM_RESPONSE_DEADLINE_MS),
    });
  const sharedStats = redisBackend
    ? new SharedStats(redisBackend.sharedCounters, replicaId, stats, logger)
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
  const originUrl = config.ORIGIN_URL === undefined ? undefined : new URL(config.ORIGIN_URL);
  const guard = new TargetGuard({
    allowPrivateNetworks: config.ALLOW_PRIVATE_NETWORKS,
    // The configured origin of reverse-proxy mode is trusted, wherever it is.
    allowedHosts: originUrl ? [...config.ALLOWED_HOSTS, originUrl.hostname] : config.ALLOWED_HOSTS,
    // The allow-list of targets is for the forward modes; reverse-proxy mode has one target.
    targetAllowList: originUrl ? undefined : config.TARGET_ALLOWED_HOSTS,
  });
  const ownsAgent = deps.agent === undefined;
  const agent = deps.agent ?? createUpstreamAgent({
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    responseDeadlineMs: config.UPSTREAM_RESPONSE_DEADLINE_MS,
    guard,
  });

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
      extraStatuses: config.CACHE_EXTRA_STATUSES,
    },
    observer: metrics,
    fillBudget: new FillBudget(config.FILL_BUFFER_BYTES),
    lookUp: deps.lookUp,
    rules,
    admin: store,
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
    tryRequest: (url, method) => tryThroughDataPort({ dataServer: listening.dataServer, agent: loopback, originUrl, url, method }),
    rules,
  };

  // One budget of failed authentications per address, on both listeners.
  const authLimit = authFailureLimit({
    apiKey: config.ADMIN_API_KEY,
    failureLimit: config.ADMIN_AUTH_FAILURE_LIMIT,
    failureWindowMs: config.ADMIN_AUTH_FAILURE_WINDOW_MS,
    clock,
  });
  // In reverse-proxy mode the origin owns every path of the data port: no control plane there.
  const requestFields = new RequestFieldPolicy({ trustedProxies: config.TRUSTED_PROXIES });
  const reverse = originUrl
    ? createReverseResolver(originUrl, { fields: requestFields, publicHosts: config.PUBLIC_HOSTS })
    : undefined;
  const dataResolver = reverse ?? createForwardResolver(requestFields);
  // Reverse-proxy mode is open to every client, like the site it fronts.
  const forwardAccess: ClientAccessPolicy | undefined = reverse
    ? undefined
    : { allowedClients: config.DATA_ALLOWED_CLIENTS, apiKeys: config.DATA_API_KEYS };
  const dataApp = createDataPlaneApp({
    engine,
    logger,
    reporter,
    maxEnvelopeBytes: config.MAX_ENVELOPE_BYTES,
    requestFields,
    maxUrlBytes: config.MAX_URL_BYTES,
    graphqlMaxBodyBytes: config.GRAPHQL_MAX_BODY_BYTES,
    extraRoutes: reverse ? undefined : dataPortControlRoutes(controlPlane, authLimit),
  });
  const connectionLimits = {
    headerTimeoutMs: config.CLIENT_HEADER_TIMEOUT_MS,
    maxRequestHeaders: config.MAX_REQUEST_HEADERS,
    maxUrlBytes: config.MAX_URL_BYTES,
  };
  // Reverse-proxy mode answers origin errors without their details (nginx's bare 502), logging them.
  const publicError = reverse
    ? (error: unknown) => {
        const shown = withoutOriginDetails(error);
        if (shown !== error) logger.warn({ err: error }, 'origin error, answered without its details (reverse-proxy mode)');
        return shown;
      }
    : undefined;
  const admit = createRequestAdmission({
    limits: {
      maxUrlBytes: config.MAX_URL_BYTES,
      maxRequestHeaders: config.MAX_REQUEST_HEADERS,
      bodyIdleTimeoutMs: config.CLIENT_BODY_TIMEOUT_MS,
    },
    access: forwardAccess,
    reporter,
    stats,
    onClientAdmitted: (name) => {
      metrics.clientAdmitted(name);
      stats.recordClient(name);
    },
  });
  // SIGTERM's drain refuses new requests on both listeners (main.ts calls refuseNewRequests).
  const drainGate = new DrainGate();
  const dataServer = createGuardedServer(
    drainGate.guard(
      createDataPlaneListener({
      engine,
      resolve: dataResolver,
      reporter,
      logger,
      next: dataApp,
      admit,
      publicError,
      graphqlMaxBodyBytes: config.GRAPHQL_MAX_BODY_BYTES,
      }),
    ),
    {
      ...connectionLimits,
      checksHost: true,
      refuseBeforeBody: (req) =>
        !reverse && isEnvelopeRequest(req) ? refuseEnvelopeBeforeBody(req, config.MAX_ENVELOPE_BYTES) : undefined,
    },
  );
  listening.dataServer = dataServer;
  // A forward proxy's clients may ask for a tunnel (HTTPS_PROXY): refused at once, with a JSON error.
  dataServer.on('connect', createConnectRefuser({ mode: reverse ? 'reverse' : 'forward', logger }));
  const tunnels = new WebSocketTunnels({
    resolve: dataResolver,
    guard,
    upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    idleTimeoutMs: config.WEBSOCKET_IDLE_TIMEOUT_MS,
    stats,
    reporter,
    logger,
    // The forward modes' client access policy, as for HTTP requests; reverse mode is open to all.
    admit: forwardAccess && ((req) => void admitClient(forwardAccess, req.socket.remoteAddress, req.headers)),
    checkFraming: (req) => {
      const verdict = checkFraming(req, { maxUrlBytes: config.MAX_URL_BYTES, maxRequestHeaders: config.MAX_REQUEST_HEADERS });
      if (verdict.action === 'refuse') throw verdict.error;
    },
    publicError,
  });
  dataServer.on('upgrade', tunnels.handleUpgrade);
  // /metrics sits beside the control plane on the admin listener.
  const adminApp = express();
  adminApp.disable('x-powered-by');
  adminApp.use(rebindingGuard({ apiKey: config.ADMIN_API_KEY, allowedHosts: config.ADMIN_ALLOWED_HOSTS }), authLimit);
  adminApp.use(metricsRoute(metrics.registry, config.ADMIN_API_KEY));
  adminApp.use(createAdminApp(controlPlane, logger));
  const adminServer = createGuardedServer(drainGate.guard(adminApp), connectionLimits);

  return {
    dataServer,
    adminServer,
    engine,
    store,
    rules,
    stats,
    history,
    metrics,
    tunnels,
    closeTunnels: () => tunnels.closeAll(),
    warm: (urls, concurrency = 4, onResult) => warmUrls(urls, concurrency, controlPlane.tryRequest, onResult),
    ready: () => redisBackend?.ready() ?? Promise.resolve(),
    refuseNewRequests: () => drainGate.close(),
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
