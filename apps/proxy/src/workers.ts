import cluster from 'node:cluster';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/**
 * WORKERS > 1: this primary process forks that many workers, each a complete proxy listening on
 * the same ports (the kernel spreads connections: SCHED_NONE, no hop through the primary), all
 * sharing their cache, stats and invalidations through Redis. A worker that dies is replaced;
 * SIGTERM/SIGINT drain every worker, then the primary exits 0.
 */
export function runPrimary(config: Config, logger: Logger): void {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < config.WORKERS; i++) fork();
  logger.info({ workers: config.WORKERS }, 'caching-proxy primary started its workers');

  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      logger.warn({ worker: worker.id, code, signal }, 'worker exited; starting a new one');
      fork();
      return;
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      logger.info('stopped');
      process.exit(0);
    }
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining every worker');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    // Workers drain within SHUTDOWN_TIMEOUT_MS; this is the last resort.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 5000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Each worker holds its own cache rules: SIGHUP reloads them all.
  process.on('SIGHUP', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  });
}

/** Set before forking: workers accept connections themselves. */
export function useKernelScheduling(): void {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
}

export function isPrimaryOfWorkers(config: Config): boolean {
  return config.WORKERS > 1 && cluster.isPrimary;
}

/** Startup chores done once per deployment of workers, not once per worker. */
export function isFirstWorker(): boolean {
  return cluster.isPrimary || cluster.worker?.id === 1;
}
