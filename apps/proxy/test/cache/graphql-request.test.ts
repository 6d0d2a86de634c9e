import { describe, expect, it } from 'vitest';
import { classifyGraphqlRequest, isGraphqlMediaType, whyGraphqlResponseNotStored } from '../../src/cache/graphql-request.js';

const JSON_TYPE = 'application/json';
const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const classify = (value: unknown, contentType = JSON_TYPE) => classifyGraphqlRequest(body(value), contentType);
const digestOf = (value: unknown) => {
  const kind = classify(value);
  if (kind.kind !== 'query') throw new Error(`expected a query, got ${JSON.stringify(kind)}`);
  return kind.digest;
};

describe('isGraphqlMediaType', () => {
  it('accepts application/json and application/graphql-response+json, with a UTF-8 charset or none', () => {
    expect(isGraphqlMediaType('application/json')).toBe(true);
    expect(isGraphqlMediaType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isGraphqlMediaType('application/json;charset="UTF-8"')).toBe(true);
    expect(isGraphqlMediaType('application/graphql-response+json')).toBe(true);
  });

  it('refuses other media types, other charsets and a missing Content-Type', () => {
    expect(isGraphqlMediaType(undefined)).toBe(false);
    expect(isGraphqlMediaType('text/plain')).toBe(false);
    expect(isGraphqlMediaType('application/x-www-form-urlencoded')).toBe(false);
    expect(isGraphqlMediaType('application/graphql')).toBe(false);
    expect(isGraphqlMediaType('application/json; charset=utf-16')).toBe(false);
  });
});

