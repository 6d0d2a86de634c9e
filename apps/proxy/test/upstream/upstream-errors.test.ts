import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../src/errors.js';
import { toUpstreamError } from '../../src/upstream/upstream-errors.js';

const TARGET = new URL('http://origin.internal:8080/a');

describe('toUpstreamError', () => {
  it('maps timeouts and unreachable origins to their stable codes', () => {
    expect(toUpstreamError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), TARGET).code).toBe('PROXY_ERR_UPSTREAM_TIMEOUT');
    expect(toUpstreamError(Object.assign(new Error('r'), { code: 'ECONNREFUSED' }), TARGET).code).toBe('PROXY_ERR_UPSTREAM_UNREACHABLE');
  });

  it('never throws on an error whose code is not a string, or on a non-error (regression: code.startsWith)', () => {
    for (const thrown of [Object.assign(new Error('n'), { code: 42 }), { code: { nested: true } }, null, undefined, 'text']) {
      const mapped = toUpstreamError(thrown, TARGET);
      expect(mapped).toBeInstanceOf(ProxyError);
      expect(mapped.code).toBe('PROXY_ERR_UPSTREAM_ERROR');
    }
  });
});
