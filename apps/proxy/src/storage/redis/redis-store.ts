import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import {
  type CacheAdmin,
  type CacheStore,
  type ListOptions,
  type ListPage,
  type ListedEntry,
  type StoreUsage,
  type StoredResponse,
} from '../types.js';
import type { RedisAvailability } from './availability.js';
import { decodeMeta, encodeMeta, toListedMeta, toStoredResponse, type StoredMeta } from './codec.js';
import { masters, type RedisClient } from './connection.js';
import { RedisKeys } from './keys.js';

export interface RedisStoreOptions {
  client: RedisClient;
  keys: RedisKeys;
  availability: RedisAvailability;
  clock: Clock;
  logger: Logger;
  maxVariantsPerKey?: number;
}

const SCAN_COUNT = 200;

/**
 * Entries in Redis: one hash per URL with its variants (see RedisKeys), expiry set on every write,
 * eviction left to Redis's maxmemory policy. Data-plane calls never fail: when Redis is
 * unavailable they answer "nothing stored" and the cache degrades to misses. Admin calls reject
 * instead, so an operator never mistakes an outage for an empty cache.
 */
export class RedisStore implements CacheStore, CacheAdmin {
  private readonly client: RedisClient;
  private readonly keys: RedisKeys;
  private readonly availability: RedisAvailability;
  private readonly clock: Clock;
  private readonly maxVariantsPerKey: number;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.keys = options.keys;
    this.availability = options.availability;
    this.clock = options.clock;
    this.maxVariantsPerKey = options.maxVariantsPerKey ?? 32;
  }

  getVariants(key: string): Promise<readonly StoredResponse[] | undefined> {
    return this.availability.run('get', () => this.readVariants(key), undefined);
  }

  private async readVariants(key: string): Promise<readonly StoredResponse[] | undefined> {
    const redisKey = this.keys.entry(key);
    const fields = await this.client.hgetallBuffer(redisKey);
    const now = this.clock();
    const live: StoredResponse[] = [];
    const dead: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      const variantKey = RedisKeys.variantOfMetaField(field);
      if (variantKey === undefined) continue;
      const meta = decodeMeta(value.toString('utf8'));
      const body = fields[RedisKeys.bodyField(variantKey)];
      const entry = meta && body && meta.key === key ? toStoredResponse(meta, body) : undefined;
      if (entry === undefined || entry.expiresAt <= now) {
        dead.push(field, RedisKeys.bodyField(variantKey));
        continue;
      }
      live.push(entry);
    }
    if (live.length > this.maxVariantsPerKey) {
      live.sort((a, b) => b.responseTime - a.responseTime);
      for (const old of live.splice(this.maxVariantsPerKey)) {
        dead.push(RedisKeys.metaField(old.variantKey), RedisKeys.bodyField(old.variantKey));
      }
    }
    if (dead.length > 0) {
      // Expired or malformed variants are dropped as they are found.
      void this.availability.run('prune', () => this.client.hdel(redisKey, ...dead), 0);
    }
    return live.length > 0 ? live : undefined;
  }

  put(entry: StoredResponse): Promise<boolean> {
    return this.availability.run(
      'put',
      async () => {
        const ttlMs = Math.ceil(entry.expiresAt - this.clock());
        if (ttlMs <= 0) return false;
        const redisKey = this.keys.entry(entry.key);
        // The key lives as long as its longest-lived variant: set the expiry if there is none (NX),
        // extend it if this variant lives longer (GT).
        const results = await this.client
          .multi()
          .hset(
            redisKey,
            'u',
            entry.url,
            RedisKeys.metaField(entry.variantKey),
            encodeMeta(entry),
            RedisKeys.bodyField(entry.variantKey),
            entry.body,
          )
          .pexpire(redisKey, ttlMs, 'NX')
          .pexpire(redisKey, ttlMs, 'GT')
          .exec();
        const failed = results?.find(([error]) => error !== null);
        if (failed) throw failed[0]!;
        // Tag index: one set per tag, living as long as the entries it points to (another slot
        // in a Cluster, hence separate commands).
        await Promise.all(
          entry.tags.map(async (tag) => {
            const tagKey = this.keys.tag(tag);
            await this.client.sadd(tagKey, entry.key);
            await this.client.pexpire(tagKey, ttlMs, 'NX');
            await this.client.pexpire(tagKey, ttlMs, 'GT');
          }),
        );
        return true;
      },
      false,
    );
  }

  delete(key: string): Promise<boolean> {
    return this.availability.run('delete', async () => (await this.client.unlink(this.keys.entry(key))) > 0, false);
  }

  info(key: string): Promise<readonly StoredResponse[] | undefined> {
    return this.availability.must('info', () => this.readVariants(key));
  }

  /** Removes only this cache's entries and tag sets (our prefix), on every master, with UNLINK — never FLUSHDB. */
  clear(): Promise<number> {
    return this.availability.must('clear', async () => {
      const removed = await this.unlinkMatching(this.keys.entryPattern);
      await this.unlinkMatching(this.keys.tagPattern);
      return removed;
    });
  }

  private async unlinkMatching(pattern: string): Promise<number> {
    let removed = 0;
    for await (const { node, keys } of this.scanPages(pattern)) removed += await this.unlinkEach(node, keys);
    return removed;
  }

  /** The keys matching a pattern, one non-empty SCAN page at a time, on every master. */
  private async *scanPages(pattern: string): AsyncGenerator<{ node: Redis; keys: string[] }> {
    for (const node of masters(this.client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (keys.length > 0) yield { node, keys };
      } while (cursor !== '0');
    }
  }

  /** The decodable variant metadata of one entry hash (bodies are not read). */
  private async readMetas(node: RedisClient, redisKey: string): Promise<StoredMeta[]> {
    const fields = (await node.hkeys(redisKey)).filter((f) => RedisKeys.variantOfMetaField(f) !== undefined);
    if (fields.length === 0) return [];
    const texts = await node.hmget(redisKey, ...fields);
    return texts.flatMap((text) => {
      const meta = text === null ? undefined : decodeMeta(text);
      return meta === undefined ? [] : [meta];
    });
  }

  /** Every URL the tag set names whose stored variants still carry the tag. */
  purgeTag(tag: string): Promise<number> {
    return this.availability.must('purge by tag', async () => {
      const tagKey = this.keys.tag(tag);
      const members = await this.client.smembers(tagKey);
      let purged = 0;
      for (const key of members) {
        const redisKey = this.keys.entry(key);
        const metas = await this.readMetas(this.client, redisKey);
        if (metas.some((meta) => meta.tags.includes(tag))) purged += await this.client.unlink(redisKey);
      }
      await this.client.unlink(tagKey);
      return purged;
    });
  }

  /** UNLINK one key at a time: keys of one SCAN page may live in different slots of a node. */
  private async unlinkEach(node: Redis, keys: string[]): Promise<number> {
    const counts = await Promise.all(keys.map((k) => node.unlink(k)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * A page of entries in SCAN order (Redis has no recency order to offer), filtered by URL.
   * The cursor is `<master index>:<SCAN cursor>`.
   */
  list(options: ListOptions): Promise<ListPage> {
    return this.availability.must('list', async () => {
      const nodes = masters(this.client);
      let [nodeIndex, cursor] = parseCursor(options.cursor);
      const filter = options.filter?.toLowerCase() ?? '';
      const entries: ListedEntry[] = [];
      while (nodeIndex < nodes.length && entries.length < options.limit) {
        const node = nodes[nodeIndex]!;
        const [next, keys] = await node.scan(cursor, 'MATCH', this.keys.entryPattern, 'COUNT', SCAN_COUNT);
        const listed = await Promise.all(keys.map((k) => this.listed(node, k)));
        for (const item of listed) {
          if (item && (filter === '' || item.variants[0]!.url.toLowerCase().includes(filter))) entries.push(item);
        }
        if (next === '0') {
          nodeIndex++;
          cursor = '0';
        } else {
          cursor = next;
        }
      }
      // A SCAN page can overshoot the limit: keep every entry found rather than lose the rest.
      const done = nodeIndex >= nodes.length;
      return { entries, nextCursor: done ? undefined : `${nodeIndex}:${cursor}` };
    });
  }

  private async listed(node: Redis, redisKey: string): Promise<ListedEntry | undefined> {
    const now = this.clock();
    const variants = (await this.readMetas(node, redisKey)).filter((meta) => meta.expiresAt > now).map(toListedMeta);
    if (variants.length === 0) return undefined;
    return { key: this.keys.primaryKeyOf(redisKey), variants };
  }

  purgePrefix(prefix: string): Promise<number> {
    return this.availability.must('purge', async () => {
      let purged = 0;
      for await (const { node, keys } of this.scanPages(this.keys.entryPattern)) {
        const urls = await Promise.all(keys.map((k) => node.hget(k, 'u')));
        const doomed = keys.filter((_k, i) => urls[i]?.startsWith(prefix));
        if (doomed.length > 0) purged += await this.unlinkEach(node, doomed);
      }
      return purged;
    });
  }

  /**
   * From INFO on every master: keys in the database (Redis counts all of them; give the cache a
   * database of its own), memory used and its maxmemory bound, and Redis's own evictions.
   */
  usage(): Promise<StoreUsage> {
    return this.availability.must('usage', async () => {
      const usage: StoreUsage = { entries: 0, sizeBytes: 0, maxEntries: 0, maxBytes: 0, evictions: 0 };
      for (const node of masters(this.client)) {
        const info = parseInfo(await node.info());
        const db = `db${node.options.db ?? 0}`;
        usage.entries += Number(/keys=(\d+)/.exec(info[db] ?? '')?.[1] ?? 0);
        usage.sizeBytes += Number(info.used_memory ?? 0);
        usage.maxBytes += Number(info.maxmemory ?? 0);
        usage.evictions += Number(info.evicted_keys ?? 0);
      }
      return usage;
    });
  }

  check(): Promise<{ ok: boolean; detail?: string }> {
    const reason = this.availability.reason;
    return Promise.resolve(reason === undefined ? { ok: true } : { ok: false, detail: reason });
  }
}

function parseCursor(cursor: string | undefined): [number, string] {
  const match = cursor === undefined ? null : /^(\d+):(\d+)$/.exec(cursor);
  return match ? [Number(match[1]), match[2]!] : [0, '0'];
}

function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}
