import { describe, expect, it } from 'vitest';
import { entryKeyFor, queryKeyFor } from '../../src/cache/cache-key.js';
import { classifyGraphqlRequest } from '../../src/cache/graphql-request.js';
import { classifyGraphqlPost, graphqlBypassDetail } from '../../src/data-plane/graphql-post.js';

const url = new URL('https://api.example/graphql');
const urlKey = entryKeyFor(url);
const JSON_TYPE = 'application/json';
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('classifyGraphqlPost', () => {
  it("gives a query its own key (POST, the URL, the query's digest) and marks it cacheable", () => {
    const content = body({ query: '{ a }' });
    const post = classifyGraphqlPost(content, JSON_TYPE, url, urlKey, 1024);
    const classified = classifyGraphqlRequest(content, JSON_TYPE);
    expect(classified.kind).toBe('query');
    expect(post).toEqual({ key: queryKeyFor(url, (classified as { digest: string }).digest), cacheablePost: true, body: content, kind: 'query' });
    expect(graphqlBypassDetail(post)).toBeUndefined();
  });

  it("keeps the URL's key for a mutation, anything else and a body above the bound, and says why", () => {
    const mutation = classifyGraphqlPost(body({ query: 'mutation { a }' }), JSON_TYPE, url, urlKey, 1024);
    expect(mutation).toMatchObject({ key: urlKey, cacheablePost: false, kind: 'mutation' });
    expect(graphqlBypassDetail(mutation)).toBe('graphql-mutation');
    expect(classifyGraphqlPost(Buffer.from('nope'), JSON_TYPE, url, urlKey, 1024)).toMatchObject({ cacheablePost: false, kind: 'not-graphql' });
    const oversized = classifyGraphqlPost(body({ query: '{ a }' }), JSON_TYPE, url, urlKey, 4);
    expect(oversized).toMatchObject({ key: urlKey, cacheablePost: false, kind: 'oversized' });
    expect(graphqlBypassDetail(oversized)).toBe('graphql-oversized');
  });
});
