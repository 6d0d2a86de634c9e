import { z } from 'zod';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { ErrorBodySchema } from '@caching-proxy/shared';
import { appRouter } from './router.js';

const ERROR_SCHEMA_NAME = 'ErrorBody';

/**
 * trpc-to-openapi describes errors with its own `error.<TRPC_CODE>` schemas; our bodies carry the
 * registry's `{ error: { code, message } }` (plus tRPC's own fields), so point every error
 * response at that schema instead.
 */
function useRegistryErrorSchema(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(schemas)) {
    if (name.startsWith('error.')) delete schemas[name];
  }
  // io 'input': the documented fields are guaranteed, others (tRPC's own) may appear too.
  const generated = z.toJSONSchema(ErrorBodySchema, { io: 'input' }) as { $defs?: Record<string, unknown> };
  schemas[ERROR_SCHEMA_NAME] = generated.$defs?.[ERROR_SCHEMA_NAME] ?? generated;
  const json = JSON.stringify(document).replace(
    /"#\/components\/schemas\/error\.[A-Z_]+"/g,
    `"#/components/schemas/${ERROR_SCHEMA_NAME}"`,
  );
  return JSON.parse(json) as OpenAPIObject;
}

/** The OpenAPI document of the control plane, derived from the router (never hand-written). */
export function buildOpenApiDocument(version: string): OpenAPIObject {
  return useRegistryErrorSchema(
    generateOpenApiDocument(appRouter, {
      title: 'caching-proxy control plane',
      description:
        'Statistics, health and cache administration of caching-proxy. The same operations are available ' +
        'over tRPC at /trpc. When ADMIN_API_KEY is set, every operation but /health needs ' +
        '`Authorization: Bearer <key>`. Errors answer `{ "error": { "code", "message" } }` with a stable code.',
      version,
      baseUrl: '/',
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      tags: ['system', 'cache'],
    }),
  );
}
