import type { Result } from 'ioredis';
import type { RedisClient } from './connection.js';
import { RedisKeys } from './keys.js';

/**
 * Stores one variant unless the URL was invalidated after the fill began (its fence field `f` is
 * newer than the request time), atomically on the entry's one key — Cluster-safe. The key lives as
 * long as its longest-lived variant: set the expiry if there is none (NX), extend it if this
 * variant lives longer (GT). KEYS[1] entry hash; ARGV: request time, ttl ms, url, meta field,
 * meta, body field, body. Returns 1 when written, 0 when fenced off.
 */
const FENCED_PUT = `
local fence = redis.call('HGET', KEYS[1], '${RedisKeys.fenceField}')
if fence and tonumber(fence) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'u', ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'GT')
return 1
`;

/**
 * Deletes every variant of a URL and leaves its fence (`f` = ARGV[1], the time in ms) for ARGV[2]
 * ms, atomically. Returns 1 when a variant was stored, 0 otherwise.
 */
const FENCED_DELETE = `
local had = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 2) == 'm:' then had = 1 break end
end
redis.call('UNLINK', KEYS[1])
redis.call('HSET', KEYS[1], '${RedisKeys.fenceField}', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return had
`;

/**
 * Records a purge or clear fence in the fences hash (KEYS[1]; field ARGV[1] — `p:…`, `t:…` or
 * `all` — at ARGV[2] ms, never moved back), atomically:
 * - fields older than the fence window (ARGV[3] ms) are deleted one by one (Redis 7.0 has no
 *   per-field expiry), and the hash expires one window after the last record;
 * - past ARGV[4] purge fields, they are all replaced by one `all` fence at the newest one's time:
 *   every fill that began before any of them is still refused (over-fencing, never under-fencing),
 *   and the hash every fill reads stays small whatever clients send;
 * - `all` drops the purge fields it covers (recorded at or before it).
 * Returns the number of fields left.
 */
const RECORD_FENCE = `
local atMs = tonumber(ARGV[2])
local cutoff = atMs - tonumber(ARGV[3])
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if previous < atMs then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
local fields = redis.call('HGETALL', KEYS[1])
local allAt = tonumber(redis.call('HGET', KEYS[1], 'all') or '-1')
local scoped = {}
local newest = -1
for i = 1, #fields, 2 do
  local name, t = fields[i], tonumber(fields[i + 1])
  if t == nil or t <= cutoff or (name ~= 'all' and t <= allAt) then
    redis.call('HDEL', KEYS[1], name)
  elseif name ~= 'all' then
    scoped[#scoped + 1] = name
    if t > newest then newest = t end
  end
end
if #scoped > tonumber(ARGV[4]) then
  if newest > allAt then redis.call('HSET', KEYS[1], 'all', tostring(newest)) end
  for _, name in ipairs(scoped) do redis.call('HDEL', KEYS[1], name) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('HLEN', KEYS[1])
`;

/**
 * One page of a purge by URL prefix on one node: SCAN (cursor ARGV[1], MATCH ARGV[2], COUNT
 * ARGV[3]) and each entry's URL (`u`) read where it lives, returning the next cursor and the keys
 * whose URL starts with ARGV[4]. One round trip per page instead of one HGET per key; Redis is
 * busy for one page at a time (about a millisecond for 200 keys), never for the whole walk. The
 * keys are not declared (SCAN finds them): read-only, and allowed across the node's slots.
 */
const PREFIX_PAGE = `#!lua flags=no-writes,allow-cross-slot-keys
local page = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
local found = {}
for _, key in ipairs(page[2]) do
  local url = redis.call('HGET', key, 'u')
  if url and string.sub(url, 1, #ARGV[4]) == ARGV[4] then found[#found + 1] = key end
end
return {page[1], found}
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    recordFence(key: string, field: string, atMs: string, windowMs: string, maxScoped: string): Result<number, Context>;
    prefixPage(cursor: string, pattern: string, count: string, prefix: string): Result<[string, string[]], Context>;
    fencedPut(key: string, ...args: (string | Buffer)[]): Result<number, Context>;
    fencedDelete(key: string, atMs: string, windowMs: string): Result<number, Context>;
  }
}

/** Defines the commands above on a client or node (once; ioredis loads the scripts by SHA). */
export function defineFencedCommands(client: RedisClient): void {
  if (typeof (client as Partial<RedisClient>).fencedPut === 'function') return;
  client.defineCommand('fencedPut', { numberOfKeys: 1, lua: FENCED_PUT });
  client.defineCommand('fencedDelete', { numberOfKeys: 1, lua: FENCED_DELETE });
  client.defineCommand('recordFence', { numberOfKeys: 1, lua: RECORD_FENCE });
  client.defineCommand('prefixPage', { numberOfKeys: 0, lua: PREFIX_PAGE });
}
