import { z } from 'zod';
import {
  HealthSchema,
  HistorySchema,
  StatsSchema,
  TryRequestInputSchema,
  TryRequestResultSchema,
  type Health,
  type History,
  type ReplicaStats,
  type Stats,
} from '@caching-proxy/shared';
import { hitRatePercent, type StatsCounters } from '../../stats/stats.js';
import { protectedProcedure, publicProcedure } from '../trpc.js';

export const health = publicProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/health',
      tags: ['system'],
      summary: 'Health of the proxy and its storage',
      description: 'Never needs the API key, so load balancers and container health checks can call it.',
      protect: false,
    },
  })
  .input(z.void())
  .output(HealthSchema)
  .query(async ({ ctx }): Promise<Health> => {
    const { deps } = ctx;
    const storage = await deps.admin.check();
    return {
      status: storage.ok ? 'healthy' : 'degraded',
      cache_backend: deps.backend,
      timestamp: deps.clock() / 1000,
      version: deps.version,
      uptime_seconds: Math.round(deps.stats.uptimeSec()),
      checks: { storage },
    };
  });

export const stats = protectedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/stats',
      tags: ['system'],
      summary: 'Cache statistics',
      description: 'Counters since the process started, plus current storage usage.',
      protect: true,
    },
  })
  .input(z.void())
  .output(StatsSchema)
  .query(async ({ ctx }): Promise<Stats> => {
    const { deps } = ctx;
    const shared = deps.sharedStats ? await deps.sharedStats.totals() : undefined;
    const counters = shared ?? deps.stats.snapshot();
    // Storage usage is informative: an unavailable backend reports zeros rather than failing /stats.
    const usage = await Promise.resolve()
      .then(() => deps.admin.usage())
      .catch(() => ({ entries: 0, urls: 0, sizeBytes: 0, maxEntries: 0, maxBytes: 0, evictions: 0 }));
    const replicas = deps.sharedStats ? await deps.sharedStats.replicas() : [];
    return {
      scope: shared ? 'shared' : 'process',
      ...outcomes(counters),
      total_requests:
        counters.hits + counters.stale + counters.revalidated + counters.misses + counters.bypasses + counters.errors + counters.tunnels,
      hit_rate: hitRatePercent(counters),
      coalesced: counters.coalesced,
      background_revalidations: counters.backgroundRevalidations,
      stores: counters.stores,
      not_stored_too_large: counters.notStoredTooLarge,
      evictions: usage.evictions,
      invalidations: counters.invalidations,
      bytes_from_cache: counters.bytesFromCache,
      bytes_from_origin: counters.bytesFromOrigin,
      entries: usage.entries,
      urls: usage.urls,
      size_bytes: usage.sizeBytes,
      max_entries: usage.maxEntries,
      max_bytes: usage.maxBytes,
      cache_backend: deps.backend,
      uptime_seconds: Math.round(deps.stats.uptimeSec()),
      replica: replicaStats(deps.replicaId, deps.stats.snapshot()),
      replicas: replicas.map((r) => replicaStats(r.id, r.counters)),
      clients: deps.stats.clients(),
    };
  });

function replicaStats(id: string, counters: StatsCounters): ReplicaStats {
  return { id, ...outcomes(counters) };
}

/** The outcome counters under their API names. */
function outcomes(counters: StatsCounters): Omit<ReplicaStats, 'id'> {
  return {
    hits: counters.hits,
    stale: counters.stale,
    revalidated: counters.revalidated,
    misses: counters.misses,
    bypasses: counters.bypasses,
    errors: counters.errors,
    client_errors: counters.clientErrors,
    upstream_errors: counters.errors - counters.clientErrors,
    tunnels: counters.tunnels,
  };
}

export const history = protectedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/stats/history',
      tags: ['system'],
      summary: 'Request outcomes of the last 15 minutes, per interval',
      protect: true,
    },
  })
  .input(z.void())
  .output(HistorySchema)
  .query(({ ctx }): History => {
    const { intervalSec, points } = ctx.deps.history.snapshot();
    return { interval_seconds: intervalSec, points: [...points] };
  });

export const tryRequest = protectedProcedure
  .meta({
    openapi: {
      method: 'POST',
      path: '/try',
      tags: ['system'],
      summary: 'Send a GET or HEAD through the proxy, as a client would, and report what happened',
      protect: true,
    },
  })
  .input(TryRequestInputSchema)
  .output(TryRequestResultSchema)
  .mutation(({ ctx, input }) => ctx.deps.tryRequest(input.url, input.method));
