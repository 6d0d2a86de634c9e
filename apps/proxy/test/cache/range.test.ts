import { describe, expect, it } from 'vitest';
import type { HeaderMap } from '../../src/cache/headers.js';
import { selectByteRange } from '../../src/cache/range.js';

const LENGTH = 1000;
const LAST_MODIFIED = 'Thu, 01 Jan 2026 10:00:00 GMT';
/** A minute after Last-Modified: Last-Modified is a strong validator for a cache (RFC 9110 §8.8.2.2). */
const DATE = 'Thu, 01 Jan 2026 10:01:00 GMT';
const STORED: HeaderMap = { etag: '"v1"', 'last-modified': LAST_MODIFIED, date: DATE };

function select(range: string | undefined, extra: HeaderMap = {}, stored: HeaderMap = STORED, length = LENGTH) {
  return selectByteRange({ ...(range === undefined ? {} : { range }), ...extra }, stored, length);
}

describe('selectByteRange (RFC 9110 §14)', () => {
  it('sends the whole representation without Range', () => {
    expect(select(undefined)).toBeUndefined();
  });

  describe('byte ranges (RFC 9110 §14.1.2)', () => {
    it('selects first-pos to last-pos, both inclusive', () => {
      expect(select('bytes=0-99')).toEqual({ start: 0, end: 99 });
      expect(select('bytes=500-500')).toEqual({ start: 500, end: 500 });
    });

    it('selects from first-pos to the end when last-pos is absent', () => {
      expect(select('bytes=900-')).toEqual({ start: 900, end: 999 });
      expect(select('bytes=0-')).toEqual({ start: 0, end: 999 });
    });

    it('selects the last n bytes for a suffix range', () => {
      expect(select('bytes=-100')).toEqual({ start: 900, end: 999 });
    });

    it('selects the whole representation for a suffix longer than it', () => {
      expect(select('bytes=-5000')).toEqual({ start: 0, end: 999 });
    });

    it('clamps a last-pos beyond the representation to its last byte', () => {
      expect(select('bytes=900-5000')).toEqual({ start: 900, end: 999 });
    });

    it('reads the range unit case-insensitively (RFC 9110 §14.1)', () => {
      expect(select('Bytes=0-9')).toEqual({ start: 0, end: 9 });
    });
  });

  describe('unsatisfiable ranges (RFC 9110 §14.1.1, §15.5.17)', () => {
    it('is unsatisfiable when first-pos is at or beyond the length', () => {
      expect(select('bytes=1000-')).toBe('unsatisfiable');
      expect(select('bytes=1000-1005')).toBe('unsatisfiable');
      expect(select('bytes=5000-6000')).toBe('unsatisfiable');
    });

    it('is unsatisfiable for a suffix of zero bytes', () => {
      expect(select('bytes=-0')).toBe('unsatisfiable');
    });

    it('is unsatisfiable for any first-pos of an empty representation', () => {
      expect(select('bytes=0-', {}, STORED, 0)).toBe('unsatisfiable');
    });

    it('ignores a suffix range of an empty representation, which has no byte to send (RFC 9110 §14.1.1, §14.2)', () => {
      // §14.1.1 calls it satisfiable, yet no Content-Range can describe zero bytes (§14.4):
      // the only correct answer is the whole (empty) representation.
      expect(select('bytes=-5', {}, STORED, 0)).toBeUndefined();
    });
  });

  describe('ignored Range headers (RFC 9110 §14.2)', () => {
    it('ignores several ranges and sends the whole representation', () => {
      expect(select('bytes=0-9,20-29')).toBeUndefined();
      expect(select('bytes=0-9, -5')).toBeUndefined();
    });

    it('ignores a range unit other than bytes', () => {
      expect(select('items=0-9')).toBeUndefined();
      expect(select('none')).toBeUndefined();
    });

    it.each(['bytes=', 'bytes=-', 'bytes=a-b', 'bytes=5', 'bytes 0-9', 'bytes=0x10-20', '=0-9'])(
      'ignores the invalid ranges-specifier "%s"',
      (range) => {
        expect(select(range)).toBeUndefined();
      },
    );

    it('ignores a range whose last-pos is before its first-pos (RFC 9110 §14.1.1)', () => {
      expect(select('bytes=10-5')).toBeUndefined();
    });
  });

  describe('If-Range (RFC 9110 §13.1.5)', () => {
    it('selects the range when the entity tag matches the stored ETag strongly', () => {
      expect(select('bytes=0-9', { 'if-range': '"v1"' })).toEqual({ start: 0, end: 9 });
    });

    it('sends the whole representation when the entity tag does not match', () => {
      expect(select('bytes=0-9', { 'if-range': '"v0"' })).toBeUndefined();
    });

    it('sends the whole representation for a weak entity tag, which never matches strongly', () => {
      expect(select('bytes=0-9', { 'if-range': 'W/"v1"' })).toBeUndefined();
      expect(select('bytes=0-9', { 'if-range': 'W/"v1"' }, { etag: 'W/"v1"' })).toBeUndefined();
      expect(select('bytes=0-9', { 'if-range': '"v1"' }, { etag: 'W/"v1"' })).toBeUndefined();
    });

    it('sends the whole representation for an entity tag when nothing stored has one', () => {
      expect(select('bytes=0-9', { 'if-range': '"v1"' }, { 'last-modified': LAST_MODIFIED, date: DATE })).toBeUndefined();
    });

    it('selects the range when the date equals a strong stored Last-Modified', () => {
      expect(select('bytes=0-9', { 'if-range': LAST_MODIFIED })).toEqual({ start: 0, end: 9 });
    });

    it('sends the whole representation when the date differs from Last-Modified', () => {
      expect(select('bytes=0-9', { 'if-range': 'Thu, 01 Jan 2026 10:00:01 GMT' })).toBeUndefined();
      expect(select('bytes=0-9', { 'if-range': 'Thu, 01 Jan 2026 09:59:59 GMT' })).toBeUndefined();
    });

    it('sends the whole representation for a date when nothing stored has Last-Modified', () => {
      expect(select('bytes=0-9', { 'if-range': LAST_MODIFIED }, { etag: '"v1"' })).toBeUndefined();
    });

    it('sends the whole representation for a value that is neither an entity tag nor a date', () => {
      expect(select('bytes=0-9', { 'if-range': 'yesterday' })).toBeUndefined();
    });

    it('treats a Last-Modified less than 60 s before Date as weak: whole representation (RFC 9110 §8.8.2.2)', () => {
      const weak = { 'last-modified': LAST_MODIFIED, date: 'Thu, 01 Jan 2026 10:00:30 GMT' };
      expect(select('bytes=0-9', { 'if-range': LAST_MODIFIED }, weak)).toBeUndefined();
    });

    it('treats a Last-Modified without a stored Date as weak: whole representation (RFC 9110 §8.8.2.2)', () => {
      expect(select('bytes=0-9', { 'if-range': LAST_MODIFIED }, { 'last-modified': LAST_MODIFIED })).toBeUndefined();
    });

    it('does not turn an unsatisfiable range into a 416 when If-Range does not match', () => {
      expect(select('bytes=5000-', { 'if-range': '"v0"' })).toBeUndefined();
    });
  });
});
