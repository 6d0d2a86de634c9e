import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { targetUrlResolver } from '../../src/data-plane/request-target.js';
import { ProxyError } from '../../src/errors.js';
import { FileRuleBook, RulesFileError } from '../../src/rules/rule-book.js';
import { manualClock } from '../helpers/clock.js';
import { ISSUE_EXAMPLE } from '../helpers/rules.js';

/** expect.stringContaining, typed for object matchers. */
const containing = (text: string): unknown => expect.stringContaining(text);

describe('the rule book', () => {
  let dir: string;
  let file: string;
  const clock = manualClock();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rule-book-'));
    file = join(dir, 'rules.yaml');
    await writeFile(file, ISSUE_EXAMPLE);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = (originUrl?: string) =>
    FileRuleBook.open({ file, resolveUrl: targetUrlResolver(originUrl === undefined ? undefined : new URL(originUrl)), clock: clock.now });

  it('refuses to open an invalid file, naming every problem with its line', async () => {
    await writeFile(file, 'rules:\n  - name: a\n    match: { path: x }\n  - nam: b\n');
    let error: unknown;
    try {
      open();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RulesFileError);
    expect((error as RulesFileError).message).toContain(`${file}:3:`);
    expect((error as RulesFileError).problems.map((p) => p.path)).toEqual(['rules[0].match.path', 'rules[1].name', 'rules[1].nam']);
  });

  it('lists the rules as loaded with their counters', () => {
    const book = open();
    const state = book.state();
    expect(state.file).toBe(file);
    expect(state.loaded_at).toBe(clock.now() / 1000);
    expect(state.rules.map((r) => [r.index, r.name])).toEqual([[0, 'search'], [1, 'graphql'], [2, 'orders-writes']]);
    expect(state.rules[2]!.rule).toMatchObject({ match: { method: ['POST', 'PUT', 'PATCH', 'DELETE'], path: ['/api/orders*'] } });
    expect(state.rules[0]!.counters).toEqual({ requests: 0, hits: 0, misses: 0, stores: 0, bypasses: 0, invalidations: 0 });
    book.apply({ method: 'GET', url: new URL('http://h/api/search?q=1') });
    expect(book.state().rules[0]!.counters.requests).toBe(1);
  });

  it('keeps the active rules when a reload finds problems, and records them', async () => {
    const book = open();
    book.apply({ method: 'GET', url: new URL('http://h/api/search') });
    await writeFile(file, 'rules:\n  - name: only\n    ttl: { default: soon }\n');
    clock.advance(5000);
    const result = await book.reload();
    expect(result).toMatchObject({ ok: false, rules: 3, problems: [{ path: 'rules[0].ttl.default', line: 3 }] });
    const state = book.state();
    expect(state.rules).toHaveLength(3);
    expect(state.rules[0]!.counters.requests).toBe(1);
    expect(state.last_reload).toMatchObject({ ok: false, at: clock.now() / 1000, problems: [{ line: 3 }] });
    expect(book.apply({ method: 'GET', url: new URL('http://h/api/search') })?.rule.name).toBe('search');
  });

  it('swaps in the new rules on a good reload, with counters from zero', async () => {
    const book = open();
    book.apply({ method: 'GET', url: new URL('http://h/api/search') });
    await writeFile(file, 'rules:\n  - name: everything\n    ttl: 5\n');
    const result = await book.reload();
    expect(result).toEqual({ ok: true, rules: 1, problems: [] });
    expect(book.state().rules).toMatchObject([{ name: 'everything', counters: { requests: 0 } }]);
    expect(book.state().last_reload).toMatchObject({ ok: true, problems: [] });
    expect(book.apply({ method: 'GET', url: new URL('http://h/api/search') })?.rule.name).toBe('everything');
  });

  it('is an empty book with the same API when no file is configured', async () => {
    const book = FileRuleBook.open({ file: undefined, resolveUrl: targetUrlResolver(undefined) });
    expect(book.test({ url: 'http://h/a?b=1' })).toMatchObject({ rule: null, considered: [], url: 'http://h/a?b=1', bypass: false });
    expect(await book.reload()).toMatchObject({ ok: false, rules: 0, problems: [{ message: containing('CACHE_RULES_FILE') }] });
  });

  it('tests a URL without sending it, explaining every considered rule', () => {
    const book = open();
    const result = book.test({ url: 'http://shop.example/api/orders/42', method: 'put' });
    expect(result.rule).toEqual({ index: 2, name: 'orders-writes' });
    expect(result.considered).toEqual([
      { index: 0, name: 'search', matched: false, reason: 'path /api/orders/42 does not match /api/search*' },
      { index: 1, name: 'graphql', matched: false, reason: 'method PUT not in [POST]' },
      { index: 2, name: 'orders-writes', matched: true, reason: 'method PUT in [POST, PUT, PATCH, DELETE]; path /api/orders/42 matches /api/orders*' },
    ]);
    expect(result.cache_key).toBeNull();
    expect(result.invalidates).toEqual({ prefixes: ['/api/orders'], tags: [] });
    expect(book.state().rules[2]!.counters.requests).toBe(0);
  });

  it('tests the normalised URL and its key', () => {
    const book = open();
    const result = book.test({ url: 'http://shop.example/api/search?utm_source=x&q=a&gclid=1' });
    expect(result.url).toBe('http://shop.example/api/search?q=a');
    expect(result.cache_key).toBe(book.test({ url: 'http://shop.example/api/search?q=a' }).cache_key);
    expect(book.test({ url: 'http://shop.example/graphql', method: 'POST' })).toMatchObject({
      rule: { name: 'graphql' },
      graphql: true,
      ttl: { default: 60, override: null, min: null, max: null, stale_while_revalidate: null, stale_if_error: null },
    });
  });

  it('resolves a path against ORIGIN_URL in reverse mode, and refuses what the data plane refuses', () => {
    const book = open('http://origin.internal:8080');
    expect(book.test({ url: '/api/search?gclid=1' }).url).toBe('http://origin.internal:8080/api/search');
    // Rules match the target's path: under a base path of ORIGIN_URL, that path includes it.
    expect(open('http://origin.internal:8080/base').test({ url: '/api/search?gclid=1' })).toMatchObject({
      url: 'http://origin.internal:8080/base/api/search?gclid=1',
      rule: null,
    });
    expect(() => book.test({ url: 'http://elsewhere/x' })).toThrow(ProxyError);
    expect(() => book.test({ url: '/../x' })).toThrow(/climbs above/);
    const forward = open();
    expect(() => forward.test({ url: 'ftp://h/x' })).toThrow(expect.objectContaining({ code: 'PROXY_ERR_UNSUPPORTED_SCHEME' }));
    expect(() => forward.test({ url: '/relative' })).toThrow(expect.objectContaining({ code: 'PROXY_ERR_INVALID_URL' }));
  });
});
