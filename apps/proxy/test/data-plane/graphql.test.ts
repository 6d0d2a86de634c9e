import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { entryKeyFor } from '../../src/cache/cache-key.js';
import { postJson, send, type TestResponse } from '../helpers/http.js';
import { startOrigin, type TestOrigin } from '../helpers/origin.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { freshPrefix, startRedisServer } from '../helpers/redis.js';
import { ISSUE_EXAMPLE, writeRulesFile } from '../helpers/rules.js';

/**
 * GraphQL queries sent by POST, cached under the issue's example rules file (rule `graphql`:
 * `match: { method: POST, path: "/graphql" }`, `graphql: true`, `ttl: 60`), in reverse-proxy mode
 * in front of a real origin. Origin hit counts prove what was cached.
 */

interface GraphqlBody {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/** How the origin answers the next GraphQL POSTs (reset before each test). */
interface OriginScript {
  /** Extra response fields. */
  headers: Record<string, string>;
  /** Answer `{ errors: [...] }` instead of data. */
  errors: boolean;
  /** When set, the origin waits for it before answering. */
  gate?: Promise<void> | undefined;
  /** When set, the origin sends this instead of its JSON result, with this Content-Encoding. */
  encode?: ((json: Buffer) => { coding: string; body: Buffer }) | undefined;
  /** Every encoded body the origin sent, in order. */
  encodedBodies: Buffer[];
}

let origin: TestOrigin;
let proxy: TestProxy;
let rules: Awaited<ReturnType<typeof writeRulesFile>>;
let script: OriginScript;
let served = 0;

async function answerGraphql(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  served += 1;
  await script.gate;
  let parsed: GraphqlBody | undefined;
  try {
    parsed = JSON.parse(body.toString('utf8')) as GraphqlBody;
  } catch {
    parsed = undefined;
  }
  if (parsed?.query === undefined) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ message: 'not a GraphQL request' }] }));
    return;
  }
  const who = req.headers.authorization ?? 'anonymous';
  const result = script.errors
    ? { errors: [{ message: 'upstream service down' }] }
    : { data: { answer: served, who, operationName: parsed.operationName ?? null, variables: parsed.variables ?? null, received: body.toString('utf8') } };
  const encoded = script.encode?.(Buffer.from(JSON.stringify(result)));
  if (encoded !== undefined) {
    script.encodedBodies.push(encoded.body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoded.coding, vary: 'accept-encoding', ...script.headers });
    res.end(encoded.body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', ...script.headers });
  res.end(JSON.stringify(result));
}

beforeEach(async () => {
  script = { headers: {}, errors: false, encodedBodies: [] };
  served = 0;
  origin = await startOrigin((req, res, body) => {
    if (req.url?.startsWith('/graphql') && req.method === 'POST') return answerGraphql(req, res, body);
    // GET /graphql (persisted queries) and anything else: fresh for a minute.
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify({ data: { get: origin.hits(req.url) } }));
  });
  rules = await writeRulesFile(ISSUE_EXAMPLE);
  proxy = await startProxy({ ORIGIN_URL: origin.url, CACHE_RULES_FILE: rules.path, GRAPHQL_MAX_BODY_BYTES: '1KiB', CLIENT_BODY_TIMEOUT_MS: '50' });
});

afterEach(async () => {
  await proxy.close();
  await origin.close();
  await rules.remove();
});

const QUERY = 'query Hero($id: ID!) { hero(id: $id) { id name } }';

function graphql(body: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
  return postJson(proxy.dataUrl, '/graphql', body, headers);
}

/** POSTs that reached the origin. */
function originPosts(): number {
  return origin.requests.filter((r) => r.method === 'POST').length;
}

