import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/control-plane/openapi.js';
import { VERSION } from '../../src/version.js';

describe('the committed OpenAPI document', () => {
  it('matches the router (run `npm run generate:openapi -w @caching-proxy/proxy` after changing it)', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(VERSION))));
  });

  it('marks every control-plane operation but /health as needing the bearer key', () => {
    const document = buildOpenApiDocument(VERSION);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const operation of Object.values(item as Record<string, { security?: unknown[]; tags?: string[] }>)) {
        if (path === '/health' || operation.tags?.includes('data plane')) expect(operation.security ?? []).toEqual([]);
        else expect(operation.security).toEqual([{ bearerAuth: [] }]);
      }
    }
  });

  it('describes the data plane too: POST /proxy with its schema and ANY /http/{target}', () => {
    const document = buildOpenApiDocument(VERSION) as unknown as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    expect(document.paths['/proxy']!.post!.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ProxyRequest',
    });
    expect(Object.keys(document.components.schemas.ProxyRequest!.properties!)).toEqual([
      'url',
      'method',
      'headers',
      'params',
      'body',
      'body_encoding',
    ]);
    expect(document.components.schemas.ProxyRequest!.required).toEqual(['url']);
    expect(Object.keys(document.components.schemas.ProxyResponse!.properties!)).toContain('from_cache');
    expect(Object.keys(document.paths['/http/{target}']!)).toEqual(['get', 'head', 'post', 'put', 'patch', 'delete']);
  });

  it("the data port's document lists only what the data port answers", () => {
    const paths = Object.keys(buildOpenApiDocument(VERSION, 'data').paths ?? {}).sort();
    expect(paths).toEqual(['/cache/clear', '/cache/info/{key}', '/cache/{key}', '/health', '/http/{target}', '/proxy', '/stats']);
  });
});
