import { describe, expect, it } from 'vitest';
import type { CacheAdmin, CacheStore } from '../../src/storage/types.js';
import { manualClock, type ManualClock } from '../helpers/clock.js';
import { storedResponse } from '../helpers/entries.js';

export interface StoreUnderTest {
  store: CacheStore & CacheAdmin;
  clock: ManualClock;
  close(): Promise<void>;
}

/** Every byte value, to prove bodies are stored binary-safe. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_v, i) => i));

/**
 * The storage contract both backends implement (and the tiered Redis store with its L1): the
 * data plane and the control plane rely on exactly this, whatever the backend.
 */
export function describeStoreContract(name: string, create: (clock: ManualClock) => Promise<StoreUnderTest>): void {
  describe(`storage contract: ${name}`, () => {
    async function withStore(test: (subject: StoreUnderTest) => Promise<void>) {
      const subject = await create(manualClock());
      try {
        await test(subject);
      } finally {
        await subject.close();
      }
    }

    it('returns what was put, body byte for byte', () =>
      withStore(async ({ store, clock }) => {
        const entry = storedResponse({ url: '/binary', body: ALL_BYTES, now: clock.now() });
        expect(await store.put(entry)).toBe(true);
        const variants = await store.getVariants(entry.key);
        expect(variants).toHaveLength(1);
        expect(variants![0]!.body.equals(ALL_BYTES)).toBe(true);
        expect({ ...variants![0]!, hits: 0 }).toEqual({ ...entry, hits: 0 });
      }));

    it('answers undefined for a key never stored', () =>
      withStore(async ({ store }) => {
        expect(await store.getVariants('0'.repeat(64))).toBeUndefined();
        expect(await store.info('0'.repeat(64))).toBeUndefined();
      }));

    it('keeps one variant per Vary selection and replaces it on a new put', () =>
      withStore(async ({ store, clock }) => {
        const fr = storedResponse({ url: '/v', vary: { 'accept-language': 'fr' }, body: Buffer.from('fr 1'), now: clock.now() });
        const de = storedResponse({ url: '/v', vary: { 'accept-language': 'de' }, body: Buffer.from('de'), now: clock.now() });
        const fr2 = storedResponse({ url: '/v', vary: { 'accept-language': 'fr' }, body: Buffer.from('fr 2'), now: clock.now() });
        await store.put(fr);
        await store.put(de);
        await store.put(fr2);
        const bodies = (await store.getVariants(fr.key))!.map((v) => v.body.toString()).sort();
        expect(bodies).toEqual(['de', 'fr 2']);
      }));

    it('deletes every variant of a key', () =>
      withStore(async ({ store, clock }) => {
        const a = storedResponse({ url: '/d', vary: { accept: 'a' }, now: clock.now() });
        const b = storedResponse({ url: '/d', vary: { accept: 'b' }, now: clock.now() });
        await store.put(a);
        await store.put(b);
        expect(await store.delete(a.key)).toBe(true);
        expect(await store.getVariants(a.key)).toBeUndefined();
        expect(await store.delete(a.key)).toBe(false);
      }));

    it('stops returning an entry once its expiresAt has passed on the injected clock', () =>
      withStore(async ({ store, clock }) => {
        const entry = storedResponse({ url: '/ttl', now: clock.now(), lifetimeSec: 10 });
        await store.put(entry);
        clock.advance(9_999);
        expect(await store.getVariants(entry.key)).toHaveLength(1);
        clock.advance(1);
        expect(await store.getVariants(entry.key)).toBeUndefined();
      }));

    it('refuses an entry that has already expired', () =>
      withStore(async ({ store, clock }) => {
        const entry = storedResponse({ url: '/late', now: clock.now() - 100_000, lifetimeSec: 10 });
        expect(await store.put(entry)).toBe(false);
      }));

    it('shows every variant through info', () =>
      withStore(async ({ store, clock }) => {
        const a = storedResponse({ url: '/i', vary: { accept: 'a' }, now: clock.now() });
        const b = storedResponse({ url: '/i', vary: { accept: 'b' }, now: clock.now() });
        await store.put(a);
        await store.put(b);
        expect((await store.info(a.key))!.map((v) => v.variantKey).sort()).toEqual([a.variantKey, b.variantKey].sort());
      }));

    it('lists every URL in pages, and filters by URL', () =>
      withStore(async ({ store, clock }) => {
        const urls = Array.from({ length: 7 }, (_v, i) => `/list/${i}`);
        for (const url of urls) await store.put(storedResponse({ url, now: clock.now() }));
        await store.put(storedResponse({ url: '/other', now: clock.now() }));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list({ cursor, limit: 3, filter: '/LIST/' });
          for (const entry of page.entries) {
            expect(entry.variants[0]!.bodyBytes).toBe(10);
            seen.push(new URL(entry.variants[0]!.url).pathname);
          }
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== undefined && pages < 20);
        expect(seen.sort()).toEqual(urls.sort());
      }));

    it('purges by URL prefix and reports how many URLs it removed', () =>
      withStore(async ({ store, clock }) => {
        for (const url of ['/p/1', '/p/2', '/q/1']) await store.put(storedResponse({ url, now: clock.now() }));
        expect(await store.purgePrefix('https://example.test/p/')).toEqual({ urls: 2, responses: 2 });
        const left = await store.list({ limit: 10 });
        expect(left.entries.map((e) => e.variants[0]!.url)).toEqual(['https://example.test/q/1']);
      }));

    it('purges by tag exactly the URLs whose responses carry it', () =>
      withStore(async ({ store, clock }) => {
        await store.put(storedResponse({ url: '/t/1', tags: ['product-1', 'all'], now: clock.now() }));
        await store.put(storedResponse({ url: '/t/2', tags: ['product-2', 'all'], now: clock.now() }));
        await store.put(storedResponse({ url: '/t/3', now: clock.now() }));
        expect(await store.purgeTag('product-1')).toEqual({ urls: 1, responses: 1 });
        const left = (await store.list({ limit: 10 })).entries.map((e) => e.variants[0]!.url).sort();
        expect(left).toEqual(['https://example.test/t/2', 'https://example.test/t/3']);
        expect(await store.purgeTag('all')).toEqual({ urls: 1, responses: 1 });
        expect(await store.purgeTag('nothing')).toEqual({ urls: 0, responses: 0 });
      }));

    it('clears every entry and reports the URLs and the stored responses (variants) removed', () =>
      withStore(async ({ store, clock }) => {
        for (const url of ['/c/1', '/c/2']) await store.put(storedResponse({ url, now: clock.now() }));
        await store.put(storedResponse({ url: '/c/2', vary: { 'accept-language': 'de' }, now: clock.now() }));
        expect(await store.clear()).toEqual({ urls: 2, responses: 3 });
        expect((await store.list({ limit: 10 })).entries).toEqual([]);
      }));

    it('reports usage and health', () =>
      withStore(async ({ store }) => {
        const usage = await store.usage();
        for (const value of Object.values(usage)) expect(value).toBeGreaterThanOrEqual(0);
        expect(usage).toMatchObject({ entries: 0, urls: 0 });
        expect((await store.check()).ok).toBe(true);
      }));
  });
}
