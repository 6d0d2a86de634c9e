import { z } from 'zod';
import type { OpenAPIObject } from 'trpc-to-openapi';
import { ProxyRequestSchema, ProxyResponseSchema } from '@caching-proxy/shared';

/**
 * The data plane's operations in the OpenAPI document: `POST /proxy` (its request and response
 * schemas generated from the shared zod schemas) and `ANY /http/{target}`. They are served by the
 * data port, not by tRPC, so trpc-to-openapi cannot derive them; only their prose is written here.
 */

type Json = Record<string, unknown>;

const ERROR_RESPONSE = (description: string): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/** A zod schema as an OpenAPI 3.1 (JSON Schema 2020-12) component. */
function component(schema: z.ZodType, io: 'input' | 'output', id: string): Json {
  const generated = z.toJSONSchema(schema, { io }) as Json & { $defs?: Record<string, Json> };
  const { $schema: _ignored, ...rest } = generated.$defs?.[id] ?? generated;
  return rest;
}

const PROXIED_ANSWERS: Json = {
  '200': { description: "The origin's response (any status), with X-Cache, Cache-Status, Age and X-Cache-Key" },
  '400': ERROR_RESPONSE('Malformed target, unsupported scheme, control characters, credentials in the URL'),
  '403': ERROR_RESPONSE('The SSRF guard refused the target'),
  '502': ERROR_RESPONSE('The origin could not be reached or sent an invalid response'),
  '504': ERROR_RESPONSE('The origin did not answer in time, or only-if-cached found nothing usable'),
};

function transparentOperation(method: string): Json {
  return {
    operationId: `http-target-${method}`,
    summary: `${method.toUpperCase()} a URL through the cache`,
    description:
      'Transparent mode: everything after `/http/` is the target URL, taken from the raw request path ' +
      '(`/http/example.com/a?b=1` fetches https://example.com/a?b=1; `/http/http://host:port/path` keeps the scheme). ' +
      'GET and HEAD are cached (RFC 9111); other methods pass through and invalidate the stored URL on success ' +
      '(RFC 9111 §4.4). Clients configured with this port as their HTTP proxy (absolute-form requests, ' +
      '`curl -x`) are served the same way. Served on the data port (PORT). Because the target contains slashes, ' +
      'use curl rather than "Try it out" here.',
    tags: ['data plane'],
    parameters: [
      {
        name: 'target',
        in: 'path',
        required: true,
        description: 'The target URL, scheme optional (https by default), e.g. `example.com/a?b=1`',
        schema: { type: 'string' },
      },
    ],
    responses: PROXIED_ANSWERS,
  };
}

/** Adds `POST /proxy` and `ANY /http/{target}` (and their schemas) to a generated document. */
/**
 * On the admin listener's document the data-plane paths name the data port as their server
 * (OpenAPI 3.1 §4.8.9 path-level `servers`), so that "Try it out" sends them where they answer;
 * host and port are variables the reader can edit (defaults: localhost and PORT's default).
 */
const DATA_PORT_SERVERS: Json[] = [
  {
    url: 'http://{host}:{port}',
    description: 'The data port (PORT)',
    variables: { host: { default: 'localhost' }, port: { default: '8000' } },
  },
];

export function addDataPlaneOperations(document: OpenAPIObject, listener: 'admin' | 'data' = 'admin'): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  schemas.ProxyRequest = component(ProxyRequestSchema, 'input', 'ProxyRequest');
  schemas.ProxyResponse = component(ProxyResponseSchema, 'output', 'ProxyResponse');
  document.tags = [...(document.tags ?? []), { name: 'data plane', description: 'Proxied requests, on the data port (PORT)' }];
  const paths = (document.paths ??= {}) as Record<string, Json>;
  paths['/proxy'] = {
    post: {
      operationId: 'proxy',
      summary: 'Fetch a URL through the cache, described by a JSON envelope',
      description:
        "The seed's envelope: the proxy fetches `url` (with `method`, `headers`, `params` and an optional `body`) " +
        'through the cache and answers HTTP 200 with the origin\'s status, headers and body in JSON whenever the origin ' +
        'answered. Shares entries with `/http/{target}`. Served on the data port (PORT).',
      tags: ['data plane'],
      parameters: [
        {
          name: 'ttl',
          in: 'query',
          required: false,
          description:
            'Freshness lifetime of the stored response in seconds, counted from now (0: do not store); it does not ' +
            'make a no-store, private or Set-Cookie response storable',
          schema: { type: 'integer', minimum: 0, maximum: 2 ** 31 },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/ProxyRequest' },
            example: { url: 'https://example.com/', method: 'GET', headers: { Accept: 'text/html' } },
          },
        },
      },
      responses: {
        ...PROXIED_ANSWERS,
        '200': {
          description: "The origin answered (its status is in status_code)",
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ProxyResponse' } } },
        },
        '400': ERROR_RESPONSE('Invalid JSON, an envelope that does not match the schema, a bad ttl or target'),
        '413': ERROR_RESPONSE('The envelope is larger than MAX_ENVELOPE_BYTES'),
      },
    },
  };
  paths['/http/{target}'] = Object.fromEntries(
    ['get', 'head', 'post', 'put', 'patch', 'delete'].map((method) => [method, transparentOperation(method)]),
  );
  if (listener === 'admin') {
    for (const path of ['/proxy', '/http/{target}']) paths[path] = { servers: DATA_PORT_SERVERS, ...paths[path] };
  }
  return document;
}
