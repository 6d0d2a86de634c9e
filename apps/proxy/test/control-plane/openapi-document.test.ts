import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/control-plane/openapi.js';
import { VERSION } from '../../src/version.js';

describe('the committed OpenAPI document', () => {
  it('matches the router (run `npm run generate:openapi -w @caching-proxy/proxy` after changing it)', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(VERSION))));
  });

  it('marks every operation but /health as needing the bearer key', () => {
    const document = buildOpenApiDocument(VERSION);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      for (const operation of Object.values(item as Record<string, { security?: unknown[] }>)) {
        if (path === '/health') expect(operation.security ?? []).toEqual([]);
        else expect(operation.security).toEqual([{ bearerAuth: [] }]);
      }
    }
  });
});
