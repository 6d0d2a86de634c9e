import { describe, expect, it } from 'vitest';
import { parseTargetedField, responseCacheDirectives } from '../../src/cache/targeted-cache-control.js';

const TARGETS = ['cdn-cache-control'];

describe('parseTargetedField (RFC 9213 §2.1, an RFC 8941 Dictionary)', () => {
  it('reads integers and boolean members', () => {
    expect(parseTargetedField('max-age=3600, private')).toEqual(
      new Map<string, string | true>([
        ['max-age', '3600'],
        ['private', true],
      ]),
    );
  });

  it('ignores parameters and ?0 members, and reads ?1 as present', () => {
    expect(parseTargetedField('max-age=60;x=1, no-store=?0, no-cache=?1')).toEqual(
      new Map<string, string | true>([
        ['max-age', '60'],
        ['no-cache', true],
      ]),
    );
  });

  it('honours max-age beside a quoted string holding a semicolon: max-age=60, private="a;b" (RFC 8941 §3.3.3)', () => {
    expect(parseTargetedField('max-age=60, private="a;b"')).toEqual(
      new Map<string, string | true>([
        ['max-age', '60'],
        ['private', 'a;b'],
      ]),
    );
  });

  it('honours a string with an escaped backslash and an escaped quote (RFC 8941 §3.3.3)', () => {
    expect(parseTargetedField('no-cache="a\\\\", max-age=60')).toEqual(
      new Map<string, string | true>([
        ['no-cache', 'a\\'],
        ['max-age', '60'],
      ]),
    );
    expect(parseTargetedField('no-cache="say \\"hi\\"", s-maxage=5')).toEqual(
      new Map<string, string | true>([
        ['no-cache', 'say "hi"'],
        ['s-maxage', '5'],
      ]),
    );
  });

  it('reads tokens, and inner lists as present (RFC 8941 §3.1.1)', () => {
    expect(parseTargetedField('x=tok/en, private=("a" "b"), max-age=1')).toEqual(
      new Map<string, string | true>([
        ['x', 'tok/en'],
        ['private', true],
        ['max-age', '1'],
      ]),
    );
  });

  it('accepts unknown extension members', () => {
    expect(parseTargetedField('foobar, max-age=10')?.get('max-age')).toBe('10');
  });

  it.each([
    ['an unparseable member', 'max-age=10000, &&&&&'],
    ['a string where max-age needs an integer', 'max-age="10000"'],
    ['a decimal max-age', 'max-age=1.5'],
    ['an empty member', 'max-age=10,,private'],
    ['an empty value', ''],
    ['an unterminated string', 'max-age=60, private="a'],
    ['an inner list where max-age needs an integer', 'max-age=(60)'],
    ['an upper-case key (RFC 8941 keys are lowercase)', 'Max-Age=60'],
  ])('is undefined (the field is ignored) for %s', (_name, value) => {
    expect(parseTargetedField(value)).toBeUndefined();
  });
});

describe('responseCacheDirectives (RFC 9213 §2.2)', () => {
  it('uses the targeted field instead of Cache-Control and Expires', () => {
    const result = responseCacheDirectives(
      { 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=600', expires: 'Thu, 01 Jan 1970 00:00:00 GMT' },
      TARGETS,
    );
    expect(result).toEqual({
      directives: new Map([['max-age', '600']]),
      useExpires: false,
      targetedField: 'cdn-cache-control',
    });
  });

  it('falls back to Cache-Control when the targeted field is invalid or absent', () => {
    for (const headers of [{ 'cache-control': 'max-age=5', 'cdn-cache-control': 'max-age="1"' }, { 'cache-control': 'max-age=5' }]) {
      const result = responseCacheDirectives(headers, TARGETS);
      expect(result.useExpires).toBe(true);
      expect(result.directives.get('max-age')).toBe('5');
    }
  });

  it('takes the first field of the target list that is valid', () => {
    const result = responseCacheDirectives(
      { 'acme-cache-control': 'max-age=1', 'cdn-cache-control': 'max-age=2' },
      ['acme-cache-control', 'cdn-cache-control'],
    );
    expect(result.targetedField).toBe('acme-cache-control');
  });

  it('ignores targeted fields when the target list is empty', () => {
    expect(responseCacheDirectives({ 'cdn-cache-control': 'max-age=2' }, []).directives.size).toBe(0);
  });
});
