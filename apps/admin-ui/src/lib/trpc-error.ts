import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@caching-proxy/proxy/router';

/** HTTP status of a failed procedure call; undefined when the proxy sent no tRPC answer (network). */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.httpStatus : undefined;
}

export function isUnauthorized(error: unknown): boolean {
  return httpStatusOf(error) === 401;
}

/** Client errors (4xx) will fail again; network failures and 5xx are retried twice. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  return failureCount < 2 && (status === undefined || status >= 500);
}

/** A sentence for an error notice. */
export function describeError(error: unknown): string {
  if (error instanceof TRPCClientError && httpStatusOf(error) === undefined) {
    return `The proxy did not answer (${error.message}). Is it running?`;
  }
  return error instanceof Error ? error.message : String(error);
}
