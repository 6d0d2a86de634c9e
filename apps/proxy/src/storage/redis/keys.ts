/**
 * The Redis key layout, in one place. Every key starts with REDIS_KEY_PREFIX. One URL (primary
 * cache key) is one Redis hash holding all its Vary variants, so every operation on a URL touches
 * a single key — never a cross-slot command in a Cluster:
 *
 *   <prefix>e:<primary key>   hash: `u` → URL, `m:<variant>` → metadata JSON, `b:<variant>` → body,
 *                             `f` → time (ms) of the URL's last invalidation (its fence, see InvalidationFence)
 *   <prefix>stats             hash of shared counters (every replica adds to it)
 *   <prefix>stats:r:<id>      hash of one replica's counters (expires when the replica is gone)
 *   <prefix>stats:replicas    set of replica ids
 *   <prefix>t:<tag>           set of the primary keys whose responses carry a purge tag
 *   <prefix>fences            hash of the last purges by prefix (`p:`), tag (`t:`) and clear (`all`) → time (ms)
 *   <prefix>invalidate        pub/sub channel of L1 invalidations
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  entry(primaryKey: string): string {
    return `${this.prefix}e:${primaryKey}`;
  }

  /** SCAN pattern of every entry key (glob characters are refused in the prefix by the config). */
  get entryPattern(): string {
    return `${this.prefix}e:*`;
  }

  primaryKeyOf(redisKey: string): string {
    return redisKey.slice(this.prefix.length + 2);
  }

  /** Tags are percent-encoded so that no tag can look like a glob or another key. */
  tag(tag: string): string {
    return `${this.prefix}t:${encodeURIComponent(tag)}`;
  }

  /** The invalidation fences of purges and clears. */
  get fences(): string {
    return `${this.prefix}fences`;
  }

  get tagPattern(): string {
    return `${this.prefix}t:*`;
  }

  get stats(): string {
    return `${this.prefix}stats`;
  }

  replicaStats(replicaId: string): string {
    return `${this.prefix}stats:r:${replicaId}`;
  }

  get replicas(): string {
    return `${this.prefix}stats:replicas`;
  }

  get invalidationChannel(): string {
    return `${this.prefix}invalidate`;
  }

  static metaField(variantKey: string): string {
    return `m:${variantKey}`;
  }

  /** The variant key of a metadata field, undefined for any other field of the hash. */
  static variantOfMetaField(field: string): string | undefined {
    return field.startsWith('m:') ? field.slice(2) : undefined;
  }

  /** The field of an entry hash holding the time of the URL's last invalidation. */
  static readonly fenceField = 'f';

  static bodyField(variantKey: string): string {
    return `b:${variantKey}`;
  }
}
