import { z } from 'zod';

export const CacheBackendSchema = z.enum(['memory', 'redis']);
export type CacheBackend = z.infer<typeof CacheBackendSchema>;

/** A cache key as the data plane reports it in `X-Cache-Key` and `cache_key`. */
export const CacheKeySchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected a cache key: 64 lowercase hex characters')
  .describe('Cache key as reported in X-Cache-Key / cache_key');

export const CacheKeyInputSchema = z.object({ key: CacheKeySchema });

export const HealthSchema = z
  .object({
    status: z.enum(['healthy', 'degraded']).describe('`degraded` when a dependency is failing'),
    cache_backend: CacheBackendSchema,
    timestamp: z.number().describe('Server time, seconds since the Unix epoch'),
    version: z.string(),
    uptime_seconds: z.number(),
    checks: z
      .record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() }))
      .describe('Result of each dependency check'),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof HealthSchema>;

/** One replica's own request outcomes. */
export const ReplicaStatsSchema = z
  .object({
    id: z.string().describe('Replica identity: host, process id and a random suffix'),
    hits: z.number().int(),
    stale: z.number().int(),
    revalidated: z.number().int(),
    misses: z.number().int(),
    bypasses: z.number().int(),
    errors: z.number().int(),
    client_errors: z.number().int(),
    upstream_errors: z.number().int(),
    tunnels: z.number().int(),
  })
  .meta({ id: 'ReplicaStats' });
export type ReplicaStats = z.infer<typeof ReplicaStatsSchema>;

/** Forward-mode requests admitted for one client name. */
export const ClientRequestsSchema = z
  .object({
    name: z.string().describe('`network` (admitted by DATA_ALLOWED_CLIENTS) or the name of a DATA_API_KEYS key'),
    requests: z.number().int().describe('Requests admitted under this name since the process started'),
  })
  .meta({ id: 'ClientRequests' });
export type ClientRequests = z.infer<typeof ClientRequestsSchema>;

export const StatsSchema = z
  .object({
    scope: z
      .enum(['process', 'shared'])
      .describe('`shared`: totals of every replica on the same Redis; `process`: this process only (memory backend, or Redis unavailable)'),
    hits: z.number().int().describe('Responses served fresh from the cache without contacting the origin'),
    stale: z.number().int().describe('Responses served stale (max-stale, stale-while-revalidate, stale-if-error)'),
    revalidated: z.number().int().describe('Stored responses validated with the origin (304) and served'),
    misses: z.number().int().describe('Cacheable requests answered with the origin response'),
    bypasses: z.number().int().describe('Requests relayed without the cache (methods other than GET and HEAD)'),
    errors: z.number().int().describe('Requests answered with a proxy error (4xx/5xx JSON): client_errors + upstream_errors'),
    client_errors: z
      .number()
      .int()
      .describe("Of `errors`, the client's own bad requests (4xx: bad ttl, bad JSON, blocked target, unknown route, …)"),
    upstream_errors: z
      .number()
      .int()
      .describe('Of `errors`, origin and upstream failures (5xx: unreachable, timeout, invalid response; responses cut mid-body)'),
    tunnels: z.number().int().describe('WebSocket upgrades tunnelled to the origin (101 relayed; never cached)'),
    total_requests: z.number().int().describe('hits + stale + revalidated + misses + bypasses + errors + tunnels'),
    hit_rate: z
      .number()
      .describe('(hits + stale) / (hits + stale + revalidated + misses), in percent; 0 before the first lookup'),
    coalesced: z.number().int().describe('Requests that waited for another request to the same URL instead of going to the origin'),
    background_revalidations: z.number().int().describe('Background refreshes started by stale-while-revalidate'),
    stores: z.number().int().describe('Responses written to the cache'),
    not_stored_too_large: z.number().int().describe('Responses not stored because larger than MAX_OBJECT_BYTES'),
    evictions: z.number().int().describe('Entries evicted to respect MAX_CACHE_SIZE / MAX_CACHE_BYTES'),
    invalidations: z.number().int().describe('Entries removed by unsafe requests to their URL'),
    bytes_from_cache: z.number().int().describe('Body bytes served from the cache'),
    bytes_from_origin: z.number().int().describe('Body bytes received from origins'),
    entries: z
      .number()
      .int()
      .describe('Stored responses, every Vary variant counted (what MAX_CACHE_SIZE bounds); Redis: under REDIS_KEY_PREFIX only'),
    urls: z.number().int().describe('URLs with a stored response (rows of the entry list); `entries` counts their variants'),
    size_bytes: z.number().int().describe('Bytes currently stored (bodies, headers and per-entry overhead); Redis: its used_memory'),
    max_entries: z.number().int().describe('Bound of `entries` (MAX_CACHE_SIZE); 0: no limit (Redis)'),
    max_bytes: z.number().int().describe('Bound of `size_bytes` (MAX_CACHE_BYTES; Redis: maxmemory); 0: no limit'),
    cache_backend: CacheBackendSchema,
    uptime_seconds: z.number(),
    replica: ReplicaStatsSchema.describe('This process'),
    replicas: z.array(ReplicaStatsSchema).describe('Every live replica on the same Redis (empty with the memory backend)'),
    clients: z
      .array(ClientRequestsSchema)
      .describe(
        'Forward-mode requests admitted per client name (`network` or a DATA_API_KEYS name), sorted by name; this replica only, whatever `scope`; empty in reverse-proxy mode',
      ),
  })
  .meta({ id: 'Stats' });
