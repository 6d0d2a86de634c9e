import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type Config } from './config.js';
import type { TryRequestResult } from '@caching-proxy/shared';
import { parseWarmFile, type WarmOutcome } from './control-plane/warm.js';
import { createLogger } from './logger.js';
import { createServer, type ProxyServer } from './server.js';
import { formatRuleProblem, readRulesFileSync } from './rules/rules-file.js';
import { RulesFileError } from './rules/rule-book.js';
import { describeListening } from './startup-line.js';
import { isFirstWorker, isPrimaryOfWorkers, runPrimary, useKernelScheduling } from './workers.js';

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting, lets in-flight requests finish, and resolves when both servers are closed. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections with no request in flight would otherwise hold the server open.
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (isPrimaryOfWorkers(config)) {
    // Checked once here too, so that a bad rules file stops the primary rather than every worker.
    if (config.CACHE_RULES_FILE !== undefined) {
      const rules = readRulesFileSync(config.CACHE_RULES_FILE);
      if (!rules.ok) refuseRulesFile(new RulesFileError(config.CACHE_RULES_FILE, rules.problems));
    }
    useKernelScheduling();
    runPrimary(config, logger);
    return;
  }
  let warmUrls: string[] = [];
  if (config.WARM_URLS_FILE !== undefined) {
    try {
      warmUrls = parseWarmFile(await readFile(config.WARM_URLS_FILE, 'utf8'));
    } catch (error) {
      process.stderr.write(`Cannot read WARM_URLS_FILE ${config.WARM_URLS_FILE}: ${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  let proxy: ProxyServer;
  try {
    proxy = createServer({ config, logger });
  } catch (error) {
    if (error instanceof RulesFileError) refuseRulesFile(error);
    throw error;
  }

  const data = await listen(proxy.dataServer, config.PORT, config.HOST);
  const admin = await listen(proxy.adminServer, config.ADMIN_PORT, config.ADMIN_HOST);
  logger.info(
    {
      data: `http://${data.address}:${data.port}`,
      admin: `http://${admin.address}:${admin.port}`,
      cache_backend: config.CACHE_BACKEND,
      ...(config.ORIGIN_URL ? { origin: config.ORIGIN_URL } : {}),
      // Where SIGHUP (rules reload) and SIGTERM go: this process, or with WORKERS the primary.
      pid: process.pid,
      ...(cluster.isWorker ? { primary_pid: process.ppid } : {}),
    },
    describeListening(data, admin, config),
  );
  if (config.CACHE_RULES_FILE !== undefined) {
    logger.info({ file: config.CACHE_RULES_FILE, rules: proxy.rules.state().rules.length }, 'cache rules loaded');
  }
  if (config.WARM_URLS_FILE !== undefined && isFirstWorker()) {
    // Warming runs in the background: the proxy serves meanwhile. Each URL that is not stored is
    // logged with its reason; a response the origin marked unstorable is not a failure. The
    // outcomes and counts are warmUrls' own, as `cache.warm` answers them.
    const onResult = (url: string, result: TryRequestResult, { status, reason }: WarmOutcome) => {
      if (status === 'not_storable') logger.info({ url, status: result.status_code, reason }, 'warming: response not storable');
      else if (status === 'failed') logger.warn({ url, status: result.status_code, reason }, 'warming: URL failed');
    };
    void proxy.warm(warmUrls, undefined, onResult).then(
      ({ warmed, not_storable, failed }) => logger.info({ warmed, not_storable, failed, file: config.WARM_URLS_FILE }, 'cache warmed'),
      (error: unknown) => logger.error({ err: error }, 'cache warming failed'),
    );
  }
  if (config.ADMIN_API_KEY === undefined && !['127.0.0.1', '::1', 'localhost'].includes(config.ADMIN_HOST)) {
    logger.warn({ ADMIN_HOST: config.ADMIN_HOST }, 'the admin listener is reachable from the network without ADMIN_API_KEY');
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Requests in flight finish; new ones on kept-alive connections get 503 and Connection: close.
    proxy.refuseNewRequests();
    const forced = setTimeout(() => {
      logger.warn({ timeout_ms: config.SHUTDOWN_TIMEOUT_MS }, 'drain timed out; closing remaining connections');
      proxy.dataServer.closeAllConnections();
      proxy.adminServer.closeAllConnections();
    }, config.SHUTDOWN_TIMEOUT_MS);
    forced.unref();
    // Upgraded sockets are no longer HTTP connections: the server would wait for them forever.
    // Tunnels get their Close frames (cut after a short grace) and their access-log lines before
    // the process exits.
    proxy.closeTunnels();
    const closed = Promise.all([closeServer(proxy.dataServer), closeServer(proxy.adminServer), proxy.tunnels.drained()]);
    // Logged once the listeners are closed, so the line means what it says.
    logger.info({ signal }, 'shutting down: no new connections, draining in-flight requests');
    closed
      .then(() => proxy.dispose())
      .then(() => {
        clearTimeout(forced);
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // SIGHUP reloads the cache rules; a file with problems keeps the active rules.
  process.on('SIGHUP', () => {
    const file = config.CACHE_RULES_FILE;
    void proxy.rules.reload().then(
      (result) => {
        if (result.ok) logger.info({ file, rules: result.rules }, 'cache rules reloaded');
        else {
          logger.error(
            { file, problems: result.problems.map((p) => formatRuleProblem(file ?? 'CACHE_RULES_FILE', p)) },
            'cache rules not reloaded: the file has problems; the active rules stay',
          );
        }
      },
      (error: unknown) => logger.error({ err: error, file }, 'cache rules reload failed'),
    );
  });
}

/** Startup with an invalid rules file: every problem with its line, no stack, exit status 1. */
function refuseRulesFile(error: RulesFileError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`caching-proxy failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
