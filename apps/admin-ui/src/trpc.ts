import { createTRPCClient, httpBatchLink, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@caching-proxy/proxy/router';
import type { ApiKeyStore } from './lib/api-key-store';
import { isUnauthorized } from './lib/trpc-error';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** Tells the key store about every 401, with the key the refused request carried. */
function refusalLink(keys: ApiKeyStore): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const sentKey = keys.getState().key;
        return next(op).subscribe({
          next: (value) => observer.next(value),
          error: (error) => {
            if (isUnauthorized(error)) keys.refused(sentKey);
            observer.error(error);
          },
          complete: () => observer.complete(),
        });
      });
}

/** The only way the dashboard talks to the proxy: tRPC on the admin listener that served it. */
export function createProxyClient(keys: ApiKeyStore) {
  return createTRPCClient<AppRouter>({
    links: [
      refusalLink(keys),
      httpBatchLink({
        url: '/trpc',
        headers: () => {
          const { key } = keys.getState();
          return key === null ? {} : { authorization: `Bearer ${key}` };
        },
      }),
    ],
  });
}
