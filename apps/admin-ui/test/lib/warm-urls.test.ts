import { describe, expect, it } from 'vitest';
import { parseUrlList } from '../../src/lib/warm-urls';

describe('parseUrlList', () => {
  it('takes one URL per line, skipping blank lines and # comments', () => {
    expect(parseUrlList('https://a.example/\n\n  # a comment\r\n  https://b.example/x  \n')).toEqual([
      'https://a.example/',
      'https://b.example/x',
    ]);
    expect(parseUrlList('   \n#only\n')).toEqual([]);
  });
});
