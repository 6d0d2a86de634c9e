import type { ErrorCode } from '@caching-proxy/shared';
import { describe, expect, it } from 'vitest';
import { climbsAboveRoot, targetUrlResolver } from '../../src/data-plane/request-target.js';
import { appendQueryParams, isValidHostName, parseTargetUrl, parseTransparentTarget } from '../../src/data-plane/target.js';
import { ProxyError } from '../../src/errors.js';

/** Runs `parse` and returns the ProxyError it throws. */
function proxyErrorOf(parse: () => unknown): ProxyError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error('expected a ProxyError, but parsing succeeded');
}

function expectCode(parse: () => unknown, code: ErrorCode): void {
  expect(proxyErrorOf(parse).code).toBe(code);
}

describe('parseTransparentTarget', () => {
  it('defaults to https when the remainder has no scheme', () => {
    expect(parseTransparentTarget('example.com/a?b=1').href).toBe('https://example.com/a?b=1');
  });

  it('accepts a bare host', () => {
    expect(parseTransparentTarget('example.com').href).toBe('https://example.com/');
  });

  it('keeps an explicit http scheme, host and port', () => {
    expect(parseTransparentTarget('http://127.0.0.1:9000/a').href).toBe('http://127.0.0.1:9000/a');
  });

  it('keeps an explicit https scheme, case-insensitively', () => {
    expect(parseTransparentTarget('HTTPS://Example.COM/a').href).toBe('https://example.com/a');
  });

  it('restores slashes a client collapsed after the scheme', () => {
    expect(parseTransparentTarget('http:/host/a').href).toBe('http://host/a');
    expect(parseTransparentTarget('https:/host/a?q=1').href).toBe('https://host/a?q=1');
  });

  it('reads host:port without mistaking the host for a scheme', () => {
    const url = parseTransparentTarget('example.com:8080/x');
    expect(url.href).toBe('https://example.com:8080/x');
    expect(url.port).toBe('8080');
  });

  it('keeps /a%2Fb distinct from /a/b', () => {
    const encoded = parseTransparentTarget('example.com/a%2Fb');
    expect(encoded.pathname).toBe('/a%2Fb');
    expect(encoded.href).not.toBe(parseTransparentTarget('example.com/a/b').href);
  });

  it('drops the fragment, which is never sent to an origin', () => {
    const url = parseTransparentTarget('example.com/a?b=1#section');
    expect(url.hash).toBe('');
    expect(url.href).toBe('https://example.com/a?b=1');
  });

  it.each(['ftp://x', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://', 'ws://example.com/', 'data:text/plain,hi'])(
    'refuses the scheme of %j with PROXY_ERR_UNSUPPORTED_SCHEME',
    (remainder) => {
      const error = proxyErrorOf(() => parseTransparentTarget(remainder));
      expect(error.code).toBe('PROXY_ERR_UNSUPPORTED_SCHEME');
      expect(error.status).toBe(400);
    },
  );

  it('does not call http or https an unsupported scheme when the slashes are missing', () => {
    for (const remainder of ['http:example.com/a', 'https:example.com']) {
      let code: string | undefined;
      try {
        parseTransparentTarget(remainder);
      } catch (error) {
        code = (error as ProxyError).code;
      }
      expect(code, remainder).not.toBe('PROXY_ERR_UNSUPPORTED_SCHEME');
    }
  });

  it('refuses an empty remainder', () => {
    const error = proxyErrorOf(() => parseTransparentTarget(''));
    expect(error.code).toBe('PROXY_ERR_INVALID_URL');
    expect(error.status).toBe(400);
  });

  it('refuses a remainder that is only a query', () => {
    expectCode(() => parseTransparentTarget('?x'), 'PROXY_ERR_INVALID_URL');
    expectCode(() => parseTransparentTarget('?url=http://example.com/'), 'PROXY_ERR_INVALID_URL');
  });

  it.each(['exa<mple.com/', '[::1/', 'example.com:99999/', '%zz/', 'http://', 'http://exa%00mple.com/'])(
    'refuses the bad host in %j with PROXY_ERR_INVALID_URL',
    (remainder) => {
      expectCode(() => parseTransparentTarget(remainder), 'PROXY_ERR_INVALID_URL');
    },
  );

  it('refuses credentials in the target', () => {
    expectCode(() => parseTransparentTarget('http://u:p@h/'), 'PROXY_ERR_INVALID_URL');
    expectCode(() => parseTransparentTarget('https://user@example.com/'), 'PROXY_ERR_INVALID_URL');
  });

  it.each([
    ['newline', 'example.com/a\nb'],
    ['carriage return', 'example.com/a\rHost: evil'],
    ['tab', 'exa\tmple.com/'],
    ['NUL', 'example.com/\0'],
    ['space', 'example.com/a b'],
    ['DEL', 'example.com/\u007f'],
    ['leading newline', '\nexample.com/'],
    ['control character after an explicit scheme', 'http://example.com/\n'],
  ])('refuses a target containing a %s', (_name, remainder) => {
    expectCode(() => parseTransparentTarget(remainder), 'PROXY_ERR_INVALID_URL');
  });
});

describe('parseTargetUrl', () => {
  it('drops an empty query: /a? is the same target (and key) as /a, as the origin receives it', () => {
    expect(parseTargetUrl('https://example.com/a?').href).toBe('https://example.com/a');
    expect(parseTargetUrl('https://example.com/a?#frag').href).toBe('https://example.com/a');
    expect(parseTransparentTarget('example.com/a?').href).toBe('https://example.com/a');
  });

  it('parses an absolute http(s) URL', () => {
    expect(parseTargetUrl('https://example.com/a?b=1').href).toBe('https://example.com/a?b=1');
    expect(parseTargetUrl('http://[::1]:8080/x').href).toBe('http://[::1]:8080/x');
  });

  it('drops the fragment', () => {
    expect(parseTargetUrl('https://example.com/a#frag').href).toBe('https://example.com/a');
  });

  it('refuses a URL without a scheme', () => {
    expectCode(() => parseTargetUrl('example.com/a'), 'PROXY_ERR_INVALID_URL');
    expectCode(() => parseTargetUrl('//example.com/a'), 'PROXY_ERR_INVALID_URL');
  });

  it.each(['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'mailto:a@example.com', 'FTP://x/'])(
    'refuses %j with PROXY_ERR_UNSUPPORTED_SCHEME',
    (text) => {
      expectCode(() => parseTargetUrl(text), 'PROXY_ERR_UNSUPPORTED_SCHEME');
    },
  );

  it('refuses credentials', () => {
    expectCode(() => parseTargetUrl('http://u:p@example.com/'), 'PROXY_ERR_INVALID_URL');
    expectCode(() => parseTargetUrl('http://:p@example.com/'), 'PROXY_ERR_INVALID_URL');
  });

  it('refuses control characters and spaces that WHATWG parsing would silently strip', () => {
    for (const text of ['https://example.com/a\tb', 'https://exa\nmple.com/', ' https://example.com/', 'https://example.com/\u007f']) {
      expectCode(() => parseTargetUrl(text), 'PROXY_ERR_INVALID_URL');
    }
  });
});

describe('appendQueryParams', () => {
  it('appends scalar parameters, stringifying numbers and booleans', () => {
    const url = appendQueryParams(new URL('https://example.com/a'), { q: 'x y', page: 2, draft: false });
    expect(url.searchParams.get('q')).toBe('x y');
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.get('draft')).toBe('false');
  });

  it('repeats the parameter for each item of an array, in order', () => {
    const url = appendQueryParams(new URL('https://example.com/a'), { tag: ['a', 1, true] });
    expect(url.searchParams.getAll('tag')).toEqual(['a', '1', 'true']);
  });

  it('keeps the parameters already in the target query, before the appended ones', () => {
    const url = appendQueryParams(new URL('https://example.com/a?b=1&tag=z'), { tag: 'y', c: '3' });
    expect([...url.searchParams]).toEqual([
      ['b', '1'],
      ['tag', 'z'],
      ['tag', 'y'],
      ['c', '3'],
    ]);
  });

  it('leaves the URL untouched when there are no parameters', () => {
    const url = appendQueryParams(new URL('https://example.com/a?x=a/b&flag'), {});
    expect(url.href).toBe('https://example.com/a?x=a/b&flag');
  });

  it('does not re-encode the existing query when appending (the origin gets the bytes the client sent)', () => {
    const url = appendQueryParams(new URL('https://example.com/a?x=a/b&q=a%20b&flag'), { z: 'c d' });
    expect(url.search).toBe('?x=a/b&q=a%20b&flag&z=c%20d');
  });

  it('adds nothing for an empty array', () => {
    expect(appendQueryParams(new URL('https://example.com/a'), { tag: [] }).search).toBe('');
  });

  it('returns the same URL object it was given', () => {
    const url = new URL('https://example.com/');
    expect(appendQueryParams(url, { a: 1 })).toBe(url);
  });
});

describe('isValidHostName (RFC 1123 §2.1)', () => {
  it.each(['example.com', 'a-b.example', 'xn--bcher-kva.example', '_srv.example', '127.0.0.1', '[::1]', 'localhost'])('accepts %s', (host) => {
    expect(isValidHostName(host)).toBe(true);
  });

  it.each(['..', '.', 'a..b', '.a', 'a.', '-a.example', 'a-.example', '*.example', `${'a'.repeat(64)}.example`])('refuses %s', (host) => {
    expect(isValidHostName(host)).toBe(false);
  });
});

describe('climbsAboveRoot (RFC 3986 §5.2.4, encoded dots and backslashes included)', () => {
  it.each(['/..', '/../a', '/%2e%2e/a', '/.%2E/a', '/%2E./a', '/..\\a', '/..%5ca', '/..%2Fa', '/a/../../b', '/./../a', '/a/..//../b', '/..;/secret', '/..;jsessionid=x/a', '/%252e%252e/a', '/%25252e%25252e/a', '/..%00/a', '/..%3b/a'])('%s climbs', (path) => {
    expect(climbsAboveRoot(path)).toBe(true);
  });

  it.each(['/', '/a/../b', '/a/%2e%2e/b', '/a/./b', '/..a/b', '/a..', '/%2e%2ea', '//a/..', '/a;b/../c', '/a/..;/b'])('%s stays', (path) => {
    expect(climbsAboveRoot(path)).toBe(false);
  });
});

describe('targetUrlResolver (what the rules tester resolves, as the data plane would)', () => {
  it('forward modes: an absolute URL, a /http/ path and a scheme-less target name the same URL as the data plane does', () => {
    const resolve = targetUrlResolver(undefined);
    expect(resolve('http://127.0.0.1:9000/api/search?q=a').href).toBe('http://127.0.0.1:9000/api/search?q=a');
    expect(resolve('/http/http://127.0.0.1:9000/api/search?q=a').href).toBe('http://127.0.0.1:9000/api/search?q=a');
    expect(resolve('/http/example.com/a').href).toBe('https://example.com/a');
    expect(resolve('example.com/a').href).toBe('https://example.com/a');
    expect(() => resolve('ftp://example.com/')).toThrow(ProxyError);
    expect(() => resolve('/api/search')).toThrow(/a bare path only means something in reverse-proxy mode/);
  });

  it('reverse mode: a path, or an absolute URL on ORIGIN_URL, resolve under ORIGIN_URL; other origins are refused', () => {
    const resolve = targetUrlResolver(new URL('http://origin.internal:9000/'));
    expect(resolve('/api/search?q=a').href).toBe('http://origin.internal:9000/api/search?q=a');
    expect(resolve('http://origin.internal:9000/api/search?q=a').href).toBe('http://origin.internal:9000/api/search?q=a');
    expect(() => resolve('http://elsewhere.example/api')).toThrow(/Expected a path starting with \/ or a URL on http:\/\/origin.internal:9000/);
    expect(() => resolve('/../etc')).toThrow(ProxyError);
  });
});

