import { z } from 'zod';

/** RFC 9110 §5.1 field-name token, §5.5 field value without CR, LF or NUL. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name');
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'expected a header value without CR, LF or NUL');
const queryScalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * Methods an envelope may ask for. Methods are case-sensitive (RFC 9110 §9.1); CONNECT and TRACE
 * (tunnels, reflected requests) and extension methods are never forwarded.
 */
export const ENVELOPE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Body of `POST /proxy`: the seed's envelope plus an optional request body. */
export const ProxyRequestSchema = z
  .object({
    url: z.string().min(1).describe('Absolute http(s) URL to fetch'),
    method: z
      .enum(ENVELOPE_METHODS, { error: `expected one of ${ENVELOPE_METHODS.join(', ')} (upper case)` })
      .default('GET')
      .describe('HTTP method (upper case, one of the listed); GET and HEAD are cached'),
    headers: z.record(headerName, headerValue).default({}).describe('Request headers sent to the origin'),
    params: z
      .record(z.string(), z.union([queryScalar, z.array(queryScalar)]))
      .default({})
      .describe('Query parameters appended to the URL'),
    body: z.string().optional().describe('Request body sent to the origin'),
    body_encoding: z
      .enum(['utf-8', 'base64'])
      .default('utf-8')
      .describe('How `body` is encoded: plain text or base64 for binary payloads'),
  })
  .strict()
  .meta({ id: 'ProxyRequest' });

export type ProxyRequest = z.infer<typeof ProxyRequestSchema>;
export type ProxyRequestInput = z.input<typeof ProxyRequestSchema>;

export const ContentEncodingSchema = z.enum(['utf-8', 'base64']);

/** Answer of `POST /proxy`, the seed's shape plus `content_encoding` for binary bodies. */
export const ProxyResponseSchema = z
  .object({
    status_code: z.number().int().describe('Status code the origin (or the cache) answered'),
    content: z.string().describe('Response body: text as is, binary as base64 (see content_encoding)'),
    content_encoding: ContentEncodingSchema.describe('`utf-8` for text bodies, `base64` for binary ones'),
    headers: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .describe('Response headers, hop-by-hop headers removed; set-cookie is a list'),
    from_cache: z.boolean().describe('Whether the response was served from the cache'),
    cache_key: z.string().describe('Key of the cache entry for this request (see /cache/info/{key})'),
  })
  .meta({ id: 'ProxyResponse' });

export type ProxyResponse = z.infer<typeof ProxyResponseSchema>;
