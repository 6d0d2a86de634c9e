import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../src/bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most its capacity, dropping the oldest write first', () => {
    const evicted: [string, number][] = [];
    const map = new BoundedMap<string, number>(2, (key, value) => evicted.push([key, value]));
    map.set('a', 1).set('b', 2).set('c', 3);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBe(2);
    expect(map.get('c')).toBe(3);
    expect(evicted).toEqual([['a', 1]]);
  });

  it('treats an overwrite as the newest write, without evicting anything', () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>(2, (key) => evicted.push(key));
    map.set('a', 1).set('b', 2).set('a', 10);
    expect(evicted).toEqual([]);
    map.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(map.get('a')).toBe(10);
  });

  it('does not reorder on get', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.has('a')).toBe(false);
    expect(map.has('b')).toBe(true);
  });

  it('deletes and clears without calling onEvict', () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>(3, (key) => evicted.push(key));
    map.set('a', 1).set('b', 2);
    expect(map.delete('a')).toBe(true);
    map.clear();
    expect(map.size).toBe(0);
    expect(evicted).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a capacity of %d', (capacity) => {
    expect(() => new BoundedMap(capacity)).toThrow(RangeError);
  });
});
