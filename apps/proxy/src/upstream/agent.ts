import { Agent, buildConnector } from 'undici';
import type { TargetGuard } from './target-guard.js';

export interface UpstreamAgentOptions {
  timeoutMs: number;
  guard: TargetGuard;
}

/**
 * The one pooled undici Agent every origin request goes through. Its connector resolves names
 * with the guard's lookup and checks the peer address of every new socket before use.
 */
export function createUpstreamAgent(options: UpstreamAgentOptions): Agent {
  const { guard } = options;
  const baseConnect = buildConnector({ timeout: options.timeoutMs, lookup: guard.lookup });
  const connect: buildConnector.connector = (connectOptions, callback) => {
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
  return new Agent({
    connect,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });
}
