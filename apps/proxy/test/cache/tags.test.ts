import { describe, expect, it } from 'vitest';
import { responseTags } from '../../src/cache/tags.js';

describe('responseTags', () => {
  it('reads Surrogate-Key and Cache-Tag, then the extra (rule) tags, without duplicates', () => {
    expect(responseTags({ 'surrogate-key': 'a b', 'cache-tag': 'b, c' }, ['c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps at most 64 tags in all, a rule’s included', () => {
    const many = Array.from({ length: 64 }, (_, i) => `t${i}`).join(' ');
    const tags = responseTags({ 'surrogate-key': many }, ['from-rule']);
    expect(tags).toHaveLength(64);
    expect(tags).not.toContain('from-rule');
  });
});
