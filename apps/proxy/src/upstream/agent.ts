import { Agent, buildConnector } from 'undici';
import type { TargetGuard } from './target-guard.js';

export interface UpstreamAgentOptions {
  timeoutMs: number;
  guard: TargetGuard;
}

/**
 * An undici connector that resolves names with the guard's lookup and checks the peer address of
 * every new socket before a byte is sent (for `https:` the check follows undici's TLS handshake,
 * as for every origin request). Shared by the pooled agent and the WebSocket tunnels.
 */
export function createGuardedConnector(options: UpstreamAgentOptions): buildConnector.connector {
  const { guard } = options;
  const baseConnect = buildConnector({ timeout: options.timeoutMs, lookup: guard.lookup });
  return (connectOptions, callback) => {
    baseConnect(connectOptions, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new Error('connection failed'), null);
        return;
      }
      try {
        guard.assertConnectedAddressAllowed(connectOptions.hostname, socket.remoteAddress);
      } catch (blocked) {
        socket.destroy();
        callback(blocked as Error, null);
        return;
      }
      callback(null, socket);
    });
  };
}

/**
 * The one pooled undici Agent every origin request goes through, connected by the guarded
 * connector.
 */
export function createUpstreamAgent(options: UpstreamAgentOptions): Agent {
  return new Agent({
    connect: createGuardedConnector(options),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });
}
