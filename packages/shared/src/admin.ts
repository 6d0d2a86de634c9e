import { z } from 'zod';
import { CacheKeySchema } from './control-plane.js';

/** One URL in the entry list of the admin API. */
export const CacheEntrySummarySchema = z
  .object({
    key: CacheKeySchema,
    url: z.string(),
    method: z.string(),
    status_code: z.number().int().describe('Status of the most recently stored variant'),
    size_bytes: z.number().int().describe('Bytes of all variants against MAX_CACHE_BYTES'),
    body_bytes: z.number().int().describe('Body bytes of the most recently stored variant'),
    age_seconds: z.number().int(),
    ttl_seconds: z.number().int().describe('Seconds of freshness left, 0 when stale'),
    stale: z.boolean(),
    hits: z.number().int().describe('Times any variant was served'),
    variants: z.number().int().describe('Stored Vary variants'),
    stored_at: z.string().describe('ISO 8601 time the latest variant was stored'),
  })
  .meta({ id: 'CacheEntrySummary' });
export type CacheEntrySummary = z.infer<typeof CacheEntrySummarySchema>;

export const ListEntriesInputSchema = z
  .object({
    cursor: z.string().max(256).optional().describe('Cursor returned by the previous page; absent for the first page'),
    limit: z.coerce.number().int().min(1).max(500).default(50).describe('Entries per page (at most 500)'),
    filter: z.string().max(2048).optional().describe('Only URLs containing this text (case-insensitive)'),
  })
  .meta({ id: 'ListEntriesInput' });
export type ListEntriesInput = z.input<typeof ListEntriesInputSchema>;

export const ListEntriesResultSchema = z
  .object({
    entries: z.array(CacheEntrySummarySchema),
    next_cursor: z.string().nullable().describe('Cursor of the next page, null on the last page'),
    total: z
      .number()
      .int()
      .nullable()
      .describe('URLs matching the filter on every page; null when the backend cannot tell without a full walk (Redis with a filter)'),
  })
  .meta({ id: 'ListEntriesResult' });
export type ListEntriesResult = z.infer<typeof ListEntriesResultSchema>;

export const PurgeInputSchema = z
  .object({
    prefix: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^https?:\/\/[^/?#]+/i, 'expected an absolute http(s) URL prefix, at least scheme and host')
      .describe('Every entry whose URL starts with this prefix is removed'),
  })
  .meta({ id: 'PurgeInput' });

export const PurgeTagInputSchema = z
  .object({
    tag: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[\x21-\x7e]+$/, 'expected a tag: printable characters without spaces')
      .describe('A tag from the Surrogate-Key or Cache-Tag header of stored responses'),
  })
  .meta({ id: 'PurgeTagInput' });

/** What a purge or a clear removed, with both units labelled: URLs, and the stored responses (Vary variants) they held. */
const removedCounts = {
  urls: z.number().int().describe('URLs removed (rows of the entry list)'),
  stored_responses: z.number().int().describe('Stored responses removed, every Vary variant counted (the unit of /stats `entries`)'),
};

export const PurgeResultSchema = z
  .object({ purged: z.number().int().describe('URLs removed (same as `urls`)'), ...removedCounts })
  .meta({ id: 'PurgeResult' });
export type PurgeResult = z.infer<typeof PurgeResultSchema>;

/** Outcome counts of one interval of the recent-traffic history. */
export const HistoryPointSchema = z
  .object({
    t: z.number().describe('End of the interval, milliseconds since the epoch'),
    hit: z.number().int(),
    stale: z.number().int(),
    revalidated: z.number().int(),
    miss: z.number().int(),
    bypass: z.number().int(),
    error: z.number().int().describe('Every error answer: client_error + upstream_error'),
    client_error: z.number().int().describe("The client's own bad requests (4xx proxy errors)"),
    upstream_error: z.number().int().describe('Origin and upstream failures (5xx proxy errors, responses cut mid-body)'),
    tunnel: z.number().int().describe('WebSocket upgrades tunnelled to the origin'),
  })
  .meta({ id: 'HistoryPoint' });
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

export const HistorySchema = z
  .object({
    interval_seconds: z.number().int(),
    points: z.array(HistoryPointSchema).describe('Oldest first; the last 15 minutes'),
  })
  .meta({ id: 'History' });
export type History = z.infer<typeof HistorySchema>;

export const TryRequestInputSchema = z
  .object({
    url: z.string().min(1).max(8192).describe('Absolute http(s) URL to fetch through the proxy'),
    method: z.enum(['GET', 'HEAD']).default('GET'),
  })
  .meta({ id: 'TryRequestInput' });

export const WarmInputSchema = z
  .object({
    urls: z.array(z.string().min(1).max(8192)).min(1).max(1000).describe('URLs to fetch through the proxy (GET)'),
    concurrency: z.number().int().min(1).max(32).default(4).describe('Requests in flight at once'),
  })
  .meta({ id: 'WarmInput' });

export const WarmStatusSchema = z
  .enum(['stored', 'not_storable', 'failed'])
  .describe(
    '`stored`: in the cache now; `not_storable`: fetched, but the origin forbids storing it (`no-store`, `private`, …) — ' +
      'its choice, not a failure; `failed`: a proxy error or an origin error status',
  );
export type WarmStatus = z.infer<typeof WarmStatusSchema>;

export const WarmResultSchema = z
  .object({
    warmed: z.number().int().describe('URLs now stored (MISS stored, or already a HIT)'),
    not_storable: z.number().int().describe('URLs fetched whose response the origin forbids storing (not a failure)'),
    failed: z.number().int().describe('URLs that could not be fetched, or answered an error status'),
    results: z.array(
      z.object({
        url: z.string(),
        status_code: z.number().int(),
        x_cache: z.string().nullable(),
        stored: z.boolean().describe('Whether the response is in the cache now'),
        status: WarmStatusSchema,
        reason: z.string().nullable().describe('Why it is not stored: the proxy error, the origin status, or Cache-Status `detail`'),
        error: z.object({ code: z.string(), message: z.string() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'WarmResult' });
export type WarmResult = z.infer<typeof WarmResultSchema>;

export const TryRequestResultSchema = z
  .object({
    status_code: z.number().int(),
    x_cache: z.string().nullable(),
    cache_status: z.string().nullable(),
    age: z.string().nullable(),
    cache_key: z.string().nullable(),
    duration_ms: z.number().describe('Time to the complete response, measured by the proxy'),
    body_bytes: z.number().int(),
    error: z.object({ code: z.string(), message: z.string() }).nullable().describe('Proxy error, when the answer was one'),
  })
  .meta({ id: 'TryRequestResult' });
export type TryRequestResult = z.infer<typeof TryRequestResultSchema>;
