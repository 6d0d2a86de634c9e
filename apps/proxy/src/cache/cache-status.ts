/** The identifier this cache uses in Cache-Status (RFC 9211 §2) and Via. */
export const CACHE_NAME = 'caching-proxy';

/** RFC 9211 §2.2 forward reasons. */
export type ForwardReason = 'bypass' | 'method' | 'uri-miss' | 'vary-miss' | 'miss' | 'request' | 'stale';

export interface CacheStatusParams {
  hit?: boolean;
  fwd?: ForwardReason;
  fwdStatus?: number;
  stored?: boolean;
  ttlSec?: number;
  key?: string;
  detail?: string;
  /** Name of the cache rule that matched the request: the extension parameter `rule` (RFC 9211 §2 allows parameters beyond its own). */
  rule?: string | undefined;
}

/** RFC 8941 §3.3.4 token. */
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;

/** RFC 8941 §3.3.3 string: quoted, with `"` and `\` escaped. */
function sfString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Formats this cache's member of the Cache-Status list (RFC 9211 §2). */
export function formatCacheStatus(params: CacheStatusParams): string {
  let value = CACHE_NAME;
  if (params.hit) value += '; hit';
  if (params.fwd) value += `; fwd=${params.fwd}`;
  if (params.fwdStatus !== undefined) value += `; fwd-status=${params.fwdStatus}`;
  if (params.stored) value += '; stored';
  if (params.ttlSec !== undefined) value += `; ttl=${params.ttlSec}`;
  if (params.key !== undefined) value += `; key=${sfString(params.key)}`;
  if (params.detail) value += `; detail=${TOKEN.test(params.detail) ? params.detail : sfString(params.detail)}`;
  if (params.rule !== undefined) value += `; rule=${sfString(params.rule)}`;
  return value;
}

/** Appends this cache's member to an upstream cache's Cache-Status list (RFC 9211 §2: origin side first). */
export function appendCacheStatus(upstream: string | undefined, own: string): string {
  return upstream && upstream.trim() !== '' ? `${upstream}, ${own}` : own;
}
