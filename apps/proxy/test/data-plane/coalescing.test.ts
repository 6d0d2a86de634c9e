import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODES, startCacheUnderTest, type CacheUnderTest } from '../helpers/cache-under-test.js';

/** A gate the origin waits on, so the test decides when the leader's response is sent. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe.each(MODES)('request coalescing — %s', (mode) => {
  let cache: CacheUnderTest;

  afterEach(async () => {
    await cache.close();
  });

  async function waitForWaiters(count: number) {
    await vi.waitFor(() => expect(cache.proxy.server.stats.counters.coalesced).toBe(count), { timeout: 10_000, interval: 5 });
  }

  it('sends exactly one origin request for 1,000 concurrent identical misses', async () => {
    const release = gate();
    cache = await startCacheUnderTest(mode, async (_req, res) => {
      await release.opened;
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'text/plain' });
      res.end('the one response');
    });
    const responses = Array.from({ length: 1000 }, () => cache.fetch('/hot'));
    await waitForWaiters(999);
    release.open();
    const settled = await Promise.all(responses);
    expect(cache.originHits('/hot')).toBe(1);
    expect(settled.every((r) => r.status === 200 && r.text === 'the one response')).toBe(true);
    const outcomes = settled.map((r) => String(r.headers['x-cache']));
    expect(outcomes.filter((o) => o === 'MISS')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'HIT')).toHaveLength(999);
    expect(settled.find((r) => r.headers['x-cache'] === 'HIT')?.headers['cache-status']).toContain('detail=coalesced');
  });

  it('lets waiters go to the origin themselves when the response is not storable', async () => {
    const release = gate();
    cache = await startCacheUnderTest(mode, async (_req, res, _body, count) => {
      if (count === 1) await release.opened;
      res.writeHead(200, { 'cache-control': 'private' });
      res.end(`private ${count}`);
    });
    const responses = Array.from({ length: 10 }, () => cache.fetch('/private'));
    await waitForWaiters(9);
    release.open();
    const settled = await Promise.all(responses);
    expect(settled.every((r) => r.status === 200 && r.headers['x-cache'] === 'MISS')).toBe(true);
    expect(cache.originHits('/private')).toBe(10);
  });

  it('does not hang or poison waiters when the leader fails', async () => {
    const release = gate();
    cache = await startCacheUnderTest(mode, async (_req, res, _body, count) => {
      if (count === 1) {
        await release.opened;
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end('after the failure');
    });
    const responses = Array.from({ length: 20 }, () => cache.fetch('/flaky'));
    await waitForWaiters(19);
    release.open();
    const settled = await Promise.all(responses);
    const statuses = settled.map((r) => r.status);
    expect(statuses.filter((s) => s === 502)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    // Waiters went to the origin themselves; the first of them may have led the others.
    expect(cache.originHits('/flaky')).toBeGreaterThanOrEqual(2);
    expect(cache.originHits('/flaky')).toBeLessThanOrEqual(20);
  });

  it('sends waiters whose Vary values differ from the stored response to the origin', async () => {
    const release = gate();
    cache = await startCacheUnderTest(mode, async (req, res, _body, count) => {
      if (count === 1) await release.opened;
      res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' });
      res.end(`for ${String(req.headers['accept-language'])}`);
    });
    const french = cache.fetch('/v', { headers: { 'accept-language': 'fr' } });
    await vi.waitFor(() => expect(cache.originHits('/v')).toBe(1));
    const german = cache.fetch('/v', { headers: { 'accept-language': 'de' } });
    await waitForWaiters(1);
    release.open();
    expect((await french).text).toBe('for fr');
    const de = await german;
    expect(de.text).toBe('for de');
    expect(de.headers['x-cache']).toBe('MISS');
    expect(cache.originHits('/v')).toBe(2);
  });

  it('does not coalesce requests that ask for validation (no-cache)', async () => {
    const release = gate();
    cache = await startCacheUnderTest(mode, async (_req, res, _body, count) => {
      if (count === 1) await release.opened;
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      res.end(`n${count}`);
    });
    const first = cache.fetch('/nc');
    await vi.waitFor(() => expect(cache.originHits('/nc')).toBe(1));
    const forced = await cache.fetch('/nc', { headers: { 'cache-control': 'no-cache' } });
    expect(forced.text).toBe('n2');
    release.open();
    await first;
    expect(cache.proxy.server.stats.counters.coalesced).toBe(0);
  });
});
