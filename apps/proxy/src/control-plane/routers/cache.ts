import { z } from 'zod';
import {
  CacheEntryInfoSchema,
  CacheKeyInputSchema,
  ClearResultSchema,
  DeleteResultSchema,
  ListEntriesInputSchema,
  ListEntriesResultSchema,
  PurgeInputSchema,
  PurgeResultSchema,
  PurgeTagInputSchema,
  SeedCacheEntryInfoSchema,
  WarmInputSchema,
  WarmResultSchema,
  type CacheEntryInfo,
  type CacheEntrySummary,
  type CacheVariantInfo,
  type ClearResult,
  type PurgeResult,
  type SeedCacheEntryInfo,
} from '@caching-proxy/shared';
import { MASK, maskSecretQueryValues } from '../../content/secret-query.js';
import { currentAgeSec, remainingTtlSec } from '../../cache/freshness.js';
import { headerListToMap, headerValue } from '../../cache/headers.js';
import { textPreview } from '../../content/text-body.js';
import type { EntryMeta, ListedEntry, RemovedCount, StoredResponse } from '../../storage/types.js';
import { fail, protectedProcedure, router } from '../trpc.js';
import { warmUrls } from '../warm.js';

const PREVIEW_BYTES = 4096;

/** Vary may name a credential (`Vary: Cookie`): its value selected the variant, but is never shown. */
const CREDENTIAL_FIELDS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function maskCredentialValues(vary: Readonly<Record<string, string | null>>): Record<string, string | null> {
  const shown: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(vary)) shown[name] = value !== null && CREDENTIAL_FIELDS.has(name) ? MASK : value;
  return shown;
}

/** How fresh a stored response is now: its age, the freshness left and whether it may be served without validation. */
function freshnessNow(entry: Pick<EntryMeta, 'staleAt' | 'responseTime' | 'initialAgeSec' | 'noCache'>, now: number) {
  const ttl = remainingTtlSec(entry, now);
  return { age_seconds: currentAgeSec(entry, now), ttl_seconds: Math.max(0, ttl), stale: ttl <= 0 || entry.noCache };
}

function toVariantInfo(entry: StoredResponse, now: number): CacheVariantInfo {
  const headers = headerListToMap(entry.headers);
  const contentType = headerValue(headers, 'content-type') ?? null;
  return {
    variant_key: entry.variantKey,
    status_code: entry.status,
    headers,
    vary: maskCredentialValues(entry.vary),
    body_bytes: entry.body.length,
    size_bytes: entry.size,
    stored_at: new Date(entry.responseTime).toISOString(),
    stale_at: new Date(entry.staleAt).toISOString(),
    expires_at: new Date(entry.expiresAt).toISOString(),
    ...freshnessNow(entry, now),
    hits: entry.hits,
    tags: [...entry.tags],
    request_headers: headerListToMap(entry.requestHeaders),
    body_preview: {
      ...textPreview(entry.body, contentType ?? undefined, headerValue(headers, 'content-encoding'), PREVIEW_BYTES),
      content_type: contentType,
    },
  };
}

function latest<T extends { responseTime: number }>(variants: readonly T[]): T {
  return variants.reduce((a, b) => (b.responseTime > a.responseTime ? b : a));
}

function toEntryInfo(variants: readonly StoredResponse[], now: number): CacheEntryInfo {
  const newest = latest(variants);
  return {
    key: newest.key,
    url: maskSecretQueryValues(newest.url),
    method: newest.method,
    ...toVariantInfo(newest, now),
    variants: variants.map((v) => toVariantInfo(v, now)),
  };
}

function toSummary(listed: ListedEntry, now: number): CacheEntrySummary {
  const newest: EntryMeta = latest(listed.variants);
  return {
    key: listed.key,
    url: maskSecretQueryValues(newest.url),
    method: newest.method,
    status_code: newest.status,
    size_bytes: listed.variants.reduce((sum, v) => sum + v.size, 0),
    body_bytes: newest.bodyBytes,
    ...freshnessNow(newest, now),
    hits: listed.variants.reduce((sum, v) => sum + v.hits, 0),
    variants: listed.variants.length,
    stored_at: new Date(newest.responseTime).toISOString(),
  };
}

