import { describe, expect, it } from 'vitest';
import { deltaSeconds, parseCacheControl } from '../../src/cache/cache-control.js';

describe('parseCacheControl (RFC 9111 §5.2)', () => {
  it('returns an empty map when the header is absent, empty or only whitespace', () => {
    expect(parseCacheControl(undefined).size).toBe(0);
    expect(parseCacheControl('').size).toBe(0);
    expect(parseCacheControl('  \t ').size).toBe(0);
    expect(parseCacheControl([]).size).toBe(0);
  });

  it('records valueless directives as true and token arguments as strings', () => {
    const directives = parseCacheControl('public, max-age=60');
    expect(directives.get('public')).toBe(true);
    expect(directives.get('max-age')).toBe('60');
    expect(directives.size).toBe(2);
  });

  it('treats directive names case-insensitively (§5.2)', () => {
    const directives = parseCacheControl('No-Store, MAX-AGE=5, S-MaxAge=10');
    expect(directives.get('no-store')).toBe(true);
    expect(directives.get('max-age')).toBe('5');
    expect(directives.get('s-maxage')).toBe('10');
  });

  it('keeps the case of argument values', () => {
    expect(parseCacheControl('no-cache="Set-Cookie"').get('no-cache')).toBe('Set-Cookie');
  });

  it('tolerates whitespace around separators and around the equals sign', () => {
    const directives = parseCacheControl('  public ,\tmax-age = 60 ,  no-transform  ');
    expect(directives.get('public')).toBe(true);
    expect(directives.get('max-age')).toBe('60');
    expect(directives.get('no-transform')).toBe(true);
    expect([...directives.keys()]).toEqual(['public', 'max-age', 'no-transform']);
  });

  it('ignores empty list members', () => {
    const directives = parseCacheControl(',, public,,, ,max-age=1,');
    expect([...directives.keys()]).toEqual(['public', 'max-age']);
  });

  it('keeps commas inside a quoted-string argument as part of the value', () => {
    const directives = parseCacheControl('private="set-cookie, x-user", max-age=30');
    expect(directives.get('private')).toBe('set-cookie, x-user');
    expect(directives.get('max-age')).toBe('30');
    expect(directives.size).toBe(2);
  });

  it('unescapes quoted-pair sequences inside a quoted-string (RFC 9110 §5.6.4)', () => {
    const directives = parseCacheControl('ext="a\\"b\\\\c, d", public');
    expect(directives.get('ext')).toBe('a"b\\c, d');
    expect(directives.get('public')).toBe(true);
  });

  it('accepts the quoted-string form of a delta-seconds argument (§5.2)', () => {
    expect(deltaSeconds(parseCacheControl('max-age="60"'), 'max-age')).toBe(60);
  });

  it('keeps the first occurrence of a duplicated directive (§4.2.1)', () => {
    const directives = parseCacheControl('max-age=60, public, max-age=0');
    expect(directives.get('max-age')).toBe('60');
  });

  it('keeps the first occurrence even when the duplicate differs only in case', () => {
    expect(parseCacheControl('Max-Age=10, max-age=20').get('max-age')).toBe('10');
  });

  it('joins several header lines given as an array into one list', () => {
    const directives = parseCacheControl(['public', 'max-age=60', 's-maxage=120, must-revalidate']);
    expect(directives.get('public')).toBe(true);
    expect(directives.get('max-age')).toBe('60');
    expect(directives.get('s-maxage')).toBe('120');
    expect(directives.get('must-revalidate')).toBe(true);
  });

  it('applies first-wins across header lines', () => {
    expect(parseCacheControl(['max-age=5', 'max-age=500']).get('max-age')).toBe('5');
  });

  it('keeps unknown extension directives so the policy can ignore them (§5.2.3)', () => {
    const directives = parseCacheControl('community="UCI", immutable');
    expect(directives.get('community')).toBe('UCI');
    expect(directives.get('immutable')).toBe(true);
  });

  it('does not throw on an unterminated quoted-string', () => {
    expect(parseCacheControl('no-cache="set-cookie').get('no-cache')).toBe('set-cookie');
  });
});

describe('deltaSeconds (RFC 9111 §1.2.2)', () => {
  const valueOf = (header: string) => deltaSeconds(parseCacheControl(header), 'max-age');

  it('reads a non-negative integer', () => {
    expect(valueOf('max-age=0')).toBe(0);
    expect(valueOf('max-age=3600')).toBe(3600);
  });

  it('reads leading zeros as a decimal integer', () => {
    expect(valueOf('max-age=0010')).toBe(10);
  });

  it('is undefined when the directive is absent', () => {
    expect(valueOf('public')).toBeUndefined();
  });

  it('is undefined when the directive has no argument', () => {
    expect(valueOf('max-age')).toBeUndefined();
  });

  it.each(['-1', '1.5', 'abc', '1e3', '+5', '0x10', '', '5s', '"-1"'])('is undefined for the invalid value %j', (value) => {
    expect(valueOf(`max-age=${value}`)).toBeUndefined();
  });

  it('caps values beyond the largest representable integer at 2^31', () => {
    expect(valueOf('max-age=2147483648')).toBe(2 ** 31);
    expect(valueOf('max-age=2147483649')).toBe(2 ** 31);
    expect(valueOf('max-age=99999999999999999999999999999')).toBe(2 ** 31);
  });

  it('keeps values just below the cap unchanged', () => {
    expect(valueOf('max-age=2147483647')).toBe(2 ** 31 - 1);
  });

  it('reads whichever directive name it is asked for', () => {
    expect(deltaSeconds(parseCacheControl('s-maxage=42, max-age=1'), 's-maxage')).toBe(42);
  });
});
