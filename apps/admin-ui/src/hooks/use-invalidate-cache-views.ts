import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc';

/** After a change to storage: the entry views and the counters are out of date. */
export function useInvalidateCacheViews(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.cache.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.stats.pathKey() }),
    ]);
  };
}