describe('GraphQL queries sent by POST (rule graphql: true)', () => {
  it('answers the same query twice with one origin request, under its own key', async () => {
    const first = await graphql({ query: QUERY, variables: { id: 1 } });
    const second = await graphql({ query: QUERY, variables: { id: 1 } });
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers['cache-status']).toContain('stored');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(originPosts()).toBe(1);
    // The origin got the client's body, by POST.
    expect(origin.requests[0]!.method).toBe('POST');
    expect(JSON.parse(origin.requests[0]!.body.toString())).toEqual({ query: QUERY, variables: { id: 1 } });
    // Its own key: never the URL's GET entry.
    const key = second.headers['x-cache-key'];
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).toBe(first.headers['x-cache-key']);
    expect(key).not.toBe(entryKeyFor(new URL(`${origin.url}/graphql`)));
  });

  it('sends one origin request for identical concurrent queries (coalesced)', async () => {
    let open!: () => void;
    script.gate = new Promise<void>((resolve) => (open = resolve));
    const responses = Array.from({ length: 5 }, () => graphql({ query: QUERY, variables: { id: 1 } }));
    await vi.waitFor(() => expect(proxy.server.stats.counters.coalesced).toBe(4), { timeout: 10_000, interval: 5 });
    open();
    const settled = await Promise.all(responses);
    expect(settled.every((r) => r.status === 200 && r.text === settled[0]!.text)).toBe(true);
    expect(originPosts()).toBe(1);
  });

  it("gives a query the rule's ttl (60 s) when the origin states no freshness", async () => {
    await graphql({ query: QUERY, variables: { id: 1 } });
    proxy.clock.advance(59_000);
    expect((await graphql({ query: QUERY, variables: { id: 1 } })).headers['x-cache']).toBe('HIT');
    proxy.clock.advance(2_000);
    const stale = await graphql({ query: QUERY, variables: { id: 1 } });
    expect(stale.headers['x-cache']).toBe('MISS');
    expect(originPosts()).toBe(2);
  });

  it('caches a query sent through /http/ (forward mode) the same way', async () => {
    const forward = await startProxy({ CACHE_RULES_FILE: rules.path });
    try {
      const path = forward.via(origin.url, '/graphql');
      const first = await postJson(forward.dataUrl, path, { query: QUERY, variables: { id: 1 } });
      const second = await postJson(forward.dataUrl, path, { query: QUERY, variables: { id: 1 } });
      expect(first.headers['x-cache']).toBe('MISS');
      expect(second.headers['x-cache']).toBe('HIT');
      expect(originPosts()).toBe(1);
    } finally {
      await forward.close();
    }
  });

  it('answers the same query with other whitespace, comments and member order from the stored response', async () => {
    await graphql({ query: QUERY, variables: { id: 1, lang: 'en' } });
    const reformatted = await graphql({
      variables: { lang: 'en', id: 1 },
      query: '# the hero\nquery Hero( $id: ID! ) {\n  hero(id: $id) {\n    id,\n    name # display name\n  }\n}\n',
    });
    expect(reformatted.headers['x-cache']).toBe('HIT');
    expect(originPosts()).toBe(1);
  });

  it('keys the variables and the operation name: other values go to the origin', async () => {
    const doc = 'query A { a } query B { b }';
    await graphql({ query: QUERY, variables: { id: 1 } });
    const otherVariables = await graphql({ query: QUERY, variables: { id: 2 } });
    expect(otherVariables.headers['x-cache']).toBe('MISS');
    expect(otherVariables.json<{ data: { variables: unknown } }>().data.variables).toEqual({ id: 2 });
    expect(originPosts()).toBe(2);

    await graphql({ query: doc, operationName: 'A' });
    const otherOperation = await graphql({ query: doc, operationName: 'B' });
    expect(otherOperation.headers['x-cache']).toBe('MISS');
    expect(otherOperation.json<{ data: { operationName: string } }>().data.operationName).toBe('B');
    expect(originPosts()).toBe(4);
  });

  it('never stores a mutation, and never answers one from a stored query of the same document', async () => {
    const doc = 'query Read { a } mutation Write { a }';
    await graphql({ query: doc, operationName: 'Read' });
    expect((await graphql({ query: doc, operationName: 'Read' })).headers['x-cache']).toBe('HIT');
    const first = await graphql({ query: doc, operationName: 'Write' });
    const second = await graphql({ query: doc, operationName: 'Write' });
    for (const response of [first, second]) {
      expect(response.headers['x-cache']).toBe('BYPASS');
      expect(response.headers['cache-status']).not.toContain('stored');
    }
    expect(originPosts()).toBe(3);
  });

  it('does not store a result with errors, and says why in Cache-Status', async () => {
    script.errors = true;
    const first = await graphql({ query: QUERY, variables: { id: 1 } });
    expect(first.json()).toEqual({ errors: [{ message: 'upstream service down' }] });
    expect(first.headers['cache-status']).toContain('detail=graphql-errors');
    expect(first.headers['cache-status']).not.toContain('stored');
    script.errors = false;
    const second = await graphql({ query: QUERY, variables: { id: 1 } });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(second.json<{ data: unknown }>().data).toBeDefined();
    expect(originPosts()).toBe(2);
  });

  it('forwards a body larger than GRAPHQL_MAX_BODY_BYTES intact, declared or chunked, and stores nothing', async () => {
    const big = { query: QUERY, variables: { id: 1, padding: 'x'.repeat(4096) } };
    const text = JSON.stringify(big);
    await graphql(big);
    const again = await graphql(big);
    expect(again.headers['x-cache']).toBe('BYPASS');
    await postChunked(text);
    expect(originPosts()).toBe(3);
    for (const received of origin.requests) expect(received.body.toString()).toBe(text);
  });

  it('forwards invalid JSON and a syntax error to the origin, which answers; nothing is stored', async () => {
    const invalid = '{"query": "{ a }"';
    for (let i = 0; i < 2; i++) {
      const response = await send(proxy.dataUrl, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: invalid });
      expect(response.status).toBe(400);
      expect(response.headers['x-cache']).toBe('BYPASS');
    }
    expect(origin.requests.map((r) => r.body.toString())).toEqual([invalid, invalid]);
    for (let i = 0; i < 2; i++) {
      expect((await graphql({ query: '{ hero( }' })).headers['x-cache']).toBe('BYPASS');
    }
    expect(originPosts()).toBe(4);
  });

  it('fetches a stale stored query again without conditional request fields (a POST precondition would answer 412)', async () => {
    script.headers = { 'cache-control': 'max-age=10', etag: '"v1"', 'last-modified': 'Thu, 01 Jan 2026 00:00:00 GMT' };
    await graphql({ query: QUERY, variables: { id: 1 } });
    proxy.clock.advance(20_000);
    const refetched = await graphql({ query: QUERY, variables: { id: 1 } });
    expect(refetched.status).toBe(200);
    expect(refetched.headers['cache-status']).toContain('fwd=stale');
    expect(originPosts()).toBe(2);
    const again = origin.requests[1]!;
    expect(again.method).toBe('POST');
    expect(again.headers['if-none-match']).toBeUndefined();
    expect(again.headers['if-modified-since']).toBeUndefined();
    expect(JSON.parse(again.body.toString())).toEqual({ query: QUERY, variables: { id: 1 } });
  });

  it("sends a client's precondition on a stored query to the origin, never answering a POST with 304 itself", async () => {
    script.headers = { etag: '"v1"' };
    await graphql({ query: QUERY, variables: { id: 1 } });
    const conditional = await graphql({ query: QUERY, variables: { id: 1 } }, { 'if-none-match': '"v1"' });
    expect(conditional.status).toBe(200);
    expect(conditional.headers['cache-status']).toContain('fwd=request');
    expect(originPosts()).toBe(2);
    expect(origin.requests[1]!.headers['if-none-match']).toBe('"v1"');
  });

  it("leaves /graphql's stored GET response alone after a query, and invalidates it after a mutation (RFC 9111 §4.4)", async () => {
    // §4.4 invalidates the target URI itself: /graphql's own stored GET response.
    const get = () => send(proxy.dataUrl, '/graphql');
    await get();
    expect((await get()).headers['x-cache']).toBe('HIT');
    await graphql({ query: '{ a }' });
    expect((await get()).headers['x-cache']).toBe('HIT');
    const mutation = await graphql({ query: 'mutation { buy(id: 1) }' });
    expect(mutation.status).toBe(200);
    expect((await get()).headers['x-cache']).toBe('MISS');
    expect(origin.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it("never serves client A's query made with Authorization to client B when the origin did not say public", async () => {
    const a = await graphql({ query: QUERY, variables: { id: 1 } }, { authorization: 'Bearer alice-secret' });
    expect(a.json<{ data: { who: string } }>().data.who).toBe('Bearer alice-secret');
    expect(a.headers['cache-status']).toContain('detail=authorization');
    const b = await graphql({ query: QUERY, variables: { id: 1 } });
    expect(b.headers['x-cache']).not.toBe('HIT');
    expect(b.json<{ data: { who: string } }>().data.who).toBe('anonymous');
    expect(b.text).not.toContain('alice');
    expect(originPosts()).toBe(2);
  });

  it('answers 408 to a GraphQL body that pauses longer than CLIENT_BODY_TIMEOUT_MS, and sends nothing upstream', async () => {
    const response = await postStalled('{"query": "{ a ');
    expect(response.status).toBe(408);
    expect(response.json()).toMatchObject({ error: { code: 'PROXY_ERR_REQUEST_TIMEOUT' } });
    expect(originPosts()).toBe(0);
  });
});

/** POSTs a body exactly as given (bytes, not a JSON value). */
function graphqlRaw(text: string | Buffer, headers: Record<string, string> = {}): Promise<TestResponse> {
  return send(proxy.dataUrl, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text });
}

