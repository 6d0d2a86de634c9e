import type { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import {
  type CacheAdmin,
  type CacheStore,
  type ListOptions,
  type ListPage,
  type ListedEntry,
  type RemovedCount,
  type StoreUsage,
  type StoredResponse,
} from '../types.js';
import { FENCE_WINDOW_MS, MAX_SCOPED_FENCES, scopeApplies, scopeField, type FencedScope } from '../invalidation-fence.js';
import type { RedisAvailability } from './availability.js';
import { defineFencedCommands } from './fenced-scripts.js';
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
  /** How long invalidations fence off fills in flight, in ms (see fenceWindowFor). */
  fenceWindowMs?: number;
  /** Purge fences (by prefix and tag) kept in the fences hash before they become one of everything. */
  maxScopedFences?: number;
}

const SCAN_COUNT = 200;
/** Tagged URLs read and removed at once by a purge by tag. */
const TAG_PURGE_BATCH = 200;


/**
 * How long a count of this prefix's entries is reused: counting walks every key with SCAN, so a
 * dashboard polling every 2 s and a Prometheus scrape share one walk. Admin removals made through
 * this process recount at once.
 */
const ENTRY_COUNT_MAX_AGE_MS = 2_000;

/** Stored responses in an entry hash of `fieldCount` fields: `u`, perhaps the fence `f`, and `m:`/`b:` per variant. */
function variantsInHash(fieldCount: number): number {
  return Math.max(0, Math.floor((fieldCount - 1) / 2));
}

