import { entryKeyFor } from '../cache/cache-key.js';
import type { Logger } from '../logger.js';
import type { Stats } from '../stats/stats.js';
import type { CacheStore, MaybePromise, StoredResponse } from '../storage/types.js';

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/**
 * The data plane's view of storage: a storage failure is logged and reads as a miss, a failed
 * write as "not stored" — never an error for the client (a cache that is down is a proxy).
 * Synchronous stores (memory) stay synchronous, so a hit needs no microtask.
 */
export class GuardedStore {
  constructor(
    private readonly store: CacheStore,
    private readonly stats: Stats,
    private readonly logger: Logger,
  ) {}

  /** The stored variants of a primary key (undefined: none, or storage failed). */
  getVariants(key: string): MaybePromise<readonly StoredResponse[] | undefined> {
    let found: MaybePromise<readonly StoredResponse[] | undefined>;
    try {
      found = this.store.getVariants(key);
    } catch (error) {
      this.failed('get', error);
      return undefined;
    }
    if (!isPromise(found)) return found;
    return found.catch((error: unknown) => {
      this.failed('get', error);
      return undefined;
    });
  }

  /** Stores a variant; counted (and `onStored` called) when the store accepted it. Never throws. */
  put(entry: StoredResponse, onStored?: () => void): void | Promise<void> {
    try {
      const stored = this.store.put(entry);
      if (!isPromise(stored)) {
        if (stored) {
          this.stats.recordStore();
          onStored?.();
        }
        return;
      }
      return stored.then(
        (ok) => {
          if (!ok) return;
          this.stats.recordStore();
          onStored?.();
        },
        (error: unknown) => this.failed('put', error),
      );
    } catch (error) {
      this.failed('put', error);
    }
  }

  /** Removes every stored variant of a URL (RFC 9111 §4.4). Never throws. */
  invalidate(url: URL): void | Promise<void> {
    try {
      const deleted = this.store.delete(entryKeyFor(url));
      if (!isPromise(deleted)) {
        if (deleted) this.stats.recordInvalidation();
        return;
      }
      return deleted.then(
        (ok) => {
          if (ok) this.stats.recordInvalidation();
        },
        (error: unknown) => this.failed('delete', error),
      );
    } catch (error) {
      this.failed('delete', error);
    }
  }

  private failed(operation: string, error: unknown): void {
    this.logger.warn({ err: error, operation }, 'cache storage operation failed; treated as a miss');
  }
}
