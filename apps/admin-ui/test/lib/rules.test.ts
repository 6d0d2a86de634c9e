import { CacheRuleSchema } from '@caching-proxy/shared';
import { describe, expect, it } from 'vitest';
import {
  describeActions,
  describeMatch,
  formatRuleSeconds,
  loadedRule,
  parseHeaderLines,
  problemLocation,
  ruleHitRatioPercent,
} from '../../src/lib/rules';

describe('rules helpers', () => {
  it('describes what a rule matches, "any" where it leaves it open', () => {
    const rule = CacheRuleSchema.parse({ name: 'writes', match: { method: ['post', 'PUT'], path: '/api/orders*' } });
    expect(describeMatch(rule)).toEqual([
      { label: 'methods', value: 'POST, PUT' },
      { label: 'hosts', value: 'any' },
      { label: 'paths', value: '/api/orders*' },
    ]);
  });

  it('describes only the actions a rule sets, in the file format order', () => {
    const rule = CacheRuleSchema.parse({
      name: 'search',
      match: { path: '/api/search*' },
      key: { ignoreQuery: ['utm_*', 'gclid'], sortQuery: true, headers: ['Accept-Language'] },
      ttl: { default: '5m', max: '1d', staleIfError: 90 },
      tags: ['search'],
      invalidate: { prefixes: ['/api/search'], tags: ['listing'] },
      graphql: true,
      storeStatuses: [404],
    });
    expect(describeActions(rule)).toEqual([
      { label: 'key', value: 'ignore query utm_*, gclid; sort query; add headers accept-language' },
      { label: 'ttl', value: 'default 5m, max 1d, stale-if-error 90s' },
      { label: 'tags', value: 'search' },
      { label: 'invalidate', value: 'prefix /api/search, tag listing' },
      { label: 'graphql', value: 'queries sent by POST are cached' },
      { label: 'store statuses', value: '404' },
    ]);
    expect(describeActions(CacheRuleSchema.parse({ name: 'ttl-only', ttl: 60 }))).toEqual([{ label: 'ttl', value: 'default 1m' }]);
    expect(describeActions(CacheRuleSchema.parse({ name: 'skip', bypass: true }))).toEqual([
      { label: 'bypass', value: 'never stored nor served from storage' },
    ]);
    expect(describeActions(CacheRuleSchema.parse({ name: 'nothing' }))).toEqual([]);
  });

  it('writes seconds in the largest exact unit of the rules file', () => {
    expect(formatRuleSeconds(0)).toBe('0s');
    expect(formatRuleSeconds(45)).toBe('45s');
    expect(formatRuleSeconds(90)).toBe('90s');
    expect(formatRuleSeconds(300)).toBe('5m');
    expect(formatRuleSeconds(7200)).toBe('2h');
    expect(formatRuleSeconds(86_400)).toBe('1d');
  });

  it('computes the hit ratio of a rule over the requests it looked up', () => {
    expect(ruleHitRatioPercent({ hits: 0, misses: 0 })).toBeNull();
    expect(ruleHitRatioPercent({ hits: 3, misses: 1 })).toBe(75);
  });

  it('reads a listed rule without its body as a rule that sets nothing', () => {
    expect(describeActions(loadedRule({}))).toEqual([]);
  });

  it('says where a problem of the rules file is', () => {
    expect(problemLocation({ path: 'rules[1].match.path', line: 4, column: 7 })).toBe('line 4, column 7 · rules[1].match.path');
    expect(problemLocation({ path: 'rules[0]', line: 2, column: null })).toBe('line 2 · rules[0]');
    expect(problemLocation({ path: 'rules', line: null, column: null })).toBe('rules');
    expect(problemLocation({ path: '', line: null, column: null })).toBe('the whole file');
  });

  it('reads "Name: value" header lines, joining repeated fields and reporting the first bad line', () => {
    expect(parseHeaderLines('')).toEqual({ ok: true, headers: {} });
    expect(parseHeaderLines('Accept-Language: en\n\nX-Tenant:  acme \naccept-language: fr')).toEqual({
      ok: true,
      headers: { 'accept-language': 'en, fr', 'x-tenant': 'acme' },
    });
    expect(parseHeaderLines('Accept: */*\nno colon here')).toEqual({ ok: false, line: 2, message: 'expected "Name: value"' });
    expect(parseHeaderLines('Bad Name: x')).toMatchObject({ ok: false, line: 1 });
  });
});
