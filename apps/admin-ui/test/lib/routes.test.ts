import { describe, expect, it } from 'vitest';
import { parseRoute, paths } from '../../src/lib/routes';

const KEY = 'a'.repeat(64);

describe('routes', () => {
  it('maps each page path to its page, with or without a trailing slash', () => {
    expect(parseRoute('/')).toEqual({ page: 'overview' });
    expect(parseRoute('/entries')).toEqual({ page: 'entries' });
    expect(parseRoute('/entries/')).toEqual({ page: 'entries' });
    expect(parseRoute('/try-it')).toEqual({ page: 'try-it' });
    expect(parseRoute(paths.entry(KEY))).toEqual({ page: 'entry', key: KEY });
  });

  it('recognises no other path', () => {
    expect(parseRoute('/nope')).toEqual({ page: 'not-found' });
    expect(parseRoute('/entries/a/b')).toEqual({ page: 'not-found' });
    expect(parseRoute('/entries/%E0%A4%A')).toEqual({ page: 'not-found' });
  });

  it('keeps page paths clear of the API paths of the admin listener', () => {
    for (const path of [paths.overview, paths.entries, paths.entry(KEY), paths.tryIt]) {
      expect(path.split('/')[1]).not.toMatch(/^(trpc|cache|stats|health|try|docs|redoc|openapi\.json)$/);
    }
  });
});
