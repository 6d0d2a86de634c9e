import { describe, expect, it } from 'vitest';
import {
  freshenHeaders,
  hasCacheAnswerableConditional,
  hasOriginOnlyConditional,
  isNotModified,
  notModifiedHeaders,
  parseEntityTags,
  strongMatch,
  validatorHeaders,
  weakMatch,
} from '../../src/cache/conditional.js';

const LAST_MODIFIED = 'Thu, 01 Jan 2026 10:00:00 GMT';
const BEFORE = 'Thu, 01 Jan 2026 09:59:59 GMT';
const AFTER = 'Thu, 01 Jan 2026 10:00:01 GMT';

describe('parseEntityTags (RFC 9110 §8.8.3, §13.1.2)', () => {
  it('reads a single strong entity tag', () => {
    expect(parseEntityTags('"abc"')).toEqual(['"abc"']);
  });

  it('reads a list of strong and weak entity tags, keeping the W/ prefix', () => {
    expect(parseEntityTags('"a", W/"b" ,"c"')).toEqual(['"a"', 'W/"b"', '"c"']);
  });

  it('reads "*" as any current representation', () => {
    expect(parseEntityTags('*')).toBe('*');
    expect(parseEntityTags('  *  ')).toBe('*');
  });

  it('keeps an entity tag that contains a comma whole', () => {
    expect(parseEntityTags('"a,b", W/"c, d"')).toEqual(['"a,b"', 'W/"c, d"']);
  });

  it('reads the empty entity tag', () => {
    expect(parseEntityTags('""')).toEqual(['""']);
  });

  it('finds no entity tags in a value without any', () => {
    expect(parseEntityTags('')).toEqual([]);
    expect(parseEntityTags('abc')).toEqual([]);
  });
});

describe('weakMatch (RFC 9110 §8.8.3.2)', () => {
  it('matches equal opaque tags whether or not either is weak', () => {
    expect(weakMatch('"1"', '"1"')).toBe(true);
    expect(weakMatch('W/"1"', '"1"')).toBe(true);
    expect(weakMatch('"1"', 'W/"1"')).toBe(true);
    expect(weakMatch('W/"1"', 'W/"1"')).toBe(true);
  });

  it('does not match different opaque tags', () => {
    expect(weakMatch('"1"', '"2"')).toBe(false);
    expect(weakMatch('W/"1"', 'W/"2"')).toBe(false);
  });

  it('compares opaque tags case-sensitively', () => {
    expect(weakMatch('"a"', '"A"')).toBe(false);
  });
});

describe('strongMatch (RFC 9110 §8.8.3.2)', () => {
  it('matches equal strong tags', () => {
    expect(strongMatch('"1"', '"1"')).toBe(true);
  });

  it('never matches when either tag is weak', () => {
    expect(strongMatch('W/"1"', 'W/"1"')).toBe(false);
    expect(strongMatch('W/"1"', '"1"')).toBe(false);
    expect(strongMatch('"1"', 'W/"1"')).toBe(false);
  });

  it('does not match different strong tags', () => {
    expect(strongMatch('"1"', '"2"')).toBe(false);
  });
});

