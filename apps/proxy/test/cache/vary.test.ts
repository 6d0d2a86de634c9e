import { describe, expect, it } from 'vitest';
import { captureVaryValues, parseVary, varyMatches } from '../../src/cache/vary.js';

describe('parseVary (RFC 9110 §12.5.5)', () => {
  it('returns no names when the response has no Vary header', () => {
    expect(parseVary(undefined)).toEqual([]);
    expect(parseVary('')).toEqual([]);
  });

  it('lowercases field names and trims whitespace', () => {
    expect(parseVary(' Accept-Encoding ,\tUser-Agent')).toEqual(['accept-encoding', 'user-agent']);
  });

  it('drops empty list members', () => {
    expect(parseVary('accept,, ,origin,')).toEqual(['accept', 'origin']);
  });

  it('lists each field name once, whatever its case', () => {
    expect(parseVary('Accept, accept, ACCEPT, origin')).toEqual(['accept', 'origin']);
  });

  it('returns "*" when any member is "*"', () => {
    expect(parseVary('*')).toBe('*');
    expect(parseVary('accept-encoding, *')).toBe('*');
    expect(parseVary(' * ,origin')).toBe('*');
  });
});

describe('captureVaryValues (RFC 9111 §4.1)', () => {
  it('records the request value of each named header', () => {
    expect(captureVaryValues(['accept-encoding'], { 'accept-encoding': 'gzip' })).toEqual({ 'accept-encoding': 'gzip' });
  });

  it('records null for a header the request did not send', () => {
    expect(captureVaryValues(['accept-language'], {})).toEqual({ 'accept-language': null });
  });

  it('distinguishes an empty header from an absent one', () => {
    expect(captureVaryValues(['x-a'], { 'x-a': '' })).toEqual({ 'x-a': '' });
  });

  it('normalises whitespace around list separators and collapses runs of whitespace', () => {
    expect(captureVaryValues(['accept-encoding'], { 'accept-encoding': '  gzip ,  br\t, deflate ' })).toEqual({
      'accept-encoding': 'gzip,br,deflate',
    });
    expect(captureVaryValues(['user-agent'], { 'user-agent': 'Mozilla/5.0   (X11)' })).toEqual({
      'user-agent': 'Mozilla/5.0 (X11)',
    });
  });

  it('combines repeated header lines into one list value', () => {
    expect(captureVaryValues(['accept'], { accept: ['text/html', 'application/json'] })).toEqual({
      accept: 'text/html,application/json',
    });
  });

  it('captures nothing when the response varies on no header', () => {
    expect(captureVaryValues([], { accept: 'text/html' })).toEqual({});
  });
});

describe('varyMatches (RFC 9111 §4.1)', () => {
  const stored = captureVaryValues(['accept-encoding', 'accept-language'], {
    'accept-encoding': 'gzip, br',
    'accept-language': 'en',
  });

  it('selects the stored response when every Vary-named header has the same value', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'gzip, br', 'accept-language': 'en', 'user-agent': 'x' })).toBe(true);
  });

  it('does not select it when one named header differs', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'gzip', 'accept-language': 'en' })).toBe(false);
    expect(varyMatches(stored, { 'accept-encoding': 'gzip, br', 'accept-language': 'fr' })).toBe(false);
  });

  it('does not select it when a named header is missing from the new request', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'gzip, br' })).toBe(false);
  });

  it('matches an absent header only with an absent header', () => {
    const withAbsent = captureVaryValues(['authorization'], {});
    expect(varyMatches(withAbsent, {})).toBe(true);
    expect(varyMatches(withAbsent, { authorization: '' })).toBe(false);
    expect(varyMatches(withAbsent, { authorization: 'Bearer x' })).toBe(false);
  });

  it('ignores whitespace differences around list separators', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'gzip,br', 'accept-language': ' en ' })).toBe(true);
    expect(varyMatches(stored, { 'accept-encoding': ['gzip', 'br'], 'accept-language': 'en' })).toBe(true);
  });

  it('compares values case-sensitively, assuming no field-specific normalisation', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'GZIP, BR', 'accept-language': 'en' })).toBe(false);
  });

  it('ignores headers the response did not vary on', () => {
    expect(varyMatches({}, { accept: 'anything' })).toBe(true);
  });
});
