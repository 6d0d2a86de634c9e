import { QueryClient } from '@tanstack/react-query';
import { shouldRetry } from './lib/trpc-error';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry },
      mutations: { retry: false },
    },
  });
}
