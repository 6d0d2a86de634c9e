import { z } from 'zod';
import { BoundedMap } from '../../bounded-map.js';
import type { EntryMeta, StoredResponse } from '../types.js';

/**
 * How a stored response is kept in Redis: its metadata as JSON (strings and numbers only, read
 * back through a strict schema, never evaluated) and its body as raw bytes in a field of its own
 * — binary-safe, with no base64 inflation.
 */
const flatHeaders = z.array(z.string()).refine((list) => list.length % 2 === 0, 'expected name/value pairs');

const MetaSchema = z.object({
  v: z.literal(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  variantKey: z.string().regex(/^[0-9a-f]{64}$/),
  url: z.string(),
  method: z.string(),
  status: z.number().int().min(100).max(999),
  headers: flatHeaders,
  vary: z.record(z.string(), z.string().nullable()),
  requestHeaders: flatHeaders,
  tags: z.array(z.string()).default([]),
  requestTime: z.number(),
  responseTime: z.number(),
  initialAgeSec: z.number(),
  lifetimeSec: z.number(),
  staleAt: z.number(),
  expiresAt: z.number(),
  noCache: z.boolean(),
  mustRevalidate: z.boolean(),
  staleWhileRevalidateSec: z.number(),
  staleIfErrorSec: z.number(),
  hasValidators: z.boolean(),
  upstreamCacheStatus: z.string().optional(),
  size: z.number().int().nonnegative(),
  bodyBytes: z.number().int().nonnegative(),
});

export type StoredMeta = z.infer<typeof MetaSchema>;

export function encodeMeta(entry: StoredResponse): string {
  const meta: StoredMeta = {
    v: 1,
    key: entry.key,
    variantKey: entry.variantKey,
    url: entry.url,
    method: entry.method,
    status: entry.status,
    headers: [...entry.headers],
    vary: { ...entry.vary },
    requestHeaders: [...entry.requestHeaders],
    tags: [...entry.tags],
    requestTime: entry.requestTime,
    responseTime: entry.responseTime,
    initialAgeSec: entry.initialAgeSec,
    lifetimeSec: entry.lifetimeSec,
    staleAt: entry.staleAt,
    expiresAt: entry.expiresAt,
    noCache: entry.noCache,
    mustRevalidate: entry.mustRevalidate,
    staleWhileRevalidateSec: entry.staleWhileRevalidateSec,
    staleIfErrorSec: entry.staleIfErrorSec,
    hasValidators: entry.hasValidators,
    ...(entry.upstreamCacheStatus !== undefined ? { upstreamCacheStatus: entry.upstreamCacheStatus } : {}),
    size: entry.size,
    bodyBytes: entry.body.length,
  };
  return JSON.stringify(meta);
}

/**
 * Recently decoded metadata by its exact text: a hot entry read from Redis on every hit (no L1)
 * is validated once, not per request. The decoded objects are never mutated.
 */
const decoded = new BoundedMap<string, StoredMeta>(2048);

/** Parses stored metadata; undefined for anything malformed (treated as absent, never trusted). */
export function decodeMeta(text: string): StoredMeta | undefined {
  const known = decoded.get(text);
  if (known !== undefined) return known;
  const meta = parseMeta(text);
  if (meta !== undefined) decoded.set(text, meta);
  return meta;
}

function parseMeta(text: string): StoredMeta | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = MetaSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export function toStoredResponse(meta: StoredMeta, body: Buffer, hits = 0): StoredResponse | undefined {
  // The body must be the one the metadata was written with.
  if (body.length !== meta.bodyBytes) return undefined;
  // Spelled out rather than spread: this runs on every hit read from Redis, and a literal of a
  // fixed shape is much cheaper than copying an object's own properties.
  return {
    key: meta.key,
    variantKey: meta.variantKey,
    url: meta.url,
    method: meta.method,
    status: meta.status,
    headers: meta.headers,
    body,
    vary: meta.vary,
    requestHeaders: meta.requestHeaders,
    tags: meta.tags,
    requestTime: meta.requestTime,
    responseTime: meta.responseTime,
    initialAgeSec: meta.initialAgeSec,
    lifetimeSec: meta.lifetimeSec,
    staleAt: meta.staleAt,
    expiresAt: meta.expiresAt,
    noCache: meta.noCache,
    mustRevalidate: meta.mustRevalidate,
    staleWhileRevalidateSec: meta.staleWhileRevalidateSec,
    staleIfErrorSec: meta.staleIfErrorSec,
    hasValidators: meta.hasValidators,
    upstreamCacheStatus: meta.upstreamCacheStatus,
    size: meta.size,
    hits,
  };
}

/** The listing view of stored metadata (no body needed). */
export function toListedMeta(meta: StoredMeta): EntryMeta {
  const { v: _version, ...fields } = meta;
  return { ...fields, hits: 0 };
}
