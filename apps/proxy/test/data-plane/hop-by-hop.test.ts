import { describe, expect, it } from 'vitest';
import { forwardableRequestHeaders, forwardableResponseHeaders } from '../../src/data-plane/hop-by-hop.js';

/** Field names of a flat `[name, value, …]` list, lowercased. */
function namesOf(list: readonly string[]): string[] {
  return list.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
}

const HOP_BY_HOP_FIELDS: [string, string][] = [
  ['Connection', 'keep-alive'],
  ['Keep-Alive', 'timeout=5'],
  ['Proxy-Connection', 'keep-alive'],
  ['Proxy-Authorization', 'Basic eDp5'],
  ['TE', 'trailers'],
  ['Trailer', 'Expires'],
  ['Transfer-Encoding', 'chunked'],
  ['Upgrade', 'websocket'],
];

describe('forwardableRequestHeaders (RFC 9110 §7.6.1)', () => {
  it('keeps end-to-end fields with their original name case and order', () => {
    const raw = ['Accept', 'text/html', 'User-Agent', 'curl/8', 'X-Request-Id', 'abc'];
    expect(forwardableRequestHeaders(raw)).toEqual(raw);
  });

  it.each(HOP_BY_HOP_FIELDS)('removes the hop-by-hop field %s', (name, value) => {
    expect(forwardableRequestHeaders([name, value, 'Accept', '*/*'])).toEqual(['Accept', '*/*']);
  });

  it('removes hop-by-hop fields whatever their case', () => {
    expect(forwardableRequestHeaders(['TRANSFER-ENCODING', 'chunked', 'keep-alive', 'x', 'Accept', '*/*'])).toEqual([
      'Accept',
      '*/*',
    ]);
  });

  it('removes the fields the Connection header names (§7.6.1)', () => {
    const raw = ['Connection', 'X-Trace, x-debug', 'X-Trace', '1', 'X-Debug', 'on', 'Accept', '*/*'];
    expect(forwardableRequestHeaders(raw)).toEqual(['Accept', '*/*']);
  });

  it('matches Connection-named fields case-insensitively', () => {
    const raw = ['connection', 'X-FOO', 'x-foo', '1', 'X-Foo', '2', 'X-Bar', '3'];
    expect(forwardableRequestHeaders(raw)).toEqual(['X-Bar', '3']);
  });

  it('honours every Connection line, not only the first or last', () => {
    const raw = ['Connection', 'x-a', 'X-A', '1', 'X-B', '2', 'Connection', 'x-b', 'X-C', '3'];
    expect(forwardableRequestHeaders(raw)).toEqual(['X-C', '3']);
  });

  it('removes a Connection-named field even when it appears before the Connection header', () => {
    expect(forwardableRequestHeaders(['X-Early', '1', 'Connection', 'x-early', 'Accept', '*/*'])).toEqual(['Accept', '*/*']);
  });

  it('tolerates empty members and whitespace in Connection', () => {
    expect(forwardableRequestHeaders(['Connection', ' , x-a ,, ', 'X-A', '1', 'X-B', '2'])).toEqual(['X-B', '2']);
  });

  it('does not forward Host, which comes from the target', () => {
    expect(forwardableRequestHeaders(['Host', 'proxy.local:8000', 'Accept', '*/*'])).toEqual(['Accept', '*/*']);
  });

  it('does not forward Expect, which the proxy answers itself', () => {
    expect(forwardableRequestHeaders(['Expect', '100-continue', 'Content-Type', 'text/plain'])).toEqual([
      'Content-Type',
      'text/plain',
    ]);
  });

  it('keeps repeated fields as separate entries', () => {
    const raw = ['Cookie', 'a=1', 'Accept', '*/*', 'Cookie', 'b=2', 'X-Dup', 'one', 'x-dup', 'two'];
    expect(forwardableRequestHeaders(raw)).toEqual(raw);
  });

  it('returns an empty list when every field is hop-by-hop', () => {
    expect(forwardableRequestHeaders(HOP_BY_HOP_FIELDS.flat())).toEqual([]);
  });
});

describe('forwardableResponseHeaders (RFC 9110 §7.6.1)', () => {
  it('flattens the header map, keeping end-to-end fields', () => {
    expect(forwardableResponseHeaders({ 'content-type': 'text/plain', etag: '"v1"' }, new Set())).toEqual([
      'content-type',
      'text/plain',
      'etag',
      '"v1"',
    ]);
  });

  it('removes hop-by-hop fields including Proxy-Authenticate', () => {
    const headers = {
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      'proxy-authenticate': 'Basic realm="x"',
      te: 'trailers',
      trailer: 'Expires',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      'content-type': 'text/html',
    };
    expect(forwardableResponseHeaders(headers, new Set())).toEqual(['content-type', 'text/html']);
  });

  it('removes the fields the Connection header names, case-insensitively', () => {
    const headers = { connection: 'X-Secret, close', 'x-secret': 's', 'x-public': 'p' };
    expect(forwardableResponseHeaders(headers, new Set())).toEqual(['x-public', 'p']);
  });

  it('honours several Connection lines', () => {
    const headers = { connection: ['x-a', 'X-B'], 'x-a': '1', 'x-b': '2', 'x-c': '3' };
    expect(forwardableResponseHeaders(headers, new Set())).toEqual(['x-c', '3']);
  });

  it('keeps each Set-Cookie line as a separate entry', () => {
    const headers = { 'set-cookie': ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'] };
    expect(forwardableResponseHeaders(headers, new Set())).toEqual([
      'set-cookie',
      'a=1; Path=/',
      'set-cookie',
      'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
    ]);
  });

  it('leaves out the fields it is asked to omit', () => {
    const headers = { age: '10', 'cache-status': 'x; hit', 'content-type': 'text/plain' };
    expect(namesOf(forwardableResponseHeaders(headers, new Set(['age', 'cache-status'])))).toEqual(['content-type']);
  });

  it('skips fields whose value is undefined', () => {
    expect(forwardableResponseHeaders({ 'x-none': undefined, 'x-some': 'v' }, new Set())).toEqual(['x-some', 'v']);
  });
});
