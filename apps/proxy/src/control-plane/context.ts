import type { IncomingMessage } from 'node:http';
import type { CacheBackend, TryRequestResult } from '@caching-proxy/shared';
import type { OutcomeHistory } from '../stats/history.js';
import type { Clock } from '../clock.js';
import type { Stats, StatsCounters } from '../stats/stats.js';
import type { RuleBook } from '../rules/types.js';
import type { CacheAdmin } from '../storage/types.js';
import { bearerToken, isBrowserRequest, isLoopbackAddress } from './auth.js';

/** What the control plane's procedures work with; injected by server.ts. */
export interface ControlPlaneDeps {
  admin: CacheAdmin;
  stats: Stats;
  clock: Clock;
  backend: CacheBackend;
  version: string;
  /** ADMIN_API_KEY; when unset, the admin listener is open and the data port's mutations are loopback-only. */
  apiKey: string | undefined;
  history: OutcomeHistory;
  /** This process's identity among the replicas. */
  replicaId: string;
  /** Totals shared by every replica (Redis backend); absent with the memory backend. */
  sharedStats?: {
    totals(): Promise<StatsCounters | undefined>;
    replicas(): Promise<{ id: string; counters: StatsCounters }[]>;
  } | undefined;
  /** Sends a request through the data plane, as a client would (the dashboard's "Try it"). */
  tryRequest: (url: string, method: 'GET' | 'HEAD') => Promise<TryRequestResult>;
  /** The cache rules of this replica (CACHE_RULES_FILE): state, reload, test. */
  rules: RuleBook;
}

/** The listener a control-plane request arrived on. */
export type Listener = 'admin' | 'data';

export interface Context {
  deps: ControlPlaneDeps;
  caller: {
    listener: Listener;
    bearer: string | undefined;
    loopback: boolean;
    browser: boolean;
  };
}

export function createContextFactory(deps: ControlPlaneDeps, listener: Listener) {
  return ({ req }: { req: IncomingMessage }): Context => ({
    deps,
    caller: {
      listener,
      bearer: bearerToken(req),
      loopback: isLoopbackAddress(req.socket.remoteAddress),
      browser: isBrowserRequest(req),
    },
  });
}
