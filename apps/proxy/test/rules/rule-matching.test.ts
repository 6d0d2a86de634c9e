import { describe, expect, it } from 'vitest';
import { CacheRulesFileSchema, type CacheRulesFile } from '@caching-proxy/shared';
import { compilePathGlob } from '../../src/rules/path-glob.js';
import { FileRuleBook } from '../../src/rules/rule-book.js';
import { parseTargetUrl } from '../../src/data-plane/target.js';
import { entryKeyFor } from '../../src/cache/cache-key.js';

function book(rules: unknown[]): FileRuleBook {
  const file: CacheRulesFile = CacheRulesFileSchema.parse({ rules });
  return FileRuleBook.fromFile({ file: undefined, resolveUrl: parseTargetUrl }, file);
}

function matched(rules: FileRuleBook, method: string, url: string): string | undefined {
  return rules.apply({ method, url: new URL(url) })?.rule.name;
}

describe('path globs', () => {
  it('matches * across slashes and ? as exactly one character', () => {
    expect(compilePathGlob('/api/*').test('/api/a/b/c')).toBe(true);
    expect(compilePathGlob('/api/*').test('/api')).toBe(false);
    expect(compilePathGlob('/v?/x').test('/v1/x')).toBe(true);
    expect(compilePathGlob('/v?/x').test('/v10/x')).toBe(false);
  });

  it('treats regular-expression metacharacters in a glob literally', () => {
    const glob = compilePathGlob('/a.b/(c)+[d]{2}|e^$\\');
    expect(glob.test('/a.b/(c)+[d]{2}|e^$\\')).toBe(true);
    expect(glob.test('/aXb/(c)+[d]{2}|e^$\\')).toBe(false);
    expect(compilePathGlob('/file.json').test('/fileXjson')).toBe(false);
  });

  it('is anchored at both ends and compares the raw (encoded) path', () => {
    expect(compilePathGlob('/api').test('/api/x')).toBe(false);
    expect(compilePathGlob('/a%2Fb').test('/a%2Fb')).toBe(true);
    expect(compilePathGlob('/a/b').test('/a%2Fb')).toBe(false);
  });
});

describe('rule matching', () => {
  it('matches any method when the rule lists none', () => {
    const rules = book([{ name: 'all', match: { path: '/x' } }]);
    for (const method of ['GET', 'HEAD', 'POST', 'DELETE']) expect(matched(rules, method, 'http://h/x')).toBe('all');
  });

  it('matches listed methods only; GET also matches HEAD (answered from the same stored response)', () => {
    const rules = book([{ name: 'reads', match: { method: 'get' } }]);
    expect(matched(rules, 'GET', 'http://h/')).toBe('reads');
    expect(matched(rules, 'HEAD', 'http://h/')).toBe('reads');
    expect(matched(rules, 'POST', 'http://h/')).toBeUndefined();
    const heads = book([{ name: 'heads', match: { method: ['HEAD'] } }]);
    expect(matched(heads, 'GET', 'http://h/')).toBeUndefined();
  });

  it('matches a host exactly, or its subdomains (not the name itself) with *.suffix', () => {
    const rules = book([
      { name: 'exact', match: { host: 'Example.COM' } },
      { name: 'subs', match: { host: '*.example.org' } },
    ]);
    expect(matched(rules, 'GET', 'http://example.com/')).toBe('exact');
    expect(matched(rules, 'GET', 'http://www.example.com/')).toBeUndefined();
    expect(matched(rules, 'GET', 'http://a.b.example.org/')).toBe('subs');
    expect(matched(rules, 'GET', 'http://example.org/')).toBeUndefined();
    expect(matched(rules, 'GET', 'http://badexample.org/')).toBeUndefined();
  });

  it('cannot be dodged by escaping unreserved characters or by the absolute form of the host name', () => {
    const rules = book([{ name: 'no-store-admin', match: { host: 'example.com', path: '/admin*' }, bypass: true }]);
    expect(matched(rules, 'GET', 'http://example.com/%61dmin/x')).toBe('no-store-admin');
    expect(matched(rules, 'GET', 'http://example.com/%61%64%6D%69%6E')).toBe('no-store-admin');
    expect(matched(rules, 'GET', 'http://example.com./admin')).toBe('no-store-admin');
    // Escapes of reserved characters and other spellings an origin may or may not equate stay distinct.
    expect(matched(rules, 'GET', 'http://example.com/admin%2Fx')).toBe('no-store-admin');
    expect(matched(rules, 'GET', 'http://example.com//admin')).toBeUndefined();
  });

  it('applies the first matching rule in file order', () => {
    const rules = book([
      { name: 'first', match: { path: '/api/*' } },
      { name: 'second', match: { path: '/api/search*' } },
    ]);
    expect(matched(rules, 'GET', 'http://h/api/search?q=1')).toBe('first');
  });

  it('matches the path without its query', () => {
    const rules = book([{ name: 'exact', match: { path: '/search' } }]);
    expect(matched(rules, 'GET', 'http://h/search?q=*')).toBe('exact');
  });

  it('returns the normalised URL and its key, the same URL object when the rule changes nothing', () => {
    const rules = book([{ name: 'search', match: { path: '/s' }, key: { ignoreQuery: ['utm_*'] } }]);
    const url = new URL('http://h/s?q=1');
    expect(rules.apply({ method: 'GET', url })!.url).toBe(url);
    const applied = rules.apply({ method: 'GET', url: new URL('http://h/s?utm_source=x&q=1') })!;
    expect(applied.url.href).toBe('http://h/s?q=1');
    expect(applied.key).toBe(rules.apply({ method: 'GET', url })!.key);
  });

  it('costs nothing without rules: no rule applies', () => {
    const empty = FileRuleBook.open({ file: undefined, resolveUrl: parseTargetUrl });
    expect(empty.apply({ method: 'GET', url: new URL('http://h/') })).toBeUndefined();
    expect(empty.state()).toEqual({ file: null, loaded_at: null, rules: [], last_reload: null });
  });
});

describe('applied keys', () => {
  it('reuses the caller’s key when the rule leaves the URL unchanged, and computes the normalised URL’s otherwise', () => {
    const rules = book([{ name: 'search', key: { ignoreQuery: ['utm_*'] } }]);
    const url = new URL('http://h/s?q=1');
    expect(rules.apply({ method: 'GET', url, key: 'caller-key' })!.key).toBe('caller-key');
    expect(rules.apply({ method: 'GET', url: new URL('http://h/s?q=1&utm_a=1'), key: 'stale-key' })!.key).toBe(entryKeyFor(new URL('http://h/s?q=1')));
  });

  it('matches a URL once per load but counts every request it applies to', () => {
    const rules = book([{ name: 'search', match: { path: '/s*' }, key: { ignoreQuery: ['utm_*'] } }]);
    const first = rules.apply({ method: 'GET', url: new URL('http://h/s?q=1&utm_a=1') })!;
    const again = rules.apply({ method: 'GET', url: new URL('http://h/s?q=1&utm_a=1') })!;
    expect(again.url).toBe(first.url);
    expect(again.url.href).toBe('http://h/s?q=1');
    expect(rules.apply({ method: 'GET', url: new URL('http://h/other') })).toBeUndefined();
    expect(rules.apply({ method: 'GET', url: new URL('http://h/other') })).toBeUndefined();
    expect(rules.state().rules[0]!.counters.requests).toBe(2);
  });
});
