import { z } from 'zod';
import {
  CacheEntryInfoSchema,
  CacheKeyInputSchema,
  ClearResultSchema,
  DeleteResultSchema,
  type CacheEntryInfo,
  type CacheVariantInfo,
} from '@caching-proxy/shared';
import { currentAgeSec, remainingTtlSec } from '../../cache/freshness.js';
import { headerListToMap } from '../../cache/headers.js';
import type { StoredResponse } from '../../storage/types.js';
import { fail, protectedProcedure, router } from '../trpc.js';

function toVariantInfo(entry: StoredResponse, now: number): CacheVariantInfo {
  const ttl = remainingTtlSec(entry, now);
  return {
    variant_key: entry.variantKey,
    status_code: entry.status,
    headers: headerListToMap(entry.headers),
    vary: { ...entry.vary },
    body_bytes: entry.body.length,
    size_bytes: entry.size,
    stored_at: new Date(entry.responseTime).toISOString(),
    stale_at: new Date(entry.staleAt).toISOString(),
    expires_at: new Date(entry.expiresAt).toISOString(),
    age_seconds: currentAgeSec(entry, now),
    ttl_seconds: Math.max(0, ttl),
    stale: ttl <= 0 || entry.noCache,
    hits: entry.hits,
  };
}

function toEntryInfo(variants: readonly StoredResponse[], now: number): CacheEntryInfo {
  const latest = variants.reduce((a, b) => (b.responseTime > a.responseTime ? b : a));
  return {
    key: latest.key,
    url: latest.url,
    method: latest.method,
    ...toVariantInfo(latest, now),
    variants: variants.map((v) => toVariantInfo(v, now)),
  };
}

const notFound = (key: string): never => fail('PROXY_ERR_ENTRY_NOT_FOUND', `No cache entry has the key ${key}`);

/**
 * Cache administration. `clear` is declared before `delete` on purpose: REST routes are matched
 * in declaration order, and `DELETE /cache/clear` must not be taken for `DELETE /cache/{key}`.
 */
export const cacheRouter = router({
  info: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/cache/info/{key}',
        tags: ['cache'],
        summary: 'Details of one cache entry',
        protect: true,
        errorResponses: { 404: 'No entry has this key' },
      },
    })
    .input(CacheKeyInputSchema)
    .output(CacheEntryInfoSchema)
    .query(async ({ ctx, input }) => {
      const variants = await ctx.deps.admin.info(input.key);
      if (variants === undefined || variants.length === 0) return notFound(input.key);
      return toEntryInfo(variants, ctx.deps.clock());
    }),

  clear: protectedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/cache/clear',
        tags: ['cache'],
        summary: 'Remove every cache entry',
        protect: true,
      },
    })
    .input(z.void())
    .output(ClearResultSchema)
    .mutation(async ({ ctx }) => ({ cleared: await ctx.deps.admin.clear() })),

  delete: protectedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/cache/{key}',
        tags: ['cache'],
        summary: 'Remove one cache entry',
        protect: true,
        errorResponses: { 404: 'No entry has this key' },
      },
    })
    .input(CacheKeyInputSchema)
    .output(DeleteResultSchema)
    .mutation(async ({ ctx, input }) => {
      const deleted = await ctx.deps.admin.delete(input.key);
      if (!deleted) notFound(input.key);
      return { deleted: true as const, key: input.key };
    }),
});
