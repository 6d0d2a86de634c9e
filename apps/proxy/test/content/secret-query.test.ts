import { describe, expect, it } from 'vitest';
import { maskSecretQueryValues } from '../../src/content/secret-query.js';

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
  ])('%s → %s', (url, masked) => {
    expect(maskSecretQueryValues(url)).toBe(masked);
  });
});
