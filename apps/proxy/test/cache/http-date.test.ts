import { describe, expect, it } from 'vitest';
import { parseHttpDate } from '../../src/cache/http-date.js';

const EXPECTED = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  it('parses IMF-fixdate', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(EXPECTED);
  });

  it('parses the obsolete RFC 850 form', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(EXPECTED);
  });

  it('parses the obsolete asctime form as UTC', () => {
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(EXPECTED);
  });

  it.each(['0', '-1', '', 'yesterday', '2026-01-01T00:00:00Z', 'Sun, 31 Feb 2026 00:00:00 GMT', 'Sun, 06 Nov 1994 25:00:00 GMT'])(
    'rejects %j',
    (value) => {
      expect(parseHttpDate(value)).toBeUndefined();
    },
  );
});
