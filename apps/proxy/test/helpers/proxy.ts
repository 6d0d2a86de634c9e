import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig, type Config, type ConfigInput } from '../../src/config.js';
import { createSilentLogger, type Logger } from '../../src/logger.js';
import { createServer, type ProxyServer, type ServerDeps } from '../../src/server.js';
import { manualClock, type ManualClock } from './clock.js';

export interface TestProxy {
  /** `http://127.0.0.1:{port}` of the data port. */
  dataUrl: string;
  /** `http://127.0.0.1:{port}` of the admin listener. */
  adminUrl: string;
  config: Config;
  clock: ManualClock;
  server: ProxyServer;
  /** `/http/` URL of an origin path: `/http/http://127.0.0.1:{port}{path}`. */
  via(originUrl: string, path: string): string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * The real proxy (both listeners) on free ports with a manual clock. Test origins live on
 * loopback, so private networks are allowed unless the test says otherwise.
 */
export async function startProxy(
  overrides: ConfigInput = {},
  options: { waitForStorage?: boolean; logger?: Logger; lookUp?: ServerDeps['lookUp'] } = {},
): Promise<TestProxy> {
  const config = parseConfig({ ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'silent', ...overrides });
  const clock = manualClock();
  const server = createServer({ config, logger: options.logger ?? createSilentLogger(), clock: clock.now, lookUp: options.lookUp });
  if (options.waitForStorage !== false) await server.ready();
  const [dataPort, adminPort] = await Promise.all([listen(server.dataServer), listen(server.adminServer)]);
  return {
    dataUrl: `http://127.0.0.1:${dataPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    config,
    clock,
    server,
    via: (originUrl, path) => `/http/${originUrl}${path}`,
    close: async () => {
      server.closeTunnels();
      await Promise.all([close(server.dataServer), close(server.adminServer)]);
      await server.dispose();
    },
  };
}
