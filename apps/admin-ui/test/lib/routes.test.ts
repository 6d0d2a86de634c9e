import { describe, expect, it } from 'vitest';
import { entriesPath, filterFromSearch, parseRoute, paths } from '../../src/lib/routes';

const KEY = 'a'.repeat(64);

describe('routes', () => {
  it('maps each page path to its page, with or without a trailing slash', () => {
    expect(parseRoute('/')).toEqual({ page: 'overview' });
    expect(parseRoute('/entries')).toEqual({ page: 'entries' });
    expect(parseRoute('/entries/')).toEqual({ page: 'entries' });
    expect(parseRoute('/try-it')).toEqual({ page: 'try-it' });
    expect(parseRoute('/cache-rules')).toEqual({ page: 'rules' });
    expect(parseRoute(paths.entry(KEY))).toEqual({ page: 'entry', key: KEY });
  });

  it('keeps the entries filter in the query string, and reads it back', () => {
    expect(entriesPath('')).toBe('/entries');
    expect(entriesPath('/users/ & more')).toBe('/entries?filter=%2Fusers%2F+%26+more');
    expect(filterFromSearch('?filter=%2Fusers%2F+%26+more')).toBe('/users/ & more');
    expect(filterFromSearch('')).toBe('');
    expect(parseRoute(new URL(`http://x${entriesPath('a')}`).pathname)).toEqual({ page: 'entries' });
  });

  it('recognises no other path', () => {
    expect(parseRoute('/nope')).toEqual({ page: 'not-found' });
    expect(parseRoute('/entries/a/b')).toEqual({ page: 'not-found' });
    expect(parseRoute('/entries/%E0%A4%A')).toEqual({ page: 'not-found' });
  });

  it('keeps page paths clear of the API paths of the admin listener', () => {
    for (const path of [paths.overview, paths.entries, paths.entry(KEY), paths.tryIt, paths.rules]) {
      expect(path.split('/')[1]).not.toMatch(/^(trpc|cache|stats|health|try|rules|docs|redoc|openapi\.json)$/);
    }
  });
});