/** What the origin says it received, from its JSON result. */
const receivedBy = (response: TestResponse) => response.json<{ data: { received: string } }>().data.received;

describe('GraphQL bodies that JSON parsers read differently are never stored (security review: key collisions)', () => {
  it('never stores {"query": mutation, "query": query}; the plain query afterwards is a MISS the origin answers', async () => {
    // An origin whose JSON parser keeps the first duplicate runs the mutation; JSON.parse keeps the last.
    const attack = '{"query":"mutation { del }","query":"query { me }"}';
    const first = await graphqlRaw(attack);
    expect(first.headers['x-cache']).toBe('BYPASS');
    expect(first.headers['cache-status']).toContain('detail=graphql-ambiguous-json');
    expect(first.headers['cache-status']).not.toContain('stored');
    const victim = await graphqlRaw('{"query":"query { me }"}');
    expect(victim.headers['x-cache']).toBe('MISS');
    expect(receivedBy(victim)).toBe('{"query":"query { me }"}');
    expect(victim.text).not.toContain('mutation');
    expect(originPosts()).toBe(2);
    expect(origin.requests.map((r) => r.body.toString())).toEqual([attack, '{"query":"query { me }"}']);
  });

  it('sends 9007199254740993 and 9007199254740992 to the origin each, and each client gets the answer to its own body', async () => {
    const body = (n: string) => `{"query":"query Q($n: Float) { f(n: $n) }","variables":{"n":${n}}}`;
    const odd = await graphqlRaw(body('9007199254740993'));
    const even = await graphqlRaw(body('9007199254740992'));
    for (const response of [odd, even]) {
      expect(response.headers['x-cache']).toBe('BYPASS');
      expect(response.headers['cache-status']).toContain('detail=graphql-ambiguous-json');
    }
    expect(receivedBy(odd)).toBe(body('9007199254740993'));
    expect(receivedBy(even)).toBe(body('9007199254740992'));
    expect(originPosts()).toBe(2);
  });

  it('relays 1.0 uncached, and still caches 1', async () => {
    const body = (n: string) => `{"query":"query Q($n: Float) { f(n: $n) }","variables":{"n":${n}}}`;
    await graphqlRaw(body('1'));
    const decimal = await graphqlRaw(body('1.0'));
    expect(decimal.headers['x-cache']).toBe('BYPASS');
    expect(receivedBy(decimal)).toBe(body('1.0'));
    expect((await graphqlRaw(body('1'))).headers['x-cache']).toBe('HIT');
    expect(originPosts()).toBe(2);
  });

  it('relays bodies that are not UTF-8 byte for byte and uncached, never as one key ("\\xff" and "\\xfe")', async () => {
    const invalid = (byte: number) => Buffer.concat([Buffer.from('{"query":"{ a }","variables":{"s":"'), Buffer.from([byte]), Buffer.from('"}}')]);
    for (const byte of [0xff, 0xfe]) {
      const response = await graphqlRaw(invalid(byte));
      expect(response.headers['x-cache']).toBe('BYPASS');
      expect(response.headers['cache-status']).toContain('detail=graphql-not-graphql');
    }
    expect(origin.requests.map((r) => r.body)).toEqual([invalid(0xff), invalid(0xfe)]);
  });
});

