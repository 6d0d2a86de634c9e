import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { ErrorBody, RulesReloadResult, RulesState, RuleTestResult } from '@caching-proxy/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/control-plane/router.js';
import { postJson, send } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { ISSUE_EXAMPLE } from '../helpers/rules.js';

const API_KEY = 'rules-test-key-0123456789';
const AUTH = { authorization: `Bearer ${API_KEY}` };

/** Three problems, on lines 3, 4 and 5. */
const BROKEN_RULES = `rules:
  - name: search
    match: { path: "api/search*" }
  - name: search
    ttl: soon
`;

function client(url: string, apiKey?: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${url}/trpc`, headers: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}) })],
  });
}

describe('rules procedures (tRPC and REST on the admin listener)', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  let dir: string;
  let rulesFile: string;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=300' });
      res.end(`answer for ${req.url ?? '/'}`);
    });
    dir = await mkdtemp(path.join(tmpdir(), 'rules-control-plane-'));
    rulesFile = path.join(dir, 'rules.yaml');
    await writeFile(rulesFile, ISSUE_EXAMPLE);
    proxy = await startProxy({ ADMIN_API_KEY: API_KEY, CACHE_RULES_FILE: rulesFile });
  });

  afterAll(async () => {
    await proxy?.close();
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await writeFile(rulesFile, ISSUE_EXAMPLE);
    expect((await postJson(proxy.adminUrl, '/rules/reload', {}, AUTH)).json<RulesReloadResult>()).toMatchObject({ ok: true, rules: 3 });
  });

  it('lists the rules in file order, with the file, the load time and zeroed counters', async () => {
    const response = await send(proxy.adminUrl, '/rules', { headers: AUTH });
    expect(response.status).toBe(200);
    const state = response.json<RulesState>();
    expect(state.file).toBe(rulesFile);
    expect(state.loaded_at).toBeCloseTo(proxy.clock.now() / 1000, 0);
    expect(state.rules.map((r) => [r.index, r.name])).toEqual([
      [0, 'search'],
      [1, 'graphql'],
      [2, 'orders-writes'],
    ]);
    expect(state.rules[1]!.rule).toMatchObject({ match: { method: ['POST'], path: ['/graphql'] }, graphql: true, ttl: 60 });
    expect(state.rules[0]!.counters).toEqual({ requests: 0, hits: 0, misses: 0, stores: 0, bypasses: 0, invalidations: 0 });
    expect(state.last_reload).toMatchObject({ ok: true, problems: [] });

    // The same state through tRPC, typed.
    expect(await client(proxy.adminUrl, API_KEY).rules.list.query()).toEqual(state);
  });

  it("counts each rule's requests, misses, stores and hits as traffic matches it", async () => {
    await send(proxy.dataUrl, proxy.via(origin.url, '/api/search?q=shoes&utm_source=mail'));
    await send(proxy.dataUrl, proxy.via(origin.url, '/api/search?utm_medium=x&q=shoes'));
    await send(proxy.dataUrl, proxy.via(origin.url, '/elsewhere'));
    // The utm_* parameters are left out of the key: one origin request for both.
    expect(origin.requests.filter((r) => r.url.startsWith('/api/search')).at(-1)?.url).toBe('/api/search?q=shoes');
    const state = (await send(proxy.adminUrl, '/rules', { headers: AUTH })).json<RulesState>();
    expect(state.rules[0]!.counters).toMatchObject({ requests: 2, misses: 1, hits: 1, stores: 1, bypasses: 0 });
    expect(state.rules[1]!.counters.requests).toBe(0);
  });

  it('tests a URL without sending it: the matched rule, every rule considered, the normalised URL and its cache key', async () => {
    const before = origin.requests.length;
    const url = `${origin.url}/api/search?utm_source=mail&z=2&gclid=abc&a=1`;
    const response = await postJson(proxy.adminUrl, '/rules/test', { url }, AUTH);
    expect(response.status).toBe(200);
    const result = response.json<RuleTestResult>();
    expect(result.rule).toEqual({ index: 0, name: 'search' });
    expect(result.url).toBe(`${origin.url}/api/search?a=1&z=2`);
    expect(result.considered).toEqual([expect.objectContaining({ index: 0, name: 'search', matched: true })]);
    expect(result.bypass).toBe(false);
    expect(origin.requests.length).toBe(before);

    // The key the tester shows is the key the data plane uses for that request.
    const real = await send(proxy.dataUrl, proxy.via(origin.url, '/api/search?gclid=zzz&a=1&z=2'));
    expect(real.headers['x-cache-key']).toBe(result.cache_key);

    // A write to the orders is never looked up: no cache key, and what it invalidates.
    const write = await client(proxy.adminUrl, API_KEY).rules.test.query({ url: `${origin.url}/api/orders/7`, method: 'delete' });
    expect(write.rule).toEqual({ index: 2, name: 'orders-writes' });
    expect(write.considered.map((r) => [r.name, r.matched])).toEqual([
      ['search', false],
      ['graphql', false],
      ['orders-writes', true],
    ]);
    expect(write.considered[0]!.reason).not.toBe('');
    expect(write.cache_key).toBeNull();
    expect(write.invalidates).toEqual({ prefixes: ['/api/orders'], tags: [] });

    const none = await client(proxy.adminUrl, API_KEY).rules.test.query({ url: `${origin.url}/static/app.js` });
    expect(none.rule).toBeNull();
    expect(none.considered).toHaveLength(3);
    expect(none.cache_key).not.toBeNull();
  });

  it('answers a malformed URL with 400 and PROXY_ERR_INVALID_URL, never a 500', async () => {
    const bad = await postJson(proxy.adminUrl, '/rules/test', { url: 'http://[not-a-host/' }, AUTH);
    expect(bad.status).toBe(400);
    expect(bad.json<ErrorBody>().error.code).toBe('PROXY_ERR_INVALID_URL');
    const error = await client(proxy.adminUrl, API_KEY)
      .rules.test.query({ url: 'not a url at all' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    expect(((error as TRPCClientError<AppRouter>).shape as { error: { code: string } }).error.code).toBe('PROXY_ERR_INVALID_URL');
    const shapeless = await postJson(proxy.adminUrl, '/rules/test', { url: '' }, AUTH);
    expect(shapeless.status).toBe(400);
    expect(shapeless.json<ErrorBody>().error.code).toBe('PROXY_ERR_INVALID_REQUEST');
  });

  it('keeps the active rules when a reload finds problems, and reports every problem with its line', async () => {
    await send(proxy.dataUrl, proxy.via(origin.url, '/api/search?q=kept'));
    await writeFile(rulesFile, BROKEN_RULES);
    const response = await postJson(proxy.adminUrl, '/rules/reload', {}, AUTH);
    expect(response.status).toBe(200);
    const result = response.json<RulesReloadResult>();
    expect(result.ok).toBe(false);
    expect(result.rules).toBe(3);
    expect(result.problems.map((p) => [p.path, p.line])).toEqual(
      expect.arrayContaining([
        ['rules[0].match.path', 3],
        ['rules[1].name', 4],
        ['rules[1].ttl', 5],
      ]),
    );
    for (const problem of result.problems) expect(problem.message).not.toBe('');

    const state = (await send(proxy.adminUrl, '/rules', { headers: AUTH })).json<RulesState>();
    expect(state.rules.map((r) => r.name)).toEqual(['search', 'graphql', 'orders-writes']);
    expect(state.rules[0]!.counters.requests).toBe(1);
    expect(state.last_reload).toMatchObject({ ok: false, problems: result.problems });
    // The old rules still apply to traffic.
    const tested = (await postJson(proxy.adminUrl, '/rules/test', { url: `${origin.url}/api/search?utm_x=1` }, AUTH)).json<RuleTestResult>();
    expect(tested.rule?.name).toBe('search');

    // A YAML syntax error is a problem with its line too.
    await writeFile(rulesFile, 'rules:\n  - name: a\n    match: { path: "/x"\n');
    const syntax = await client(proxy.adminUrl, API_KEY).rules.reload.mutate();
    expect(syntax.ok).toBe(false);
    expect(syntax.problems.length).toBeGreaterThan(0);
    expect(syntax.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('replaces the rules when a reload succeeds', async () => {
    await writeFile(rulesFile, 'rules:\n  - name: only\n    match: { path: "/only*" }\n    ttl: 5m\n');
    const reloaded = await client(proxy.adminUrl, API_KEY).rules.reload.mutate();
    expect(reloaded).toEqual({ ok: true, rules: 1, problems: [] });
    const state = await client(proxy.adminUrl, API_KEY).rules.list.query();
    expect(state.rules.map((r) => r.name)).toEqual(['only']);
    expect(state.rules[0]!.rule).toMatchObject({ ttl: 300 });
  });

  it('reloads on a body-less POST /rules/reload (curl -X POST), and still refuses a body without a media type', async () => {
    await writeFile(rulesFile, 'rules:\n  - name: only\n    match: { path: "/only*" }\n');
    const reloaded = await send(proxy.adminUrl, '/rules/reload', { method: 'POST', headers: AUTH });
    expect(reloaded.status).toBe(200);
    expect(reloaded.json<RulesReloadResult>()).toEqual({ ok: true, rules: 1, problems: [] });
    const typeless = await send(proxy.adminUrl, '/rules/reload', { method: 'POST', headers: AUTH, body: '{}' });
    expect(typeless.status).toBe(415);
  });

  it('needs the admin API key, over REST and tRPC', async () => {
    expect((await send(proxy.adminUrl, '/rules')).status).toBe(401);
    expect((await postJson(proxy.adminUrl, '/rules/reload', {})).status).toBe(401);
    const test = await postJson(proxy.adminUrl, '/rules/test', { url: `${origin.url}/x` });
    expect(test.status).toBe(401);
    expect(test.json<ErrorBody>().error.code).toBe('PROXY_ERR_UNAUTHORIZED');
    const wrong = await send(proxy.adminUrl, '/rules', { headers: { authorization: 'Bearer wrong-key-0123456789' } });
    expect(wrong.status).toBe(401);
    const anonymous = client(proxy.adminUrl);
    for (const call of [() => anonymous.rules.list.query(), () => anonymous.rules.reload.mutate(), () => anonymous.rules.test.query({ url: `${origin.url}/x` })]) {
      const error = await call().catch((e: unknown) => e);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    }
  });

  it('is not served on the data port', async () => {
    expect((await send(proxy.dataUrl, '/rules', { headers: AUTH })).status).toBe(404);
  });
});

describe('rules procedures without a rules file', () => {
  let proxy: TestProxy;

  beforeAll(async () => {
    proxy = await startProxy();
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('lists no rules and no file', async () => {
    const state = (await send(proxy.adminUrl, '/rules')).json<RulesState>();
    expect(state).toEqual({ file: null, loaded_at: null, rules: [], last_reload: null });
    const tested = (await postJson(proxy.adminUrl, '/rules/test', { url: 'https://example.com/a?b=1' })).json<RuleTestResult>();
    expect(tested).toMatchObject({ rule: null, considered: [], url: 'https://example.com/a?b=1', bypass: false });
  });

  it('refuses a reload with the reason: no file is configured', async () => {
    const response = await postJson(proxy.adminUrl, '/rules/reload', {});
    expect(response.status).toBe(200);
    const result = response.json<RulesReloadResult>();
    expect(result).toMatchObject({ ok: false, rules: 0 });
    expect(result.problems[0]!.message).toContain('CACHE_RULES_FILE');
  });
});

describe('rules procedures in reverse-proxy mode', () => {
  let origin: TestOrigin;
  let proxy: TestProxy;
  let dir: string;

  beforeAll(async () => {
    origin = await startOrigin((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=300' });
      res.end(`reverse ${req.url ?? '/'}`);
    });
    dir = await mkdtemp(path.join(tmpdir(), 'rules-reverse-'));
    const rulesFile = path.join(dir, 'rules.yaml');
    await writeFile(rulesFile, ISSUE_EXAMPLE);
    proxy = await startProxy({ ORIGIN_URL: origin.url, CACHE_RULES_FILE: rulesFile });
  });

  afterAll(async () => {
    await proxy?.close();
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("tests a path against ORIGIN_URL, with the key a client's request gets", async () => {
    const tested = (await postJson(proxy.adminUrl, '/rules/test', { url: '/api/search?utm_source=x&q=1' })).json<RuleTestResult>();
    expect(tested.rule?.name).toBe('search');
    expect(tested.url).toBe(`${origin.url}/api/search?q=1`);
    const real = await send(proxy.dataUrl, '/api/search?q=1&gclid=2');
    expect(real.headers['cache-status']).toContain('rule="search"');
    expect(real.headers['x-cache-key']).toBe(tested.cache_key);
  });
});