describe('classifyGraphqlRequest: queries', () => {
  it('classifies a query and gives a 64-hex digest', () => {
    const kind = classify({ query: '{ me { id } }' });
    expect(kind).toMatchObject({ kind: 'query', operationName: null });
    expect(digestOf({ query: '{ me { id } }' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same digest whatever the whitespace, comments and commas of the document', () => {
    const compact = digestOf({ query: 'query Q($id: ID!){user(id:$id){id,name}}', variables: { id: 1 } });
    const spaced = digestOf({
      query: '# a comment\nquery Q( $id : ID! ) {\n  user(id: $id) {\n    id\n    name # trailing\n  }\n}\n',
      variables: { id: 1 },
    });
    expect(spaced).toBe(compact);
  });

  it('gives the same digest whatever the order of members and of variable keys', () => {
    const a = digestOf({ query: '{ a }', variables: { x: 1, y: { p: 1, q: 2 } }, operationName: null });
    const b = digestOf({ operationName: null, variables: { y: { q: 2, p: 1 }, x: 1 }, query: '{ a }' });
    expect(b).toBe(a);
  });

  it('gives another digest for other variables, another operation name, other extensions or another document', () => {
    const base = { query: 'query A { a } query B { b }', operationName: 'A', variables: { x: 1 } };
    const digest = digestOf(base);
    expect(digestOf({ ...base, variables: { x: 2 } })).not.toBe(digest);
    expect(digestOf({ ...base, operationName: 'B' })).not.toBe(digest);
    expect(digestOf({ ...base, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } })).not.toBe(digest);
    expect(digestOf({ ...base, query: 'query A { a2 } query B { b }' })).not.toBe(digest);
  });

  it('keys a member it does not know, so that nothing the origin may read is left out of the key', () => {
    expect(digestOf({ query: '{ a }', locale: 'fr' })).not.toBe(digestOf({ query: '{ a }', locale: 'en' }));
  });

  it('selects the named operation of a document with several, and reports its name', () => {
    expect(classify({ query: 'query A { a } mutation B { b }', operationName: 'A' })).toMatchObject({ kind: 'query', operationName: 'A' });
  });

  it('accepts application/graphql-response+json and a charset parameter', () => {
    expect(classify({ query: '{ a }' }, 'application/json; charset=utf-8').kind).toBe('query');
    expect(classify({ query: '{ a }' }, 'application/graphql-response+json').kind).toBe('query');
  });
});

describe('classifyGraphqlRequest: mutations and subscriptions (from the parsed operation, never a regex)', () => {
  it('classifies mutations and subscriptions', () => {
    expect(classify({ query: 'mutation { buy(id: 1) { id } }' })).toEqual({ kind: 'mutation', operationName: null });
    expect(classify({ query: 'subscription S { ticks }', operationName: 'S' })).toEqual({ kind: 'subscription', operationName: 'S' });
  });

  it('classifies the selected operation, whatever the other operations of the document', () => {
    expect(classify({ query: 'query A { a } mutation B { b }', operationName: 'B' }).kind).toBe('mutation');
  });

  it('is not fooled by the word "query" or "mutation" inside strings, comments or field names', () => {
    expect(classify({ query: '# query\nmutation { query(text: "query { a }") }' }).kind).toBe('mutation');
    expect(classify({ query: '{ mutation(text: "mutation { x }") }' }).kind).toBe('query');
  });
});

describe('classifyGraphqlRequest: not GraphQL (forwarded uncached; the origin answers its own error)', () => {
  const cases: [string, Buffer, string | undefined, string][] = [
    ['another media type', body({ query: '{ a }' }), 'text/plain', 'media-type'],
    ['no Content-Type', body({ query: '{ a }' }), undefined, 'media-type'],
    ['invalid JSON', Buffer.from('{"query": "{ a }"'), JSON_TYPE, 'not-json'],
    ['a JSON array (batched operations)', body([{ query: '{ a }' }]), JSON_TYPE, 'not-an-object'],
    ['a JSON string', body('{ a }'), JSON_TYPE, 'not-an-object'],
    ['no query (an automatic persisted query hash alone)', body({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }), JSON_TYPE, 'no-query'],
    ['an empty query', body({ query: '' }), JSON_TYPE, 'no-query'],
    ['a query that is not a string', body({ query: 42 }), JSON_TYPE, 'no-query'],
    ['an operationName that is not a string', body({ query: '{ a }', operationName: 1 }), JSON_TYPE, 'bad-operation-name'],
    ['variables that are not an object', body({ query: '{ a }', variables: [1] }), JSON_TYPE, 'bad-variables'],
    ['extensions that are not an object', body({ query: '{ a }', extensions: 'x' }), JSON_TYPE, 'bad-extensions'],
    ['a syntax error', body({ query: '{ a ' }), JSON_TYPE, 'syntax-error'],
    ['an operationName not in the document', body({ query: 'query A { a }', operationName: 'B' }), JSON_TYPE, 'no-operation'],
    ['several operations without operationName', body({ query: 'query A { a } query B { b }' }), JSON_TYPE, 'no-operation'],
    ['a document without operations', body({ query: 'fragment F on Q { a }' }), JSON_TYPE, 'no-operation'],
    [
      'variables nested deeper than the stack allows',
      Buffer.from(`{"query":"{ a }","variables":{"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`),
      JSON_TYPE,
      'too-deep',
    ],
  ];
  it.each(cases)('%s', (_title, content, contentType, reason) => {
    expect(classifyGraphqlRequest(content, contentType)).toEqual({ kind: 'not-graphql', reason });
  });
});

describe('classifyGraphqlRequest: ambiguous JSON is never a cacheable query (security review: key collisions)', () => {
  const raw = (text: string) => classifyGraphqlRequest(Buffer.from(text), JSON_TYPE);
  const withVariable = (token: string) => raw(`{"query":"query Q($v: Float) { f(v: $v) }","variables":{"v":${token}}}`);

  it.each([
    ['9007199254740993', '9007199254740992'],
    ['1e400', '2e400'],
    ['1.0', '1e0'],
    ['10E-1', '1e0'],
    ['-0', '0.0'],
  ])('relays numbers %s and %s uncached (JSON.parse reads them as one value)', (a, b) => {
    expect(withVariable(a)).toEqual({ kind: 'ambiguous-json', reason: 'inexact-number' });
    expect(withVariable(b)).toEqual({ kind: 'ambiguous-json', reason: 'inexact-number' });
  });

  it('keeps 1, 0, -5 and 0.5 cacheable, each under its own digest', () => {
    const digests = ['1', '0', '-5', '0.5'].map((token) => {
      const kind = withVariable(token);
      if (kind.kind !== 'query') throw new Error(`expected a query for ${token}, got ${JSON.stringify(kind)}`);
      return kind.digest;
    });
    expect(new Set(digests).size).toBe(4);
  });

  it('relays duplicate member names uncached, at the top and at any depth', () => {
    expect(raw('{"query":"{ a }","variables":{"v":1,"v":2}}')).toEqual({ kind: 'ambiguous-json', reason: 'duplicate-member' });
    expect(raw('{"query":"{ a }","variables":{"v":[{"w":1,"w":1}]}}')).toEqual({ kind: 'ambiguous-json', reason: 'duplicate-member' });
    expect(raw('{"query":"{ a }","variables":{"v":2}}').kind).toBe('query');
  });

  it('never takes {"query": mutation, "query": query} for a query (an origin keeping the first runs the mutation)', () => {
    expect(raw('{"query":"mutation { del }","query":"query { me }"}')).toEqual({ kind: 'ambiguous-json', reason: 'duplicate-member' });
    expect(raw('{"query":"query { me }","query":"mutation { del }"}')).toEqual({ kind: 'ambiguous-json', reason: 'duplicate-member' });
  });

  it('relays escaped lone surrogates uncached', () => {
    expect(raw('{"query":"{ a }","variables":{"s":"\\ud800"}}')).toEqual({ kind: 'ambiguous-json', reason: 'lone-surrogate' });
    expect(raw('{"query":"{ a }","variables":{"\\udfff":1}}')).toEqual({ kind: 'ambiguous-json', reason: 'lone-surrogate' });
    expect(raw('{"query":"{ a }","variables":{"s":"\\ud83d\\ude00"}}').kind).toBe('query');
  });

  it('refuses invalid UTF-8 rather than reading it as U+FFFD ("\\xff" and "\\xfe" would share a key)', () => {
    const invalid = (byte: number) =>
      classifyGraphqlRequest(Buffer.concat([Buffer.from('{"query":"{ a }","variables":{"s":"'), Buffer.from([byte]), Buffer.from('"}}')]), JSON_TYPE);
    expect(invalid(0xff)).toEqual({ kind: 'not-graphql', reason: 'not-utf8' });
    expect(invalid(0xfe)).toEqual({ kind: 'not-graphql', reason: 'not-utf8' });
    // An encoded surrogate (CESU-8) and an overlong encoding are invalid UTF-8 too.
    expect(classifyGraphqlRequest(Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]), JSON_TYPE)).toEqual({ kind: 'not-graphql', reason: 'not-utf8' });
    expect(classifyGraphqlRequest(Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]), JSON_TYPE)).toEqual({ kind: 'not-graphql', reason: 'not-utf8' });
    // Valid multi-byte UTF-8 is fine.
    expect(classify({ query: '{ a }', variables: { s: 'é😀' } }).kind).toBe('query');
  });

  it('does not drop a byte order mark: the body with one is not JSON (RFC 8259 §8.1), never the key of the body without', () => {
    expect(classifyGraphqlRequest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body({ query: '{ a }' })]), JSON_TYPE)).toEqual({
      kind: 'not-graphql',
      reason: 'not-json',
    });
  });
});

describe('whyGraphqlResponseNotStored', () => {
  it('stores a result with data and no errors, or an empty errors list', () => {
    expect(whyGraphqlResponseNotStored(body({ data: { a: 1 } }))).toBeUndefined();
    expect(whyGraphqlResponseNotStored(body({ data: { a: 1 }, errors: [] }))).toBeUndefined();
  });

  it('does not store a result with errors, partial or not', () => {
    expect(whyGraphqlResponseNotStored(body({ errors: [{ message: 'boom' }] }))).toBe('graphql-errors');
    expect(whyGraphqlResponseNotStored(body({ data: { a: null }, errors: [{ message: 'boom' }] }))).toBe('graphql-errors');
  });

  it('does not store a body that is not a JSON object', () => {
    expect(whyGraphqlResponseNotStored(Buffer.from('<html>'))).toBe('graphql-not-json');
    expect(whyGraphqlResponseNotStored(body([1]))).toBe('graphql-not-json');
  });
});
