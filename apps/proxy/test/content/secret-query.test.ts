import { describe, expect, it } from 'vitest';
import { maskSecretQueryValues } from '../../src/content/secret-query.js';
import { createLogger } from '../../src/logger.js';

describe('maskSecretQueryValues', () => {
  it.each([
    ['https://a.example/cb?token=abc&page=2', 'https://a.example/cb?token=***&page=2'],
    ['https://a.example/?key=1&secret=2&password=3&signature=4&sig=5&auth=6&code=7', 'https://a.example/?key=***&secret=***&password=***&signature=***&sig=***&auth=***&code=***'],
    ['https://a.example/?access_token=1&api_key=2&X-Amz-Signature=3&client-secret=4', 'https://a.example/?access_token=***&api_key=***&X-Amz-Signature=***&client-secret=***'],
    ['https://a.example/?Token=1&%74oken=2', 'https://a.example/?Token=***&%74oken=***'],
    ['https://a.example/?monkey=1&keyboard=2&postcode=3&q=token', 'https://a.example/?monkey=1&keyboard=2&postcode=3&q=token'],
    ['https://a.example/?flag&token=&x=%20', 'https://a.example/?flag&token=***&x=%20'],
    ['https://a.example/p', 'https://a.example/p'],
    ['/http/a.example/?token=1#frag', '/http/a.example/?token=***#frag'],
    [
      'https://a.example/?accessToken=1&authToken=2&sessionToken=3&bearer=4&token[]=5&a=1;token=6',
      'https://a.example/?accessToken=***&authToken=***&sessionToken=***&bearer=***&token[]=***&a=1;token=***',
    ],
    ['https://a.example/app;jsessionid=ABC123/page?x=1', 'https://a.example/app;jsessionid=***/page?x=1'],
  ])('%s → %s', (url, masked) => {
    expect(maskSecretQueryValues(url)).toBe(masked);
  });
});

describe('the logger masks secret query values of every url and target it logs', () => {
  it('masks `url` and `target` fields, leaving other fields alone', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
    logger.debug({ url: 'https://a.example/?sig=s1&x=1', target: 'https://a.example/?token=t', other: '?token=kept' }, 'line');
    const logged = JSON.parse(lines[0]!) as Record<string, string>;
    expect(logged.url).toBe('https://a.example/?sig=***&x=1');
    expect(logged.target).toBe('https://a.example/?token=***');
    expect(logged.other).toBe('?token=kept');
  });
});