describe('isNotModified (RFC 9111 §4.3.2, RFC 9110 §13.2.2)', () => {
  const stored = { etag: '"v1"', 'last-modified': LAST_MODIFIED };

  describe('only for a stored 2xx (RFC 9110 §13.2.1)', () => {
    it.each([203, 204, 299])('answers a matching validator of a stored %i with 304', (status) => {
      expect(isNotModified({ 'if-none-match': '"v1"' }, stored, status)).toBe(true);
    });

    it.each([300, 301, 308, 404, 410, 501])('never answers a stored %i with 304, whatever the validators', (status) => {
      expect(isNotModified({ 'if-none-match': '"v1"' }, stored, status)).toBe(false);
      expect(isNotModified({ 'if-none-match': '*' }, stored, status)).toBe(false);
      expect(isNotModified({ 'if-modified-since': LAST_MODIFIED }, stored, status)).toBe(false);
      expect(isNotModified({ 'if-modified-since': new Date(Date.UTC(2030, 0, 1)).toUTCString() }, { date: LAST_MODIFIED }, status)).toBe(false);
    });
  });

  describe('If-None-Match (RFC 9110 §13.1.2)', () => {
    it('answers 304 when a listed entity tag matches the stored ETag', () => {
      expect(isNotModified({ 'if-none-match': '"v1"' }, stored, 200)).toBe(true);
      expect(isNotModified({ 'if-none-match': '"v0", "v1"' }, stored, 200)).toBe(true);
    });

    it('uses the weak comparison function (RFC 9111 §4.3.2)', () => {
      expect(isNotModified({ 'if-none-match': 'W/"v1"' }, stored, 200)).toBe(true);
      expect(isNotModified({ 'if-none-match': '"v1"' }, { etag: 'W/"v1"' }, 200)).toBe(true);
    });

    it('does not answer 304 when no listed entity tag matches', () => {
      expect(isNotModified({ 'if-none-match': '"v2"' }, stored, 200)).toBe(false);
    });

    it('does not answer 304 when the stored response has no ETag', () => {
      expect(isNotModified({ 'if-none-match': '"v1"' }, { 'last-modified': LAST_MODIFIED }, 200)).toBe(false);
    });

    it('answers 304 to "*" since a representation is stored', () => {
      expect(isNotModified({ 'if-none-match': '*' }, stored, 200)).toBe(true);
      expect(isNotModified({ 'if-none-match': '*' }, {}, 200)).toBe(true);
    });

    it('matches a tag containing a comma', () => {
      expect(isNotModified({ 'if-none-match': '"a, b"' }, { etag: '"a, b"' }, 200)).toBe(true);
      expect(isNotModified({ 'if-none-match': '"a, b"' }, { etag: '"a"' }, 200)).toBe(false);
    });

    it('reads entity tags from several If-None-Match lines (RFC 9110 §5.3)', () => {
      expect(isNotModified({ 'if-none-match': ['"v0"', '"v1"'] }, stored, 200)).toBe(true);
    });

    it('takes precedence over If-Modified-Since, which is then ignored (RFC 9110 §13.1.3, §13.2.2)', () => {
      // If-Modified-Since alone would answer 304 here; the non-matching If-None-Match decides.
      expect(isNotModified({ 'if-none-match': '"v2"', 'if-modified-since': AFTER }, stored, 200)).toBe(false);
      // And the other way round: a matching tag answers 304 whatever If-Modified-Since says.
      expect(isNotModified({ 'if-none-match': '"v1"', 'if-modified-since': BEFORE }, stored, 200)).toBe(true);
    });
  });

  describe('If-Modified-Since (RFC 9110 §13.1.3)', () => {
    it('answers 304 when the stored Last-Modified is not after the given date', () => {
      expect(isNotModified({ 'if-modified-since': LAST_MODIFIED }, stored, 200)).toBe(true);
      expect(isNotModified({ 'if-modified-since': AFTER }, stored, 200)).toBe(true);
    });

    it('does not answer 304 when the stored Last-Modified is after the given date', () => {
      expect(isNotModified({ 'if-modified-since': BEFORE }, stored, 200)).toBe(false);
    });

    it('ignores an If-Modified-Since that is not a valid HTTP-date', () => {
      expect(isNotModified({ 'if-modified-since': 'yesterday' }, stored, 200)).toBe(false);
      expect(isNotModified({ 'if-modified-since': '2026-01-01T10:00:00Z' }, stored, 200)).toBe(false);
    });

    it('ignores an If-Modified-Since with more than one member', () => {
      expect(isNotModified({ 'if-modified-since': [AFTER, AFTER] }, stored, 200)).toBe(false);
    });

    it('accepts the obsolete date forms a recipient must parse (RFC 9110 §5.6.7)', () => {
      expect(isNotModified({ 'if-modified-since': 'Thursday, 01-Jan-26 10:00:00 GMT' }, stored, 200)).toBe(true);
      expect(isNotModified({ 'if-modified-since': 'Thu Jan  1 10:00:00 2026' }, stored, 200)).toBe(true);
    });

    it('evaluates against the stored Date when the stored response has no Last-Modified (RFC 9111 §4.3.2)', () => {
      const withoutLastModified = { date: LAST_MODIFIED };
      expect(isNotModified({ 'if-modified-since': AFTER }, withoutLastModified, 200)).toBe(true);
      expect(isNotModified({ 'if-modified-since': BEFORE }, withoutLastModified, 200)).toBe(false);
    });

    it('does not answer 304 when the stored response has neither Last-Modified nor Date', () => {
      expect(isNotModified({ 'if-modified-since': AFTER }, { etag: '"v1"' }, 200)).toBe(false);
    });
  });

  it('does not answer 304 to an unconditional request', () => {
    expect(isNotModified({}, stored, 200)).toBe(false);
  });
});

