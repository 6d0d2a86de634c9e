import { CacheKeySchema } from '@caching-proxy/shared';
import { describe, expect, it } from 'vitest';
import { buildCacheKey, buildVariantKey, entryKeyFor, queryKeyFor } from '../../src/cache/cache-key.js';

describe('buildCacheKey (RFC 9111 §2: method and target URI)', () => {
  it('is 64 lowercase hex characters, the shape CacheKeySchema accepts', () => {
    const key = buildCacheKey({ method: 'GET', url: 'https://example.com/a?b=1' });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(CacheKeySchema.safeParse(key).success).toBe(true);
  });

  it('is deterministic for the same parts', () => {
    const parts = { method: 'GET', url: 'https://example.com/a' };
    expect(buildCacheKey(parts)).toBe(buildCacheKey({ ...parts }));
  });

  it('differs by method', () => {
    const url = 'https://example.com/a';
    expect(buildCacheKey({ method: 'GET', url })).not.toBe(buildCacheKey({ method: 'HEAD', url }));
  });

  it('differs by url, including query', () => {
    expect(buildCacheKey({ method: 'GET', url: 'https://example.com/a' })).not.toBe(
      buildCacheKey({ method: 'GET', url: 'https://example.com/b' }),
    );
    expect(buildCacheKey({ method: 'GET', url: 'https://example.com/a?x=1' })).not.toBe(
      buildCacheKey({ method: 'GET', url: 'https://example.com/a?x=2' }),
    );
  });

  it('does not collide when a separator moves between the parts (undici #5012)', () => {
    expect(buildCacheKey({ method: 'GET', url: 'a:b' })).not.toBe(buildCacheKey({ method: 'GET:a', url: 'b' }));
    expect(buildCacheKey({ method: 'GET', url: '","b' })).not.toBe(buildCacheKey({ method: 'GET","', url: 'b' }));
    expect(buildCacheKey({ method: 'GET', url: 'a\0b' })).not.toBe(buildCacheKey({ method: 'GET\0a', url: 'b' }));
  });

  it('keeps an encoded slash distinct from a path separator', () => {
    expect(buildCacheKey({ method: 'GET', url: 'https://example.com/a%2Fb' })).not.toBe(
      buildCacheKey({ method: 'GET', url: 'https://example.com/a/b' }),
    );
  });
});

describe('entryKeyFor', () => {
  it('uses the GET key for the URL, whatever the request method (RFC 9110 §9.3.2, RFC 9111 §4.4)', () => {
    const url = new URL('https://example.com/a?b=1');
    expect(entryKeyFor(url)).toBe(buildCacheKey({ method: 'GET', url: 'https://example.com/a?b=1' }));
  });

  it('keys on the serialised URL, so equivalent spellings share an entry', () => {
    expect(entryKeyFor(new URL('HTTPS://Example.COM:443/a'))).toBe(entryKeyFor(new URL('https://example.com/a')));
  });

  it('keeps /a%2Fb distinct from /a/b', () => {
    expect(entryKeyFor(new URL('https://example.com/a%2Fb'))).not.toBe(entryKeyFor(new URL('https://example.com/a/b')));
  });
});

describe('buildVariantKey (RFC 9111 §4.1)', () => {
  const primary = buildCacheKey({ method: 'GET', url: 'https://example.com/a' });

  it('is the primary key when the response varies on nothing', () => {
    expect(buildVariantKey(primary, {})).toBe(primary);
  });

  it('differs from the primary key when the response varies', () => {
    const key = buildVariantKey(primary, { 'accept-encoding': 'gzip' });
    expect(key).not.toBe(primary);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic for the same values', () => {
    expect(buildVariantKey(primary, { accept: 'text/html' })).toBe(buildVariantKey(primary, { accept: 'text/html' }));
  });

  it('does not depend on the order of the field names', () => {
    expect(buildVariantKey(primary, { accept: 'text/html', 'accept-encoding': 'gzip' })).toBe(
      buildVariantKey(primary, { 'accept-encoding': 'gzip', accept: 'text/html' }),
    );
  });

  it('keeps an absent field (null) distinct from an empty one', () => {
    expect(buildVariantKey(primary, { authorization: null })).not.toBe(buildVariantKey(primary, { authorization: '' }));
  });

  it('keeps an absent field distinct from the string "null"', () => {
    expect(buildVariantKey(primary, { 'x-a': null })).not.toBe(buildVariantKey(primary, { 'x-a': 'null' }));
  });

  it('differs by value', () => {
    expect(buildVariantKey(primary, { 'accept-encoding': 'gzip' })).not.toBe(
      buildVariantKey(primary, { 'accept-encoding': 'br' }),
    );
  });

  it('differs by field name for the same value', () => {
    expect(buildVariantKey(primary, { 'x-a': 'v' })).not.toBe(buildVariantKey(primary, { 'x-b': 'v' }));
  });

  it('differs by primary key for the same values', () => {
    const other = buildCacheKey({ method: 'GET', url: 'https://example.com/b' });
    expect(buildVariantKey(primary, { accept: 'text/html' })).not.toBe(buildVariantKey(other, { accept: 'text/html' }));
  });

  it('does not collide when a separator moves between names and values', () => {
    expect(buildVariantKey(primary, { a: 'b,c', d: 'e' })).not.toBe(buildVariantKey(primary, { a: 'b', 'c,d': 'e' }));
    expect(buildVariantKey(primary, { a: 'b","c' })).not.toBe(buildVariantKey(primary, { a: 'b', c: '' }));
  });
});

describe('queryKeyFor (a GraphQL query sent by POST)', () => {
  const url = new URL('https://example.com/graphql');
  const digest = 'a'.repeat(64);

  it('differs from the GET entry of the same URL and from other digests', () => {
    expect(queryKeyFor(url, digest)).not.toBe(entryKeyFor(url));
    expect(queryKeyFor(url, digest)).not.toBe(queryKeyFor(url, 'b'.repeat(64)));
    expect(queryKeyFor(url, digest)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the key of method POST, the URL and the digest, whose parts cannot run into each other', () => {
    expect(queryKeyFor(url, digest)).toBe(buildCacheKey({ method: 'POST', url: url.href, bodyDigest: digest }));
    expect(buildCacheKey({ method: 'POST', url: 'https://example.com/a', bodyDigest: 'b' })).not.toBe(
      buildCacheKey({ method: 'POST', url: 'https://example.com/', bodyDigest: 'ab' }),
    );
  });
});
