import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { headerListToMap } from '../../src/cache/headers.js';
import { BODY_FIELDS, REQUEST_FIELD_POLICY, RequestFieldPolicy, type FieldTreatment } from '../../src/data-plane/request-fields.js';

const PEER = '198.51.100.9';
const untrusted = new RequestFieldPolicy();
const trusted = new RequestFieldPolicy({ trustedProxies: [ipaddr.parseCIDR('198.51.100.0/24')] });

function outbound(policy: RequestFieldPolicy, raw: string[], options: { method?: string; publicHost?: string } = {}) {
  return headerListToMap(policy.forwardHeaders(options.method ?? 'GET', raw, { peerAddress: PEER, publicHost: options.publicHost }));
}

/**
 * Every field a client might use to change an unkeyed response, what it sends, and what the
 * origin receives from an untrusted client (`undefined`: the field is not sent).
 */
const CASES: { field: string; sent: string; treatment: FieldTreatment; received: string | undefined }[] = [
  { field: 'X-Forwarded-Host', sent: 'evil.example', treatment: 'set', received: undefined },
  { field: 'X-Forwarded-Proto', sent: 'https', treatment: 'set', received: 'http' },
  { field: 'X-Forwarded-For', sent: '203.0.113.66', treatment: 'set', received: PEER },
  { field: 'Forwarded', sent: 'for=203.0.113.66;host=evil.example;proto=https', treatment: 'set', received: `for=${PEER};proto=http` },
  { field: 'X-Forwarded-Scheme', sent: 'https', treatment: 'strip', received: undefined },
  { field: 'X-Forwarded-Port', sent: '4443', treatment: 'strip', received: undefined },
  { field: 'X-Forwarded-Prefix', sent: '/evil', treatment: 'strip', received: undefined },
  { field: 'X-Forwarded-Server', sent: 'evil.example', treatment: 'strip', received: undefined },
  { field: 'X-Forwarded-Ssl', sent: 'on', treatment: 'strip', received: undefined },
  { field: 'Front-End-Https', sent: 'on', treatment: 'strip', received: undefined },
  { field: 'X-Host', sent: 'evil.example', treatment: 'strip', received: undefined },
  { field: 'X-Original-Host', sent: 'evil.example', treatment: 'strip', received: undefined },
  { field: 'X-Original-URL', sent: '/admin', treatment: 'strip', received: undefined },
  { field: 'X-Rewrite-URL', sent: '/admin', treatment: 'strip', received: undefined },
  { field: 'X-Original-URI', sent: '/admin', treatment: 'strip', received: undefined },
  { field: 'X-Forwarded-URI', sent: '/admin', treatment: 'strip', received: undefined },
  { field: 'X-HTTP-Method-Override', sent: 'DELETE', treatment: 'strip', received: undefined },
  { field: 'X-HTTP-Method', sent: 'DELETE', treatment: 'strip', received: undefined },
  { field: 'X-Method-Override', sent: 'DELETE', treatment: 'strip', received: undefined },
  { field: 'X-Real-IP', sent: '203.0.113.66', treatment: 'strip', received: undefined },
  { field: 'X-Client-IP', sent: '203.0.113.66', treatment: 'strip', received: undefined },
  { field: 'True-Client-IP', sent: '203.0.113.66', treatment: 'strip', received: undefined },
  { field: 'Host', sent: 'evil.example', treatment: 'set', received: undefined },
  // Hop-by-hop (RFC 9110 §7.6.1): removed before the policy applies.
  { field: 'Proxy-Authorization', sent: 'Basic eDp5', treatment: 'strip', received: undefined },
  { field: 'TE', sent: 'trailers', treatment: 'strip', received: undefined },
  // End-to-end fields: forwarded as sent (Vary keys on them when the origin uses them).
  { field: 'Accept', sent: 'text/html', treatment: 'forward', received: 'text/html' },
  { field: 'Accept-Language', sent: 'fr', treatment: 'forward', received: 'fr' },
  { field: 'Authorization', sent: 'Bearer t', treatment: 'forward', received: 'Bearer t' },
  { field: 'Cookie', sent: 'a=1', treatment: 'forward', received: 'a=1' },
  { field: 'User-Agent', sent: 'curl/8', treatment: 'forward', received: 'curl/8' },
  { field: 'X-Api-Token', sent: 's3cret', treatment: 'forward', received: 's3cret' },
];