describe('hasCacheAnswerableConditional and hasOriginOnlyConditional (RFC 9110 §13.1, RFC 9111 §4.3.2)', () => {
  it('lets the cache answer If-None-Match and If-Modified-Since', () => {
    expect(hasCacheAnswerableConditional({ 'if-none-match': '"a"' })).toBe(true);
    expect(hasCacheAnswerableConditional({ 'if-modified-since': LAST_MODIFIED })).toBe(true);
    expect(hasCacheAnswerableConditional({})).toBe(false);
    expect(hasCacheAnswerableConditional({ 'if-match': '"a"' })).toBe(false);
  });

  it('leaves If-Match and If-Unmodified-Since to the origin', () => {
    expect(hasOriginOnlyConditional({ 'if-match': '"a"' })).toBe(true);
    expect(hasOriginOnlyConditional({ 'if-unmodified-since': LAST_MODIFIED })).toBe(true);
    expect(hasOriginOnlyConditional({ 'if-none-match': '"a"' })).toBe(false);
    expect(hasOriginOnlyConditional({})).toBe(false);
  });
});

describe('validatorHeaders (RFC 9111 §4.3.1)', () => {
  it('sends the stored ETag in If-None-Match and the stored Last-Modified in If-Modified-Since', () => {
    expect(validatorHeaders({ etag: 'W/"v1"', 'last-modified': LAST_MODIFIED })).toEqual([
      'if-none-match',
      'W/"v1"',
      'if-modified-since',
      LAST_MODIFIED,
    ]);
  });

  it('sends only the validators the stored response has', () => {
    expect(validatorHeaders({ etag: '"v1"' })).toEqual(['if-none-match', '"v1"']);
    expect(validatorHeaders({ 'last-modified': LAST_MODIFIED })).toEqual(['if-modified-since', LAST_MODIFIED]);
  });

  it('sends no validators when the stored response has none', () => {
    expect(validatorHeaders({ 'content-type': 'text/plain', date: LAST_MODIFIED })).toEqual([]);
  });
});

describe('notModifiedHeaders (RFC 9110 §15.4.5)', () => {
  it('keeps the required fields and other metadata, and leaves out representation metadata', () => {
    const stored = [
      'Content-Type', 'text/html',
      'Cache-Control', 'max-age=60',
      'Content-Length', '1234',
      'Content-Location', '/doc.html',
      'Content-Encoding', 'gzip',
      'Date', LAST_MODIFIED,
      'ETag', '"v1"',
      'Content-Language', 'en',
      'Expires', AFTER,
      'Vary', 'accept-encoding',
      'Last-Modified', BEFORE,
      'X-Custom', 'value',
    ];
    expect(notModifiedHeaders(stored)).toEqual([
      'Cache-Control', 'max-age=60',
      'Content-Location', '/doc.html',
      'Date', LAST_MODIFIED,
      'ETag', '"v1"',
      'Expires', AFTER,
      'Vary', 'accept-encoding',
      'Last-Modified', BEFORE,
      'X-Custom', 'value',
    ]);
  });

  it('matches field names case-insensitively and keeps repeated fields', () => {
    expect(notModifiedHeaders(['vary', 'accept', 'VARY', 'accept-language', 'cache-control', 'public'])).toEqual([
      'vary', 'accept',
      'VARY', 'accept-language',
      'cache-control', 'public',
    ]);
  });

  it('drops representation metadata such as Content-Type and Content-Length', () => {
    expect(notModifiedHeaders(['content-type', 'text/plain', 'content-length', '5', 'content-encoding', 'br'])).toEqual([]);
  });
});

