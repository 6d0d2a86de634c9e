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
      const operations = Object.entries(item as Record<string, { security?: unknown[]; tags?: string[] }>).filter(([key]) => key !== 'servers');
      for (const [, operation] of operations) {
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
    expect(Object.keys(document.paths['/http/{target}']!)).toEqual(['servers', 'get', 'head', 'post', 'put', 'patch', 'delete']);
  });

  it("sends the admin document's data-plane operations to the data port, and the data port's to itself", () => {
    const admin = buildOpenApiDocument(VERSION).paths as Record<string, { servers?: { url: string; variables?: unknown }[] }>;
    for (const path of ['/proxy', '/http/{target}']) {
      expect(admin[path]!.servers).toEqual([
        {
          url: 'http://{host}:{port}',
          description: 'The data port (PORT)',
          variables: { host: { default: 'localhost' }, port: { default: '8000' } },
        },
      ]);
    }
    expect(admin['/stats']!.servers).toBeUndefined();
    const data = buildOpenApiDocument(VERSION, 'data').paths as Record<string, { servers?: unknown }>;
    expect(data['/proxy']!.servers).toBeUndefined();
  });

  it("the data port's document lists only what the data port answers", () => {
    const paths = Object.keys(buildOpenApiDocument(VERSION, 'data').paths ?? {}).sort();
    expect(paths).toEqual(['/cache/clear', '/cache/info/{key}', '/cache/{key}', '/health', '/http/{target}', '/proxy', '/stats']);
  });
});
