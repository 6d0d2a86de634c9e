import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** A free TCP port on loopback (bound once, then released for the process that needs it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServer {
  port: number;
  url: string;
  /** Freezes the process (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Kills it (SIGKILL) and waits for the exit. */
  kill(): Promise<void>;
  /** Starts a new server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh key prefix, so tests sharing a server never see each other's keys. */
export function freshPrefix(): string {
  return `test-${randomUUID().slice(0, 8)}:`;
}

async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch (error) {
      lastError = error;
      client.disconnect();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  throw new Error(`redis-server on port ${port} did not answer PING: ${String(lastError)}`);
}

function spawnRedis(args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', (error) => {
    // ENOENT: the test must fail loudly, never skip (CI installs redis-server in .ci/run).
    throw new Error(`cannot start redis-server (${error.message}); install Debian's redis-server package`);
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A real redis-server on a free port, no persistence, stopped by `stop()` in teardown. */
export async function startRedisServer(options: { port?: number; extraArgs?: string[] } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--loglevel', 'warning', ...(options.extraArgs ?? []),
  ];
  let child = spawnRedis(args);
  await waitForPing(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    restart: async () => {
      child = spawnRedis(args);
      await waitForPing(port);
    },
    stop: async () => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

export interface RedisCluster {
  nodes: { host: string; port: number }[];
  /** REDIS_CLUSTER_NODES value. */
  nodesConfig: string;
  stop(): Promise<void>;
}

/** Three masters built with `redis-cli --cluster create`, each slot range on one of them. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cp-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers = await Promise.all(
    ports.map((port) =>
      startRedisServer({
        port,
        extraArgs: [
          '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '3000', '--dir', dir,
        ],
      }),
    ),
  );
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
  // Wait until every node agrees the cluster is up.
  const deadline = Date.now() + 20_000;
  for (const port of ports) {
    for (;;) {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
      if (stdout.includes('cluster_state:ok')) break;
      if (Date.now() > deadline) throw new Error(`cluster node ${port} never reached cluster_state:ok`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
  return {
    nodes,
    nodesConfig: nodes.map((n) => `${n.host}:${n.port}`).join(','),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisSentinel {
  master: RedisServer;
  sentinelPort: number;
  stop(): Promise<void>;
}

/** A master watched by one Sentinel (quorum 1) under the name `mymaster`. */
export async function startRedisSentinel(): Promise<RedisSentinel> {
  const master = await startRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'cp-sentinel-'));
  const sentinelPort = await freePort();
  const configFile = join(dir, 'sentinel.conf');
  await writeFile(
    configFile,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${master.port} 1`,
      'sentinel down-after-milliseconds mymaster 5000',
    ].join('\n'),
  );
  const sentinel = spawn('redis-server', [configFile, '--sentinel'], { stdio: 'ignore' });
  await waitForPing(sentinelPort);
  return {
    master,
    sentinelPort,
    stop: async () => {
      sentinel.kill('SIGKILL');
      await exited(sentinel);
      await master.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
