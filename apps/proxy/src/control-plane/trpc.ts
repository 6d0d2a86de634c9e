import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { ErrorCode } from '@caching-proxy/shared';
import { ProxyError } from '../errors.js';
import { apiKeyMatches } from './auth.js';
import type { Context } from './context.js';

const TRPC_CODE_TO_PROXY: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: 'PROXY_ERR_INVALID_JSON',
  BAD_REQUEST: 'PROXY_ERR_INVALID_REQUEST',
  UNAUTHORIZED: 'PROXY_ERR_UNAUTHORIZED',
  FORBIDDEN: 'PROXY_ERR_FORBIDDEN',
  NOT_FOUND: 'PROXY_ERR_NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'PROXY_ERR_METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PROXY_ERR_PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'PROXY_ERR_UNSUPPORTED_MEDIA_TYPE',
};

const STATUS_TO_TRPC_CODE: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** Throws a registry error from a procedure, with the tRPC code that gives it the same HTTP status. */
export function fail(code: ErrorCode, message: string): never {
  const cause = new ProxyError(code, message);
  throw new TRPCError({ code: STATUS_TO_TRPC_CODE[cause.status] ?? 'INTERNAL_SERVER_ERROR', message, cause });
}

interface IssueLike {
  path?: readonly PropertyKey[];
  message: string;
}

function flattenIssues(cause: unknown): { path: string; message: string }[] | undefined {
  const issues = (cause as { issues?: IssueLike[] } | undefined)?.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.map((issue) => ({ path: (issue.path ?? []).map(String).join('.'), message: issue.message }));
}

/**
 * tRPC and trpc-to-openapi word a wrong body type as `Unsupported content-type "text/plain` (an
 * unbalanced quote, and no hint): say what is expected instead.
 */
function clarifyMessage(message: string): string {
  const unsupported = /^Unsupported content-type "(.*)$/.exec(message);
  if (unsupported) return `Unsupported content type "${unsupported[1]}": send a JSON body with Content-Type: application/json`;
  if (message === 'Missing content-type header') return 'Missing Content-Type: send a JSON body with Content-Type: application/json';
  return message;
}

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error }) {
      const code: ErrorCode =
        error.cause instanceof ProxyError ? error.cause.code : (TRPC_CODE_TO_PROXY[error.code] ?? 'PROXY_ERR_INTERNAL');
      const issues = flattenIssues(error.cause);
      const message =
        code === 'PROXY_ERR_INTERNAL'
          ? 'An unexpected error occurred; see the proxy logs'
          : issues
            ? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
            : clarifyMessage(error.message);
      return {
        message,
        code: shape.code,
        // Never a stack trace: only the fields a client can act on.
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, issues },
        error: { code, message },
      };
    },
  });

export const router = t.router;

/** A ProxyError thrown by a procedure answers with its registry status, not 500. */
const mapProxyErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ProxyError && result.error.code === 'INTERNAL_SERVER_ERROR') {
    fail(result.error.cause.code, result.error.cause.message);
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapProxyErrors);

/** With ADMIN_API_KEY set, every procedure but health needs `Authorization: Bearer <key>`. */
const requireApiKey = t.middleware(({ ctx, next }) => {
  const { apiKey } = ctx.deps;
  if (apiKey !== undefined && !apiKeyMatches(ctx.caller.bearer, apiKey)) {
    fail('PROXY_ERR_UNAUTHORIZED', 'Send the admin API key as `Authorization: Bearer <ADMIN_API_KEY>`');
  }
  return next();
});

/**
 * Without an API key, the data port's mutating routes answer only loopback clients that are not
 * web pages: the data port is reachable from the network and shares its origin with proxied pages.
 */
const guardOpenDataPortMutation = t.middleware(({ ctx, type, next }) => {
  const { caller } = ctx;
  if (type === 'mutation' && ctx.deps.apiKey === undefined && caller.listener === 'data') {
    if (!caller.loopback || caller.browser) {
      fail(
        'PROXY_ERR_FORBIDDEN',
        'Without ADMIN_API_KEY, mutating routes on the data port only answer non-browser loopback clients; use the admin listener',
      );
    }
  }
  return next();
});

export const protectedProcedure = publicProcedure.use(requireApiKey).use(guardOpenDataPortMutation);
