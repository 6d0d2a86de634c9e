import type { Socket } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { deadlineInterceptor } from './deadlines.js';
import type { TargetGuard } from './target-guard.js';

export interface GuardedConnectorOptions {
  /** UPSTREAM_TIMEOUT_MS: to connect. */
  timeoutMs: number;
  guard: TargetGuard;
}

export interface UpstreamAgentOptions extends GuardedConnectorOptions {
  /** UPSTREAM_TIMEOUT_MS is also the bound to the response head and between body chunks. */
  timeoutMs: number;
  /** UPSTREAM_RESPONSE_DEADLINE_MS: from dispatch to the end of the response body. */
  responseDeadlineMs: number;
}

/**
 * An undici connector that resolves names with the guard's lookup and checks the peer address of
 * every new socket before a byte is sent (for `https:` the check follows undici's TLS handshake,
 * as for every origin request). Shared by the pooled agent and the WebSocket tunnels.
 */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
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
 * undici re-queues a request whose socket it destroyed on abort, connects a new socket for it,
 * then finds it aborted and leaves that socket idle until keepAliveTimeout: after a timeout
 * against a blackhole, every aborted request would leave one fresh socket open. undici writes
 * a request on a new socket as soon as it is handed over, so one that has nothing to send by
 * the next turn of the event loop was opened for nothing and is closed.
 */
function closeIfUnused(socket: Socket): void {
  setImmediate(() => {
    if (socket.bytesWritten === 0 && !socket.destroyed) socket.destroy();
  });
}

/**
 * The one pooled undici Agent every origin request goes through, connected by the guarded
 * connector; the deadline interceptor bounds every exchange (see deadlines.ts). Closing or
 * destroying the returned dispatcher closes the Agent.
 */
export function createUpstreamAgent(options: UpstreamAgentOptions): Dispatcher {
  const guarded = createGuardedConnector(options);
  const connect: buildConnector.connector = (connectOptions, callback) => {
    guarded(connectOptions, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new Error('connection failed'), null);
        return;
      }
      callback(null, socket);
      closeIfUnused(socket);
    });
  };
  return new Agent({
    connect,
    // Backstops only: the interceptor's own timers are exact and fire first.
    headersTimeout: options.timeoutMs + 1_000,
    bodyTimeout: options.timeoutMs + 1_000,
    keepAliveTimeout: 4_000,
  }).compose(
    deadlineInterceptor({
      firstByteMs: options.timeoutMs,
      idleMs: options.timeoutMs,
      totalMs: options.responseDeadlineMs,
    }),
  );
}