export type Stats = z.infer<typeof StatsSchema>;

const variantFields = {
    variant_key: z.string().describe('Key of this variant (the entry key when the response does not vary)'),
    status_code: z.number().int(),
    headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])).describe('Stored response headers'),
    vary: z
      .record(z.string(), z.string().nullable())
      .describe('Request header values the entry was selected by (Vary), null when absent'),
    body_bytes: z.number().int(),
    size_bytes: z.number().int().describe('Bytes the entry counts against MAX_CACHE_BYTES'),
    stored_at: z.string().describe('ISO 8601 time the entry was stored'),
    stale_at: z.string().describe('ISO 8601 time the entry stops being fresh'),
    expires_at: z.string().describe('ISO 8601 time the entry is removed from storage'),
    age_seconds: z.number().int().describe('Current Age (RFC 9111 §4.2.3)'),
    ttl_seconds: z.number().int().describe('Seconds of freshness left, 0 when stale'),
    stale: z.boolean().describe('Whether the response is stale (kept for validation or stale serving)'),
    hits: z.number().int().describe('Times this entry was served'),
    tags: z.array(z.string()).describe('Purge tags (Surrogate-Key / Cache-Tag)'),
    request_headers: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .describe('Request headers the response was fetched with (credentials and cookies left out)'),
    body_preview: z
      .object({
        text: z.string().nullable().describe('The start of the body as text; null when it is binary or compressed'),
        truncated: z.boolean(),
        content_type: z.string().nullable(),
      })
      .describe('A safe preview of the stored body: text only, never rendered'),
};

export const CacheVariantInfoSchema = z.object(variantFields).meta({ id: 'CacheVariantInfo' });
export type CacheVariantInfo = z.infer<typeof CacheVariantInfoSchema>;

/** One URL's entry: the most recently stored variant's fields, and every variant (Vary). */
export const CacheEntryInfoSchema = z
  .object({
    key: CacheKeySchema,
    url: z.string().describe('Target URL the entry was fetched from'),
    method: z.string().describe('Request method the entry answers (HEAD is served from GET)'),
    ...variantFields,
    variants: z.array(CacheVariantInfoSchema).describe('Every stored variant of this URL (one unless the response has Vary)'),
  })
  .meta({ id: 'CacheEntryInfo' });
export type CacheEntryInfo = z.infer<typeof CacheEntryInfoSchema>;

/**
 * What `GET /cache/info/{key}` shows on the data port to a caller without the admin key: the
 * seed's summary of an entry, without stored headers, request headers, Vary values, tags or a
 * body preview (the key is computable from a URL, so this view is public).
 */
export const SeedCacheEntryInfoSchema = z
  .object({
    key: CacheKeySchema,
    url: z.string().describe('Target URL, secret-like query parameter values masked'),
    method: z.string(),
    status_code: z.number().int(),
    body_bytes: z.number().int(),
    stored_at: z.string(),
    expires_at: z.string(),
    age_seconds: z.number().int(),
    ttl_seconds: z.number().int(),
    stale: z.boolean(),
    hits: z.number().int(),
    variants: z.number().int().describe('Number of stored variants (Vary)'),
  })
  .meta({ id: 'SeedCacheEntryInfo' });
export type SeedCacheEntryInfo = z.infer<typeof SeedCacheEntryInfoSchema>;

export const DeleteResultSchema = z
  .object({ deleted: z.literal(true), key: CacheKeySchema })
  .meta({ id: 'DeleteResult' });
export type DeleteResult = z.infer<typeof DeleteResultSchema>;

export const ClearResultSchema = z
  .object({
    cleared: z.number().int().describe('Stored responses removed, every Vary variant counted (same as `stored_responses`)'),
    urls: z.number().int().describe('URLs removed (rows of the entry list)'),
    stored_responses: z.number().int().describe('Stored responses removed (the unit of /stats `entries`)'),
  })
  .meta({ id: 'ClearResult' });
export type ClearResult = z.infer<typeof ClearResultSchema>;