describe('the request-field policy (what reaches the origin)', () => {
  it.each(CASES)('$field: $treatment', ({ field, sent, treatment, received }) => {
    const rule = REQUEST_FIELD_POLICY[field.toLowerCase()];
    if (rule !== undefined) expect(rule.treatment).toBe(treatment);
    expect(outbound(untrusted, [field, sent])[field.toLowerCase()]).toBe(received);
  });

  it('documents every field it treats specially', () => {
    for (const [name, rule] of Object.entries({ ...REQUEST_FIELD_POLICY, ...BODY_FIELDS })) {
      expect(name).toBe(name.toLowerCase());
      expect(rule.why.length, name).toBeGreaterThan(10);
    }
  });

  it('always sends the proxy view: X-Forwarded-For, X-Forwarded-Proto and Forwarded, once each', () => {
    const sent = untrusted.forwardHeaders('GET', ['X-Forwarded-For', '1.1.1.1', 'x-forwarded-for', '2.2.2.2', 'Accept', '*/*'], {
      peerAddress: PEER,
    });
    expect(sent).toEqual(['Accept', '*/*', 'x-forwarded-for', PEER, 'x-forwarded-proto', 'http', 'forwarded', `for=${PEER};proto=http`]);
  });

  it('sets X-Forwarded-Host and Forwarded host= to the accepted public host only', () => {
    const sent = outbound(untrusted, ['X-Forwarded-Host', 'evil.example', 'Forwarded', 'host=evil.example'], { publicHost: 'www.example.com' });
    expect(sent['x-forwarded-host']).toBe('www.example.com');
    expect(sent.forwarded).toBe(`for=${PEER};proto=http;host=www.example.com`);
  });

  it('keeps a trusted proxy\'s X-Forwarded-For, X-Forwarded-Proto and Forwarded, appending its own', () => {
    const sent = outbound(trusted, ['X-Forwarded-For', '203.0.113.1', 'X-Forwarded-Proto', 'https', 'Forwarded', 'for=203.0.113.1;proto=https']);
    expect(sent['x-forwarded-for']).toBe(`203.0.113.1, ${PEER}`);
    expect(sent['x-forwarded-proto']).toBe('https');
    expect(sent.forwarded).toBe(`for=203.0.113.1;proto=https, for=${PEER};proto=http`);
  });

  it('never keeps a trusted proxy\'s X-Forwarded-Host or rewrite fields, nor an odd X-Forwarded-Proto', () => {
    const sent = outbound(trusted, ['X-Forwarded-Host', 'evil.example', 'X-Original-URL', '/admin', 'X-Forwarded-Proto', 'gopher']);
    expect(sent['x-forwarded-host']).toBeUndefined();
    expect(sent['x-original-url']).toBeUndefined();
    expect(sent['x-forwarded-proto']).toBe('http');
  });

  it('recognises a trusted peer behind an IPv4-mapped IPv6 address, and quotes IPv6 in Forwarded (RFC 7239 §6)', () => {
    expect(trusted.isTrustedPeer('::ffff:198.51.100.3')).toBe(true);
    expect(trusted.isTrustedPeer('203.0.113.3')).toBe(false);
    expect(trusted.isTrustedPeer(undefined)).toBe(false);
    const sent = headerListToMap(untrusted.forwardHeaders('GET', [], { peerAddress: '2001:db8::1' }));
    expect(sent.forwarded).toBe('for="[2001:db8::1]";proto=http');
  });

  it('strips the framing of a GET/HEAD body, which is never forwarded, but keeps it for other methods', () => {
    const raw = ['Content-Length', '5', 'Content-Type', 'text/plain', 'Content-Encoding', 'gzip'];
    for (const method of ['GET', 'HEAD', 'get']) {
      expect(untrusted.forwardsBody(method)).toBe(false);
      const sent = outbound(untrusted, raw, { method });
      expect([sent['content-length'], sent['content-type'], sent['content-encoding']]).toEqual([undefined, undefined, undefined]);
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(untrusted.forwardsBody(method)).toBe(true);
      expect(outbound(untrusted, raw, { method })['content-type']).toBe('text/plain');
    }
  });
});
