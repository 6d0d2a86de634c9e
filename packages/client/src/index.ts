import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@caching-proxy/proxy/router';

export type { AppRouter } from '@caching-proxy/proxy/router';

export interface CachingProxyClientOptions {
  /** Base URL of the proxy's admin listener, e.g. `http://127.0.0.1:8001`. */
  url: string;
  /** ADMIN_API_KEY of the proxy, when it has one: sent as `Authorization: Bearer <key>`. */
  apiKey?: string | undefined;
  /** Extra headers on every call (tracing, for instance). */
  headers?: Record<string, string> | undefined;
  /** A fetch implementation (defaults to the global one). */
  fetch?: typeof globalThis.fetch | undefined;
}

export type CachingProxyClient = TRPCClient<AppRouter>;

/**
 * A tRPC client typed by the proxy's router: every control-plane procedure with its input and
 * output types (`client.stats.query()`, `client.cache.purge.mutate({ prefix })`, …).
 */
export function createCachingProxyClient(options: CachingProxyClientOptions): CachingProxyClient {
  const base = options.url.replace(/\/+$/, '');
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        fetch: options.fetch,
        headers: () => ({
          ...options.headers,
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        }),
      }),
    ],
  });
}
