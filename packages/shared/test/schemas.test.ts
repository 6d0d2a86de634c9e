import { describe, expect, it } from 'vitest';
import {
  CacheKeyInputSchema,
  CacheKeySchema,
  ERROR_CODE_LIST,
  ERROR_CODES,
  ErrorBodySchema,
  ProxyRequestSchema,
  ProxyResponseSchema,
  statusForErrorCode,
} from '../src/index.js';

describe('ProxyRequestSchema', () => {
  it('fills in the defaults of the seed envelope', () => {
    expect(ProxyRequestSchema.parse({ url: 'https://example.com/' })).toEqual({
      url: 'https://example.com/',
      method: 'GET',
      headers: {},
      params: {},
      body_encoding: 'utf-8',
    });
  });

  it('accepts the allowed methods in upper case', () => {
    expect(ProxyRequestSchema.parse({ url: 'https://example.com/', method: 'POST' }).method).toBe('POST');
    expect(ProxyRequestSchema.parse({ url: 'https://example.com/', method: 'OPTIONS' }).method).toBe('OPTIONS');
  });

  it.each(['post', 'Patch', 'CONNECT', 'TRACE', 'PROPFIND'])('refuses the method %j (case-sensitive allow-list)', (method) => {
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', method }).success).toBe(false);
  });

  it.each(['', 'GE T', 'GET\r\n', 'GET\n', 'G(ET)', 'GÉT', 'GET/1'])('rejects the method %j', (method) => {
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', method }).success).toBe(false);
  });

  it('rejects unknown keys', () => {
    const result = ProxyRequestSchema.safeParse({ url: 'https://example.com/', ttl: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('rejects an empty or missing url', () => {
    expect(ProxyRequestSchema.safeParse({ url: '' }).success).toBe(false);
    expect(ProxyRequestSchema.safeParse({}).success).toBe(false);
  });

  it('accepts header names that are tokens and values without CR, LF or NUL', () => {
    const headers = { Accept: 'application/json', 'X-Custom_1': 'a, b; q="1"', 'x-empty': '' };
    expect(ProxyRequestSchema.parse({ url: 'https://example.com/', headers }).headers).toEqual(headers);
  });

  it.each(['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b'])('rejects the header value %j (RFC 9110 §5.5)', (value) => {
    const result = ProxyRequestSchema.safeParse({ url: 'https://example.com/', headers: { 'X-A': value } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['headers', 'X-A']);
  });

  it.each(['bad name', 'X-A:', 'X-A\r\n', '', 'Ä'])('rejects the header name %j (RFC 9110 §5.1)', (name) => {
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', headers: { [name]: 'v' } }).success).toBe(false);
  });

  it('rejects non-string header values', () => {
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', headers: { 'X-A': 1 } }).success).toBe(false);
  });

  it('accepts scalar and array query parameters', () => {
    const params = { q: 'x', page: 2, draft: false, tag: ['a', 1, true] };
    expect(ProxyRequestSchema.parse({ url: 'https://example.com/', params }).params).toEqual(params);
  });

  it('rejects nested objects and nulls as query parameters', () => {
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', params: { a: { b: 1 } } }).success).toBe(false);
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', params: { a: null } }).success).toBe(false);
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', params: { a: [[1]] } }).success).toBe(false);
  });

  it('accepts a body with utf-8 or base64 encoding and rejects other encodings', () => {
    expect(ProxyRequestSchema.parse({ url: 'https://example.com/', body: 'aGk=', body_encoding: 'base64' })).toMatchObject({
      body: 'aGk=',
      body_encoding: 'base64',
    });
    expect(ProxyRequestSchema.safeParse({ url: 'https://example.com/', body: 'x', body_encoding: 'hex' }).success).toBe(false);
  });
});

describe('ProxyResponseSchema', () => {
  it('accepts the seed response shape with set-cookie as a list', () => {
    const response = {
      status_code: 200,
      content: 'hello',
      content_encoding: 'utf-8',
      headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] },
      from_cache: false,
      cache_key: 'a'.repeat(64),
    };
    expect(ProxyResponseSchema.parse(response)).toEqual(response);
  });
});

describe('CacheKeySchema', () => {
  it('accepts 64 lowercase hex characters', () => {
    expect(CacheKeySchema.safeParse('0123456789abcdef'.repeat(4)).success).toBe(true);
  });

  it.each([
    ['uppercase hex', 'A'.repeat(64)],
    ['63 characters', 'a'.repeat(63)],
    ['65 characters', 'a'.repeat(65)],
    ['non-hex characters', 'g'.repeat(64)],
    ['surrounding whitespace', ` ${'a'.repeat(64)}`],
    ['a path', `../${'a'.repeat(61)}`],
    ['the empty string', ''],
  ])('rejects %s', (_name, key) => {
    expect(CacheKeySchema.safeParse(key).success).toBe(false);
  });

  it('explains what a key looks like', () => {
    expect(CacheKeySchema.safeParse('nope').error?.issues[0]?.message).toBe('expected a cache key: 64 lowercase hex characters');
  });

  it('wraps the key in CacheKeyInputSchema', () => {
    expect(CacheKeyInputSchema.parse({ key: 'f'.repeat(64) })).toEqual({ key: 'f'.repeat(64) });
    expect(CacheKeyInputSchema.safeParse({ key: 'x' }).success).toBe(false);
  });
});

describe('ERROR_CODES', () => {
  it('lists every code once in ERROR_CODE_LIST', () => {
    expect(ERROR_CODE_LIST).toEqual(Object.keys(ERROR_CODES));
    expect(new Set(ERROR_CODE_LIST).size).toBe(ERROR_CODE_LIST.length);
  });

  it.each(ERROR_CODE_LIST)('maps %s to a 4xx or 5xx status with a summary', (code) => {
    const { status, summary } = ERROR_CODES[code];
    expect(Number.isInteger(status)).toBe(true);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThanOrEqual(599);
    expect(summary.length).toBeGreaterThan(0);
    expect(statusForErrorCode(code)).toBe(status);
  });

  it('names every code with the PROXY_ERR_ prefix in upper snake case', () => {
    for (const code of ERROR_CODE_LIST) expect(code).toMatch(/^PROXY_ERR_[A-Z]+(_[A-Z]+)*$/);
  });

  it.each([
    ['PROXY_ERR_INVALID_URL', 400],
    ['PROXY_ERR_UNSUPPORTED_SCHEME', 400],
    ['PROXY_ERR_UNAUTHORIZED', 401],
    ['PROXY_ERR_TARGET_BLOCKED', 403],
    ['PROXY_ERR_ENTRY_NOT_FOUND', 404],
    ['PROXY_ERR_PAYLOAD_TOO_LARGE', 413],
    ['PROXY_ERR_INTERNAL', 500],
    ['PROXY_ERR_UPSTREAM_UNREACHABLE', 502],
    ['PROXY_ERR_SHUTTING_DOWN', 503],
    ['PROXY_ERR_UPSTREAM_TIMEOUT', 504],
  ] as const)('maps %s to %i', (code, status) => {
    expect(statusForErrorCode(code)).toBe(status);
  });
});

describe('ErrorBodySchema', () => {
  it('accepts a registered code with a message and an optional request id', () => {
    expect(ErrorBodySchema.safeParse({ error: { code: 'PROXY_ERR_INVALID_URL', message: 'bad' } }).success).toBe(true);
    expect(
      ErrorBodySchema.safeParse({ error: { code: 'PROXY_ERR_INTERNAL', message: 'oops', request_id: 'r-1' } }).success,
    ).toBe(true);
  });

  it('rejects a code that is not in the registry', () => {
    expect(ErrorBodySchema.safeParse({ error: { code: 'PROXY_ERR_NOPE', message: 'x' } }).success).toBe(false);
  });
});
