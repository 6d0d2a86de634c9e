import { describe, expect, it } from 'vitest';
import { invalidationTargets, isUnsafeMethod } from '../../src/cache/invalidation.js';

const target = new URL('https://example.test/items/42?view=full');

function targets(status: number, responseHeaders: Record<string, string | string[]> = {}): string[] {
  return invalidationTargets(target, status, responseHeaders).map((url) => url.href);
}

describe('invalidationTargets (RFC 9111 §4.4)', () => {
  describe('status', () => {
    it.each([200, 201, 204, 299, 300, 301, 303, 307, 399])(
      'invalidates the target URI after the non-error status %i',
      (status) => {
        expect(targets(status)).toEqual([target.href]);
      },
    );

    it.each([100, 199, 400, 404, 409, 500, 503])('invalidates nothing after the status %i', (status) => {
      expect(targets(status, { location: '/items', 'content-location': '/items/42' })).toEqual([]);
    });
  });

  describe('Location and Content-Location', () => {
    it('also invalidates a same-origin Location URI', () => {
      expect(targets(201, { location: 'https://example.test/items/43' })).toEqual([
        target.href,
        'https://example.test/items/43',
      ]);
    });

    it('also invalidates a same-origin Content-Location URI', () => {
      expect(targets(200, { 'content-location': 'https://example.test/items/42.json' })).toEqual([
        target.href,
        'https://example.test/items/42.json',
      ]);
    });

    it('invalidates the target, then Location, then Content-Location', () => {
      expect(targets(303, { 'content-location': '/c', location: '/l' })).toEqual([
        target.href,
        'https://example.test/l',
        'https://example.test/c',
      ]);
    });

    it('resolves relative references against the target URI (RFC 3986 §5)', () => {
      expect(targets(201, { location: '43' })).toEqual([target.href, 'https://example.test/items/43']);
      expect(targets(201, { location: '../users/7' })).toEqual([target.href, 'https://example.test/users/7']);
      expect(targets(201, { location: '?view=short' })).toEqual([target.href, 'https://example.test/items/42?view=short']);
      expect(targets(201, { location: '//example.test/x' })).toEqual([target.href, 'https://example.test/x']);
    });

    it('trims whitespace around the field value', () => {
      expect(targets(201, { location: '  /items/43  ' })).toEqual([target.href, 'https://example.test/items/43']);
    });

    it('drops the fragment, which is not part of the cache key', () => {
      expect(targets(201, { location: '/items/43#top' })).toEqual([target.href, 'https://example.test/items/43']);
    });

    it('treats a differently spelled but equivalent origin as the same origin (RFC 9110 §4.3.1)', () => {
      expect(targets(201, { location: 'HTTPS://EXAMPLE.test:443/items/43' })).toEqual([
        target.href,
        'https://example.test/items/43',
      ]);
    });

    it.each([
      ['another host', 'https://other.test/items/42'],
      ['a subdomain', 'https://api.example.test/items/42'],
      ['another scheme', 'http://example.test/items/42'],
      ['another port', 'https://example.test:8443/items/42'],
    ])('does not invalidate a URI of %s (must not for another origin)', (_label, location) => {
      expect(targets(201, { location, 'content-location': location })).toEqual([target.href]);
    });

    it('ignores a reference that does not resolve to a URL', () => {
      expect(targets(201, { location: 'http://[::1' })).toEqual([target.href]);
    });

    it('lists each URI once', () => {
      expect(targets(200, { location: target.href, 'content-location': '/items/42?view=full' })).toEqual([target.href]);
      expect(targets(201, { location: '/items/43', 'content-location': 'https://example.test/items/43' })).toEqual([
        target.href,
        'https://example.test/items/43',
      ]);
    });
  });

  it('returns the target URI itself first', () => {
    expect(invalidationTargets(target, 204, {})[0]).toBe(target);
  });
});

describe('isUnsafeMethod (RFC 9110 §9.2.1)', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'TRACE'])('treats %s as safe', (method) => {
    expect(isUnsafeMethod(method)).toBe(false);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'CONNECT'])('treats %s as unsafe', (method) => {
    expect(isUnsafeMethod(method)).toBe(true);
  });

  it('treats a method of unknown safety as unsafe (RFC 9111 §4.4)', () => {
    expect(isUnsafeMethod('PURGE')).toBe(true);
    expect(isUnsafeMethod('REPORT')).toBe(true);
  });

  it('compares method names case-sensitively (RFC 9110 §9.1)', () => {
    expect(isUnsafeMethod('get')).toBe(true);
  });
});
