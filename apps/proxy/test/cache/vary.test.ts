import { describe, expect, it } from 'vitest';
import { captureVaryValues, normalizeFieldValue, parseVary, varyMatches } from '../../src/cache/vary.js';

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

describe('normalizeFieldValue (RFC 9111 §4.1)', () => {
  it('gives null for an absent field, distinct from an empty one', () => {
    expect(normalizeFieldValue('accept', undefined)).toBeNull();
    expect(normalizeFieldValue('accept', '')).toBe('');
  });

  it('joins list members with "," and no whitespace', () => {
    expect(normalizeFieldValue('accept', 'text/html ,  application/json')).toBe('text/html,application/json');
    expect(normalizeFieldValue('accept', 'text/html, application/json')).toBe(
      normalizeFieldValue('accept', 'text/html,application/json'),
    );
  });

  it('drops empty list members (RFC 9110 §5.6.1)', () => {
    expect(normalizeFieldValue('accept', ', text/html,, ,image/png,')).toBe('text/html,image/png');
  });

  it('removes whitespace around ";" parameter separators', () => {
    expect(normalizeFieldValue('accept', 'text/html ; q=0.9 ,image/png;  q=0.1')).toBe('text/html;q=0.9,image/png;q=0.1');
  });

  it('collapses runs of whitespace inside a member to one space', () => {
    expect(normalizeFieldValue('user-agent', 'Mozilla/5.0   (X11)\tGecko')).toBe('Mozilla/5.0 (X11) Gecko');
  });

  it.each(['accept-encoding', 'accept-charset', 'accept-language', 'te'])(
    'lowercases %s, whose members are case-insensitive',
    (name) => {
      expect(normalizeFieldValue(name, 'GZIP;Q=0.5, En-US')).toBe('gzip;q=0.5,en-us');
    },
  );

  it.each(['accept', 'user-agent', 'authorization', 'x-custom'])('keeps the case of %s', (name) => {
    expect(normalizeFieldValue(name, 'Text/HTML;Level=A')).toBe('Text/HTML;Level=A');
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
    expect(captureVaryValues(['accept'], { accept: 'text/html ; q=0.9' })).toEqual({ accept: 'text/html;q=0.9' });
  });

  it('lowercases the value of a case-insensitive field and keeps the case of others', () => {
    const request = { 'accept-language': 'EN-us', 'user-agent': 'Bot/1.0' };
    expect(captureVaryValues(['accept-language', 'user-agent'], request)).toEqual({
      'accept-language': 'en-us',
      'user-agent': 'Bot/1.0',
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

  it('ignores whitespace around parameter separators', () => {
    const withQ = captureVaryValues(['accept'], { accept: 'text/html;q=0.9, */*;q=0.1' });
    expect(varyMatches(withQ, { accept: 'text/html ; q=0.9,*/* ;q=0.1' })).toBe(true);
  });

  it('ignores case differences in accept-encoding, accept-charset, accept-language and te', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'GZIP, BR', 'accept-language': 'EN' })).toBe(true);
    const charsetTe = captureVaryValues(['accept-charset', 'te'], { 'accept-charset': 'utf-8', te: 'trailers' });
    expect(varyMatches(charsetTe, { 'accept-charset': 'UTF-8', te: 'Trailers' })).toBe(true);
  });

  it('compares other fields case-sensitively, since their values may be case-sensitive', () => {
    const byAgent = captureVaryValues(['user-agent', 'accept'], { 'user-agent': 'Bot/1.0', accept: 'text/html;level=a' });
    expect(varyMatches(byAgent, { 'user-agent': 'bot/1.0', accept: 'text/html;level=a' })).toBe(false);
    expect(varyMatches(byAgent, { 'user-agent': 'Bot/1.0', accept: 'text/html;level=A' })).toBe(false);
    expect(varyMatches(byAgent, { 'user-agent': 'Bot/1.0', accept: 'text/html;level=a' })).toBe(true);
  });

  it('does not ignore the order of list members', () => {
    expect(varyMatches(stored, { 'accept-encoding': 'br, gzip', 'accept-language': 'en' })).toBe(false);
  });

  it('ignores headers the response did not vary on', () => {
    expect(varyMatches({}, { accept: 'anything' })).toBe(true);
  });
});