describe('GraphQL responses with a content coding (Accept-Encoding: gzip, as browsers send)', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('stores a %s-encoded result and serves it again byte for byte, still encoded', async (coding, compress) => {
    script.encode = (json) => ({ coding, body: compress(json) });
    const headers = { 'accept-encoding': 'gzip, deflate, br' };
    const first = await graphql({ query: QUERY, variables: { id: 1 } }, headers);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.headers['cache-status']).toContain('stored');
    const second = await graphql({ query: QUERY, variables: { id: 1 } }, headers);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['content-encoding']).toBe(coding);
    expect(first.body.equals(script.encodedBodies[0]!)).toBe(true);
    expect(second.body.equals(script.encodedBodies[0]!)).toBe(true);
    expect(originPosts()).toBe(1);
  });

  it('reads a gzip-encoded result with errors as one, and does not store it', async () => {
    script.errors = true;
    script.encode = (json) => ({ coding: 'gzip', body: gzipSync(json) });
    const first = await graphql({ query: QUERY, variables: { id: 1 } }, { 'accept-encoding': 'gzip' });
    expect(first.headers['cache-status']).toContain('detail=graphql-errors');
    expect((await graphql({ query: QUERY, variables: { id: 1 } }, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('MISS');
    expect(originPosts()).toBe(2);
  });

  it('relays a result in a coding it cannot read unchanged, and does not store it (detail=graphql-unsupported-coding)', async () => {
    script.encode = (json) => ({ coding: 'compress', body: Buffer.concat([Buffer.from([0x1f, 0x9d]), json]) });
    const first = await graphql({ query: QUERY, variables: { id: 1 } }, { 'accept-encoding': 'compress' });
    expect(first.headers['cache-status']).toContain('detail=graphql-unsupported-coding');
    expect(first.body.equals(script.encodedBodies[0]!)).toBe(true);
    expect((await graphql({ query: QUERY, variables: { id: 1 } }, { 'accept-encoding': 'compress' })).headers['x-cache']).toBe('MISS');
    expect(originPosts()).toBe(2);
  });

  it('relays a gzip decompression bomb unchanged without storing it, and keeps serving (detail=graphql-decoded-too-large)', async () => {
    await proxy.close();
    proxy = await startProxy({ ORIGIN_URL: origin.url, CACHE_RULES_FILE: rules.path, MAX_OBJECT_BYTES: '64KiB' });
    // About 32 KiB that expands to 64 MiB: within MAX_OBJECT_BYTES encoded, a thousand times over it decoded.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    script.encode = () => ({ coding: 'gzip', body: bomb });
    const first = await graphql({ query: QUERY, variables: { id: 1 } }, { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers['cache-status']).toContain('detail=graphql-decoded-too-large');
    expect(first.headers['cache-status']).not.toContain('stored');
    expect(first.body.equals(bomb)).toBe(true);
    const second = await graphql({ query: QUERY, variables: { id: 1 } }, { 'accept-encoding': 'gzip' });
    expect(second.headers['x-cache']).toBe('MISS');
    expect(originPosts()).toBe(2);
    // Still answering: an ordinary query is stored and served.
    script.encode = undefined;
    await graphql({ query: '{ still }' });
    expect((await graphql({ query: '{ still }' })).headers['x-cache']).toBe('HIT');
  });
});

describe('GraphQL rules with invalidate', () => {
  it('drops the stored queries after a successful mutation when the rule says invalidate: { prefixes: ["/graphql"] }, never after a query', async () => {
    await rules.write(`rules:
  - name: graphql
    match: { method: POST, path: "/graphql" }
    graphql: true
    ttl: 60
    invalidate: { prefixes: ["/graphql"] }
`);
    await proxy.close();
    proxy = await startProxy({ ORIGIN_URL: origin.url, CACHE_RULES_FILE: rules.path });
    const hero = { query: QUERY, variables: { id: 1 } };
    const first = await graphql(hero);
    expect(first.headers['cache-status']).toContain('rule=');
    await graphql({ query: '{ other }' });
    expect((await graphql(hero)).headers['x-cache']).toBe('HIT');
    await graphql({ query: 'mutation { rename(id: 1, name: "x") }' });
    expect((await graphql(hero)).headers['x-cache']).toBe('MISS');
    expect(originPosts()).toBe(4);
  });
});

describe('GraphQL rules with key headers', () => {
  it('keys queries on Accept when the rule adds it to the key', async () => {
    await rules.write(`rules:
  - name: graphql
    match: { method: POST, path: "/graphql" }
    graphql: true
    key: { headers: [accept] }
`);
    await proxy.close();
    proxy = await startProxy({ ORIGIN_URL: origin.url, CACHE_RULES_FILE: rules.path });
    const hero = { query: QUERY, variables: { id: 1 } };
    await graphql(hero, { accept: 'application/graphql-response+json' });
    expect((await graphql(hero, { accept: 'application/graphql-response+json' })).headers['x-cache']).toBe('HIT');
    expect((await graphql(hero, { accept: 'application/json' })).headers['x-cache']).toBe('MISS');
    expect(originPosts()).toBe(2);
  });
});

describe('GraphQL queries with the Redis backend', () => {
  it('stores a query once for every replica: another replica answers it from Redis', async () => {
    const redis = await startRedisServer();
    const shared = { ORIGIN_URL: origin.url, CACHE_RULES_FILE: rules.path, CACHE_BACKEND: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: freshPrefix() };
    const [a, b] = await Promise.all([startProxy(shared), startProxy(shared)]);
    try {
      const stored = await postJson(a.dataUrl, '/graphql', { query: QUERY, variables: { id: 7 } });
      expect(stored.headers['cache-status']).toContain('stored');
      const elsewhere = await postJson(b.dataUrl, '/graphql', { query: '  query Hero($id: ID!) { hero(id: $id) { id name } }', variables: { id: 7 } });
      expect(elsewhere.headers['x-cache']).toBe('HIT');
      expect(elsewhere.headers['x-cache-key']).toBe(stored.headers['x-cache-key']);
      expect(elsewhere.text).toBe(stored.text);
      expect(originPosts()).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await redis.stop();
    }
  });
});

describe('GraphQL queries in a POST /proxy envelope', () => {
  it('caches a query sent in the envelope under its own key, and relays a mutation uncached', async () => {
    const forward = await startProxy({ CACHE_RULES_FILE: rules.path });
    try {
      const envelope = (query: string) => ({
        url: `${origin.url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id: 1 } }),
      });
      const first = await postJson(forward.dataUrl, '/proxy', envelope(QUERY));
      const second = await postJson(forward.dataUrl, '/proxy', envelope(` ${QUERY} # same`));
      expect(first.json()).toMatchObject({ status_code: 200, from_cache: false });
      expect(second.json()).toMatchObject({ status_code: 200, from_cache: true, cache_key: first.json<{ cache_key: string }>().cache_key });
      expect(originPosts()).toBe(1);
      const mutation = envelope('mutation M($id: ID!) { buy(id: $id) }');
      await postJson(forward.dataUrl, '/proxy', mutation);
      expect((await postJson(forward.dataUrl, '/proxy', mutation)).json()).toMatchObject({ from_cache: false });
      expect(originPosts()).toBe(3);
    } finally {
      await forward.close();
    }
  });
});

describe('GraphQL persisted queries sent by GET', () => {
  it('caches a GET persisted query like any GET (the graphql rule matches POST only)', async () => {
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } }));
    const path = `/graphql?operationName=Hero&variables=${encodeURIComponent('{"id":1}')}&extensions=${extensions}`;
    const first = await send(proxy.dataUrl, path);
    const second = await send(proxy.dataUrl, path);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['x-cache-key']).toBe(entryKeyFor(new URL(`${origin.url}${path}`)));
    expect(origin.hits(path)).toBe(1);
  });
});

/** Sends `text` as a POST body in two chunks, without Content-Length. */
function postChunked(text: string): Promise<TestResponse> {
  const base = new URL(proxy.dataUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: base.hostname, port: base.port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => collect(res, resolve, reject),
    );
    req.on('error', reject);
    req.write(text.slice(0, 700));
    req.end(text.slice(700));
  });
}

/** Sends the start of a POST body and then nothing more. */
function postStalled(start: string): Promise<TestResponse> {
  const base = new URL(proxy.dataUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(start.length + 100) },
        agent: false,
      },
      (res) => collect(res, resolve, reject),
    );
    req.on('error', reject);
    req.write(start);
  });
}

function collect(res: IncomingMessage, resolve: (response: TestResponse) => void, reject: (error: Error) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', reject);
  res.on('end', () => {
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body, text, json: <T>() => JSON.parse(text) as T });
  });
}