describe('freshenHeaders (RFC 9111 §3.2, §4.3.4)', () => {
  it('replaces stored fields with those of the new response', () => {
    const stored = ['cache-control', 'max-age=60', 'date', BEFORE, 'etag', '"v1"'];
    expect(freshenHeaders(stored, ['cache-control', 'max-age=120', 'date', AFTER])).toEqual(['etag', '"v1"', 'cache-control', 'max-age=120', 'date', AFTER]);
  });

  it('adds fields the stored response did not have', () => {
    expect(freshenHeaders(['content-type', 'text/plain'], ['expires', AFTER])).toEqual([
      'content-type', 'text/plain',
      'expires', AFTER,
    ]);
  });

  it('keeps the untouched fields in their stored order', () => {
    const stored = ['a', '1', 'b', '2', 'c', '3', 'd', '4'];
    expect(freshenHeaders(stored, ['c', '30'])).toEqual(['a', '1', 'b', '2', 'd', '4', 'c', '30']);
  });

  it('keeps the stored Content-Length, which describes the stored body', () => {
    expect(freshenHeaders(['content-length', '1234', 'etag', '"v1"'], ['content-length', '0', 'etag', '"v2"'])).toEqual([
      'content-length', '1234',
      'etag', '"v2"',
    ]);
  });

  it('does not add a Content-Length the stored response did not have', () => {
    expect(freshenHeaders(['etag', '"v1"'], ['Content-Length', '0'])).toEqual(['etag', '"v1"']);
  });

  it('matches field names case-insensitively', () => {
    expect(freshenHeaders(['ETag', '"v1"', 'Content-Length', '3'], ['etag', '"v2"', 'content-length', '0'])).toEqual([
      'Content-Length', '3',
      'etag', '"v2"',
    ]);
  });

  it('replaces every line of a repeated stored field with every line of the new one', () => {
    expect(
      freshenHeaders(
        ['link', '</a>; rel=preload', 'content-type', 'text/html', 'link', '</b>; rel=preload'],
        ['link', '</c>; rel=preload'],
      ),
    ).toEqual(['content-type', 'text/html', 'link', '</c>; rel=preload']);
    const update = ['cache-control', 'public', 'cache-control', 'max-age=9'];
    expect(freshenHeaders(['cache-control', 'max-age=1'], update)).toEqual([
      'cache-control', 'public',
      'cache-control', 'max-age=9',
    ]);
  });

  it('keeps repeated fields the new response does not mention', () => {
    expect(freshenHeaders(['link', '</a>', 'link', '</b>'], ['etag', '"v2"'])).toEqual([
      'link', '</a>',
      'link', '</b>',
      'etag', '"v2"',
    ]);
  });

  it('leaves the stored fields unchanged for an empty update', () => {
    const stored = ['etag', '"v1"', 'content-type', 'text/plain'];
    expect(freshenHeaders(stored, [])).toEqual(stored);
  });

  it('keeps the fields the caller names instead of the default', () => {
    const stored = ['content-length', '3', 'vary', 'accept', 'etag', '"v1"'];
    const keep = new Set(['content-length', 'vary']);
    expect(freshenHeaders(stored, ['vary', 'origin', 'etag', '"v2"'], keep)).toEqual(['content-length', '3', 'vary', 'accept', 'etag', '"v2"']);
  });

  it('does not modify its arguments', () => {
    const stored = ['etag', '"v1"'];
    const update = ['etag', '"v2"'];
    freshenHeaders(stored, update);
    expect(stored).toEqual(['etag', '"v1"']);
    expect(update).toEqual(['etag', '"v2"']);
  });
});
