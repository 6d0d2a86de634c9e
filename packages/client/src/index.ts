import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@caching-proxy/proxy/router';

// Type-only: the router's types are bundled into dist/index.d.ts at build time, so the package
// needs no runtime (or install-time) dependency on the proxy.
export type { AppRouter } from '@caching-proxy/proxy/router';

export interface CachingProxyClientOptions {
  /** Base URL of the proxy's admin listener (`ADMIN_PORT`), e.g. `http://127.0.0.1:8001`. */
  url: string;
  /** ADMIN_API_KEY of the proxy, when it has one: sent as `Authorization: Bearer <key>`. */
  apiKey?: string | undefined;
  /** Extra headers on every call (tracing, for instance). */
  headers?: Record<string, string> | undefined;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof globalThis.fetch | undefined;
}

export type CachingProxyClient = TRPCClient<AppRouter>;

const WRONG_LISTENER_HINT =
  'point createCachingProxyClient at the admin listener (ADMIN_PORT, default http://127.0.0.1:8001), ' +
  'not the data port (PORT, default 8000)';

/**
 * Wraps fetch so that an answer that is not from the tRPC endpoint (the data port's JSON 404, an
 * origin's page in reverse-proxy mode, an HTML error of something else) fails with a message that
 * says so, instead of tRPC's "Unable to transform response from server".
 */
function checkedFetch(base: string, fetchImpl: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.ok) return response;
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('json')) {
      throw new Error(
        `${base}/trpc answered ${response.status} with ${type || 'no content type'}, not a tRPC response: ${WRONG_LISTENER_HINT}`,
      );
    }
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    // tRPC errors carry a numeric code (batch answers are arrays); the proxy's plain JSON errors
    // — such as the data port's 404 — carry a string PROXY_ERR_… code instead.
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (!Array.isArray(body) && typeof error?.code === 'string') {
      const detail = typeof error.message === 'string' ? ` (${error.message})` : '';
      throw new Error(`${base}/trpc answered ${response.status} ${error.code}${detail}: ${WRONG_LISTENER_HINT}`);
    }
    return response;
  };
}

/**
 * A tRPC client typed by the proxy's router: every control-plane procedure with its input and
 * output types (`client.stats.query()`, `client.cache.purge.mutate({ prefix })`, …). Failed calls
 * reject with `TRPCClientError` (`error.data.code`, `error.data.httpStatus`).
 */
export function createCachingProxyClient(options: CachingProxyClientOptions): CachingProxyClient {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        fetch: checkedFetch(base, options.fetch ?? globalThis.fetch),
        headers: () => ({
          ...options.headers,
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        }),
      }),
    ],
  });
}