interface EntryCount {
  urls: number;
  responses: number;
  countedAt: number;
}

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
  private readonly fenceWindowMs: number;
  private readonly maxScopedFences: number;
  private entryCount: EntryCount | undefined;
  private counting: Promise<EntryCount> | undefined;
  /** Bumped by every removal, so that a walk that overlapped one is not reused. */
  private removals = 0;
  /** Lookups in flight by primary key (see getVariants). */
  private readonly reading = new Map<string, Promise<readonly StoredResponse[] | undefined>>();

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.keys = options.keys;
    this.availability = options.availability;
    this.clock = options.clock;
    this.maxVariantsPerKey = options.maxVariantsPerKey ?? 32;
    this.fenceWindowMs = options.fenceWindowMs ?? FENCE_WINDOW_MS;
    this.maxScopedFences = options.maxScopedFences ?? MAX_SCOPED_FENCES;
    defineFencedCommands(this.client);
  }

  /**
   * The stored variants of a URL. Concurrent lookups of one URL share one HGETALL: without L1 a
   * hot 1 MiB entry would otherwise be read, parsed and queued once per waiting request (on one
   * connection, long enough to pass REDIS_COMMAND_TIMEOUT_MS and degrade to misses). Sharing a
   * read in flight returns what the first lookup would have seen a moment earlier — the same
   * primary key, so no client receives anything another could not (Vary is matched after). A
   * removal through this store forgets the reads in flight, so no lookup that starts after it
   * joins a read that began before it.
   */
  getVariants(key: string): Promise<readonly StoredResponse[] | undefined> {
    const inFlight = this.reading.get(key);
    if (inFlight !== undefined) return inFlight;
    const read: Promise<readonly StoredResponse[] | undefined> = this.availability
      .run('get', () => this.readVariants(key), undefined)
      .finally(() => {
        if (this.reading.get(key) === read) this.reading.delete(key);
      });
    this.reading.set(key, read);
    return read;
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
    this.reading.delete(entry.key);
    return this.availability.run(
      'put',
      async () => {
        const ttlMs = Math.ceil(entry.expiresAt - this.clock());
        if (ttlMs <= 0) return false;
        const redisKey = this.keys.entry(entry.key);
        // A fill that began before an invalidation it would survive is refused: purges and clears
        // are checked before the write and again after it (they are recorded before they delete);
        // the URL's own fence is checked atomically with the write (FENCED_PUT).
        if (await this.fencedByPurge(entry)) return false;
        const written = await this.client.fencedPut(
          redisKey,
          String(entry.requestTime),
          String(ttlMs),
          entry.url,
          RedisKeys.metaField(entry.variantKey),
          encodeMeta(entry),
          RedisKeys.bodyField(entry.variantKey),
          entry.body,
        );
        if (written !== 1) return false;
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
        if (await this.fencedByPurge(entry)) {
          await this.client.hdel(redisKey, RedisKeys.metaField(entry.variantKey), RedisKeys.bodyField(entry.variantKey));
          return false;
        }
        return true;
      },
      false,
    );
  }

  /** Whether a purge or clear recorded in Redis (by any replica) after the entry's fill began applies to it. */
  private async fencedByPurge(entry: StoredResponse): Promise<boolean> {
    const scoped = await this.client.hgetall(this.keys.fences);
    return Object.entries(scoped).some(([field, atMs]) => Number(atMs) > entry.requestTime && scopeApplies(field, entry));
  }

  /**
   * Records an invalidation before it deletes anything, so that fills in flight on any replica
   * are not stored after it (InvalidationFence). One script (RECORD_FENCE) prunes the records
   * older than the window and bounds the purge records, so the hash every fill reads stays small.
   */
  private async fence(scope: Exclude<FencedScope, { op: 'key' }>): Promise<void> {
    await this.client.recordFence(
      this.keys.fences,
      scopeField(scope),
      String(this.clock()),
      String(this.fenceWindowMs),
      String(this.maxScopedFences),
    );
  }

  delete(key: string): Promise<boolean> {
    this.forgetEntryCount();
    this.reading.delete(key);
    return this.availability.run(
      'delete',
      async () => {
        // The entry is replaced by its fence alone, atomically, for the fence window.
        const had = await this.client.fencedDelete(this.keys.entry(key), String(this.clock()), String(this.fenceWindowMs));
        this.reading.delete(key);
        return had === 1;
      },
      false,
    );
  }

  info(key: string): Promise<readonly StoredResponse[] | undefined> {
    return this.availability.must('info', () => this.readVariants(key));
  }

  /** Removes only this cache's entries and tag sets (our prefix), on every master, with UNLINK — never FLUSHDB. */
  clear(): Promise<RemovedCount> {
    this.forgetEntryCount();
    this.forgetReads();
    return this.availability.must('clear', async () => {
      await this.fence({ op: 'all' });
      const removed: RemovedCount = { urls: 0, responses: 0 };
      for await (const { node, keys } of this.scanPages(this.keys.entryPattern)) addRemoved(removed, await this.unlinkEntries(node, keys));
      for await (const { node, keys } of this.scanPages(this.keys.tagPattern)) await this.unlinkEach(node, keys);
      this.forgetReads();
      return removed;
    });
  }

  /** UNLINKs entry hashes, counting the URLs removed and the variants they held. */
  private async unlinkEntries(node: Redis, keys: string[]): Promise<RemovedCount> {
    const counts = await Promise.all(
      keys.map(async (k) => {
        const fields = await node.hlen(k);
        const unlinked = await node.unlink(k);
        const responses = unlinked > 0 ? variantsInHash(fields) : 0;
        return { urls: responses > 0 ? 1 : 0, responses };
      }),
    );
    return counts.reduce(addRemoved, { urls: 0, responses: 0 });
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
  purgeTag(tag: string): Promise<RemovedCount> {
    this.forgetEntryCount();
    this.forgetReads();
    return this.availability.must('purge by tag', async () => {
      await this.fence({ op: 'tag', tag });
      const tagKey = this.keys.tag(tag);
      const members = await this.client.smembers(tagKey);
      const purged: RemovedCount = { urls: 0, responses: 0 };
      // In batches, not one URL at a time: a tag's URLs may live on every node of a Cluster.
      for (let i = 0; i < members.length; i += TAG_PURGE_BATCH) {
        const removed = await Promise.all(
          members.slice(i, i + TAG_PURGE_BATCH).map(async (key): Promise<RemovedCount> => {
            const redisKey = this.keys.entry(key);
            const metas = await this.readMetas(this.client, redisKey);
            if (!metas.some((meta) => meta.tags.includes(tag)) || (await this.client.unlink(redisKey)) === 0) return { urls: 0, responses: 0 };
            return { urls: 1, responses: metas.length };
          }),
        );
        removed.reduce(addRemoved, purged);
      }
      await this.client.unlink(tagKey);
      this.forgetReads();
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
      // Without a filter the total is the (shared, recent) count of our URLs; with one it would need a full walk.
      const total = filter === '' ? (await this.countEntries()).urls : undefined;
      return { entries, nextCursor: done ? undefined : `${nodeIndex}:${cursor}`, total };
    });
  }

  private async listed(node: Redis, redisKey: string): Promise<ListedEntry | undefined> {
    const now = this.clock();
    const variants = (await this.readMetas(node, redisKey)).filter((meta) => meta.expiresAt > now).map(toListedMeta);
    if (variants.length === 0) return undefined;
    return { key: this.keys.primaryKeyOf(redisKey), variants };
  }

  purgePrefix(prefix: string): Promise<RemovedCount> {
    this.forgetEntryCount();
    this.forgetReads();
    return this.availability.must('purge', async () => {
      await this.fence({ op: 'prefix', prefix });
      const purged: RemovedCount = { urls: 0, responses: 0 };
      for (const node of masters(this.client)) {
        defineFencedCommands(node);
        let cursor = '0';
        do {
          // The URLs are compared in Redis (PREFIX_PAGE): one round trip per SCAN page.
          const [next, doomed] = await node.prefixPage(cursor, this.keys.entryPattern, String(SCAN_COUNT), prefix);
          cursor = next;
          if (doomed.length > 0) addRemoved(purged, await this.unlinkEntries(node, doomed));
        } while (cursor !== '0');
      }
      this.forgetReads();
      return purged;
    });
  }

  /**
   * This deployment's entries (keys under REDIS_KEY_PREFIX only, counted with SCAN — other keys of
   * the database are not ours), and from INFO on every master: memory used, its `maxmemory` bound
   * (0: no limit) and Redis's own evictions. Redis has no entry-count bound: `maxEntries` is 0.
   */
  usage(): Promise<StoreUsage> {
    return this.availability.must('usage', async () => {
      const count = await this.countEntries();
      const usage: StoreUsage = { entries: count.responses, urls: count.urls, sizeBytes: 0, maxEntries: 0, maxBytes: 0, evictions: 0 };
      for (const node of masters(this.client)) {
        const info = parseInfo(await node.info());
        usage.sizeBytes += Number(info.used_memory ?? 0);
        usage.maxBytes += Number(info.maxmemory ?? 0);
        usage.evictions += Number(info.evicted_keys ?? 0);
      }
      return usage;
    });
  }

  private forgetEntryCount(): void {
    this.entryCount = undefined;
    this.removals++;
  }

  /**
   * Lookups that start after a removal must not join a read that began before it: called when a
   * clear or purge starts and again when it has removed everything, and by the L1 tier for the
   * invalidations other replicas publish (`key`: one URL; none: every URL).
   */
  forgetReads(key?: string): void {
    if (key === undefined) this.reading.clear();
    else this.reading.delete(key);
  }

  /** URLs and stored responses under our prefix; one SCAN walk shared by concurrent callers. */
  private countEntries(): Promise<EntryCount> {
    const cached = this.entryCount;
    if (cached && this.clock() - cached.countedAt < ENTRY_COUNT_MAX_AGE_MS) return Promise.resolve(cached);
    this.counting ??= (async () => {
      const removals = this.removals;
      const count: EntryCount = { urls: 0, responses: 0, countedAt: this.clock() };
      for await (const { node, keys } of this.scanPages(this.keys.entryPattern)) {
        const lengths = await Promise.all(keys.map((k) => node.hlen(k)));
        for (const fields of lengths) {
          // A hash holding only an invalidation fence is no URL.
          const variants = variantsInHash(fields);
          if (variants === 0) continue;
          count.urls++;
          count.responses += variants;
        }
      }
      if (removals === this.removals) this.entryCount = count;
      return count;
    })().finally(() => {
      this.counting = undefined;
    });
    return this.counting;
  }

  check(): Promise<{ ok: boolean; detail?: string }> {
    const reason = this.availability.reason;
    return Promise.resolve(reason === undefined ? { ok: true } : { ok: false, detail: reason });
  }
}

/** Adds `more` to `total` (in place) and returns it. */
function addRemoved(total: RemovedCount, more: RemovedCount): RemovedCount {
  total.urls += more.urls;
  total.responses += more.responses;
  return total;
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