/** A purge counts URLs (`purged`, as the entry list does) and says how many stored responses they held. */
function purgeResult(removed: RemovedCount): PurgeResult {
  return { purged: removed.urls, urls: removed.urls, stored_responses: removed.responses };
}

/** The seed's summary of an entry, for callers of the data port without the admin key. */
function toSeedInfo(variants: readonly StoredResponse[], now: number): SeedCacheEntryInfo {
  const newest = latest(variants);
  return {
    key: newest.key,
    url: maskSecretQueryValues(newest.url),
    method: newest.method,
    status_code: newest.status,
    body_bytes: newest.body.length,
    stored_at: new Date(newest.responseTime).toISOString(),
    expires_at: new Date(newest.expiresAt).toISOString(),
    ...freshnessNow(newest, now),
    hits: variants.reduce((sum, v) => sum + v.hits, 0),
    variants: variants.length,
  };
}

const notFound = (key: string): never => fail('PROXY_ERR_ENTRY_NOT_FOUND', `No cache entry has the key ${key}`);

/**
 * Cache administration. `clear` is declared before `delete` on purpose: REST routes are matched
 * in declaration order, and `DELETE /cache/clear` must not be taken for `DELETE /cache/{key}`.
 */
export const cacheRouter = router({
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/cache/entries',
        tags: ['cache'],
        summary: 'A page of stored URLs, most recently used first, optionally filtered by URL',
        protect: true,
      },
    })
    .input(ListEntriesInputSchema)
    .output(ListEntriesResultSchema)
    .query(async ({ ctx, input }) => {
      const page = await ctx.deps.admin.list({ cursor: input.cursor, limit: input.limit, filter: input.filter });
      const now = ctx.deps.clock();
      return {
        entries: page.entries.map((e) => toSummary(e, now)),
        next_cursor: page.nextCursor ?? null,
        total: page.total ?? null,
      };
    }),

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

  purge: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/cache/purge',
        tags: ['cache'],
        summary: 'Remove every entry whose URL starts with a prefix',
        protect: true,
      },
    })
    .input(PurgeInputSchema)
    .output(PurgeResultSchema)
    .mutation(async ({ ctx, input }) => purgeResult(await ctx.deps.admin.purgePrefix(input.prefix))),

  purgeTag: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/cache/purge-tag',
        tags: ['cache'],
        summary: 'Remove every entry whose response carried a tag (Surrogate-Key / Cache-Tag), on every replica',
        protect: true,
      },
    })
    .input(PurgeTagInputSchema)
    .output(PurgeResultSchema)
    .mutation(async ({ ctx, input }) => purgeResult(await ctx.deps.admin.purgeTag(input.tag))),

  warm: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/cache/warm',
        tags: ['cache'],
        summary: 'Fetch URLs through the proxy so that they are stored, a few at a time',
        protect: true,
      },
    })
    .input(WarmInputSchema)
    .output(WarmResultSchema)
    .mutation(({ ctx, input }) => warmUrls(input.urls, input.concurrency, ctx.deps.tryRequest)),

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
    .mutation(async ({ ctx }): Promise<ClearResult> => {
      const removed = await ctx.deps.admin.clear();
      return { cleared: removed.responses, urls: removed.urls, stored_responses: removed.responses };
    }),

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

/**
 * `GET /cache/info/{key}` on the data port (the seed's path). The data port is reachable from
 * the network and a key is computable from a URL, so without ADMIN_API_KEY it shows only the
 * seed's summary; with the key set (and checked by protectedProcedure), the full entry.
 */
export const dataPortInfo = protectedProcedure
  .meta({
    openapi: {
      method: 'GET',
      path: '/cache/info/{key}',
      tags: ['cache'],
      summary: 'Details of one cache entry (a summary without ADMIN_API_KEY)',
      protect: true,
      errorResponses: { 404: 'No entry has this key' },
    },
  })
  .input(CacheKeyInputSchema)
  .output(z.union([CacheEntryInfoSchema, SeedCacheEntryInfoSchema]))
  .query(async ({ ctx, input }) => {
    const variants = await ctx.deps.admin.info(input.key);
    if (variants === undefined || variants.length === 0) return notFound(input.key);
    const now = ctx.deps.clock();
    return ctx.deps.apiKey === undefined ? toSeedInfo(variants, now) : toEntryInfo(variants, now);
  });
