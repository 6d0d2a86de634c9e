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

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fencedPut(key: string, ...args: (string | Buffer)[]): Result<number, Context>;
    fencedDelete(key: string, atMs: string, windowMs: string): Result<number, Context>;
  }
}

/** Defines `fencedPut` and `fencedDelete` on a client (once; ioredis loads the scripts by SHA). */
export function defineFencedCommands(client: RedisClient): void {
  if (typeof (client as Partial<RedisClient>).fencedPut === 'function') return;
  client.defineCommand('fencedPut', { numberOfKeys: 1, lua: FENCED_PUT });
  client.defineCommand('fencedDelete', { numberOfKeys: 1, lua: FENCED_DELETE });
}
