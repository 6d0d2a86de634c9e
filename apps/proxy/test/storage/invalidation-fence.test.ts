import { describe, expect, it } from 'vitest';
import { InvalidationFence, fenceWindowFor, type FenceSubject } from '../../src/storage/invalidation-fence.js';

const T0 = Date.UTC(2026, 0, 1);

function fill(overrides: Partial<FenceSubject> = {}): FenceSubject {
  return { key: 'k1', url: 'http://a.example/p/1', tags: ['t1'], requestTime: T0, ...overrides };
}

describe('InvalidationFence (RFC 9111 §4.4 for fills in flight)', () => {
  it('refuses a fill that began before an invalidation of its key, a prefix of its URL, one of its tags, or everything', () => {
    for (const scope of [{ op: 'key', key: 'k1' }, { op: 'prefix', prefix: 'http://a.example/p/' }, { op: 'tag', tag: 't1' }, { op: 'all' }] as const) {
      const fence = new InvalidationFence();
      fence.record(scope, T0 + 1);
      expect(fence.covers(fill()), scope.op).toBe(true);
      // A fill that began after it is not fenced off.
      expect(fence.covers(fill({ requestTime: T0 + 2 })), scope.op).toBe(false);
    }
  });

  it('does not fence other keys, prefixes or tags, nor a fill that began in the same millisecond', () => {
    const fence = new InvalidationFence();
    fence.record({ op: 'key', key: 'k2' }, T0 + 1);
    fence.record({ op: 'prefix', prefix: 'http://a.example/q/' }, T0 + 1);
    fence.record({ op: 'tag', tag: 't2' }, T0 + 1);
    fence.record({ op: 'key', key: 'k1' }, T0);
    expect(fence.covers(fill())).toBe(false);
  });

  it('forgets invalidations older than its window', () => {
    const fence = new InvalidationFence(1_000);
    fence.record({ op: 'key', key: 'k1' }, T0 + 1);
    // Another record 2 s later prunes the first one.
    fence.record({ op: 'key', key: 'k9' }, T0 + 2_001);
    expect(fence.covers(fill())).toBe(false);
  });

  it('bounds its memory: past its limit it forgets the oldest key fence and refuses every fill that began before it', () => {
    const fence = new InvalidationFence(60_000, 3);
    fence.record({ op: 'key', key: 'k1' }, T0 + 10);
    for (let i = 0; i < 3; i++) fence.record({ op: 'key', key: `other-${i}` }, T0 + 20 + i);
    // k1's record is gone, but a fill of it that began before k1's invalidation is still refused …
    expect(fence.covers(fill({ requestTime: T0 + 5 }))).toBe(true);
    // … while fills that began after the forgotten invalidation are judged by the remembered ones only.
    expect(fence.covers(fill({ requestTime: T0 + 15 }))).toBe(false);
    expect(fence.covers(fill({ key: 'other-2', requestTime: T0 + 15 }))).toBe(true);
  });

  it('keeps 100,000 key fences by default before over-fencing', () => {
    const fence = new InvalidationFence();
    for (let i = 0; i < 100_000; i++) fence.record({ op: 'key', key: `other-${i}` }, T0 + 1 + i);
    expect(fence.covers(fill())).toBe(false);
    fence.record({ op: 'key', key: 'one-more' }, T0 + 200_000);
    expect(fence.covers(fill())).toBe(true);
    expect(fence.covers(fill({ requestTime: T0 + 2 }))).toBe(false);
  });

  it('bounds its purge fences: past the limit one fence of everything replaces them, so fills that began before any of them are still refused', () => {
    const fence = new InvalidationFence(60_000, 100_000, 3);
    fence.record({ op: 'prefix', prefix: 'http://a.example/p/' }, T0 + 10);
    for (let i = 0; i < 3; i++) fence.record({ op: 'prefix', prefix: `http://origin-${i}.example/` }, T0 + 20 + i);
    // Over-fencing: a fill of another URL that began before the newest purge is refused too …
    expect(fence.covers(fill({ url: 'http://unrelated.example/', tags: [], requestTime: T0 + 21 }))).toBe(true);
    // … and the first purge's URL stays fenced for fills older than it.
    expect(fence.covers(fill({ requestTime: T0 + 5 }))).toBe(true);
    // Fills that began after the newest purge are stored.
    expect(fence.covers(fill({ requestTime: T0 + 23 }))).toBe(false);
  });

  it('keeps 1,000 purge fences by default before over-fencing', () => {
    const fence = new InvalidationFence();
    for (let i = 0; i < 1_000; i++) fence.record({ op: 'tag', tag: `tag-${i}` }, T0 + 1 + i);
    expect(fence.covers(fill({ tags: [] }))).toBe(false);
    fence.record({ op: 'tag', tag: 'one-more' }, T0 + 2_000);
    expect(fence.covers(fill({ tags: [] }))).toBe(true);
    expect(fence.covers(fill({ tags: [], requestTime: T0 + 2_000 }))).toBe(false);
  });

  it('covers the longest fill the deadline allows, plus a minute to store it', () => {
    expect(fenceWindowFor(300_000)).toBe(360_000);
  });
});
