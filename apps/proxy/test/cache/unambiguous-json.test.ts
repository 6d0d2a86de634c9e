import { describe, expect, it } from 'vitest';
import { findJsonAmbiguity, isExactNumberText } from '../../src/cache/unambiguous-json.js';

describe('isExactNumberText', () => {
  it.each(['0', '1', '-5', '0.5', '-0.25', '1e-7', '123456789', '9007199254740991', '-9007199254740991'])('accepts %s, the one text of its value', (token) => {
    expect(isExactNumberText(token)).toBe(true);
  });

  it.each([
    ['1.0', 'a trailing zero'],
    ['1e0', 'an exponent'],
    ['10E-1', 'another spelling of 1'],
    ['1E-7', 'an upper-case exponent'],
    ['-0', 'negative zero'],
    ['0.50', 'a trailing zero in the fraction'],
    ['9007199254740993', 'an integer rounded to 2^53'],
    ['9007199254740992', 'an integer beyond the safe range, though it rounds to itself'],
    ['1e+21', 'an integer beyond the safe range in exponent form'],
    ['1e400', 'an overflow to Infinity'],
    ['2e400', 'another overflow'],
    ['0.1000000000000000055511151231257827', 'more digits than the double keeps'],
  ])('refuses %s (%s)', (token) => {
    expect(isExactNumberText(token)).toBe(false);
  });
});

describe('findJsonAmbiguity', () => {
  it('finds nothing in plain JSON, whatever its whitespace or escapes', () => {
    expect(findJsonAmbiguity('{"query":"{ me }","variables":{"id":1,"x":[-5,0.5,"\\u0041",true,null,{}]}}')).toBeUndefined();
    expect(findJsonAmbiguity(' [ ] ')).toBeUndefined();
    expect(findJsonAmbiguity('"\\ud83d\\ude00"')).toBeUndefined(); // a valid surrogate pair (😀)
  });

  it('finds duplicate member names at any depth, escaped or not', () => {
    expect(findJsonAmbiguity('{"v":1,"v":2}')).toEqual({ ambiguity: 'duplicate-member' });
    expect(findJsonAmbiguity('{"query":"mutation { del }","query":"query { me }"}')).toEqual({ ambiguity: 'duplicate-member' });
    expect(findJsonAmbiguity('{"a":[{"b":{"c":1,"c":1}}]}')).toEqual({ ambiguity: 'duplicate-member' });
    expect(findJsonAmbiguity('{"a":1,"\\u0061":2}')).toEqual({ ambiguity: 'duplicate-member' });
    // The same name in sibling objects is no duplicate.
    expect(findJsonAmbiguity('[{"v":1},{"v":2}]')).toBeUndefined();
  });

  it('finds number tokens that are not the one text of their value, in members and in arrays', () => {
    for (const token of ['1.0', '1e0', '10E-1', '-0', '9007199254740993', '9007199254740992', '1e400', '2e400']) {
      expect(findJsonAmbiguity(`{"n":${token}}`), token).toEqual({ ambiguity: 'inexact-number' });
      expect(findJsonAmbiguity(`[0,[${token}]]`), token).toEqual({ ambiguity: 'inexact-number' });
    }
  });

  it('finds escaped lone surrogates in values and in member names', () => {
    expect(findJsonAmbiguity('{"a":"\\ud800"}')).toEqual({ ambiguity: 'lone-surrogate' });
    expect(findJsonAmbiguity('{"a":"x\\udc00y"}')).toEqual({ ambiguity: 'lone-surrogate' });
    expect(findJsonAmbiguity('{"\\ud800":1}')).toEqual({ ambiguity: 'lone-surrogate' });
    expect(findJsonAmbiguity('["\\ude00\\ud83d"]')).toEqual({ ambiguity: 'lone-surrogate' }); // a pair in the wrong order
  });

  it('says so, without throwing, when nesting is too deep to check', () => {
    expect(findJsonAmbiguity(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)).toEqual({ failure: 'too-deep' });
  });
});
