import { z } from 'zod';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { ErrorBodySchema } from '@caching-proxy/shared';
import { addDataPlaneOperations } from './openapi-data-plane.js';
import { appRouter, seedCompatibleRouter } from './router.js';

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

/**
 * The OpenAPI document, derived from the router (never hand-written), plus the data plane's
 * operations. `listener: 'data'` describes what the data port serves (the data plane and the
 * seed's REST paths), so that "Try it out" on its docs pages only offers what answers there.
 */
export function buildOpenApiDocument(version: string, listener: 'admin' | 'data' = 'admin'): OpenAPIObject {
  const generated = useRegistryErrorSchema(
    generateOpenApiDocument(listener === 'admin' ? appRouter : seedCompatibleRouter, {
      title: 'caching-proxy',
      description:
        'The data plane (POST /proxy and /http/{target}, on the data port) and the control plane: statistics, ' +
        'health, cache administration and cache rules (on the admin listener; the same operations are available over tRPC at ' +
        '/trpc). When ADMIN_API_KEY is set, every control-plane operation but /health needs ' +
        '`Authorization: Bearer <key>`. Errors answer `{ "error": { "code", "message" } }` with a stable code.',
      version,
      baseUrl: '/',
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      tags: ['system', 'cache', 'rules'],
    }),
  );
  return addDataPlaneOperations(generated, listener);
}
